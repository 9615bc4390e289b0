import { AliasKind, type AliasSupport } from '../../domain';

/** A caller's email (and an Okta user id as OIDC subject) name the person the other trails know; nothing is pushed (a file). */
export const identityAliases: AliasSupport = {
  produced: [AliasKind.EMAIL, AliasKind.OKTA_USER_ID],
  pushed: [],
  upstreamValue: (a) => a.value,
};
