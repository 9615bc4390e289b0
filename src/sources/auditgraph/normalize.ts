import {
  ActorType,
  AliasKind,
  EventCategory,
  OCSF_CLASS_UID,
  Outcome,
  type Actor,
  type ActorAlias,
  type AuditEvent,
  type JsonValue,
  type ResourceRef,
} from '../../domain';
import type { AccessLogRecord } from './record';

export class MalformedAccessLogLine extends Error {}

const OKTA_USER_ID = /^00u[0-9A-Za-z]{17}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * Who asked: an API key by its id (the name the config gives it), an OIDC caller by email (else subject), with
 * the aliases the identity graph correlates on (the email; the subject when it is an Okta user id).
 */
function actorOf(r: AccessLogRecord): Actor {
  const c = r.caller;
  if (!c) return { name: 'anonymous', type: ActorType.UNKNOWN, aliases: [] };
  if (c.apiKeyId) return { name: c.apiKeyId, type: ActorType.SERVICE_ACCOUNT, uid: c.subject, aliases: [] };
  const aliases: ActorAlias[] = [];
  if (c.email && EMAIL.test(c.email)) aliases.push({ kind: AliasKind.EMAIL, value: c.email, field: 'caller.email' });
  if (EMAIL.test(c.subject)) aliases.push({ kind: AliasKind.EMAIL, value: c.subject, field: 'caller.subject' });
  if (OKTA_USER_ID.test(c.subject)) aliases.push({ kind: AliasKind.OKTA_USER_ID, value: c.subject, field: 'caller.subject' });
  return { name: c.email ?? c.subject, type: c.method === 'none' ? ActorType.UNKNOWN : ActorType.USER, uid: c.subject, aliases };
}

/** What was asked: a GraphQL operation by its type and name, another route by its path. */
function actionOf(r: AccessLogRecord): { action: string; rawAction: string } {
  if (r.operation) {
    const type = r.operation.type ?? 'request';
    return { action: `graphql.${type}`, rawAction: r.operation.name ?? `anonymous ${type}` };
  }
  const route = r.path.replace(/^\/+/, '').split('/')[0] || 'root';
  return { action: `http.${route}`, rawAction: `${r.method} ${r.path}` };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the fields every line has, so a line of another file is malformed rather than a strange event. */
function checked(value: unknown): AccessLogRecord {
  if (!isRecord(value)) throw new MalformedAccessLogLine('not a JSON object');
  for (const k of ['time', 'reqId', 'method', 'path', 'outcome', 'prev'] as const) {
    if (typeof value[k] !== 'string') throw new MalformedAccessLogLine(`no ${k} (not an auditgraph access log line)`);
  }
  if (value.caller !== null && !(isRecord(value.caller) && typeof value.caller.subject === 'string')) throw new MalformedAccessLogLine('caller: expected null or an object with a subject');
  if (!Array.isArray(value.sources)) throw new MalformedAccessLogLine('sources: expected a list');
  return value as unknown as AccessLogRecord;
}

/**
 * One access-log line as an event: the caller as actor, the sources asked as targets, the outcome (with the error
 * codes as reason), the client's address. `id` is the line's own hash, unique and stable.
 */
export function normalizeAccessLogLine(value: unknown, ctx: { sourceId: string; lineHash: string }): AuditEvent {
  const r = checked(value);
  const time = new Date(r.time);
  if (Number.isNaN(time.getTime())) throw new MalformedAccessLogLine(`time ${JSON.stringify(r.time)} is not an ISO 8601 time`);
  const { action, rawAction } = actionOf(r);
  const targets: ResourceRef[] = r.sources.filter((s) => isRecord(s) && typeof s.id === 'string').map((s) => ({ type: 'source', name: s.id }));
  if (r.path !== '/graphql') targets.push({ type: 'route', name: r.path });
  const event: AuditEvent = {
    id: ctx.lineHash,
    sourceId: ctx.sourceId,
    sourceType: 'auditgraph',
    time,
    category: EventCategory.API_ACTIVITY,
    ocsfClassUid: OCSF_CLASS_UID[EventCategory.API_ACTIVITY],
    action,
    rawAction,
    actor: actorOf(r),
    targets,
    outcome: r.outcome === 'ok' ? Outcome.SUCCESS : r.outcome === 'error' ? Outcome.FAILURE : Outcome.UNKNOWN,
    correlationId: r.reqId,
    cloud: { provider: 'auditgraph' },
    raw: value as JsonValue,
  };
  if (r.errorCodes?.length) event.outcomeReason = r.errorCodes.join(', ');
  if (typeof r.clientIp === 'string' && r.clientIp) event.sourceIp = r.clientIp.replace(/^::ffff:/, '');
  if (typeof r.userAgent === 'string') event.userAgent = r.userAgent;
  return event;
}
