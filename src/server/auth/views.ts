import { createHmac } from 'node:crypto';
import type { AppConfig } from '../../config/config';
import type { IdentityConfig } from '../../correlation/identity-config';
import { callerKey, type Access, type Caller } from '../../domain';

const BORROWED = /^sources\[id=(.+)\]$/;

/** The identity config as a caller who sees only `visible` would have it: nothing that names or reads a hidden source. */
function identityView(identity: IdentityConfig, visible: ReadonlySet<string>): IdentityConfig {
  const okta = identity.lookups.okta;
  const borrowedFrom = okta ? BORROWED.exec(okta.from)?.[1] : undefined;
  return {
    ...identity,
    oidcPrefixes: identity.oidcPrefixes.filter((p) => !p.source || visible.has(p.source)),
    aliases: identity.aliases
      .filter((g) => !g.identity.scope || visible.has(g.identity.scope))
      .map((g) => ({ ...g, values: g.values.filter((v) => !v.scope || visible.has(v.scope)) })),
    lookups: {
      // Okta users looked up with a hidden Okta source's token are that source's data
      okta: okta && (!borrowedFrom || visible.has(borrowedFrom)) ? okta : undefined,
      kubernetes: identity.lookups.kubernetes.filter((k) => visible.has(k.source)),
    },
  };
}

/**
 * The configuration as each caller sees it: only the sources they may see, and an identity config that names and
 * reads no other. One view per distinct set of visible sources, kept for the process: the identity lookups'
 * clients (connections, rate limits) hang off the identity config object and must not be made per request.
 */
export class SourceViews {
  private readonly views = new Map<string, AppConfig>();

  constructor(private readonly config: AppConfig) {}

  of(access: Access): AppConfig {
    const ids = this.config.sources.filter((s) => access.sources.has(s.id)).map((s) => s.id);
    if (ids.length === this.config.sources.length) return this.config;
    const key = ids.join('\u0000');
    let view = this.views.get(key);
    if (!view) {
      const visible = new Set(ids);
      view = { ...this.config, sources: this.config.sources.filter((s) => visible.has(s.id)), identity: identityView(this.config.identity, visible) };
      this.views.set(key, view);
    }
    return view;
  }
}

/**
 * The secret one caller's cursors are signed with: derived from the configured one and the caller, so that a
 * cursor made for one caller fails its check for any other (and any replica with the same secret derives it).
 */
export function callerCursorSecret(secret: string, caller: Caller): string {
  // without authentication there is one caller: its cursors are the server's own
  if (caller.method === 'anonymous') return secret;
  return createHmac('sha256', secret).update(`auditgraph cursor for\u0000${callerKey(caller)}`).digest('base64url');
}
