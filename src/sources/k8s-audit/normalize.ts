import {
  EventCategory,
  OCSF_CLASS_UID,
  Outcome,
  type AuditEvent,
  type JsonValue,
  type ResourceRef,
} from '../../domain';
import { actorOf } from './actor';
import type { K8sAuditRecord, K8sObjectRef } from './record';
import { runIdOf } from './run-id';
import { parseTimestamp } from './time';

export interface NormalizeContext {
  sourceId: string;
  /** the cluster's name from config, shown as the event's cloud account */
  cluster?: string;
}

/** A record that cannot become an event; the reader counts it as malformed. */
export class MalformedRecordError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'MalformedRecordError';
  }
}

/** RBAC and account objects live in these groups; a CRD of the same plural elsewhere is just API activity. */
const CORE = '';
const AUTHENTICATION_GROUP = 'authentication.k8s.io';
const RBAC_GROUP = 'rbac.authorization.k8s.io';
const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/** `pods/exec`: the resource as RBAC rules name it. */
export function resourceType(ref: K8sObjectRef): string {
  const resource = ref.resource ?? 'unknown';
  return ref.subresource ? `${resource}/${ref.subresource}` : resource;
}

/**
 * OCSF class by what the request does: credentials checked or issued are Authentication (TokenReview, a token
 * for a service account), service accounts changed are Account Change, (cluster)role bindings changed are User
 * Access Management; the rest is API Activity.
 */
export function categoryOf(verb: string, ref: K8sObjectRef | undefined): EventCategory {
  if (!ref) return EventCategory.API_ACTIVITY;
  const group = ref.apiGroup ?? CORE;
  const resource = ref.resource;
  if (resource === 'tokenreviews' && group === AUTHENTICATION_GROUP && verb === 'create') return EventCategory.AUTHENTICATION;
  if (resource === 'serviceaccounts' && group === CORE) {
    if (ref.subresource === 'token' && verb === 'create') return EventCategory.AUTHENTICATION;
    if (!ref.subresource && WRITE_VERBS.has(verb)) return EventCategory.ACCOUNT_CHANGE;
  }
  if ((resource === 'rolebindings' || resource === 'clusterrolebindings') && group === RBAC_GROUP && !ref.subresource && WRITE_VERBS.has(verb)) {
    return EventCategory.USER_ACCESS;
  }
  return EventCategory.API_ACTIVITY;
}

function requestPath(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  const q = uri.indexOf('?');
  return q >= 0 ? uri.slice(0, q) : uri;
}

function targetsOf(record: K8sAuditRecord): ResourceRef[] {
  const ref = record.objectRef;
  const path = requestPath(record.requestURI);
  if (!ref) return path ? [{ type: 'nonResourceURL', name: path }] : [];
  // a collection (list, watch, create with generateName) has no name: the request path says what it was
  const name = ref.name ?? record.requestObject?.metadata?.name ?? path ?? '';
  const target: ResourceRef = { type: resourceType(ref), name };
  if (ref.namespace) target.namespace = ref.namespace;
  if (ref.uid) target.uid = ref.uid;
  return [target];
}

function outcomeOf(record: K8sAuditRecord): { outcome: Outcome; reason?: string } {
  const status = record.responseStatus;
  const code = status?.code;
  if (typeof code !== 'number') return { outcome: Outcome.UNKNOWN };
  if (code < 400) return { outcome: Outcome.SUCCESS };
  const parts = [status?.reason, status?.message].filter((p): p is string => typeof p === 'string' && p !== '');
  return { outcome: Outcome.FAILURE, reason: parts.length > 0 ? parts.join(': ') : `HTTP ${code}` };
}

/**
 * One kept stage record -> one AuditEvent. The time is `requestReceivedTimestamp` (the same on every stage of a
 * request), the id and correlation id the auditID; `raw` is the record as read.
 */
export function normalizeAuditRecord(record: K8sAuditRecord, ctx: NormalizeContext): AuditEvent {
  if (typeof record.auditID !== 'string' || record.auditID === '') throw new MalformedRecordError('no auditID');
  const received = parseTimestamp(record.requestReceivedTimestamp);
  if (received === undefined) throw new MalformedRecordError(`requestReceivedTimestamp ${JSON.stringify(record.requestReceivedTimestamp)} is not an RFC 3339 time`);
  const verb = typeof record.verb === 'string' && record.verb !== '' ? record.verb : 'unknown';
  const ref = record.objectRef;
  const category = categoryOf(verb, ref);
  const { outcome, reason } = outcomeOf(record);
  const event: AuditEvent = {
    id: record.auditID,
    sourceId: ctx.sourceId,
    sourceType: 'k8s-audit',
    time: new Date(received),
    category,
    ocsfClassUid: OCSF_CLASS_UID[category],
    action: ref ? `${resourceType(ref)}.${verb}` : `nonresource.${verb}`,
    rawAction: verb,
    actor: actorOf(record.user, record.impersonatedUser),
    targets: targetsOf(record),
    outcome,
    correlationId: record.auditID,
    cloud: ctx.cluster ? { provider: 'kubernetes', account: ctx.cluster } : { provider: 'kubernetes' },
    raw: record as unknown as JsonValue,
  };
  if (reason !== undefined) event.outcomeReason = reason;
  // every IP but the last can be set by the client (X-Forwarded-For, X-Real-Ip); the last is the connection's
  const ips = Array.isArray(record.sourceIPs) ? record.sourceIPs.filter((ip) => typeof ip === 'string' && ip !== '') : [];
  if (ips.length > 0) event.sourceIp = ips[ips.length - 1];
  if (typeof record.userAgent === 'string' && record.userAgent !== '') event.userAgent = record.userAgent;
  const runId = runIdOf(record);
  if (runId) event.runId = runId;
  return event;
}
