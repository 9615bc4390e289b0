import { ActorType, AliasKind, type Actor, type ActorAlias, type JsonValue } from '../../domain';
import type { CloudTrailUserIdentity } from './record';

/** Identity Center permission-set roles: their session name is the Identity Center user name. */
const IDENTITY_CENTER_ROLE = /^AWSReservedSSO_/;
/** IRSA and other Kubernetes projected tokens federate as `system:serviceaccount:<namespace>:<name>`. */
const K8S_SERVICE_ACCOUNT = /^system:serviceaccount:[^:]+:[^:]+$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** `arn:aws:sts::<acct>:assumed-role/<role>/<session>` -> { role, session } */
export function parseAssumedRoleArn(arn: string | undefined): { role: string; session: string } | undefined {
  const m = arn?.match(/^arn:aws[a-z-]*:sts::\d*:assumed-role\/(.+)\/([^/]+)$/);
  return m ? { role: m[1], session: m[2] } : undefined;
}

/** The last path segment of an ARN's resource part (`user/path/alice` -> `alice`). */
function lastSegment(arn: string | undefined): string | undefined {
  if (!arn) return undefined;
  const resource = arn.split(':').slice(5).join(':');
  const seg = resource.split('/').pop();
  return seg || undefined;
}

export function isEmail(value: string): boolean {
  return EMAIL.test(value);
}

export function isK8sServiceAccount(value: string): boolean {
  return K8S_SERVICE_ACCOUNT.test(value);
}

class AliasList {
  readonly items: ActorAlias[] = [];
  add(kind: AliasKind, value: string | undefined, field: string): void {
    if (!value) return;
    if (this.items.some((a) => a.kind === kind && a.value === value)) return;
    this.items.push({ kind, value, field });
  }
}

/** What CloudTrail writes instead of a name it will not show (failed sign-ins of unknown users). */
const HIDDEN = 'HIDDEN_DUE_TO_SECURITY_REASONS';

function shown(value: string | undefined): string | undefined {
  return value && value !== HIDDEN ? value : undefined;
}

/**
 * The name an IAM Identity Center sign-in used (`additionalEventData.UserName`: the IdP's nameID, the directory's
 * user name, or what was typed at a Directory Service prompt), on the sign-in events that carry it.
 */
function signInUserName(additional: { [key: string]: JsonValue } | undefined): string | undefined {
  const value = additional?.UserName;
  return typeof value === 'string' ? shown(value.trim()) : undefined;
}

/**
 * An Identity Center user: the Identity Store user id (`onBehalfOf.userId`, which AWS recommends for telling
 * users apart) and, on a sign-in, the user name it signed in with. Before July 2025 the same events said
 * `type: Unknown` with the name in `userIdentity.userName` too; both shapes give the same actor.
 */
function identityCenterUser(identity: CloudTrailUserIdentity, additional: { [key: string]: JsonValue } | undefined, aliases: AliasList, base: Pick<Actor, 'uid' | 'sessionId'>): Actor {
  const userId = shown(identity.onBehalfOf?.userId);
  aliases.add(AliasKind.AWS_IDENTITY_CENTER_USER_ID, userId, 'userIdentity.onBehalfOf.userId');
  const fromSignIn = signInUserName(additional);
  const userName = fromSignIn ?? shown(identity.userName);
  const field = fromSignIn ? 'additionalEventData.UserName' : 'userIdentity.userName';
  if (userName) {
    aliases.add(AliasKind.AWS_IDENTITY_CENTER_USER, userName, field);
    if (isEmail(userName)) aliases.add(AliasKind.EMAIL, userName, field);
  }
  const name = userName ?? userId ?? identity.principalId ?? 'unknown';
  return { ...base, uid: userId ?? identity.principalId, name, type: ActorType.USER, aliases: aliases.items };
}

/**
 * The actor of one record, from `userIdentity` (and, on Identity Center sign-ins, `additionalEventData`), for
 * every identity type CloudTrail writes. Every typed name the record gives becomes an alias with the field it
 * came from, so that the identity graph can tie it to a person.
 */
