import * as fs from 'node:fs';
import { SourceError, checkPlausibleTime, isPlausibleTime, recordDamaged, type SourceStats } from '../../domain';
import { gunzipFile } from '../shared/gzip';
import type { Prefilter } from '../shared/prefilter';
import { ioError, type AuditFile } from './layout';
import { cheapStageTime, parseTimestamp } from './time';

/** One line of an audit file and where it was read, for malformed-record reports. */
export interface AuditLine {
  text: string;
  file: AuditFile;
  /** byte offset of the line in a plain file; line number in a gzip file (gzip cannot be addressed by offset) */
  pos: number;
  gzip: boolean;
}

export function lineWhere(line: AuditLine): string {
  return line.gzip ? `${line.file.rel}:${line.pos}` : `${line.file.rel}@byte ${line.pos}`;
}

export interface ReadContext {
  sourceId: string;
  stats: SourceStats;
  signal: AbortSignal;
  /** lines out of time order, met by the search or by the readers: counted once each, noted with a few samples */
  disorder?: LineDisorder;
  /** skips, unparsed, a request whose kept line cannot match the query's filter */
  prefilter?: Prefilter;
}

/** The lines of a query found out of time order (clock jumps, a line dated 1970): counted once each however often read. */
export class LineDisorder {
  private readonly seen = new Set<string>();
  count = 0;
  readonly samples: string[] = [];
  /** files whose binary search was given up because the order it relies on did not hold */
  readonly unsearchable: string[] = [];
  /** where its note sits in the stats' notes: kept up to date as lines are found, since a page may end the reading at any time */
  private noteAt = -1;
  private notedIn?: string[];

  constructor(
    private readonly stats: SourceStats,
    private readonly jitterMs: number,
  ) {}

  private note(): void {
    const parts: string[] = [];
    if (this.count > 0) {
      parts.push(
        `${this.count} line(s) out of time order by more than ${this.jitterMs / 1000}s (a clock jump, a line dated far off): read, but not trusted to say where the window ends; e.g. ${this.samples.join('; ')}`,
      );
    }
    const files = [...new Set(this.unsearchable)];
    if (files.length > 0) parts.push(`the binary search found ${files.join(', ')} out of time order where it probed, and read the file whole instead`);
    const text = parts.join(' | ');
    // a page that continues the read starts its notes afresh (src/query/resume.ts): the note goes in again
    if (this.noteAt < 0 || this.notedIn !== this.stats.notes) {
      this.notedIn = this.stats.notes;
      this.noteAt = this.stats.notes.push(text) - 1;
    } else this.stats.notes[this.noteAt] = text;
  }

  searchGivenUp(rel: string): void {
    this.unsearchable.push(rel);
    this.note();
  }

  private readonly timeChecked = new Map<string, boolean>();

  /** Whether a line's time is implausible (counted in `stats` once per line, however often it is read). */
  implausible(stats: SourceStats, line: string | (() => string), ms: number, now: number): boolean {
    // most lines are plausible: only the others are remembered, by where they are
    if (isPlausibleTime(ms, now)) return false;
    const where = typeof line === 'string' ? line : line();
    let verdict = this.timeChecked.get(where);
    if (verdict === undefined) {
      verdict = checkPlausibleTime(stats, ms, where, now);
      this.timeChecked.set(where, verdict);
    }
    return verdict;
  }

  add(where: string, ms: number, neighbourMs: number): void {
    if (this.seen.has(where)) return;
    this.seen.add(where);
    this.count += 1;
    if (this.samples.length < 3) this.samples.push(`${where}: ${iso(ms)} next to ${iso(neighbourMs)}`);
    this.note();
  }
}

export function iso(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms);
}

const READ_CHUNK = 256 * 1024;
const PROBE_CHUNK = 16 * 1024;
/** the binary search stops once the candidate region is this small: reading it is cheaper than more probes */
const SEEK_STOP_BYTES = 64 * 1024;
/** a longer "line" is not an audit event (the apiserver caps request bodies at 3 MiB); probes give up on it */
const MAX_PROBE_LINE = 16 * 1024 * 1024;

function throwIfAborted(ctx: ReadContext): void {
  if (ctx.signal.aborted) throw new SourceError('ABORTED', 'the query was cancelled', ctx.sourceId);
}

/** Stage time of a line: by substring when laid out as the apiserver writes it, else from the parsed JSON. */
export function lineStageTime(text: string): number | undefined {
  const cheap = cheapStageTime(text);
  if (cheap !== undefined) return cheap;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') return parseTimestamp((parsed as { stageTimestamp?: unknown }).stageTimestamp);
  } catch {
    // not JSON: the reader counts it when it reaches it
  }
  return undefined;
}

