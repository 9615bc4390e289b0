import { ActorType, EventCategory, Outcome, OCSF_CLASS_UID, UnreachableCaseError, type AuditEvent, type SourceType } from '../domain';

/** The OCSF release the export writes (github.com/ocsf/ocsf-schema, tag 1.8.0). */
export const OCSF_VERSION = '1.8.0';

/** A JSON object being built: undefined members are left out when serialized. */
export type Json = { [key: string]: unknown };

/** The product that logged each kind of source's events (OCSF `metadata.product`). */
const PRODUCTS: Readonly<Record<SourceType, { name: string; vendor_name: string }>> = {
  okta: { name: 'Okta System Log', vendor_name: 'Okta' },
  flyte: { name: 'Flyte Admin', vendor_name: 'Flyte' },
  'k8s-audit': { name: 'Kubernetes API server audit log', vendor_name: 'Kubernetes' },
  cloudtrail: { name: 'CloudTrail', vendor_name: 'AWS' },
  'gcp-audit': { name: 'Cloud Audit Logs', vendor_name: 'Google Cloud' },
  'azure-activity': { name: 'Azure Activity Log', vendor_name: 'Microsoft' },
  auditgraph: { name: 'auditgraph access log', vendor_name: 'auditgraph' },
};

const CLASS_NAMES: Readonly<Record<EventCategory, [className: string, category: number, categoryName: string]>> = {
  [EventCategory.SCHEDULED_JOB]: ['Scheduled Job Activity', 1, 'System Activity'],
  [EventCategory.ACCOUNT_CHANGE]: ['Account Change', 3, 'Identity & Access Management'],
  [EventCategory.AUTHENTICATION]: ['Authentication', 3, 'Identity & Access Management'],
  [EventCategory.AUTHORIZE_SESSION]: ['Authorize Session', 3, 'Identity & Access Management'],
  [EventCategory.ENTITY_MANAGEMENT]: ['Entity Management', 3, 'Identity & Access Management'],
  [EventCategory.USER_ACCESS]: ['User Access Management', 3, 'Identity & Access Management'],
  [EventCategory.GROUP_MANAGEMENT]: ['Group Management', 3, 'Identity & Access Management'],
  [EventCategory.API_ACTIVITY]: ['API Activity', 6, 'Application Activity'],
};

/** An activity id and its caption, as each class's `activity_id` enum defines them. */
type Activity = [id: number, name: string];
const OTHER: Activity = [99, 'Other'];

/** The verb of an action in any source's naming: `iam:CreateAccessKey` → create, `secrets.list` → list, `user.lifecycle.suspend` → suspend. */
function verbOf(action: string): string {
  const tail = action.split(/[:/]/).pop() ?? action;
  const dotted = tail.split('.');
  const last = dotted[dotted.length - 1] ?? tail;
  const camel = /^[A-Z]?[a-z]+/.exec(last.replace(/^_+/, ''));
  return (camel ? camel[0] : last).toLowerCase();
}

const CREATE = new Set(['create', 'add', 'put', 'insert', 'register', 'issue', 'generate', 'launch', 'run', 'start', 'write', 'assume']);
const READ = new Set(['get', 'list', 'describe', 'read', 'lookup', 'watch', 'view', 'search', 'query', 'select', 'batch', 'test', 'check', 'evaluate']);
const UPDATE = new Set(['update', 'patch', 'set', 'modify', 'attach', 'replace', 'change', 'edit', 'enable', 'disable', 'tag', 'untag', 'rotate', 'reset', 'upload']);
const DELETE = new Set(['delete', 'remove', 'detach', 'destroy', 'terminate', 'revoke', 'deletecollection', 'abort', 'cancel', 'clear']);

function apiActivity(action: string): Activity {
  const v = verbOf(action);
  if (CREATE.has(v)) return [1, 'Create'];
  if (READ.has(v)) return [2, 'Read'];
  if (UPDATE.has(v)) return [3, 'Update'];
  if (DELETE.has(v)) return [4, 'Delete'];
  return OTHER;
}

