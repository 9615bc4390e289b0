import type { IdentityConfig } from './identity-config';

const lower = (s: string) => s.toLowerCase();

/**
 * Every name the asked identities go by that config alone establishes: static alias lists, and the
 * Kubernetes OIDC username (`<prefix><email>`) of an email in one of the organisation's domains.
 * Never by resemblance: `alice@example.com` does not take in `alice.smith@example.com`.
 */
export function expandIdentities(values: readonly string[], config: IdentityConfig): string[] {
  const out = new Set<string>();
  const add = (v: string) => out.add(v);
  for (const value of values) {
    add(value);
    const v = lower(value);
    const group = config.aliases.find((a) => lower(a.identity) === v || a.values.some((x) => lower(x) === v));
    if (group) [group.identity, ...group.values].forEach(add);
  }
  for (const value of [...out]) {
    const at = value.lastIndexOf('@');
    if (at > 0 && config.emailDomains.includes(lower(value.slice(at + 1)))) {
      for (const prefix of config.oidcPrefixes) add(`${prefix}${value}`);
    }
    for (const prefix of config.oidcPrefixes) {
      if (value.startsWith(prefix)) add(value.slice(prefix.length));
    }
  }
  return [...out];
}
