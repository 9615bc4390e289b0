import { AliasKind, type AliasSupport } from '../../domain';

/**
 * The identity alias kinds this source's events carry (caller (a upn or an app id) and the object id of the claims; `caller eq` is not used), and those its live mode's identity pushdown can
 * send upstream (in the form `upstreamValue` gives). The planner pushes an identity's aliases to each source by these, and does not ask a source
 * none of whose kinds the identity has.
 */
export const identityAliases: AliasSupport = {
  produced: [AliasKind.AZURE_CALLER, AliasKind.EMAIL, AliasKind.AZURE_OBJECT_ID],
  // `caller eq` is not sent: the API does not say whether it compares with case (see odata.ts)
  pushed: [],
  upstreamValue: () => undefined,
};
