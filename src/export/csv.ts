import { stringify } from 'csv-stringify/sync';
import { AuditgraphError, ErrorCode, type AuditEvent } from '../domain';
import type { StreamSummary } from '../query/stream';

/** One CSV column: its header and how an event fills it. */
interface Column {
  name: string;
  value(e: AuditEvent): string | number | undefined;
}

const json = (v: unknown) => (v === undefined ? undefined : JSON.stringify(v));

/** The CSV column set, in its default order (docs/export.md). */
export const CSV_COLUMNS: readonly Column[] = [
  { name: 'time', value: (e) => e.time.toISOString() },
  { name: 'source', value: (e) => e.sourceId },
  { name: 'sourceType', value: (e) => e.sourceType },
  { name: 'id', value: (e) => e.id },
  { name: 'category', value: (e) => e.category },
  { name: 'ocsfClassUid', value: (e) => e.ocsfClassUid },
  { name: 'action', value: (e) => e.action },
  { name: 'rawAction', value: (e) => e.rawAction },
  { name: 'actor', value: (e) => e.actor.name },
  { name: 'actorType', value: (e) => e.actor.type },
  { name: 'actorUid', value: (e) => e.actor.uid },
  { name: 'sessionId', value: (e) => e.actor.sessionId },
  { name: 'onBehalfOf', value: (e) => e.actor.onBehalfOf },
  { name: 'outcome', value: (e) => e.outcome },
  { name: 'outcomeReason', value: (e) => e.outcomeReason },
  { name: 'sourceIp', value: (e) => e.sourceIp },
  { name: 'userAgent', value: (e) => e.userAgent },
  { name: 'targets', value: (e) => (e.targets.length ? json(e.targets) : undefined) },
  { name: 'runId', value: (e) => e.runId },
  { name: 'correlationId', value: (e) => e.correlationId },
  { name: 'cloudProvider', value: (e) => e.cloud?.provider },
  { name: 'cloudAccount', value: (e) => e.cloud?.account },
  { name: 'cloudRegion', value: (e) => e.cloud?.region },
  { name: 'raw', value: (e) => json(e.raw) },
];

export const CSV_COLUMN_NAMES = CSV_COLUMNS.map((c) => c.name);

/** The columns `columns=` names, in its order; an unknown name is an error naming the known ones. */
export function csvColumns(names?: readonly string[] | null): Column[] {
  if (!names || names.length === 0) return [...CSV_COLUMNS];
  return names.map((n) => {
    const c = CSV_COLUMNS.find((col) => col.name.toLowerCase() === n.trim().toLowerCase());
    if (!c) throw new AuditgraphError(ErrorCode.BAD_PARAMETER, `columns: no column ${JSON.stringify(n)}; the columns are ${CSV_COLUMN_NAMES.join(', ')}`, { parameter: 'columns' });
    return c;
  });
}

type Cell = string | number | undefined;

/**
 * RFC 4180 rows (CRLF, fields quoted when they hold a comma, quote or line break), by csv-stringify; a field
 * holding `#` is quoted too, so that readers skipping `#` comment lines never cut a row at one.
 */
function csvRows(rows: Cell[][]): string {
  return stringify(
    rows.map((r) => r.map((v) => (v === undefined ? '' : v))),
    { record_delimiter: 'windows', quoted_match: /#/ },
  );
}

export function csvRow(values: Cell[]): string {
  return csvRows([values]);
}

export function csvEventRows(columns: readonly Column[], list: readonly AuditEvent[]): string {
  return csvRows(list.map((e) => columns.map((c) => c.value(e))));
}

/**
 * The trailer: comment lines (`#`, which csv-parse's `comment` option and pandas' `comment='#'` skip) saying
 * whether the export is complete, then one line per source with its state and counts.
 */
export function csvTrailer(summary: StreamSummary): string {
  const lines = [
    `# status complete=${summary.complete} events=${summary.events} limitReached=${summary.limitReached}${summary.rawWithheld?.length ? ` rawWithheld=${summary.rawWithheld.join(',')}` : ''} window=${summary.window.from.toISOString()}/${summary.window.to.toISOString()} order=${summary.order}`,
  ];
  for (const s of summary.statuses) {
    const msg = s.message ? ` message=${JSON.stringify(s.message)}` : '';
    lines.push(`# source ${s.sourceId} state=${s.state} requests=${s.requests} scanned=${s.eventsScanned} returned=${s.eventsReturned} malformed=${s.malformed}${msg}`);
  }
  return `${lines.map((l) => l.replace(/[\r\n]+/g, ' ')).join('\r\n')}\r\n`;
}