export function actorOf(identity: CloudTrailUserIdentity | undefined, additional?: { [key: string]: JsonValue }): Actor {
  if (!identity) return { name: 'unknown', type: ActorType.UNKNOWN, aliases: [] };
  const aliases = new AliasList();
  // a temporary or long-term key is how later calls are tied back to the session that created it
  aliases.add(AliasKind.AWS_ACCESS_KEY, identity.accessKeyId, 'userIdentity.accessKeyId');
  const base = {
    uid: identity.principalId,
    sessionId: sessionIdOf(identity),
  };

  switch (identity.type) {
    case 'IAMUser': {
      aliases.add(AliasKind.AWS_IAM_USER, identity.arn, 'userIdentity.arn');
      const name = identity.userName ?? lastSegment(identity.arn) ?? identity.principalId ?? 'unknown';
      return { ...base, name, type: ActorType.USER, aliases: aliases.items };
    }
    case 'AssumedRole': {
      const parsed = parseAssumedRoleArn(identity.arn);
      const issuer = identity.sessionContext?.sessionIssuer;
      aliases.add(AliasKind.AWS_ROLE_SESSION, identity.arn, 'userIdentity.arn');
      aliases.add(AliasKind.AWS_ROLE, issuer?.arn, 'userIdentity.sessionContext.sessionIssuer.arn');
      const roleName = issuer?.userName ?? parsed?.role;
      const session = parsed?.session ?? identity.principalId?.split(':')[1];
      if (session && roleName && IDENTITY_CENTER_ROLE.test(roleName)) {
        aliases.add(AliasKind.AWS_IDENTITY_CENTER_USER, session, 'userIdentity.arn');
      }
      // SAML and Identity Center federation name sessions after the person's email
      if (session && isEmail(session)) aliases.add(AliasKind.EMAIL, session, 'userIdentity.arn');
      const name = session ?? identity.arn ?? identity.principalId ?? 'unknown';
      return { ...base, name, type: ActorType.ROLE_SESSION, aliases: aliases.items };
    }
    case 'WebIdentityUser': {
      const userName = identity.userName;
      if (userName && isK8sServiceAccount(userName)) {
        aliases.add(AliasKind.K8S_SERVICE_ACCOUNT, userName, 'userIdentity.userName');
        return { ...base, name: userName, type: ActorType.SERVICE_ACCOUNT, aliases: aliases.items };
      }
      if (userName && isEmail(userName)) aliases.add(AliasKind.EMAIL, userName, 'userIdentity.userName');
      const name = userName ?? identity.principalId ?? 'unknown';
      return { ...base, name, type: ActorType.USER, aliases: aliases.items };
    }
    case 'SAMLUser': {
      const userName = identity.userName;
      if (userName && isEmail(userName)) aliases.add(AliasKind.EMAIL, userName, 'userIdentity.userName');
      const name = userName ?? identity.principalId ?? 'unknown';
      return { ...base, name, type: ActorType.USER, aliases: aliases.items };
    }
    case 'FederatedUser': {
      // arn:aws:sts::<acct>:federated-user/<name>; the issuing IAM user may broker for many people, so it
      // is not taken as an alias of this one
      const name = lastSegment(identity.arn) ?? identity.principalId?.split(':')[1] ?? identity.principalId ?? 'unknown';
      if (isEmail(name)) aliases.add(AliasKind.EMAIL, name, 'userIdentity.arn');
      return { ...base, name, type: ActorType.USER, aliases: aliases.items };
    }
    case 'IdentityCenterUser':
      return identityCenterUser(identity, additional, aliases, base);
    case 'Root': {
      // root's ARN is arn:aws:iam::<acct>:root; userName, when present, is the account alias
      const name = identity.userName ?? 'root';
      return { ...base, name, type: ActorType.USER, aliases: aliases.items };
    }
    case 'AWSService': {
      const name = identity.invokedBy ?? 'AWS service';
      return { ...base, name, type: ActorType.SERVICE, aliases: aliases.items };
    }
    case 'AWSAccount': {
      // another account's principal, seen only by its account id (and principalId)
      const name = identity.accountId ? `account ${identity.accountId}` : identity.principalId ?? 'unknown';
      return { ...base, name, type: ActorType.UNKNOWN, aliases: aliases.items };
    }
    case 'Role': {
      // a role acting without a session, e.g. service-linked roles in some events
      aliases.add(AliasKind.AWS_ROLE, identity.arn, 'userIdentity.arn');
      const name = identity.userName ?? lastSegment(identity.arn) ?? identity.principalId ?? 'unknown';
      return { ...base, name, type: ActorType.ROLE_SESSION, aliases: aliases.items };
    }
    default: {
      // an Identity Center sign-in as written before July 2025: `Unknown`, with the store's user in onBehalfOf
      if (identity.onBehalfOf?.userId) return identityCenterUser(identity, additional, aliases, base);
      // `Unknown` (e.g. failed sign-ins of unknown users, where userName is HIDDEN_DUE_TO_SECURITY_REASONS) and
      // types CloudTrail may add later
      const name = identity.userName ?? identity.arn ?? identity.principalId ?? 'unknown';
      return { ...base, name, type: ActorType.UNKNOWN, aliases: aliases.items };
    }
  }
}

/**
 * The session: the access key when the call carried one (temporary keys are per session), else the
 * principal and session creation time, which together name one console or federated session.
 */
function sessionIdOf(identity: CloudTrailUserIdentity): string | undefined {
  if (identity.accessKeyId) return identity.accessKeyId;
  const created = identity.sessionContext?.attributes?.creationDate;
  if (created && identity.principalId) return `${identity.principalId}@${created}`;
  return undefined;
}
