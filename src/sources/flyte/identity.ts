import { AliasKind, type AliasSupport } from '../../domain';

/**
 * The identity alias kinds this source's events carry (the principal (spec.metadata.principal, abort_metadata.principal), typed as it reads; the `user` filter column holds the same string), and those its live mode's identity pushdown can
 * send upstream (in the form `upstreamValue` gives). The planner pushes an identity's aliases to each source by these, and does not ask a source
 * none of whose kinds the identity has.
 */
export const identityAliases: AliasSupport = {
  produced: [AliasKind.FLYTE_PRINCIPAL, AliasKind.EMAIL, AliasKind.OKTA_USER_ID, AliasKind.K8S_SERVICE_ACCOUNT],
  pushed: [AliasKind.FLYTE_PRINCIPAL, AliasKind.EMAIL, AliasKind.OKTA_USER_ID, AliasKind.K8S_SERVICE_ACCOUNT],
  upstreamValue: (a) => `user=${a.value}`,
};
