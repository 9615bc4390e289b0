import { AliasKind, type AliasSupport } from '../../domain';

/**
 * The identity alias kinds this source's events carry (authenticationInfo.principalEmail/principalSubject and the delegation chain, all of which the entries.list filter names), and those its live mode's identity pushdown can
 * send upstream (in the form `upstreamValue` gives). The planner pushes an identity's aliases to each source by these, and does not ask a source
 * none of whose kinds the identity has.
 */
export const identityAliases: AliasSupport = {
  produced: [AliasKind.GCP_PRINCIPAL, AliasKind.EMAIL, AliasKind.K8S_SERVICE_ACCOUNT, AliasKind.K8S_USER],
  pushed: [AliasKind.GCP_PRINCIPAL, AliasKind.EMAIL, AliasKind.K8S_SERVICE_ACCOUNT, AliasKind.K8S_USER],
  upstreamValue: (a) => a.value.toLowerCase(),
};
