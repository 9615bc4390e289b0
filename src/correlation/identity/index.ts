import { AliasKind } from '../../domain';
import type { TimeWindowRequest } from '../../query/window';
import { identitiesOf, type IdentityRequest } from './service';

export { aliasKey, describeAlias, parseTypedValue, type TypedAlias } from './alias';
export { IdentityGraph, type AliasView, type ResolvedIdentity } from './graph';
export type { Link, RuleName } from './links';
export { aliasSupport, searchFor } from './pushdown';
export { eventLinks } from './rules';
export { DEFAULT_DISCOVERY_WINDOW, identitiesOf, IdentityService, matchEvidence, type ActorRef, type DiscoveryReport, type FoundIdentity, type IdentityRequest } from './service';

/** A cloud identity a Kubernetes service account's pods act as, and why. */
export interface CloudRoleOfServiceAccount {
  kind: AliasKind.AWS_ROLE | AliasKind.AWS_ROLE_SESSION | AliasKind.AWS_ACCESS_KEY | AliasKind.GCP_PRINCIPAL;
  value: string;
  rule: string;
  evidence: string;
}

const CLOUD_KINDS = new Set<AliasKind>([AliasKind.AWS_ROLE, AliasKind.AWS_ROLE_SESSION, AliasKind.AWS_ACCESS_KEY, AliasKind.GCP_PRINCIPAL]);

/**
 * For run correlation: the cloud identities a service account (`system:serviceaccount:<ns>:<name>`) maps to in a
 * window: its IRSA role and the sessions and temporary keys AssumeRoleWithWebIdentity issued it, its GKE Google
 * service account, from the window's events and the ServiceAccount lookups, each with its evidence. Empty when
 * nothing ties it to a cloud identity (no annotation, no web-identity call), which is an answer, not an error.
 */
export async function cloudRolesOfServiceAccount(request: IdentityRequest, serviceAccount: string, window: TimeWindowRequest): Promise<CloudRoleOfServiceAccount[]> {
  const found = await identitiesOf(request).find(serviceAccount, window);
  if (!found) return [];
  return found.identity.aliases
    .filter((v) => CLOUD_KINDS.has(v.alias.kind))
    .map((v) => ({ kind: v.alias.kind as CloudRoleOfServiceAccount['kind'], value: v.alias.value, rule: v.rule, evidence: v.evidence }));
}
