import { AliasKind, type AliasSupport } from '../../domain';

/**
 * The identity alias kinds this source's events carry (actor.id (OKTA_USER_ID) and actor.alternateId (EMAIL, the login); SCIM `actor.id eq` / `actor.alternateId eq` take both), and those its live mode's identity pushdown can
 * send upstream (in the form `upstreamValue` gives). The planner pushes an identity's aliases to each source by these, and does not ask a source
 * none of whose kinds the identity has.
 */
export const identityAliases: AliasSupport = {
  produced: [AliasKind.OKTA_USER_ID, AliasKind.EMAIL],
  pushed: [AliasKind.OKTA_USER_ID, AliasKind.EMAIL],
  upstreamValue: (a) => a.value.toLowerCase(),
};
