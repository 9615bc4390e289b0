import { AliasKind, type AliasSupport } from '../../domain';

/**
 * The identity alias kinds this source's events carry (user.username and EKS's user.extra (arn, accessKeyId); audit files cannot be filtered before they are read), and those its live mode's identity pushdown can
 * send upstream (in the form `upstreamValue` gives). The planner pushes an identity's aliases to each source by these, and does not ask a source
 * none of whose kinds the identity has.
 */
export const identityAliases: AliasSupport = {
  produced: [AliasKind.K8S_USER, AliasKind.K8S_SERVICE_ACCOUNT, AliasKind.EMAIL, AliasKind.AWS_ROLE_SESSION, AliasKind.AWS_IDENTITY_CENTER_USER, AliasKind.AWS_IAM_USER, AliasKind.AWS_ROLE, AliasKind.AWS_ACCESS_KEY],
  pushed: [],
  upstreamValue: () => undefined,
};
