import * as path from 'node:path';
import { SourceError, overlaps, type SourceStats, type TimeWindow } from '../../domain';
import { readLines, readText } from '../shared/files';

/** Export files: NDJSON (`.ndjson`, `.jsonl`) or a JSON array (`.json`), each optionally gzipped. */
const LOG_FILE = /\.(ndjson|jsonl|json)(\.gz)?$/i;
/** `system-log-2026-03-14.ndjson`: a file named with a day holds that UTC day's events. */
const DAY_IN_NAME = /(\d{4})-(\d{2})-(\d{2})/;
const DAY_MS = 86_400_000;

export interface ExportFile {
  /** path relative to the archive root, `/`-separated */
  rel: string;
  /** the UTC day [start, start + 1 day) the name says the file holds; undefined when it names none */
  day?: Date;
}

export function isLogFile(rel: string): boolean {
  return LOG_FILE.test(rel);
}

export function dayOfFile(rel: string): Date | undefined {
  const m = DAY_IN_NAME.exec(path.posix.basename(rel));
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  // 2026-02-30 is not a day: such a name cannot be trusted for pruning
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return undefined;
  return day;
}

export function exportFile(rel: string): ExportFile {
  return { rel, day: dayOfFile(rel) };
}

/** Which export files a window needs: dated files whose day overlaps it, and every undated file. */
export function selectFiles(files: ExportFile[], window: TimeWindow): { selected: ExportFile[]; pruned: ExportFile[] } {
  const selected: ExportFile[] = [];
  const pruned: ExportFile[] = [];
  for (const f of files) {
    if (!f.day || overlaps(window, f.day, new Date(f.day.getTime() + DAY_MS))) selected.push(f);
    else pruned.push(f);
  }
  return { selected, pruned };
}

/** One record of an export file, or why it could not be read; `where` is `file:line` for error reports. */
export type ExportRecord = { where: string; value: unknown } | { where: string; error: string };

function isJsonArrayFile(rel: string): boolean {
  return /\.json(\.gz)?$/i.test(rel);
}

function* parseLines(text: string, rel: string): Generator<ExportRecord> {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) yield* parseLine(lines[i], `${rel}:${i + 1}`);
}

function* parseLine(line: string, where: string): Generator<ExportRecord> {
  if (line.trim() === '') return;
  try {
    yield { where, value: JSON.parse(line) };
  } catch (err) {
    yield { where, error: `not JSON: ${(err as Error).message}` };
  }
}

/**
 * The records of one export file, in file order. NDJSON is streamed line by line; a `.json` file is parsed whole
 * (a JSON array, or a single LogEvent), and read as NDJSON when it turns out to hold one object per line.
 */
export async function* readExportFile(root: string, rel: string, stats: SourceStats, signal: AbortSignal): AsyncGenerator<ExportRecord> {
  const file = path.join(root, rel);
  if (isJsonArrayFile(rel)) {
    const text = await readText(file, stats);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      if (text.trimStart().startsWith('{')) {
        yield* parseLines(text, rel);
        return;
      }
      yield { where: rel, error: `neither a JSON array nor NDJSON: ${(err as Error).message}` };
      return;
    }
    const records = Array.isArray(parsed) ? parsed : [parsed];
    for (let i = 0; i < records.length; i++) yield { where: `${rel}[${i}]`, value: records[i] };
    return;
  }
  for await (const { line, lineNo } of readLines(file, stats, signal)) yield* parseLine(line, `${rel}:${lineNo}`);
}

/** Filesystem failures as typed errors naming the path. */
export function fileError(err: unknown, where: string, sourceId: string): SourceError {
  if (err instanceof SourceError) return new SourceError(err.code, err.message, sourceId, { cause: err });
  const code = (err as NodeJS.ErrnoException).code;
  const message = `${where}: ${(err as Error).message}`;
  if (code === 'ENOENT') return new SourceError('NOT_FOUND', message, sourceId, { cause: err });
  if (code === 'EACCES' || code === 'EPERM') return new SourceError('FORBIDDEN', message, sourceId, { cause: err });
  return new SourceError('UPSTREAM_ERROR', message, sourceId, { cause: err });
}