function stripCr(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}

export interface OpenedFile {
  file: AuditFile;
  fh: fs.promises.FileHandle;
  /** size when opened: a live file keeps growing, and a half-written last line is not read */
  size: number;
  /** by magic bytes, whatever the name says */
  gzip: boolean;
}

/**
 * Opens one audit file, counting it as a request. A backup listed as `.log` may have been gzipped and removed
 * by lumberjack since the listing: its `.gz` is read instead.
 */
export async function openAuditFile(file: AuditFile, ctx: ReadContext): Promise<OpenedFile> {
  throwIfAborted(ctx);
  ctx.stats.requests += 1;
  let fh: fs.promises.FileHandle;
  let current = file;
  try {
    fh = await fs.promises.open(file.abs, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || file.gzip || file.rotatedAt === undefined) throw ioError(err, file.abs, ctx.sourceId);
    current = { ...file, rel: `${file.rel}.gz`, abs: `${file.abs}.gz`, gzip: true };
    try {
      fh = await fs.promises.open(current.abs, 'r');
    } catch (err2) {
      throw ioError(err2, file.abs, ctx.sourceId);
    }
  }
  try {
    const { size } = await fh.stat();
    const magic = Buffer.alloc(2);
    const { bytesRead } = await fh.read(magic, 0, 2, 0);
    ctx.stats.bytesRead += bytesRead;
    return { file: current, fh, size, gzip: bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b };
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw ioError(err, current.abs, ctx.sourceId);
  }
}

async function readAt(f: OpenedFile, buf: Buffer, length: number, position: number, ctx: ReadContext): Promise<number> {
  const { bytesRead } = await f.fh.read(buf, 0, length, position);
  ctx.stats.bytesRead += bytesRead;
  return bytesRead;
}

interface Probe {
  start: number;
  /** offset just past the line's newline */
  next: number;
  stageMs: number;
}

/** lines read at each probe: the search decides by their median, so one line out of order cannot mislead it */
const PROBE_LINES = 3;

/** Up to `count` consecutive readable lines, the first starting in [from, limit). */
async function probeLines(f: OpenedFile, from: number, limit: number, count: number, ctx: ReadContext): Promise<Probe[]> {
  const found: Probe[] = [];
  // a line starts at 0 or right after a newline: look from the byte before `from`
  let pos = from === 0 ? 0 : from - 1;
  let lineStart = from === 0 ? 0 : -1;
  // the line being read, in pieces: joined once when its end is found
  let parts: Buffer[] = [];
  let partsLength = 0;
  while (pos < f.size) {
    throwIfAborted(ctx);
    const chunk = Buffer.allocUnsafe(Math.min(PROBE_CHUNK, f.size - pos));
    const n = await readAt(f, chunk, chunk.length, pos, ctx);
    if (n === 0) break;
    const chunkStart = pos;
    pos += n;
    let scan = 0;
    for (;;) {
      const nl = chunk.indexOf(10, scan);
      if (nl < 0 || nl >= n) {
        if (lineStart >= 0) {
          parts.push(chunk.subarray(scan, n));
          partsLength += n - scan;
          if (partsLength > MAX_PROBE_LINE) return found;
        }
        break;
      }
      if (lineStart < 0) {
        lineStart = chunkStart + nl + 1;
        scan = nl + 1;
        if (lineStart >= limit) return found;
        continue;
      }
      const piece = chunk.subarray(scan, nl);
      const text = stripCr((parts.length > 0 ? Buffer.concat([...parts, piece]) : piece).toString('utf8'));
      parts = [];
      partsLength = 0;
      const next = chunkStart + nl + 1;
      const stageMs = lineStageTime(text);
      // an unreadable line: the next one may do
      if (stageMs !== undefined) {
        found.push({ start: lineStart, next, stageMs });
        if (found.length >= count) return found;
      }
      lineStart = next;
      scan = nl + 1;
      if (found.length === 0 && lineStart >= limit) return found;
    }
  }
  return found;
}

/**
 * Binary search over byte offsets of a plain file whose lines are in stage-time order. Every line starting
 * before `lo` is before the target, every line starting at or after `hi` is not ("before" = stage time <
 * target, or <= target when `inclusive`). Lines between are read and sorted out by the caller.
 *
 * The order is verified, not assumed: each probe reads a few lines and goes by their median, and the probes must
 * agree with each other (a later offset, a later time, within `jitterMs`). A probe whose lines disagree, or that
 * disagrees with an earlier probe, means the file is not in order there (a clock jump, a line dated 1970): the
 * search is given up and the whole file read (`lo` 0, `hi` its size), and the odd lines are counted.
 */