function authenticationActivity(action: string): Activity {
  const a = action.toLowerCase();
  if (/session\.(end|clear)|logout|signout|sign_out/.test(a)) return [2, 'Logoff'];
  if (/session\.start|login|signin|sign_in|logon|consolelogin/.test(a)) return [1, 'Logon'];
  if (/token|ticket|assumerole|getsessiontoken|tokenreviews/.test(a)) return [3, 'Authentication Ticket'];
  return OTHER;
}

function accountChangeActivity(action: string): Activity {
  const a = action.toLowerCase();
  if (/mfa.*(deactivate|reset|disable)|factor.*(deactivate|reset)/.test(a)) return [11, 'MFA Factor Disable'];
  if (/mfa.*(activate|enroll|enable)|factor.*(activate|enroll)/.test(a)) return [10, 'MFA Factor Enable'];
  if (/password.*reset|reset.*password/.test(a)) return [4, 'Password Reset'];
  if (/password/.test(a)) return [3, 'Password Change'];
  if (/unlock/.test(a)) return [12, 'Unlock'];
  if (/lock/.test(a)) return [9, 'Lock'];
  if (/(attach|put).*policy|policy.*(attach|put)/.test(a)) return [7, 'Attach Policy'];
  if (/detach.*policy|policy.*detach/.test(a)) return [8, 'Detach Policy'];
  if (/suspend|deactivate|disable/.test(a)) return [5, 'Disable'];
  if (/unsuspend|activate|enable|reactivate/.test(a)) return [2, 'Enable'];
  const v = verbOf(action);
  if (CREATE.has(v)) return [1, 'Create'];
  if (DELETE.has(v)) return [6, 'Delete'];
  return OTHER;
}

function entityActivity(action: string): Activity {
  const v = verbOf(action);
  if (CREATE.has(v)) return [1, 'Create'];
  if (READ.has(v)) return [2, 'Read'];
  if (DELETE.has(v)) return [4, 'Delete'];
  if (v === 'suspend') return [12, 'Suspend'];
  if (UPDATE.has(v)) return [3, 'Update'];
  return OTHER;
}

function privilegesActivity(action: string): Activity {
  return DELETE.has(verbOf(action)) || /remove|revoke|unassign/.test(action.toLowerCase()) ? [2, 'Revoke Privileges'] : [1, 'Assign Privileges'];
}

function groupActivity(action: string): Activity {
  const a = action.toLowerCase();
  if (/membership\.add|add_user|adduser/.test(a)) return [3, 'Add User'];
  if (/membership\.remove|remove_user|removeuser/.test(a)) return [4, 'Remove User'];
  if (/privilege\.grant/.test(a)) return [1, 'Assign Privileges'];
  if (/privilege\.revoke/.test(a)) return [2, 'Revoke Privileges'];
  const v = verbOf(action);
  if (CREATE.has(v)) return [6, 'Create'];
  if (DELETE.has(v)) return [5, 'Delete'];
  return OTHER;
}

function jobActivity(action: string): Activity {
  const a = action.toLowerCase();
  if (/created/.test(a)) return [1, 'Create'];
  if (/started|running|queued/.test(a)) return [6, 'Start'];
  if (/aborted|deleted/.test(a)) return [3, 'Delete'];
  return [2, 'Update'];
}

function activityOf(event: AuditEvent): Activity {
  switch (event.category) {
    case EventCategory.API_ACTIVITY:
      return apiActivity(event.rawAction || event.action);
    case EventCategory.AUTHENTICATION:
      return authenticationActivity(event.action);
    case EventCategory.ACCOUNT_CHANGE:
      return accountChangeActivity(event.action);
    case EventCategory.ENTITY_MANAGEMENT:
      return entityActivity(event.action);
    case EventCategory.USER_ACCESS:
      return privilegesActivity(event.action);
    case EventCategory.AUTHORIZE_SESSION:
      return [1, 'Assign Privileges'];
    case EventCategory.GROUP_MANAGEMENT:
      return groupActivity(event.action);
    case EventCategory.SCHEDULED_JOB:
      return jobActivity(event.action);
    default:
      throw new UnreachableCaseError(event.category);
  }
}

