import { isIP } from 'node:net';
import { EventCategory, OCSF_CLASS_UID, Outcome, type AuditEvent, type CloudContext, type JsonValue, type ResourceRef } from '../../domain';
import { actorOf } from './actor';
import { flyteRunOf, GKE_SERVICE, k8sAction, k8sTarget, parseK8sMethod, parseK8sResourceName } from './gke';
import { GRPC_CODE_NAMES } from './grpc-status';
import type { AuditLogRecord, LogEntryRecord } from './record';

/** An entry that cannot become an AuditEvent; the caller counts it as malformed with where it was. */
export class MalformedEntryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedEntryError';
  }
}

/** Service account and key lifecycle: OCSF Account Change (3001). */
const ACCOUNT_CHANGE_METHODS = new Set(
  [
    'CreateServiceAccount',
    'DeleteServiceAccount',
    'UndeleteServiceAccount',
    'EnableServiceAccount',
    'DisableServiceAccount',
    'PatchServiceAccount',
    'UpdateServiceAccount',
    'CreateServiceAccountKey',
    'UploadServiceAccountKey',
    'DeleteServiceAccountKey',
    'EnableServiceAccountKey',
    'DisableServiceAccountKey',
  ].map((m) => m.toLowerCase()),
);

/** Credentials handed out (STS token exchange, service account impersonation): OCSF Authentication (3002). */
const AUTHENTICATION_METHODS = new Set(['ExchangeToken', 'GenerateAccessToken', 'GenerateIdToken'].map((m) => m.toLowerCase()));

/**
 * `SetIamPolicy` on any resource grants or revokes roles: OCSF User Access Management (3005) describes that
 * better than Account Change, which this project keeps for the service account's own lifecycle.
 */
export function categoryOf(serviceName: string, methodName: string): EventCategory {
  if (serviceName === GKE_SERVICE) return EventCategory.API_ACTIVITY;
  const method = methodName.slice(methodName.lastIndexOf('.') + 1).toLowerCase();
  if (method === 'setiampolicy') return EventCategory.USER_ACCESS;
  if (ACCOUNT_CHANGE_METHODS.has(method)) return EventCategory.ACCOUNT_CHANGE;
  if (AUTHENTICATION_METHODS.has(method)) return EventCategory.AUTHENTICATION;
  return EventCategory.API_ACTIVITY;
}

/** `projects/acme/logs/cloudaudit.googleapis.com%2Factivity` -> parent `projects/acme`, log `activity`. */
export function parseLogName(logName: string): { parent: string; logId: string; log: string } | undefined {
  const at = logName.indexOf('/logs/');
  if (at <= 0) return undefined;
  const logId = decodeURIComponent(logName.slice(at + '/logs/'.length));
  const log = logId.startsWith('cloudaudit.googleapis.com/') ? logId.slice('cloudaudit.googleapis.com/'.length) : logId;
  return { parent: logName.slice(0, at), logId, log };
}

/**
 * The event id: `<parent>/<log>/<insertId>`, e.g. `projects/acme-ml-prod/activity/-1abc2def`. An insertId is
 * unique within one log only; one source instance reads several logs (and several projects or folders).
 */
