/** The normalized audit event every source produces and every layer above consumes (OCSF-aligned). */

export type SourceType = 'okta' | 'flyte' | 'k8s-audit' | 'cloudtrail' | 'gcp-audit' | 'azure-activity' | 'auditgraph';

export enum SourceKind {
  EXECUTION = 'EXECUTION',
  IDENTITY_PROVIDER = 'IDENTITY_PROVIDER',
  KUBERNETES_AUDIT = 'KUBERNETES_AUDIT',
  CLOUD_AUDIT = 'CLOUD_AUDIT',
  /** auditgraph's own access log: who asked what of the other trails */
  ACCESS_LOG = 'ACCESS_LOG',
}

/** OCSF classes this project maps to; `ocsfClassUid` follows from the category. */
export enum EventCategory {
  SCHEDULED_JOB = 'SCHEDULED_JOB', // 1006 Scheduled Job Activity
  ACCOUNT_CHANGE = 'ACCOUNT_CHANGE', // 3001 Account Change
  AUTHENTICATION = 'AUTHENTICATION', // 3002 Authentication
  AUTHORIZE_SESSION = 'AUTHORIZE_SESSION', // 3003 Authorize Session
  ENTITY_MANAGEMENT = 'ENTITY_MANAGEMENT', // 3004 Entity Management
  USER_ACCESS = 'USER_ACCESS', // 3005 User Access Management
  GROUP_MANAGEMENT = 'GROUP_MANAGEMENT', // 3006 Group Management
  API_ACTIVITY = 'API_ACTIVITY', // 6003 API Activity
}

export const OCSF_CLASS_UID: Readonly<Record<EventCategory, number>> = {
  [EventCategory.SCHEDULED_JOB]: 1006,
  [EventCategory.ACCOUNT_CHANGE]: 3001,
  [EventCategory.AUTHENTICATION]: 3002,
  [EventCategory.AUTHORIZE_SESSION]: 3003,
  [EventCategory.ENTITY_MANAGEMENT]: 3004,
  [EventCategory.USER_ACCESS]: 3005,
  [EventCategory.GROUP_MANAGEMENT]: 3006,
  [EventCategory.API_ACTIVITY]: 6003,
};

export enum Outcome {
  SUCCESS = 'SUCCESS',
  FAILURE = 'FAILURE',
  UNKNOWN = 'UNKNOWN',
}

export enum ActorType {
  USER = 'USER',
  SERVICE_ACCOUNT = 'SERVICE_ACCOUNT', // Kubernetes / GCP service accounts, Okta apps
  ROLE_SESSION = 'ROLE_SESSION', // AWS assumed-role sessions
  SERVICE = 'SERVICE', // a cloud provider's own service acting (AWS service, Azure platform)
  SYSTEM = 'SYSTEM', // the platform itself (kube-apiserver internals, Flyte scheduler)
  UNKNOWN = 'UNKNOWN',
}

/** Kinds of name under which one person or workload appears in the trails. */
export enum AliasKind {
  EMAIL = 'EMAIL',
  OKTA_USER_ID = 'OKTA_USER_ID',
  AWS_IAM_USER = 'AWS_IAM_USER', // arn:aws:iam::<acct>:user/<name>
  AWS_ROLE = 'AWS_ROLE', // arn:aws:iam::<acct>:role/<name>
  AWS_ROLE_SESSION = 'AWS_ROLE_SESSION', // arn:aws:sts::<acct>:assumed-role/<role>/<session>
  AWS_IDENTITY_CENTER_USER = 'AWS_IDENTITY_CENTER_USER', // the session name of an AWSReservedSSO_ role; the name a sign-in used
  AWS_IDENTITY_CENTER_USER_ID = 'AWS_IDENTITY_CENTER_USER_ID', // the Identity Store user id (userIdentity.onBehalfOf.userId)
  AWS_ACCESS_KEY = 'AWS_ACCESS_KEY',
  K8S_USER = 'K8S_USER',
  K8S_SERVICE_ACCOUNT = 'K8S_SERVICE_ACCOUNT', // system:serviceaccount:<ns>:<name>
  GCP_PRINCIPAL = 'GCP_PRINCIPAL',
  AZURE_CALLER = 'AZURE_CALLER',
  AZURE_OBJECT_ID = 'AZURE_OBJECT_ID',
  FLYTE_PRINCIPAL = 'FLYTE_PRINCIPAL',
}

/** A name the actor of one event is known by, as the normalizer read it from the record. */
export interface ActorAlias {
  kind: AliasKind;
  value: string;
  /** the record field the value came from, e.g. `userIdentity.arn` */
  field: string;
}

export interface Actor {
  /** the most human-readable name the record gives (email, user name, session name, ARN) */
  name: string;
  type: ActorType;
  /** the upstream's stable id for the actor (Okta user id, principalId, object id) */
  uid?: string;
  sessionId?: string;
  /** who really made the request when `name` was impersonated or delegated to */
  onBehalfOf?: string;
  aliases: ActorAlias[];
}

export interface ResourceRef {
  type: string;
  name: string;
  uid?: string;
  namespace?: string;
}

export interface CloudContext {
  provider: string; // aws | gcp | azure | kubernetes | okta | flyte
  account?: string; // AWS account, GCP project, Azure subscription, Okta org, cluster
  region?: string;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface AuditEvent {
  /** unique within its source instance and stable across queries (upstream event id) */
  id: string;
  sourceId: string;
  sourceType: SourceType;
  time: Date;
  category: EventCategory;
  ocsfClassUid: number;
  /** normalized action, e.g. `iam:CreateAccessKey`, `secrets.list`, `user.session.start` */
  action: string;
  /** the upstream's own name for the action */
  rawAction: string;
  actor: Actor;
  targets: ResourceRef[];
  outcome: Outcome;
  outcomeReason?: string;
  sourceIp?: string;
  userAgent?: string;
  runId?: string;
  correlationId?: string;
  cloud?: CloudContext;
  /** the record exactly as the upstream returned it */
  raw: JsonValue;
}
