import { AliasKind, type AliasSupport } from '../../domain';
import { lookupPlanFor } from './lookup';

/**
 * The identity alias kinds this source's events carry (userIdentity: users, sessions, roles, keys, Identity Center users and their Identity Store ids; LookupAttributes AccessKeyId takes keys, and Username is not used because it matches with case), and those its live mode's identity pushdown can
 * send upstream (in the form `upstreamValue` gives). The planner pushes an identity's aliases to each source by these, and does not ask a source
 * none of whose kinds the identity has.
 */
export const identityAliases: AliasSupport = {
  produced: [AliasKind.AWS_ACCESS_KEY, AliasKind.AWS_IAM_USER, AliasKind.AWS_ROLE_SESSION, AliasKind.AWS_ROLE, AliasKind.AWS_IDENTITY_CENTER_USER, AliasKind.AWS_IDENTITY_CENTER_USER_ID, AliasKind.EMAIL, AliasKind.K8S_SERVICE_ACCOUNT],
  // LookupEvents matches Username with case, the engine without: only access keys (always upper case) are sent
  pushed: [AliasKind.AWS_ACCESS_KEY],
  upstreamValue: (a) => {
    const attribute = lookupPlanFor({ identity: [a.value] }).attribute;
    return attribute ? `${attribute.AttributeKey}=${attribute.AttributeValue}` : undefined;
  },
};