export function eventIdOf(logName: string, insertId: string): string {
  const parsed = parseLogName(logName);
  return parsed ? `${parsed.parent}/${parsed.log}/${insertId}` : `${logName}/${insertId}`;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * `status` is absent or `{}` when the call succeeded (proto3 JSON drops code 0), also on system events and on
 * the first entry of a long-running operation: those count as SUCCESS, which is what the pushed-down
 * `NOT protoPayload.status.code>0` selects too. Any other code is a FAILURE with the status message.
 */
function outcomeOf(payload: AuditLogRecord): { outcome: Outcome; reason?: string } {
  const code = Number(payload.status?.code ?? 0);
  if (!Number.isFinite(code) || code === 0) return { outcome: Outcome.SUCCESS };
  const name = GRPC_CODE_NAMES[code] ?? `code ${code}`;
  const message = str(payload.status?.message);
  return { outcome: Outcome.FAILURE, reason: message ? `${name}: ${message}` : name };
}

function cloudOf(entry: LogEntryRecord, parent: string | undefined): CloudContext {
  const labels = isObject(entry.resource?.labels) ? entry.resource.labels : {};
  const fromParent = parent?.startsWith('projects/') ? parent.slice('projects/'.length) : undefined;
  const account = str(labels.project_id) ?? fromParent;
  const region = str(labels.location) ?? str(labels.region) ?? str(labels.zone);
  return { provider: 'gcp', ...(account ? { account } : {}), ...(region ? { region } : {}) };
}

/**
 * One LogEntry in JSON form (a sink's line, or an API answer decoded by `auditlog.ts`) as an AuditEvent. Pure;
 * throws MalformedEntryError when the entry is not a Cloud Audit Logs entry or lacks what an event needs.
 *
 * - action: `<serviceName>:<methodName>` (e.g. `iam.googleapis.com:google.iam.admin.v1.CreateServiceAccountKey`),
 *   rawAction the methodName; GKE entries (`serviceName: k8s.io`) get the Kubernetes form `pods.create`.
 * - target: `resourceName`, typed by `resource.type` (GKE: the Kubernetes object, typed by its resource).
 */
export function normalizeEntry(raw: unknown, sourceId: string): AuditEvent {
  if (!isObject(raw)) throw new MalformedEntryError('a log entry must be a JSON object');
  const entry = raw as LogEntryRecord;
  const logName = str(entry.logName);
  if (!logName) throw new MalformedEntryError('missing logName');
  const insertId = str(entry.insertId);
  if (!insertId) throw new MalformedEntryError('missing insertId');
  const timestamp = str(entry.timestamp);
  if (!timestamp) throw new MalformedEntryError('missing timestamp');
  const time = new Date(timestamp);
  if (Number.isNaN(time.getTime())) throw new MalformedEntryError(`timestamp ${JSON.stringify(timestamp)} is not a date`);
  if (!isObject(entry.protoPayload)) throw new MalformedEntryError('no protoPayload: not a Cloud Audit Logs entry');
  const payload: AuditLogRecord = entry.protoPayload;
  const payloadType = str(payload['@type']);
  if (payloadType && !payloadType.endsWith('/google.cloud.audit.AuditLog')) {
    throw new MalformedEntryError(`protoPayload is ${payloadType}, not google.cloud.audit.AuditLog`);
  }
  const methodName = str(payload.methodName);
  if (!methodName) throw new MalformedEntryError('protoPayload has no methodName');
  const serviceName = str(payload.serviceName) ?? 'unknown';
  if (payload.authenticationInfo !== undefined && !isObject(payload.authenticationInfo)) {
    throw new MalformedEntryError('protoPayload.authenticationInfo is not an object');
  }

  const kubernetes = serviceName === GKE_SERVICE;
  const resourceName = str(payload.resourceName);
  let action = `${serviceName}:${methodName}`;
  let targets: ResourceRef[] = resourceName ? [{ type: str(entry.resource?.type) ?? 'gcp_resource', name: resourceName }] : [];
  let runId: string | undefined;
  if (kubernetes) {
    const method = parseK8sMethod(methodName);
    if (method) action = k8sAction(method);
    if (resourceName) {
      targets = [k8sTarget(resourceName)];
      const object = parseK8sResourceName(resourceName);
      if (object?.resource === 'pods') runId = flyteRunOf(object.namespace, object.name);
    }
  }

  const category = categoryOf(serviceName, methodName);
  const { outcome, reason } = outcomeOf(payload);
  // callerIp is "private", "gce-internal-ip" or absent for calls from inside Google: only an address is a source IP
  const callerIp = str(payload.requestMetadata?.callerIp);
  const parent = parseLogName(logName)?.parent;

  const event: AuditEvent = {
    id: eventIdOf(logName, insertId),
    sourceId,
    sourceType: 'gcp-audit',
    time,
    category,
    ocsfClassUid: OCSF_CLASS_UID[category],
    action,
    rawAction: methodName,
    actor: actorOf(payload.authenticationInfo, { serviceName, kubernetes }),
    targets,
    outcome,
    cloud: cloudOf(entry, parent),
    raw: raw as JsonValue,
  };
  if (reason) event.outcomeReason = reason;
  if (callerIp && isIP(callerIp) !== 0) event.sourceIp = callerIp;
  const userAgent = str(payload.requestMetadata?.callerSuppliedUserAgent);
  if (userAgent) event.userAgent = userAgent;
  if (runId) event.runId = runId;
  const operationId = str(entry.operation?.id);
  if (operationId) event.correlationId = operationId;
  return event;
}
