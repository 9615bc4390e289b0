import type { IdentityConfig } from './identity-config';

const lower = (s: string) => s.toLowerCase();

/**
 * Every name the asked identities go by that config alone establishes: static alias lists, and the
 * Kubernetes OIDC username (`<prefix><email>`) of an email in one of the organisation's domains.
 * Never by resemblance: `alice@example.com` does not take in `alice.smith@example.com`.
 * This is the cheap expansion of `events(filter: {identity})`, by value; `Identity.events` (src/correlation/identity)
 * goes further, by typed alias and per cluster.
 */
export function expandIdentities(values: readonly string[], config: IdentityConfig): string[] {
  const out = new Set<string>();
  const prefixes = [...new Set(config.oidcPrefixes.map((p) => p.prefix))];
  // a Kubernetes username carries its prefix: the name behind it is the one the other rules know
  const unprefixed = (value: string) => {
    const prefix = prefixes.find((p) => value.startsWith(p));
    return prefix ? value.slice(prefix.length) : value;
  };
  for (const value of values) {
    for (const name of new Set([value, unprefixed(value)])) {
      out.add(name);
      const v = lower(name);
      const group = config.aliases.find((a) => lower(a.identity.value) === v || a.values.some((x) => lower(x.value) === v));
      if (group) [group.identity, ...group.values].forEach((a) => out.add(a.value));
    }
  }
  for (const value of [...out]) {
    const email = unprefixed(value);
    const at = email.lastIndexOf('@');
    if (at > 0 && config.emailDomains.includes(lower(email.slice(at + 1)))) {
      for (const prefix of prefixes) out.add(`${prefix}${email}`);
    }
  }
  return [...out];
}
