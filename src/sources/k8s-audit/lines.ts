import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { SourceError, type SourceStats } from '../../domain';
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

/** The first line starting in [from, limit) whose stage time can be read. */
async function probeLine(f: OpenedFile, from: number, limit: number, ctx: ReadContext): Promise<Probe | undefined> {
  // a line starts at 0 or right after a newline: look from the byte before `from`
  let pos = from === 0 ? 0 : from - 1;
  let pending = Buffer.alloc(0);
  let pendingStart = pos;
  let lineStart = from === 0 ? 0 : -1;
  const chunk = Buffer.allocUnsafe(PROBE_CHUNK);
  while (pos < limit) {
    throwIfAborted(ctx);
    const n = await readAt(f, chunk, Math.min(PROBE_CHUNK, f.size - pos), pos, ctx);
    if (n === 0) break;
    pending = pending.length ? Buffer.concat([pending, chunk.subarray(0, n)]) : Buffer.from(chunk.subarray(0, n));
    pos += n;
    let scan = 0;
    for (;;) {
      if (lineStart < 0) {
        const nl = pending.indexOf(10, scan);
        if (nl < 0) {
          pending = Buffer.alloc(0);
          pendingStart = pos;
          break;
        }
        lineStart = pendingStart + nl + 1;
        scan = nl + 1;
        if (lineStart >= limit) return undefined;
        continue;
      }
      const rel = lineStart - pendingStart;
      const nl = pending.indexOf(10, rel);
      if (nl < 0) {
        if (pending.length - rel > MAX_PROBE_LINE) return undefined;
        // keep the partial line for the next chunk
        pending = pending.subarray(rel);
        pendingStart = lineStart;
        break;
      }
      const stageMs = lineStageTime(stripCr(pending.toString('utf8', rel, nl)));
      const next = pendingStart + nl + 1;
      if (stageMs !== undefined) return { start: lineStart, next, stageMs };
      // unreadable line: the next one may do
      lineStart = next;
      scan = nl + 1;
      if (lineStart >= limit) return undefined;
    }
  }
  return undefined;
}

/**
 * Binary search over byte offsets of a plain file whose lines are in stage-time order. Every line starting
 * before `lo` is before the target, every line starting at or after `hi` is not ("before" = stage time <
 * target, or <= target when `inclusive`). Lines between are read and sorted out by the caller.
 */
export async function seekLines(f: OpenedFile, targetMs: number, inclusive: boolean, ctx: ReadContext): Promise<{ lo: number; hi: number }> {
  let lo = 0;
  let hi = f.size;
  while (hi - lo > SEEK_STOP_BYTES) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const probe = await probeLine(f, mid, hi, ctx);
    // one line spans the upper half, or nothing there is readable: read the rest linearly
    if (!probe) break;
    const before = inclusive ? probe.stageMs <= targetMs : probe.stageMs < targetMs;
    if (before) lo = probe.next;
    else hi = probe.start;
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
  const chunk = Buffer.allocUnsafe(READ_CHUNK);
  let pos = start;
  let carry: Buffer | undefined;
  let carryStart = start;
  while (pos < f.size) {
    throwIfAborted(ctx);
    const n = await readAt(f, chunk, Math.min(READ_CHUNK, f.size - pos), pos, ctx);
    if (n === 0) break;
    const data = carry ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
    const dataStart = carry ? carryStart : pos;
    pos += n;
    const batch: LineBatch = [];
    let lineStart = 0;
    for (let nl = data.indexOf(10, 0); nl >= 0; nl = data.indexOf(10, lineStart)) {
      if (nl > lineStart) batch.push({ text: stripCr(data.toString('utf8', lineStart, nl)), file: f.file, pos: dataStart + lineStart, gzip: false });
      lineStart = nl + 1;
    }
    // `chunk` is reused: the partial line is copied
    carry = lineStart < data.length ? Buffer.from(data.subarray(lineStart)) : undefined;
    carryStart = dataStart + lineStart;
    if (batch.length > 0) yield batch;
  }
  if (carry && carry.length > 0) yield [{ text: stripCr(carry.toString('utf8')), file: f.file, pos: carryStart, gzip: false }];
}

/** Lines of a plain file before `end` (a line start), last first, reading blocks backwards. */
export async function* backwardPlain(f: OpenedFile, end: number, ctx: ReadContext): AsyncGenerator<LineBatch> {
  let pos = end;
  let carry: Buffer | undefined;
  while (pos > 0) {
    throwIfAborted(ctx);
    const size = Math.min(READ_CHUNK, pos);
    pos -= size;
    const block = Buffer.allocUnsafe(size);
    const n = await readAt(f, block, size, pos, ctx);
    if (n < size) throw new SourceError('UPSTREAM_ERROR', `${f.file.abs} shrank while it was read (${pos + n} < ${pos + size} bytes)`, ctx.sourceId);
    const data = carry ? Buffer.concat([block, carry]) : block;
    const batch: LineBatch = [];
    let lineEnd = data.length;
    for (let i = data.lastIndexOf(10, lineEnd - 1); i >= 0; i = lineEnd > 0 ? data.lastIndexOf(10, lineEnd - 1) : -1) {
      if (lineEnd > i + 1) batch.push({ text: stripCr(data.toString('utf8', i + 1, lineEnd)), file: f.file, pos: pos + i + 1, gzip: false });
      lineEnd = i;
    }
    carry = data.subarray(0, lineEnd);
    if (batch.length > 0) yield batch;
  }
  if (carry && carry.length > 0) yield [{ text: stripCr(carry.toString('utf8')), file: f.file, pos: 0, gzip: false }];
}

/** A gzip stream failed: the data is broken (truncated, corrupt), as opposed to the file being unreadable. */
export function isGzipDataError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

/** Every line of a gzip file, numbered from 1. Counts compressed bytes read. */
export async function* forwardGzip(f: OpenedFile, ctx: ReadContext): AsyncGenerator<LineBatch> {
  const raw = f.fh.createReadStream({ start: 0, autoClose: false, highWaterMark: READ_CHUNK });
  raw.on('data', (c: Buffer | string) => {
    ctx.stats.bytesRead += typeof c === 'string' ? Buffer.byteLength(c) : c.length;
  });
  const gunzip = zlib.createGunzip({ chunkSize: READ_CHUNK });
  raw.on('error', (err) => gunzip.destroy(err));
  raw.pipe(gunzip);
  let lineNo = 0;
  let carry: Buffer | undefined;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      throwIfAborted(ctx);
      const data = carry ? Buffer.concat([carry, chunk]) : chunk;
      const batch: LineBatch = [];
      let lineStart = 0;
      for (let nl = data.indexOf(10, 0); nl >= 0; nl = data.indexOf(10, lineStart)) {
        lineNo += 1;
        if (nl > lineStart) batch.push({ text: stripCr(data.toString('utf8', lineStart, nl)), file: f.file, pos: lineNo, gzip: true });
        lineStart = nl + 1;
      }
      carry = lineStart < data.length ? data.subarray(lineStart) : undefined;
      if (batch.length > 0) yield batch;
    }
    if (carry && carry.length > 0) yield [{ text: stripCr(carry.toString('utf8')), file: f.file, pos: lineNo + 1, gzip: true }];
  } finally {
    raw.unpipe(gunzip);
    raw.destroy();
    gunzip.destroy();
  }
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
