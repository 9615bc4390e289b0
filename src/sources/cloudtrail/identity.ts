import { AliasKind, type AliasSupport } from '../../domain';
import { lookupPlanFor } from './lookup';

/**
 * The identity alias kinds this source's events carry (userIdentity: LookupAttributes Username takes IAM user and session names (Identity Center users, emails, web identities), AccessKeyId takes keys; no attribute names a role ARN or an Identity Store user id, so an identity holding one is filtered here), and those its live mode's identity pushdown can
 * send upstream (in the form `upstreamValue` gives). The planner pushes an identity's aliases to each source by these, and does not ask a source
 * none of whose kinds the identity has.
 */
export const identityAliases: AliasSupport = {
  produced: [AliasKind.AWS_ACCESS_KEY, AliasKind.AWS_IAM_USER, AliasKind.AWS_ROLE_SESSION, AliasKind.AWS_ROLE, AliasKind.AWS_IDENTITY_CENTER_USER, AliasKind.AWS_IDENTITY_CENTER_USER_ID, AliasKind.EMAIL, AliasKind.K8S_SERVICE_ACCOUNT],
  pushed: [AliasKind.AWS_ACCESS_KEY, AliasKind.AWS_IAM_USER, AliasKind.AWS_ROLE_SESSION, AliasKind.AWS_IDENTITY_CENTER_USER, AliasKind.EMAIL, AliasKind.K8S_SERVICE_ACCOUNT],
  upstreamValue: (a) => {
    const attribute = lookupPlanFor({ identity: [a.value] }).attribute;
    return attribute ? `${attribute.AttributeKey}=${attribute.AttributeValue}` : undefined;
  },
};
