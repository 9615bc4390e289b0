import { AliasKind, type Source, type SourceType } from '../../domain';
import type { AliasSupport, IdentitySearch, SearchAlias } from '../../query/planner';
import { IDENTITY_ALIASES as AZURE, } from '../../sources/azure-activity';
import { extraClause } from '../../sources/azure-activity/odata';
import { IDENTITY_ALIASES as CLOUDTRAIL } from '../../sources/cloudtrail';
import { lookupPlanFor } from '../../sources/cloudtrail/lookup';
import { IDENTITY_ALIASES as FLYTE } from '../../sources/flyte';
import { IDENTITY_ALIASES as GCP } from '../../sources/gcp-audit';
import { IDENTITY_ALIASES as K8S } from '../../sources/k8s-audit';
import { IDENTITY_ALIASES as OKTA } from '../../sources/okta';
import { ACCESS_KEY, aliasKey } from './alias';
import type { ResolvedIdentity } from './graph';

const lower = (a: SearchAlias) => a.value.toLowerCase();

/**
 * Per source type: the alias kinds its events carry and its pushdown takes (declared beside each source), and the
 * upstream form one alias becomes there, computed by the source's own filter builder so that two aliases that
 * become one request parameter (an Identity Center user and its session ARN are both `Username=alice@…`) count once.
 */
const SUPPORT: Record<SourceType, AliasSupport> = {
  okta: { ...OKTA, upstreamValue: lower },
  cloudtrail: {
    ...CLOUDTRAIL,
    upstreamValue: (a) => {
      const attribute = lookupPlanFor({ identity: [a.value] }).attribute;
      return attribute ? `${attribute.AttributeKey}=${attribute.AttributeValue}` : undefined;
    },
  },
  'k8s-audit': { ...K8S, upstreamValue: () => undefined },
  'gcp-audit': { ...GCP, upstreamValue: lower },
  'azure-activity': { ...AZURE, upstreamValue: (a) => extraClause({ identity: [a.value] }).clause },
  flyte: { ...FLYTE, upstreamValue: (a) => `user=${a.value}` },
};

export function aliasSupport(source: Source): AliasSupport | undefined {
  return SUPPORT[source.type];
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
