import { AliasKind } from '../../domain';
import type { IdentityConfig, OidcPrefix } from '../identity-config';
import { describeAlias, isEmail, type TypedAlias } from './alias';
import { Strength, type Link } from './links';

/**
 * What the `identity:` configuration establishes: static alias lists (applied first and even against the
 * exclusivity guard, since a person wrote them), and each cluster's OIDC username for an email of the
 * organisation. A prefix is per cluster: `oidc:alice@…` seen in a cluster whose prefix is another says nothing.
 */
export class ConfigRules {
  constructor(
    private readonly config: IdentityConfig,
    /** the ids of the Kubernetes audit sources, the clusters a prefix without `source` applies to */
    private readonly clusters: readonly string[],
  ) {}

  private prefixesOf(cluster: string): OidcPrefix[] {
    return this.config.oidcPrefixes.filter((p) => (p.source === undefined ? this.clusters.includes(cluster) : p.source === cluster));
  }

  private inDomain(email: string): string | undefined {
    const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
    return this.config.emailDomains.includes(domain) ? domain : undefined;
  }

  private oidcLink(cluster: string, prefix: OidcPrefix, email: string, domain: string): Link {
    const where = prefix.source ? `identity.oidcPrefixes (${cluster})` : 'identity.oidcPrefixes (every cluster)';
    return {
      a: { kind: AliasKind.EMAIL, value: email },
      b: { kind: AliasKind.K8S_USER, value: `${prefix.prefix}${email}`, scope: cluster },
      rule: 'config.oidc-prefix',
      strength: Strength.CONFIG,
      text: `${cluster} prefixes OIDC usernames with ${JSON.stringify(prefix.prefix)} (${where}) and ${domain} is in identity.emailDomains: ${prefix.prefix}${email} is ${email} there`,
      count: 1,
    };
  }

  /** The static lists, each value tied to the list's identity. An unscoped K8S_USER applies to every cluster. */
  staticLinks(): Link[] {
    const links: Link[] = [];
    const expand = (a: TypedAlias): TypedAlias[] => (a.kind === AliasKind.K8S_USER && !a.scope ? this.clusters.map((c) => ({ ...a, scope: c })) : [a]);
    for (const group of this.config.aliases) {
      for (const head of expand(group.identity)) {
        for (const value of group.values.flatMap(expand)) {
          links.push({ a: head, b: value, rule: 'config.alias', strength: Strength.CONFIG, forced: true, text: `${group.at} lists ${describeAlias(value)} as ${group.identity.value}`, count: 1 });
        }
      }
    }
    return links;
  }

  /** The links a newly seen alias brings by configuration: an email's OIDC usernames, or a username's email. */
  linksFor(alias: TypedAlias): Link[] {
    if (alias.kind === AliasKind.EMAIL) {
      const domain = this.inDomain(alias.value);
      if (!domain) return [];
      return this.clusters.flatMap((cluster) => this.prefixesOf(cluster).map((p) => this.oidcLink(cluster, p, alias.value, domain)));
    }
    if (alias.kind === AliasKind.K8S_USER && alias.scope) {
      const links: Link[] = [];
      for (const p of this.prefixesOf(alias.scope)) {
        if (!alias.value.startsWith(p.prefix)) continue;
        const email = alias.value.slice(p.prefix.length);
        const domain = isEmail(email) ? this.inDomain(email) : undefined;
        if (domain) links.push(this.oidcLink(alias.scope, p, email, domain));
      }
      return links;
    }
    return [];
  }
}