export async function seekLines(f: OpenedFile, targetMs: number, inclusive: boolean, ctx: ReadContext, jitterMs: number): Promise<{ lo: number; hi: number }> {
  let lo = 0;
  let hi = f.size;
  const probes: { start: number; ms: number }[] = [];
  const giveUp = (odd: Probe, neighbourMs: number) => {
    const where = `${f.file.rel}@byte ${odd.start}`;
    ctx.disorder?.implausible(ctx.stats, where, odd.stageMs, Date.now());
    ctx.disorder?.add(where, odd.stageMs, neighbourMs);
    ctx.disorder?.searchGivenUp(f.file.rel);
    return { lo: 0, hi: f.size };
  };
  while (hi - lo > SEEK_STOP_BYTES) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const lines = await probeLines(f, mid, hi, PROBE_LINES, ctx);
    // one line spans the upper half, or nothing there is readable: read the rest linearly
    if (lines.length === 0) break;
    const median = [...lines.map((l) => l.stageMs)].sort((a, b) => a - b)[Math.floor(lines.length / 2)];
    const odd = lines.find((l) => Math.abs(l.stageMs - median) > jitterMs);
    if (odd) return giveUp(odd, median);
    const start = lines[0].start;
    const contradicted = probes.find((p) => (p.start < start ? p.ms > median + jitterMs : p.ms < median - jitterMs));
    if (contradicted) return giveUp(lines[0], contradicted.ms);
    probes.push({ start, ms: median });
    const before = inclusive ? median <= targetMs : median < targetMs;
    if (before) lo = start;
    else hi = start;
  }
  return { lo, hi };
}

/**
 * The readers below yield lines in batches (one per block read): a line-at-a-time async generator costs more
 * than parsing the line.
 */
export type LineBatch = AuditLine[];

/** Lines of a plain file from `start` (a line start) to the size it had when opened. */
export async function* forwardPlain(f: OpenedFile, start: number, ctx: ReadContext): AsyncGenerator<LineBatch> {
  let pos = start;
  // a line longer than a block, in pieces: joined once when its end is found (no copy per block)
  let parts: Buffer[] = [];
  let partsStart = start;
  while (pos < f.size) {
    throwIfAborted(ctx);
    const data = Buffer.allocUnsafe(Math.min(READ_CHUNK, f.size - pos));
    const n = await readAt(f, data, data.length, pos, ctx);
    if (n === 0) break;
    const dataStart = pos;
    pos += n;
    const batch: LineBatch = [];
    let lineStart = 0;
    for (let nl = data.indexOf(10, 0); nl >= 0 && nl < n; nl = data.indexOf(10, lineStart)) {
      if (parts.length > 0) {
        const text = Buffer.concat([...parts, data.subarray(0, nl)]);
        if (text.length > 0) batch.push({ text: stripCr(text.toString('utf8')), file: f.file, pos: partsStart, gzip: false });
        parts = [];
      } else if (nl > lineStart) {
        batch.push({ text: stripCr(data.toString('utf8', lineStart, nl)), file: f.file, pos: dataStart + lineStart, gzip: false });
      }
      lineStart = nl + 1;
    }
    if (lineStart < n) {
      if (parts.length === 0) partsStart = dataStart + lineStart;
      parts.push(data.subarray(lineStart, n));
    }
    if (batch.length > 0) yield batch;
  }
  if (parts.length > 0) yield [{ text: stripCr(Buffer.concat(parts).toString('utf8')), file: f.file, pos: partsStart, gzip: false }];
}

/** Lines of a plain file before `end` (a line start), last first, reading blocks backwards. */
export async function* backwardPlain(f: OpenedFile, end: number, ctx: ReadContext): AsyncGenerator<LineBatch> {
  let pos = end;
  // the start of the file's next line, in file order, when it began in a block not read yet
  let parts: Buffer[] = [];
  while (pos > 0) {
    throwIfAborted(ctx);
    const size = Math.min(READ_CHUNK, pos);
    pos -= size;
    const block = Buffer.allocUnsafe(size);
    const n = await readAt(f, block, size, pos, ctx);
    if (n < size) throw new SourceError('UPSTREAM_ERROR', `${f.file.abs} shrank while it was read (${pos + n} < ${pos + size} bytes)`, ctx.sourceId);
    const batch: LineBatch = [];
    let lineEnd = block.length;
    for (let i = block.lastIndexOf(10, lineEnd - 1); i >= 0; i = lineEnd > 0 ? block.lastIndexOf(10, lineEnd - 1) : -1) {
      const text = parts.length > 0 ? Buffer.concat([block.subarray(i + 1, lineEnd), ...parts]) : block.subarray(i + 1, lineEnd);
      parts = [];
      if (text.length > 0) batch.push({ text: stripCr(text.toString('utf8')), file: f.file, pos: pos + i + 1, gzip: false });
      lineEnd = i;
    }
    if (lineEnd > 0) parts.unshift(block.subarray(0, lineEnd));
    if (batch.length > 0) yield batch;
  }
  if (parts.length > 0) yield [{ text: stripCr(Buffer.concat(parts).toString('utf8')), file: f.file, pos: 0, gzip: false }];
}

