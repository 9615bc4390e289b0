import type { JWTPayload } from 'jose';
import type { RoleConfig } from '../../config/auth';
import type { Access, Source } from '../../domain';

/** A claim's values: a string or a list of strings; `a.b` reads a nested claim (Keycloak's `realm_access.roles`). */
function claimValues(payload: JWTPayload, claim: string): string[] {
  let value: unknown = payload[claim];
  if (value === undefined && claim.includes('.')) {
    value = claim.split('.').reduce<unknown>((cur, k) => (cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined), payload);
  }
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/** The roles a verified token holds: those with a claim of the token holding one of the role's values. */
export function rolesOfToken(payload: JWTPayload, roles: readonly RoleConfig[]): string[] {
  return roles.filter((r) => [...r.claims].some(([claim, wanted]) => claimValues(payload, claim).some((v) => wanted.has(v)))).map((r) => r.name);
}

export function rolesOfApiKey(id: string, roles: readonly RoleConfig[]): string[] {
  return roles.filter((r) => r.apiKeys.has(id)).map((r) => r.name);
}

/** What a caller holding `held` may see: the union of those roles (sources, raw per source, admin). */
export function accessOf(held: readonly string[], roles: readonly RoleConfig[]): Access {
  const sources = new Set<string>();
  const raw = new Set<string>();
  let admin = false;
  for (const role of roles) {
    if (!held.includes(role.name)) continue;
    for (const id of role.sourceIds) {
      sources.add(id);
      if (role.raw) raw.add(id);
    }
    admin ||= role.admin;
  }
  return { sources, raw, admin };
}

/** Everything: the caller of a server without authentication (on loopback, or `auth.none`). */
export function fullAccess(sources: readonly Source[]): Access {
  const ids = new Set(sources.map((s) => s.id));
  return { sources: ids, raw: ids, admin: true };
}