/** OCSF `user.type_id`: 1 User, 3 System, 4 Service, 0 Unknown, 99 Other. */
function userType(type: ActorType): [number, string] {
  switch (type) {
    case ActorType.USER:
      return [1, 'User'];
    case ActorType.SERVICE_ACCOUNT:
    case ActorType.SERVICE:
      return [4, 'Service'];
    case ActorType.SYSTEM:
      return [3, 'System'];
    case ActorType.ROLE_SESSION:
      return [99, 'Other'];
    case ActorType.UNKNOWN:
      return [0, 'Unknown'];
    default:
      throw new UnreachableCaseError(type);
  }
}

const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/;

function actorUser(event: AuditEvent): Json {
  const [typeId, type] = userType(event.actor.type);
  const user: Json = { name: event.actor.name, type_id: typeId, type };
  if (event.actor.uid) user.uid = event.actor.uid;
  if (EMAIL.test(event.actor.name)) user.email_addr = event.actor.name;
  if (event.cloud?.account) user.account = { uid: event.cloud.account };
  return user;
}

/** The user an IAM event is about: its first user-like target, else (a sign-in) the actor. */
function subjectUser(event: AuditEvent): Json {
  const target = event.targets.find((t) => /user|account|serviceaccount|principal/i.test(t.type));
  if (!target) return actorUser(event);
  const user: Json = { name: target.name, type_id: /serviceaccount/i.test(target.type) ? 4 : 1, type: /serviceaccount/i.test(target.type) ? 'Service' : 'User' };
  if (target.uid) user.uid = target.uid;
  if (EMAIL.test(target.name)) user.email_addr = target.name;
  return user;
}

/** The service an action belongs to: `iam` of `iam:CreateAccessKey`, the provider of an Azure operation, else the source type. */
function serviceOf(event: AuditEvent): string {
  const colon = event.action.indexOf(':');
  if (colon > 0) return event.action.slice(0, colon);
  const slash = event.action.indexOf('/');
  if (slash > 0 && event.sourceType === 'azure-activity') return event.action.slice(0, slash);
  return event.sourceType;
}

const STATUS: Readonly<Record<Outcome, [number, string]>> = {
  [Outcome.SUCCESS]: [1, 'Success'],
  [Outcome.FAILURE]: [2, 'Failure'],
  [Outcome.UNKNOWN]: [0, 'Unknown'],
};

