import { AliasKind, type ActorAlias, type AuditEvent, type JsonValue } from '../../domain';
import { IDENTITY_CENTER_ROLE, isEmail, ROLE_SESSION_ARN, SCOPED_KINDS, type TypedAlias } from './alias';
import { eventRef, Strength, type EventRef, type Link, type RuleName } from './links';

/** An actor alias as the graph keys it: typed, and scoped to its cluster when its kind is per cluster. */
export interface ObservedAlias extends TypedAlias {
  field: string;
}

export function observedAliases(event: Pick<AuditEvent, 'sourceId' | 'actor'>): ObservedAlias[] {
  return event.actor.aliases.map((a: ActorAlias) => (SCOPED_KINDS.has(a.kind) ? { ...a, scope: event.sourceId } : { ...a }));
}

const lower = (s: string) => s.toLowerCase();

function objectAt(v: JsonValue | undefined, key: string): JsonValue | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v[key] : undefined;
}

function stringAt(v: JsonValue | undefined, ...path: string[]): string | undefined {
  let cur = v;
  for (const k of path) cur = objectAt(cur, k);
  return typeof cur === 'string' && cur !== '' ? cur : undefined;
}

class LinkList {
  readonly items: Link[] = [];
  constructor(private readonly ref: EventRef) {}
  add(rule: RuleName, strength: Strength, a: TypedAlias | undefined, b: TypedAlias | undefined, text: string, opts: { label?: boolean } = {}): void {
    if (!a || !b) return;
    this.items.push({ a, b, rule, strength, text, event: this.ref, count: 1, ...(opts.label ? { label: true } : {}) });
  }
}

const fieldEndsWith = (a: ObservedAlias, suffix: string) => a.field === suffix || a.field.endsWith(`.${suffix}`);

/** CloudTrail's record fields the issuance rules read. */
interface CloudTrailIssuance {
  eventName?: string;
  errorCode?: string;
  account?: string;
  createdKey?: { userName: string; accessKeyId: string };
  credentials?: { accessKeyId?: string; sessionArn?: string; roleArn?: string };
}

function cloudTrailIssuance(raw: JsonValue): CloudTrailIssuance {
  const accessKey = objectAt(objectAt(raw, 'responseElements'), 'accessKey');
  const userName = stringAt(accessKey, 'userName');
  const accessKeyId = stringAt(accessKey, 'accessKeyId');
  const response = objectAt(raw, 'responseElements');
  return {
    eventName: stringAt(raw, 'eventName'),
    errorCode: stringAt(raw, 'errorCode'),
    account: stringAt(raw, 'recipientAccountId') ?? stringAt(raw, 'userIdentity', 'accountId'),
    createdKey: userName && accessKeyId ? { userName, accessKeyId } : undefined,
    credentials: {
      accessKeyId: stringAt(response, 'credentials', 'accessKeyId'),
      sessionArn: stringAt(response, 'assumedRoleUser', 'arn'),
      roleArn: stringAt(raw, 'requestParameters', 'roleArn'),
    },
  };
}

/**
 * CloudTrail: Identity Center sessions, session credentials, key use, and the calls that issue credentials. An
 * access key belongs to whom it was issued to: `CreateAccessKey` ties the new key to the target user, never to
 * the caller (who is named in the evidence).
 */
