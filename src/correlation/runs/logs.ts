import { AuditgraphError, ErrorCode, newTaskLogStats, type LogLine, type PodRef, type TaskLogSource, type TaskLogStats } from '../../domain';
import { mergeOrdered } from '../../lib/merge';
import { compareLines } from '../../sources/task-logs/files';

export const MAX_LOG_LINES = 5000;

export interface RunLogsRequest {
  first: number;
  /** a previous page's endCursor */
  after?: string | null;
  /** only this container's lines */
  container?: string | null;
}

export interface RunLogsPage {
  lines: LogLine[];
  hasNextPage: boolean;
  endCursor?: string;
  stats: TaskLogStats;
}

/** Where a page ended: the last line's order key, and how many lines with that very key it returned. */
interface LogCursor {
  t: number;
  ns: string;
  p: string;
  c: string;
  k: number;
}

function encode(line: LogLine, sameKey: number): string {
  const c: LogCursor = { t: line.time.getTime(), ns: line.timeNs, p: line.pod, c: line.container, k: sameKey };
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decode(after: string): LogCursor {
  try {
    const c = JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) as LogCursor;
    if (typeof c.t === 'number' && typeof c.ns === 'string' && typeof c.p === 'string' && typeof c.c === 'string' && Number.isInteger(c.k) && c.k >= 1) return c;
  } catch {
    // below
  }
  throw new AuditgraphError(ErrorCode.BAD_CURSOR, 'after: not a cursor of Run.logs (pass a previous page\'s pageInfo.endCursor)');
}

/**
 * A page of a run's task logs: every configured task log source asked for the run's pods, their lines merged in
 * time order (to the nanosecond, then pod and container), each line's text redacted (`redact`), counted. Paged by
 * position in that order, so a finished log pages the same every time and a running one grows at its end.
 */
export async function readRunLogs(sources: readonly TaskLogSource[], pods: PodRef[], req: RunLogsRequest, redact: (text: string) => { value: string; count: number }, signal: AbortSignal): Promise<RunLogsPage> {
  if (!Number.isInteger(req.first) || req.first < 1 || req.first > MAX_LOG_LINES) {
    throw new AuditgraphError(ErrorCode.BAD_PAGE_SIZE, `first: expected an integer from 1 to ${MAX_LOG_LINES}, got ${req.first}`);
  }
  const cursor = req.after ? decode(req.after) : undefined;
  const stats = newTaskLogStats();
  if (sources.length === 0) stats.notes.push('no task log source is configured (taskLogs: in the config), so no lines can be read');
  if (pods.length === 0) stats.notes.push('no pods are known for this run (neither its task executions nor the Kubernetes audit name any)');
  const lines: LogLine[] = [];
  let hasNextPage = false;
  let skip = cursor?.k ?? 0;
  const cursorLine = cursor ? ({ time: new Date(cursor.t), timeNs: cursor.ns, pod: cursor.p, container: cursor.c } as LogLine) : undefined;
  const stream = mergeOrdered(
    sources.map((s) => s.lines(pods, stats, signal)[Symbol.asyncIterator]() as AsyncGenerator<LogLine>),
    compareLines,
  );
  try {
    for await (const line of stream) {
      if (req.container && line.container !== req.container) continue;
      if (cursorLine) {
        const d = compareLines(line, cursorLine);
        if (d < 0) continue;
        if (d === 0 && skip > 0) {
          skip -= 1;
          continue;
        }
      }
      if (lines.length === req.first) {
        hasNextPage = true;
        break;
      }
      const r = redact(line.text);
      stats.redactions += r.count;
      lines.push(r.count > 0 ? { ...line, text: r.value } : line);
    }
  } finally {
    await stream.return(undefined);
  }
  if (stats.malformed > 0) stats.notes.push(`${stats.malformed} line(s) are not CRI log records, skipped: ${stats.malformedSamples.join('; ')}`);
  const last = lines.at(-1);
  if (!last) return { lines, hasNextPage, endCursor: req.after ?? undefined, stats };
  // lines of this page with the last one's very key, and those the cursor had passed already
  let sameKey = 0;
  for (let i = lines.length - 1; i >= 0 && compareLines(lines[i], last) === 0; i--) sameKey += 1;
  if (cursorLine && compareLines(last, cursorLine) === 0) sameKey += cursor!.k;
  return { lines, hasNextPage, endCursor: encode(last, sameKey), stats };
}
