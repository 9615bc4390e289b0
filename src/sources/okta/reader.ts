import * as path from 'node:path';
import { SourceError, newSourceStats, overlaps, type SourceStats, type TimeWindow } from '../../domain';
import { fileChunks, readLines, readText } from '../shared/files';
import { jsonList } from '../shared/json';
import type { Prefilter } from '../shared/prefilter';
import type { ArchiveLayout } from '../shared/walk';

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

export const NOT_AN_EXPORT = 'not a System Log export: *.ndjson, *.jsonl or *.json, optionally .gz';

/** The export folder's layout: any folders; export files by name, those of a day outside `window` pruned. */
export function exportLayout(window: TimeWindow | undefined): ArchiveLayout {
  return {
    folder: () => 'descend',
    file(rel) {
      if (!isLogFile(rel)) return { ignore: NOT_AN_EXPORT };
      if (!window) return 'read';
      return selectFiles([exportFile(rel)], window).selected.length > 0 ? 'read' : 'prune';
    },
  };
}

/**
 * One record of an export file, or why it could not be read, or that the prefilter skipped it unparsed (its text
 * holds none of the filter's values); `where` is `file:line` for error reports.
 */
export type ExportRecord = { where: string; value: unknown; bytes: number; text?: string } | { where: string; error: string } | { where: string; prefiltered: true };

function isJsonArrayFile(rel: string): boolean {
  return /\.json(\.gz)?$/i.test(rel);
}

function* parseLines(text: string, rel: string, prefilter: Prefilter | undefined): Generator<ExportRecord> {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) yield* parseLine(lines[i], `${rel}:${i + 1}`, prefilter);
}

function* parseLine(line: string, where: string, prefilter: Prefilter | undefined): Generator<ExportRecord> {
  if (line.trim() === '') return;
  if (prefilter && !prefilter.mayMatch(line)) {
    yield { where, prefiltered: true };
    return;
  }
  try {
    yield { where, value: JSON.parse(line), bytes: line.length, text: line };
  } catch (err) {
    yield { where, error: `not JSON: ${(err as Error).message}` };
  }
}

const firstChar = (text: string) => text.trimStart().charAt(0);

/**
 * The records of one export file, in file order. NDJSON is streamed line by line; a `.json` file is read whole: a
 * JSON array (record by record when it is damaged, see `jsonList`), a single LogEvent, or NDJSON after all. Returns
 * why the file is not an export when its content is neither NDJSON nor a JSON array (an HTML error page saved as
 * `.json`, a CSV): nothing is yielded then, and the caller counts it as not recognized.
 */
export async function* readExportFile(
  root: string,
  rel: string,
  stats: SourceStats,
  signal: AbortSignal,
  maxRawBytes: number,
  prefilter?: Prefilter,
): AsyncGenerator<ExportRecord, string | undefined> {
  const file = path.join(root, rel);
  if (isJsonArrayFile(rel)) {
    const text = await readText(file, rel, stats);
    const first = firstChar(text);
    if (first === '[') {
      for await (const r of jsonList(text, rel, stats, { maxRawBytes })) yield 'error' in r ? { where: r.where, error: r.error } : r;
      return undefined;
    }
    // an empty export (a day without events) is still an export
    if (first === '') return undefined;
    if (first !== '{') return notExport(first);
    let single: unknown;
    try {
      single = JSON.parse(text);
    } catch {
      // one LogEvent per line
      yield* parseLines(text, rel, prefilter);
      return undefined;
    }
    yield { where: rel, value: single, bytes: text.length };
    return undefined;
  }
  let checked = false;
  for await (const { line, lineNo } of readLines(file, rel, stats, signal)) {
    if (!checked && line.trim() !== '') {
      checked = true;
      const first = firstChar(line);
      if (first !== '{') return notExport(first);
    }
    yield* parseLine(line, `${rel}:${lineNo}`, prefilter);
  }
  return undefined;
}

/** Whether a file's content starts as an export does: for health, which must not call an HTML page an export. */
export async function looksLikeExport(root: string, rel: string): Promise<boolean> {
  const scratch = newSourceStats();
  for await (const chunk of fileChunks(path.join(root, rel), rel, scratch)) {
    const first = firstChar(chunk.toString('utf8', 0, Math.min(chunk.length, 4096)));
    if (first === '') continue;
    return first === '{' || (first === '[' && isJsonArrayFile(rel));
  }
  return true;
}

function notExport(first: string): string {
  return `neither NDJSON nor a JSON array (it starts with ${JSON.stringify(first)})`;
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