function cloudTrailLinks(event: AuditEvent, aliases: ObservedAlias[], out: LinkList): void {
  const of = (kind: AliasKind) => aliases.find((a) => a.kind === kind);
  const session = of(AliasKind.AWS_ROLE_SESSION);
  const key = of(AliasKind.AWS_ACCESS_KEY);
  const user = of(AliasKind.AWS_IAM_USER);
  const icUser = of(AliasKind.AWS_IDENTITY_CENTER_USER);
  const roleOfSession = session ? ROLE_SESSION_ARN.exec(session.value)?.[1].split('/').pop() : undefined;
  if (session && icUser && roleOfSession && IDENTITY_CENTER_ROLE.test(roleOfSession)) {
    out.add('aws.identity-center-session', Strength.EVENT, session, icUser, `${roleOfSession} is an Identity Center permission set: its session name ${icUser.value} is the Identity Center user`);
  }
  // an Identity Center event names the Identity Store user by id and (sign-ins) by the name it signed in with
  const storeUser = of(AliasKind.AWS_IDENTITY_CENTER_USER_ID);
  if (storeUser && icUser && !session) {
    const eventName = stringAt(event.raw, 'eventName') ?? event.rawAction;
    const how = stringAt(event.raw, 'eventSource') === 'signin.amazonaws.com' ? `signed in as ${icUser.value} (${icUser.field}) with ${eventName}` : `acted as ${icUser.value} (${icUser.field}) in ${eventName}`;
    out.add('aws.identity-center-sign-in', Strength.EVENT, storeUser, icUser, `Identity Store user ${storeUser.value} (${storeUser.field}) ${how}`);
  }
  if (session && key) out.add('aws.session-credential', Strength.EVENT, session, key, `temporary key ${key.value} is the credential of session ${session.value}`);
  if (user && key && !session) out.add('aws.access-key-use', Strength.USE, user, key, `access key ${key.value} authenticated as IAM user ${user.value}`);

  const facts = cloudTrailIssuance(event.raw);
  if (facts.errorCode) return;
  if (facts.eventName === 'CreateAccessKey' && facts.createdKey) {
    const target: TypedAlias = { kind: AliasKind.AWS_IAM_USER, value: `arn:aws:iam::${facts.account ?? ''}:user/${facts.createdKey.userName}` };
    out.add(
      'aws.create-access-key',
      Strength.ISSUANCE,
      target,
      { kind: AliasKind.AWS_ACCESS_KEY, value: facts.createdKey.accessKeyId },
      `key ${facts.createdKey.accessKeyId} was issued to IAM user ${facts.createdKey.userName} by ${event.actor.name} via iam:CreateAccessKey at ${event.time.toISOString()}`,
    );
  }
  const issued = facts.credentials;
  if ((facts.eventName === 'AssumeRoleWithWebIdentity' || facts.eventName === 'AssumeRole') && issued) {
    const web = facts.eventName === 'AssumeRoleWithWebIdentity';
    // the principal the new session acts for: the service account (or person) whose token it was, or the caller
    const principal = web
      ? (of(AliasKind.K8S_SERVICE_ACCOUNT) ?? of(AliasKind.EMAIL))
      : (session ?? user);
    if (!principal) return;
    const rule: RuleName = web ? 'aws.web-identity' : 'aws.assume-role';
    const how = `${principal.value} assumed ${issued.roleArn ?? 'a role'} with ${facts.eventName} at ${event.time.toISOString()}`;
    if (issued.accessKeyId) out.add(rule, Strength.ISSUANCE, principal, { kind: AliasKind.AWS_ACCESS_KEY, value: issued.accessKeyId }, `${how}; it issued temporary key ${issued.accessKeyId}`);
    if (issued.sessionArn) out.add(rule, Strength.ISSUANCE, principal, { kind: AliasKind.AWS_ROLE_SESSION, value: issued.sessionArn }, `${how}, as session ${issued.sessionArn}`);
    // a role may be assumed by several service accounts: a label, tied only when this one is the only one seen
    if (web && issued.roleArn) out.add(rule, Strength.ISSUANCE, principal, { kind: AliasKind.AWS_ROLE, value: issued.roleArn }, how, { label: true });
  }
}

/** EKS's authenticator writes the caller's STS identity and key in `user.extra`. */
function kubernetesLinks(aliases: ObservedAlias[], out: LinkList): void {
  const username = aliases.find((a) => (a.kind === AliasKind.K8S_USER || a.kind === AliasKind.K8S_SERVICE_ACCOUNT) && fieldEndsWith(a, 'username'));
  const arn = aliases.find((a) => (a.kind === AliasKind.AWS_ROLE_SESSION || a.kind === AliasKind.AWS_IAM_USER) && /\.extra\.(arn|canonicalArn)$/.test(a.field));
  const key = aliases.find((a) => a.kind === AliasKind.AWS_ACCESS_KEY && a.field.endsWith('.extra.accessKeyId'));
  const icUser = aliases.find((a) => a.kind === AliasKind.AWS_IDENTITY_CENTER_USER && a.field === arn?.field);
  if (arn && key) {
    out.add(arn.kind === AliasKind.AWS_ROLE_SESSION ? 'aws.session-credential' : 'aws.access-key-use', Strength.EVENT, arn, key, `EKS authenticated ${arn.value} with key ${key.value} (${key.field})`);
  }
  if (arn && icUser) {
    out.add('aws.identity-center-session', Strength.EVENT, arn, icUser, `session ${arn.value} is the Identity Center user ${icUser.value}`);
    // CloudTrail's normalizer types such a session name as an EMAIL too; the audit log's does not
    if (isEmail(icUser.value)) out.add('aws.identity-center-session', Strength.EVENT, icUser, { kind: AliasKind.EMAIL, value: icUser.value }, `Identity Center user ${icUser.value} is named by its email`);
  }
  // several people's sessions of one role may map to one username: a label
  if (arn && username && username.value !== arn.value) {
    out.add('eks.authenticator', Strength.EVENT, arn, username, `EKS authenticated ${arn.value} as Kubernetes user ${username.value}`, { label: true });
  }
}