/**
 * Every line of a gzip file, numbered from 1. Counts compressed bytes read. A truncated or corrupt file, or one
 * with garbage appended, gives every line that decodes and is counted as damaged (once per query, however many
 * passes read it).
 */
export async function* forwardGzip(f: OpenedFile, ctx: ReadContext): AsyncGenerator<LineBatch> {
  const chunks = gunzipFile(f.fh, f.size, (n) => (ctx.stats.bytesRead += n));
  let lineNo = 0;
  let parts: Buffer[] = [];
  for (;;) {
    throwIfAborted(ctx);
    const r = await chunks.next();
    if (r.done) {
      if (r.value) recordDamaged(ctx.stats, f.file.rel, r.value.detail);
      break;
    }
    const data = r.value;
    const batch: LineBatch = [];
    let lineStart = 0;
    for (let nl = data.indexOf(10, 0); nl >= 0; nl = data.indexOf(10, lineStart)) {
      lineNo += 1;
      const text = parts.length > 0 ? Buffer.concat([...parts, data.subarray(lineStart, nl)]) : data.subarray(lineStart, nl);
      parts = [];
      if (text.length > 0) batch.push({ text: stripCr(text.toString('utf8')), file: f.file, pos: lineNo, gzip: true });
      lineStart = nl + 1;
    }
    if (lineStart < data.length) parts.push(data.subarray(lineStart));
    if (batch.length > 0) yield batch;
  }
  if (parts.length > 0) yield [{ text: stripCr(Buffer.concat(parts).toString('utf8')), file: f.file, pos: lineNo + 1, gzip: true }];
}

/**
 * Lines of a gzip file whose stage times lie in [lowMs, highMs], last first, with memory bounded by `budgetBytes`
 * whatever the file's size. Gzip cannot be read backwards or sought, so the file is read forwards in passes: each
 * pass keeps the last `budgetBytes` of line text before where the previous pass began, and hands them over in
 * reverse. One pass when the range fits the budget; a range k times larger costs k decompressions of the prefix.
 */
export async function* backwardGzip(
  first: OpenedFile,
  lowMs: number,
  highMs: number,
  budgetBytes: number,
  ctx: ReadContext,
): AsyncGenerator<LineBatch> {
  let firstLine: number | undefined; // first line number in range, found by the first pass
  let endLine = Infinity; // exclusive
  let opened = first;
  for (let pass = 0; ; pass++) {
    if (pass > 0) opened = await openAuditFile(first.file, ctx);
    const ring: AuditLine[] = [];
    let head = 0;
    let ringBytes = 0;
    try {
      pass: for await (const batch of forwardGzip(opened, ctx)) {
        for (const line of batch) {
          if (line.pos >= endLine) break pass;
          if (firstLine === undefined) {
            const t = lineStageTime(line.text);
            if (t === undefined || t < lowMs) continue;
            firstLine = line.pos;
          } else if (line.pos < firstLine) {
            continue;
          }
          if (pass === 0) {
            const t = lineStageTime(line.text);
            if (t !== undefined && t > highMs) {
              endLine = line.pos;
              break pass;
            }
          }
          ring.push(line);
          ringBytes += line.text.length;
          while (ringBytes > budgetBytes && ring.length - head > 1) {
            ringBytes -= ring[head].text.length;
            head += 1;
            // drop consumed slots now and then so the array does not grow with the file
            if (head > 4096 && head * 2 > ring.length) {
              ring.splice(0, head);
              head = 0;
            }
          }
        }
      }
    } finally {
      if (opened !== first) await opened.fh.close().catch(() => undefined);
    }
    if (firstLine === undefined || ring.length === head) return;
    for (let end = ring.length; end > head; end -= 1024) {
      const batch: LineBatch = [];
      for (let i = end - 1; i >= Math.max(head, end - 1024); i--) batch.push(ring[i]);
      yield batch;
    }
    const sliceStart = ring[head].pos;
    if (sliceStart <= firstLine) return;
    endLine = sliceStart;
  }
}
