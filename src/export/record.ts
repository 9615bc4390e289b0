import type { AuditEvent, SourceStatus } from '../domain';
import type { StreamSummary } from '../query/stream';

/** A JSON object being built: undefined members are left out when serialized. */
export type Json = { [key: string]: unknown };

/**
 * An event as one JSON object: the GraphQL `AuditEvent` fields, with `source` the source id, `sourceType`
 * beside it, and `time` in ISO 8601 (the NDJSON export's event lines, the audit report's events).
 */
export function eventRecord(event: AuditEvent): Json {
  return {
    id: event.id,
    time: event.time.toISOString(),
    source: event.sourceId,
    sourceType: event.sourceType,
    category: event.category,
    ocsfClassUid: event.ocsfClassUid,
    action: event.action,
    rawAction: event.rawAction,
    actor: {
      name: event.actor.name,
      type: event.actor.type,
      uid: event.actor.uid,
      sessionId: event.actor.sessionId,
      onBehalfOf: event.actor.onBehalfOf,
      aliases: event.actor.aliases.map((a) => ({ kind: a.kind, value: a.value, field: a.field })),
    },
    targets: event.targets.map((t) => ({ type: t.type, name: t.name, uid: t.uid, namespace: t.namespace })),
    outcome: event.outcome,
    outcomeReason: event.outcomeReason,
    sourceIp: event.sourceIp,
    userAgent: event.userAgent,
    runId: event.runId,
    correlationId: event.correlationId,
    cloud: event.cloud ? { provider: event.cloud.provider, account: event.cloud.account, region: event.cloud.region } : undefined,
    raw: event.raw,
  };
}

/** One source's status as JSON (the fields of GraphQL `SourceStatus`, `source` being its id). */
export function statusRecord(s: SourceStatus): Json {
  return {
    source: s.sourceId,
    sourceType: s.sourceType,
    kind: s.kind,
    mode: s.mode,
    state: s.state,
    message: s.message,
    window: s.window ? { from: s.window.from.toISOString(), to: s.window.to.toISOString() } : undefined,
    requests: s.requests,
    eventsScanned: s.eventsScanned,
    eventsMatched: s.eventsMatched,
    eventsReturned: s.eventsReturned,
    malformed: s.malformed,
    malformedSamples: s.malformedSamples,
    throttled: s.throttled,
    bytesRead: s.bytesRead,
    partitionsRead: s.partitionsRead,
    partitionsPruned: s.partitionsPruned,
    partitionsIgnored: s.partitionsIgnored,
    partitionsDamaged: s.partitionsDamaged,
    partitionsUnreadable: s.partitionsUnreadable,
    duplicates: s.duplicates,
    idConflicts: s.idConflicts,
    cacheHits: s.cacheHits,
    prefiltered: s.prefiltered,
    rawTruncated: s.rawTruncated,
    redactions: s.redactions,
    durationMs: s.durationMs,
    pushedDown: s.pushedDown,
    residual: s.residual,
  };
}

/**
 * The end of an export: whether it is the whole answer, how many events, and every source's status. `complete`
 * is false when a source failed, timed out or was throttled, or the export stopped at its limit: a reader
 * must never take a partial export for the whole.
 */
export function summaryRecord(summary: StreamSummary): Json {
  const failed = summary.statuses.filter((s) => s.state === 'FAILED' || s.state === 'TIMED_OUT' || s.state === 'THROTTLED').map((s) => s.sourceId);
  return {
    type: 'status',
    complete: summary.complete,
    events: summary.events,
    limitReached: summary.limitReached,
    failedSources: failed,
    window: { from: summary.window.from.toISOString(), to: summary.window.to.toISOString() },
    order: summary.order,
    rawWithheld: summary.rawWithheld?.length ? summary.rawWithheld : undefined,
    sources: summary.statuses.map(statusRecord),
  };
}
