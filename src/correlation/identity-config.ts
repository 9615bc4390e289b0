import { ConfigNode } from '../config/fields';

/** The `identity:` section of the config. */
export interface IdentityConfig {
  /** the organisation's email domains: an alias in one of them is taken as a person's email */
  emailDomains: string[];
  /** prefixes the Kubernetes API server puts before OIDC usernames (`--oidc-username-prefix`), e.g. `oidc:` */
  oidcPrefixes: string[];
  /** static alias lists: every value names the same identity */
  aliases: { identity: string; values: string[] }[];
}

export function parseIdentityConfig(raw: unknown): IdentityConfig {
  if (raw === undefined || raw === null) return { emailDomains: [], oidcPrefixes: [], aliases: [] };
  const node = ConfigNode.of(raw, 'identity');
  node.allowOnly(['emailDomains', 'oidcPrefixes', 'aliases']);
  return {
    emailDomains: node.stringList('emailDomains').map((d) => d.toLowerCase()),
    oidcPrefixes: node.stringList('oidcPrefixes'),
    aliases: node.list('aliases').map((a) => {
      a.allowOnly(['identity', 'values']);
      return { identity: a.string('identity'), values: a.stringList('values') };
    }),
  };
}