/** A Kubernetes service account acting as a Google service account (GKE Workload Identity) names both. */
function gcpLinks(aliases: ObservedAlias[], out: LinkList): void {
  const ksa = aliases.find((a) => a.kind === AliasKind.K8S_SERVICE_ACCOUNT && a.field.includes('serviceAccountDelegationInfo'));
  const gsa = aliases.find((a) => a.kind === AliasKind.GCP_PRINCIPAL && a.field.endsWith('authenticationInfo.principalEmail') && /gserviceaccount\.com$/i.test(a.value));
  if (ksa && gsa) out.add('gcp.workload-identity', Strength.EVENT, ksa, gsa, `Kubernetes service account ${ksa.value} called as Google service account ${gsa.value} (${ksa.field})`, { label: true });
}

/** The same token's claims name the caller (upn, or an app id) and its object id. */
function azureLinks(aliases: ObservedAlias[], out: LinkList): void {
  const callers = aliases.filter((a) => a.kind === AliasKind.AZURE_CALLER);
  const objectIds = aliases.filter((a) => a.kind === AliasKind.AZURE_OBJECT_ID);
  for (const caller of callers) {
    for (const oid of objectIds) out.add('azure.claims', Strength.EVENT, caller, oid, `caller ${caller.value} (${caller.field}) has object id ${oid.value} (${oid.field})`);
  }
}

/**
 * The links one event gives, from its actor's typed aliases (and, for credentials a call issued, its record). A
 * pure function: the same event always gives the same links. Nothing here links by a display name or a prefix.
 */
export function eventLinks(event: AuditEvent): Link[] {
  const aliases = observedAliases(event);
  const out = new LinkList(eventRef(event));
  // one value read from one field and typed twice (a GCP principal that is an email, a Flyte principal that is an Okta id)
  for (let i = 0; i < aliases.length; i++) {
    for (let j = i + 1; j < aliases.length; j++) {
      const [x, y] = [aliases[i], aliases[j]];
      if (x.kind !== y.kind && x.field === y.field && lower(x.value) === lower(y.value)) {
        out.add('same-value', Strength.EVENT, x, y, `${x.field} ${x.value} is both ${x.kind} and ${y.kind}`);
      }
    }
  }
  switch (event.sourceType) {
    case 'okta': {
      const id = aliases.find((a) => a.kind === AliasKind.OKTA_USER_ID && a.field === 'actor.id');
      const login = aliases.find((a) => a.kind === AliasKind.EMAIL && a.field === 'actor.alternateId');
      if (id && login) out.add('okta.actor', Strength.EVENT, id, login, `Okta user ${id.value} signs in as ${login.value} (actor.id, actor.alternateId)`);
      break;
    }
    case 'cloudtrail':
      cloudTrailLinks(event, aliases, out);
      break;
    case 'k8s-audit':
      kubernetesLinks(aliases, out);
      break;
    case 'gcp-audit':
      gcpLinks(aliases, out);
      break;
    case 'azure-activity':
      azureLinks(aliases, out);
      break;
    case 'flyte':
    case 'auditgraph':
      break;
  }
  return out.items;
}

/** Events whose records issue credentials to someone other than their actor: discovery asks for them by action. */
export const ISSUING_ACTIONS = { createAccessKey: 'iam:CreateAccessKey', webIdentity: 'sts:AssumeRoleWithWebIdentity', assumeRole: 'sts:AssumeRole' } as const;

/**
 * The links an actor alone gives, without its event (a run's launcher, say): one value typed twice. Every other
 * rule needs the event's record.
 */
export function actorLinks(actor: AuditEvent['actor'], sourceId: string): Link[] {
  const aliases = observedAliases({ sourceId, actor });
  const links: Link[] = [];
  for (let i = 0; i < aliases.length; i++) {
    for (let j = i + 1; j < aliases.length; j++) {
      const [x, y] = [aliases[i], aliases[j]];
      if (x.kind !== y.kind && x.field === y.field && lower(x.value) === lower(y.value)) {
        links.push({ a: x, b: y, rule: 'same-value', strength: Strength.EVENT, text: `${x.field} ${x.value} is both ${x.kind} and ${y.kind}`, lookup: `the actor record of ${actor.name}`, count: 1 });
      }
    }
  }
  return links;
}
