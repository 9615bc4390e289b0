import { AliasKind, type AliasSupport, type Source } from '../../domain';
import type { IdentitySearch, SearchAlias } from '../../query/planner';
import { ACCESS_KEY, aliasKey } from './alias';
import type { ResolvedIdentity } from './graph';

/** What a source declares of the identity aliases it carries and takes (see `Source.identityAliases`). */
export function aliasSupport(source: Source): AliasSupport | undefined {
  return source.identityAliases;
}

/**
 * The identity's aliases as the planner takes them. A temporary key tied to its session by the session's own
 * calls is covered by the session (every call with the key names the session), and a long-term key by the IAM
 * user it authenticates as, unless a FLAG says someone else used it: then it is searched on its own.
 */
export function searchFor(identity: ResolvedIdentity): IdentitySearch {
  const aliases: SearchAlias[] = identity.aliases.map((view) => {
    const a: SearchAlias = { kind: view.alias.kind, value: view.alias.value };
    if (view.alias.scope) a.scope = view.alias.scope;
    if (view.alias.kind === AliasKind.AWS_ACCESS_KEY && ACCESS_KEY.test(view.alias.value) && view.flags.length === 0) {
      const key = aliasKey(view.alias);
      const holder = view.links
        .filter((l) => l.rule === 'aws.session-credential' || l.rule === 'aws.access-key-use' || l.rule === 'aws.create-access-key')
        .map((l) => (aliasKey(l.a) === key ? l.b : l.a))
        .find((other) => other.kind === AliasKind.AWS_ROLE_SESSION || other.kind === AliasKind.AWS_IAM_USER);
      if (holder) a.coveredBy = holder.value;
    }
    return a;
  });
  return { label: identity.id, aliases, support: aliasSupport };
}