function drop(o: Json): Json {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

export interface OcsfOptions {
  /** include the upstream record as `raw_data` (a JSON string); default true */
  rawData?: boolean;
}

/**
 * One event as an OCSF 1.8.0 event of its class (6003 API Activity, 3002 Authentication, 3001 Account Change,
 * 3004 Entity Management, 3005 User Access Management, 3006 Group Management, 3003 Authorize Session, 1006
 * Scheduled Job Activity), with what has no OCSF attribute kept under `unmapped`. Checked against the class
 * definitions of ocsf-schema 1.8.0 in test/export/ocsf.test.ts.
 */
export function toOcsf(event: AuditEvent, opts: OcsfOptions = {}): Json {
  const classUid = OCSF_CLASS_UID[event.category];
  const [className, categoryUid, categoryName] = CLASS_NAMES[event.category];
  const [activityId, activityName] = activityOf(event);
  const [statusId, status] = STATUS[event.outcome];
  const product = PRODUCTS[event.sourceType];
  const profiles: string[] = [];
  const out: Json = {
    class_uid: classUid,
    class_name: className,
    category_uid: categoryUid,
    category_name: categoryName,
    activity_id: activityId,
    activity_name: activityName,
    type_uid: classUid * 100 + activityId,
    type_name: `${className}: ${activityName}`,
    severity_id: 1,
    severity: 'Informational',
    time: event.time.getTime(),
    message: `${event.actor.name} ${event.rawAction}${event.targets[0] ? ` ${event.targets[0].name}` : ''}: ${status}`,
    status,
    status_id: statusId,
    status_detail: event.outcomeReason,
    metadata: drop({
      version: OCSF_VERSION,
      product: { name: product.name, vendor_name: product.vendor_name },
      uid: event.id,
      correlation_uid: event.correlationId,
      event_code: event.rawAction,
      log_name: event.sourceId,
      log_provider: 'auditgraph',
      profiles,
    }),
  };
  const actor: Json = { user: actorUser(event) };
  if (event.actor.sessionId) actor.session = { uid: event.actor.sessionId };
  if (event.actor.onBehalfOf) actor.invoked_by = event.actor.onBehalfOf;
  // System Activity (1006) has neither: the platform ran the job
  if (event.sourceIp && event.category !== EventCategory.SCHEDULED_JOB) out.src_endpoint = { ip: event.sourceIp };
  if (event.userAgent && event.category !== EventCategory.SCHEDULED_JOB) out.http_request = { user_agent: event.userAgent };
  if (event.cloud) {
    profiles.push('cloud');
    out.cloud = drop({ provider: event.cloud.provider, region: event.cloud.region, account: event.cloud.account ? { uid: event.cloud.account } : undefined });
  }
  const resources = event.targets.map((t) => drop({ type: t.type, name: t.name, uid: t.uid, namespace: t.namespace }));
  const api: Json = drop({ operation: event.rawAction, service: { name: serviceOf(event) }, request: event.correlationId ? { uid: event.correlationId } : undefined });
  if (event.outcome === Outcome.FAILURE && event.outcomeReason) api.response = { error: event.outcomeReason };

  switch (event.category) {
    case EventCategory.API_ACTIVITY:
      out.actor = actor;
      out.api = api;
      // required by the class; a record without a source address names where it came from instead
      out.src_endpoint ??= { name: 'unknown' };
      if (resources.length) out.resources = resources;
      break;
    case EventCategory.AUTHENTICATION:
      out.actor = actor;
      out.user = actorUser(event);
      if (event.actor.sessionId) out.session = { uid: event.actor.sessionId };
      if (/mfa|factor/i.test(event.action)) out.is_mfa = true;
      out.service = { name: serviceOf(event) };
      break;
    case EventCategory.ACCOUNT_CHANGE:
      out.actor = actor;
      out.user = subjectUser(event);
      break;
    case EventCategory.USER_ACCESS:
      out.actor = actor;
      out.user = subjectUser(event);
      out.privileges = [event.rawAction];
      if (resources.length) out.resources = resources;
      break;
    case EventCategory.AUTHORIZE_SESSION:
      out.actor = actor;
      out.user = subjectUser(event);
      out.privileges = [event.rawAction];
      if (event.actor.sessionId) out.session = { uid: event.actor.sessionId };
      break;
    case EventCategory.ENTITY_MANAGEMENT: {
      out.actor = actor;
      const t = event.targets[0];
      out.entity = t ? drop({ name: t.name, uid: t.uid, type: t.type }) : { name: event.rawAction };
      break;
    }
    case EventCategory.GROUP_MANAGEMENT: {
      out.actor = actor;
      const group = event.targets.find((t) => /group/i.test(t.type)) ?? event.targets[0];
      out.group = group ? drop({ name: group.name, uid: group.uid }) : { name: event.rawAction };
      const member = event.targets.find((t) => /user/i.test(t.type));
      if (member) out.user = drop({ name: member.name, uid: member.uid });
      break;
    }
    case EventCategory.SCHEDULED_JOB: {
      out.actor = actor;
      out.job = drop({ name: event.runId ?? event.targets[0]?.name ?? event.rawAction, desc: event.rawAction });
      // the job runs on the execution platform; OCSF requires a device, whose type the record does not give
      out.device = drop({ type_id: 0, type: 'Unknown', name: event.cloud?.account ?? event.sourceId });
      break;
    }
    default:
      throw new UnreachableCaseError(event.category);
  }
  if (!profiles.length) delete (out.metadata as Json).profiles;
  out.unmapped = drop({
    source_id: event.sourceId,
    source_type: event.sourceType,
    action: event.action,
    category: event.category,
    run_id: event.runId,
    source_ip: event.category === EventCategory.SCHEDULED_JOB ? event.sourceIp : undefined,
    user_agent: event.category === EventCategory.SCHEDULED_JOB ? event.userAgent : undefined,
    actor_type: event.actor.type,
    actor_aliases: event.actor.aliases.length ? event.actor.aliases.map((a) => ({ kind: a.kind, value: a.value, field: a.field })) : undefined,
    // the classes without `resources` keep the targets here
    targets: [EventCategory.API_ACTIVITY, EventCategory.USER_ACCESS].includes(event.category) || !resources.length ? undefined : resources,
  });
  if (opts.rawData !== false) out.raw_data = JSON.stringify(event.raw);
  return drop(out);
}
