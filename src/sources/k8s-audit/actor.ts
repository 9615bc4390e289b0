import { ActorType, AliasKind, type Actor, type ActorAlias } from '../../domain';
import type { K8sUserInfo } from './record';

const SERVICE_ACCOUNT = /^system:serviceaccount:([^:]+):([^:]+)$/;
const EMAIL = /^[^@\s:]+@[^@\s]+\.[^@\s]+$/;

/** `system:serviceaccount:<namespace>:<name>` -> its parts */
export function parseServiceAccount(username: string | undefined): { namespace: string; name: string } | undefined {
  const m = username ? SERVICE_ACCOUNT.exec(username) : null;
  return m ? { namespace: m[1], name: m[2] } : undefined;
}

/**
 * Service accounts by their username; `system:*` (controller-manager, scheduler, apiserver, nodes) and EKS's own
 * `eks:*` components are the platform; `system:anonymous` is nobody known; the rest are people or their tools.
 */
export function actorTypeOf(username: string): ActorType {
  if (SERVICE_ACCOUNT.test(username)) return ActorType.SERVICE_ACCOUNT;
  if (username === 'system:anonymous') return ActorType.UNKNOWN;
  if (username.startsWith('system:') || username.startsWith('eks:')) return ActorType.SYSTEM;
  return ActorType.USER;
}

class AliasList {
  readonly items: ActorAlias[] = [];
  add(kind: AliasKind, value: string | undefined, field: string): void {
    if (!value) return;
    if (this.items.some((a) => a.kind === kind && a.value === value)) return;
    this.items.push({ kind, value, field });
  }
}

const IDENTITY_CENTER_ROLE = /^AWSReservedSSO_/;

/** Adds the alias an AWS ARN is (IAM user, role, or role session), and the Identity Center user of an SSO session. */
function addAwsArn(aliases: AliasList, arn: string | undefined, field: string): void {
  if (!arn) return;
  const session = /^arn:aws[a-z-]*:sts::\d*:assumed-role\/(.+)\/([^/]+)$/.exec(arn);
  if (session) {
    aliases.add(AliasKind.AWS_ROLE_SESSION, arn, field);
    if (IDENTITY_CENTER_ROLE.test(session[1].split('/').pop() ?? '')) aliases.add(AliasKind.AWS_IDENTITY_CENTER_USER, session[2], field);
    return;
  }
  if (/^arn:aws[a-z-]*:iam::\d*:user\//.test(arn)) aliases.add(AliasKind.AWS_IAM_USER, arn, field);
  else if (/^arn:aws[a-z-]*:iam::\d*:role\//.test(arn)) aliases.add(AliasKind.AWS_ROLE, arn, field);
}

function firstExtra(user: K8sUserInfo, key: string): string | undefined {
  const v = user.extra?.[key];
  return Array.isArray(v) && typeof v[0] === 'string' && v[0] !== '' ? v[0] : undefined;
}

/** Every typed name one user entry of the record gives, with the field it came from. */
function aliasesOf(user: K8sUserInfo, field: string): ActorAlias[] {
  const aliases = new AliasList();
  const username = user.username;
  if (username) {
    // the username is kept whole, prefix included (`oidc:alice@…`): the identity graph's prefix rules strip it
    aliases.add(SERVICE_ACCOUNT.test(username) ? AliasKind.K8S_SERVICE_ACCOUNT : AliasKind.K8S_USER, username, `${field}.username`);
    // GKE names Google accounts by their bare email
    if (EMAIL.test(username)) aliases.add(AliasKind.EMAIL, username, `${field}.username`);
    // EKS names unmapped IAM principals by their ARN
    addAwsArn(aliases, username, `${field}.username`);
  }
  // aws-iam-authenticator (EKS) puts the caller's STS identity in extra
  addAwsArn(aliases, firstExtra(user, 'arn'), `${field}.extra.arn`);
  addAwsArn(aliases, firstExtra(user, 'canonicalArn'), `${field}.extra.canonicalArn`);
  aliases.add(AliasKind.AWS_ACCESS_KEY, firstExtra(user, 'accessKeyId'), `${field}.extra.accessKeyId`);
  return aliases.items;
}

/**
 * The actor of a request. When it was impersonated (`kubectl --as`), the actor is the identity the request was
 * authorized as (`impersonatedUser`), and `onBehalfOf` is who really sent it (`user`), as `Actor` defines them.
 */
export function actorOf(user: K8sUserInfo | undefined, impersonated: K8sUserInfo | undefined): Actor {
  const acting = impersonated?.username ? impersonated : user;
  const field = acting === impersonated ? 'impersonatedUser' : 'user';
  if (!acting?.username) return { name: 'unknown', type: ActorType.UNKNOWN, aliases: [] };
  const actor: Actor = { name: acting.username, type: actorTypeOf(acting.username), aliases: aliasesOf(acting, field) };
  if (acting.uid) actor.uid = acting.uid;
  // a bound token's JTI or a certificate's hash (k8s >= 1.30), else the STS key EKS authenticated with
  const session = firstExtra(acting, 'authentication.kubernetes.io/credential-id') ?? firstExtra(acting, 'accessKeyId');
  if (session) actor.sessionId = session;
  if (acting === impersonated && user?.username) actor.onBehalfOf = user.username;
  return actor;
}

export const POD_NAME_EXTRA = 'authentication.kubernetes.io/pod-name';

export function callerPodName(user: K8sUserInfo | undefined): string | undefined {
  return user ? firstExtra(user, POD_NAME_EXTRA) : undefined;
}
