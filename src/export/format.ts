import { AuditgraphError, ErrorCode, UnreachableCaseError, type AuditEvent } from '../domain';
import type { StreamSummary } from '../query/stream';
import { csvColumns, csvEventRows, csvRow, csvTrailer } from './csv';
import { OCSF_VERSION, toOcsf } from './ocsf';
import { eventRecord, summaryRecord } from './record';

export const EXPORT_FORMATS = ['ndjson', 'csv', 'ocsf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function parseFormat(value: string | undefined | null): ExportFormat {
  const f = (value ?? 'ndjson').toLowerCase();
  if ((EXPORT_FORMATS as readonly string[]).includes(f)) return f as ExportFormat;
  throw new AuditgraphError(ErrorCode.BAD_PARAMETER, `format: expected one of ${EXPORT_FORMATS.join(', ')}, got ${JSON.stringify(value)}`, { parameter: 'format' });
}

/** How far an export has got, sent as progress lines when asked. */
export interface ExportProgress {
  events: number;
  bytes: number;
  sourcesDone: number;
  sources: number;
  elapsedMs: number;
}

/** What one export format writes: a header, a line (or row) per event, progress lines, and the end status. */
export interface ExportWriter {
  readonly format: ExportFormat;
  readonly contentType: string;
  readonly extension: string;
  begin(): string;
  /** a batch of events (CSV pays its set-up once a batch) */
  events(list: readonly AuditEvent[]): string;
  progress(p: ExportProgress): string;
  end(summary: StreamSummary): string;
}

export interface WriterOptions {
  /** CSV: the columns, in order (default: every column) */
  columns?: readonly string[] | null;
}

const progressRecord = (p: ExportProgress) => ({ type: 'progress', ...p });

/** The writer for one format; options are checked here (an unknown CSV column is refused before anything is read). */
export function exportWriter(format: ExportFormat, opts: WriterOptions = {}): ExportWriter {
  switch (format) {
    case 'ndjson':
      return {
        format,
        contentType: 'application/x-ndjson; charset=utf-8',
        extension: 'ndjson',
        begin: () => '',
        events: (list) => list.map((e) => `${JSON.stringify({ type: 'event', ...eventRecord(e) })}\n`).join(''),
        progress: (p) => `${JSON.stringify(progressRecord(p))}\n`,
        end: (s) => `${JSON.stringify(summaryRecord(s))}\n`,
      };
    case 'ocsf':
      return {
        format,
        contentType: 'application/x-ndjson; charset=utf-8',
        extension: 'ocsf.ndjson',
        begin: () => '',
        events: (list) => list.map((e) => `${JSON.stringify(toOcsf(e))}\n`).join(''),
        progress: (p) => `${JSON.stringify(progressRecord(p))}\n`,
        // the final metadata object: OCSF metadata of the export itself, then the same status as NDJSON's
        end: (s) => `${JSON.stringify({ ...summaryRecord(s), metadata: { version: OCSF_VERSION, product: { name: 'auditgraph', vendor_name: 'auditgraph' } } })}\n`,
      };
    case 'csv': {
      const columns = csvColumns(opts.columns);
      return {
        format,
        contentType: 'text/csv; charset=utf-8; header=present',
        extension: 'csv',
        begin: () => csvRow(columns.map((c) => c.name)),
        events: (list) => csvEventRows(columns, list),
        progress: (p) => `# progress events=${p.events} bytes=${p.bytes} sourcesDone=${p.sourcesDone}/${p.sources} elapsedMs=${p.elapsedMs}\r\n`,
        end: csvTrailer,
      };
    }
    default:
      throw new UnreachableCaseError(format);
  }
}
