import { SortOrder, SourceError, recordMalformed, type AuditEvent, type SourceStats, type TimeWindow } from '../../domain';
import { readFailure } from '../shared/files';
import { DEFAULT_MAX_RAW_BYTES, capRaw } from '../shared/raw';
import { RequestAssembler, type KeptRequest, type StageLine } from './assembler';
import { JITTER_MS, ioError, selectFiles, type AuditFamily, type AuditFile } from './layout';
import {
  backwardGzip,
  backwardPlain,
  forwardGzip,
  forwardPlain,
  LineDisorder,
  lineWhere,
  openAuditFile,
  seekLines,
  type AuditLine,
  type LineBatch,
  type ReadContext,
} from './lines';
import { Heap } from '../../lib/heap';
import { MalformedRecordError, normalizeAuditRecord, type NormalizeContext } from './normalize';
import { AUDIT_STAGES, type K8sAuditRecord } from './record';

const STAGES: ReadonlySet<string> = new Set(AUDIT_STAGES);
import { cheapIdentity, cheapLineTimes, parseTimestamp } from './time';

/**
 * Longer than the apiserver's default request timeout (60 s): every request but the long-running ones (watch,
 * exec, attach, port-forward, logs -f) is seen complete.
 */
export const LOOKAHEAD_MS = 90_000;
/** requests held while waiting for their last stage: the memory bound of the merge, whatever the file sizes */
export const MAX_PENDING = 20_000;
/** line text held at once when a gzip file is read newest first (see backwardGzip) */
export const GZIP_SLICE_BYTES = 8 * 1024 * 1024;

export interface ReadOptions {
  lookaheadMs: number;
  jitterMs: number;
  maxPending: number;
  gzipSliceBytes: number;
  /** a request line longer than this keeps its fields, and its raw is cut and marked */
  maxRawBytes: number;
}

export const DEFAULT_READ_OPTIONS: ReadOptions = {
  lookaheadMs: LOOKAHEAD_MS,
  jitterMs: JITTER_MS,
  maxPending: MAX_PENDING,
  gzipSliceBytes: GZIP_SLICE_BYTES,
  maxRawBytes: DEFAULT_MAX_RAW_BYTES,
};

/** The stage times a window needs: requests received in it, and their stages up to the lookahead after. */
export function readRange(window: TimeWindow, o: ReadOptions): { lowMs: number; highMs: number } {
  return { lowMs: window.from.getTime() - o.jitterMs, highMs: window.to.getTime() + o.lookaheadMs + o.jitterMs };
}

/** The files of each family a window reads, in reading order, and how many were pruned by their names. */
export function planFamilies(families: readonly AuditFamily[], window: TimeWindow, order: SortOrder, o: ReadOptions): { selected: AuditFile[][]; total: number; pruned: number } {
  const { lowMs, highMs } = readRange(window, o);
  let total = 0;
  let kept = 0;
  const selected = families.map((family) => {
    total += family.files.length;
    const files = selectFiles(family, lowMs, highMs);
    kept += files.length;
    return order === SortOrder.NEWEST_FIRST ? [...files].reverse() : files;
  });
  return { selected, total, pruned: total - kept };
}

/** The lines of one family's selected files, in stage order or its reverse, starting near the window. */
async function* familyLines(files: readonly AuditFile[], order: SortOrder, range: { lowMs: number; highMs: number }, o: ReadOptions, ctx: ReadContext): AsyncGenerator<LineBatch> {
  for (const file of files) {
    let opened;
    try {
      opened = await openAuditFile(file, ctx);
    } catch (err) {
      // one file that cannot be opened costs only itself: it is named, and the family is read on
      if (err instanceof SourceError && err.code !== 'ABORTED' && readFailure(err.cause, ctx.stats, file.rel)) continue;
      throw err;
    }
    ctx.stats.partitionsRead += 1;
    try {
      if (order === SortOrder.OLDEST_FIRST) {
        if (opened.gzip) {
          yield* forwardGzip(opened, ctx);
        } else {
          const { lo } = await seekLines(opened, range.lowMs, false, ctx, o.jitterMs);
          yield* forwardPlain(opened, lo, ctx);
        }
      } else if (opened.gzip) {
        yield* backwardGzip(opened, range.lowMs, range.highMs, o.gzipSliceBytes, ctx);
      } else {
        const { hi } = await seekLines(opened, range.highMs, true, ctx, o.jitterMs);
        yield* backwardPlain(opened, hi, ctx);
      }
    } catch (err) {
      if (err instanceof SourceError || !readFailure(err, ctx.stats, opened.file.rel)) throw err instanceof SourceError ? err : ioError(err, opened.file.abs, ctx.sourceId);
    } finally {
      await opened.fh.close().catch(() => undefined);
    }
  }
}

/** A parsed line as a stage of a request, or why it is not one. */
function stageLineOf(parsed: unknown, line: AuditLine): StageLine | string {
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'not a JSON object';
  const record = parsed as K8sAuditRecord;
  if (typeof record.auditID !== 'string' || record.auditID === '') return 'no auditID';
  if (typeof record.stage !== 'string' || !STAGES.has(record.stage)) return `unknown stage ${JSON.stringify(record.stage)}`;
  const receivedMs = parseTimestamp(record.requestReceivedTimestamp);
  if (receivedMs === undefined) return `requestReceivedTimestamp ${JSON.stringify(record.requestReceivedTimestamp)} is not an RFC 3339 time`;
  const stageMs = parseTimestamp(record.stageTimestamp);
  if (stageMs === undefined) return `stageTimestamp ${JSON.stringify(record.stageTimestamp)} is not an RFC 3339 time`;
  return { auditID: record.auditID, stage: record.stage, receivedMs, stageMs, line, record };
}

function throwIfAborted(ctx: ReadContext): void {
  if (ctx.signal.aborted) throw new SourceError('ABORTED', 'the query was cancelled', ctx.sourceId);
}

/** A line's times, and its request's identity when it could be read without parsing the whole line. */
interface LineInfo {
  line: AuditLine;
  stageMs: number;
  receivedMs: number;
  /** the stage to offer; undefined when the line cannot change the answer (its request is outside the window) */
  stage?: StageLine;
}

/** Reads a line's times (by substring when it can, else parsed); undefined, counted as malformed, when it is not a stage line. */
function readLine(line: AuditLine, assembler: RequestAssembler, stats: SourceStats): LineInfo | undefined {
  stats.scanned += 1;
  // most lines of a file are outside the window: their times are read without parsing them
  const cheap = cheapLineTimes(line.text);
  if (cheap) {
    if (!assembler.wants(cheap.receivedMs, cheap.stageMs)) return { line, ...cheap };
    // of the stages of a request one is kept: the others need not be parsed at all
    const identity = cheapIdentity(line.text);
    if (identity && STAGES.has(identity.stage)) {
      return { line, ...cheap, stage: { auditID: identity.auditID, stage: identity.stage, receivedMs: cheap.receivedMs, stageMs: cheap.stageMs, line } };
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(line.text);
  } catch (err) {
    recordMalformed(stats, lineWhere(line), `not JSON: ${(err as Error).message}`);
    return undefined;
  }
  const stage = stageLineOf(parsed, line);
  if (typeof stage === 'string') {
    recordMalformed(stats, lineWhere(line), stage);
    return undefined;
  }
  return { line, stageMs: stage.stageMs, receivedMs: stage.receivedMs, stage };
}

/**
 * Feeds one line to the assembler. `advance` says whether its time may move the reading frontier (which decides
 * when requests are complete and when reading stops): a line out of time order must not.
 */
function feed(info: LineInfo, advance: boolean, assembler: RequestAssembler): 'stop' | undefined {
  if (advance) {
    assembler.advance(info.stageMs);
    if (assembler.exhausted) return 'stop';
  }
  if (info.stage) assembler.offer(info.stage);
  return undefined;
}

/**
 * Keeps the reading frontier to the lines that are in time order. The apiserver writes lines in stage-time order
 * (within a few seconds); a line far out of it (a clock jump, a line dated 1970 or 9999) would otherwise stop the
 * reading early and cost the rest of the window. A line against the reading direction is fed without moving the
 * frontier. A line far ahead of it is held until the next line shows whether the clock jumped (the next line
 * follows it: the frontier moves) or one line was off (the next line comes back: it is fed without moving it).
 * Lines with an implausible time never move it. Each is counted.
 */
class OrderGuard {
  private last: number | undefined;
  private held: LineInfo | undefined;

  constructor(
    private readonly forwards: boolean,
    private readonly o: ReadOptions,
    private readonly stats: SourceStats,
    private readonly disorder: LineDisorder,
    private readonly now: number,
  ) {}

  /** Lines in the order to feed them, each with whether it may move the frontier. */
  *accept(info: LineInfo): Generator<[LineInfo, boolean]> {
    const t = info.stageMs;
    if (this.disorder.implausible(this.stats, () => lineWhere(info.line), t, this.now)) {
      if (this.last !== undefined) this.disorder.add(lineWhere(info.line), t, this.last);
      yield [info, false];
      return;
    }
    if (this.held) {
      const h = this.held;
      this.held = undefined;
      if (this.ahead(h.stageMs, t) > this.o.jitterMs) {
        // the next line came back: the held one was off on its own
        this.disorder.add(lineWhere(h.line), h.stageMs, t);
        yield [h, false];
      } else {
        this.last = h.stageMs;
        yield [h, true];
      }
    }
    if (this.last === undefined) {
      this.last = t;
      yield [info, true];
      return;
    }
    const step = this.ahead(t, this.last);
    if (step < -this.o.jitterMs) {
      this.disorder.add(lineWhere(info.line), t, this.last);
      yield [info, false];
    } else if (step > this.o.lookaheadMs + this.o.jitterMs) {
      this.held = info;
    } else {
      if (step > 0) this.last = t;
      yield [info, true];
    }
  }

  /** At the end of the data: a line still held was the last one. */
  *flush(): Generator<[LineInfo, boolean]> {
    if (this.held) yield [this.held, true];
    this.held = undefined;
  }

  /** how far `a` is ahead of `b` in the reading direction */
  private ahead(a: number, b: number): number {
    return this.forwards ? a - b : b - a;
  }
}

/**
 * A kept request as its event, or undefined: counted as malformed when its record cannot be one, as prefiltered
 * when its line holds none of the strings the filter needs (the request is whole by now: its kept line is the one
 * its event would be made of).
 */
function eventOf(kept: KeptRequest, nctx: NormalizeContext, ctx: ReadContext, maxRawBytes: number): AuditEvent | undefined {
  const stats = ctx.stats;
  if (ctx.prefilter && !ctx.prefilter.mayMatch(kept.line.text)) {
    stats.prefiltered += 1;
    return undefined;
  }
  const record = recordOf(kept);
  if (typeof record === 'string') {
    recordMalformed(stats, lineWhere(kept.line), record);
    return undefined;
  }
  try {
    return capRaw(normalizeAuditRecord(record, nctx), kept.line.text, kept.line.text.length, maxRawBytes, stats);
  } catch (err) {
    if (!(err instanceof MalformedRecordError)) throw err;
    recordMalformed(stats, lineWhere(kept.line), err.message);
    return undefined;
  }
}

/** One family's events of the window, one per request (auditID), in `order` by receipt time. */
export async function* familyEvents(files: readonly AuditFile[], window: TimeWindow, order: SortOrder, nctx: NormalizeContext, o: ReadOptions, ctx: ReadContext): AsyncGenerator<AuditEvent> {
  const assembler = new RequestAssembler({
    fromMs: window.from.getTime(),
    toMs: window.to.getTime(),
    order,
    lookaheadMs: o.lookaheadMs,
    jitterMs: o.jitterMs,
    maxPending: o.maxPending,
  });
  const range = readRange(window, o);
  const guard = new OrderGuard(order === SortOrder.OLDEST_FIRST, o, ctx.stats, (ctx.disorder ??= new LineDisorder(ctx.stats, o.jitterMs)), Date.now());
  const ready = function* (): Generator<AuditEvent> {
    for (let kept = assembler.nextReady(); kept; kept = assembler.nextReady()) {
      const event = eventOf(kept, nctx, ctx, o.maxRawBytes);
      if (event) yield event;
    }
  };
  try {
    reading: for await (const batch of familyLines(files, order, range, o, ctx)) {
      for (const line of batch) {
        const info = readLine(line, assembler, ctx.stats);
        if (!info) continue;
        for (const [next, advance] of guard.accept(info)) {
          const stop = feed(next, advance, assembler);
          yield* ready();
          if (stop) break reading;
        }
      }
      throwIfAborted(ctx);
    }
    for (const [next, advance] of guard.flush()) feed(next, advance, assembler);
    yield* ready();
    for (let kept = assembler.nextHeld(); kept; kept = assembler.nextHeld()) {
      const event = eventOf(kept, nctx, ctx, o.maxRawBytes);
      if (event) yield event;
    }
  } finally {
    noteAssembler(assembler, o, ctx.stats);
  }
}

function noteAssembler(a: RequestAssembler, o: ReadOptions, stats: SourceStats): void {
  if (a.lateStages > 0) {
    stats.notes.push(`${a.lateStages} stage line(s) logged more than ${o.lookaheadMs / 1000}s after their request (long-running watch/exec/logs) were not merged; those requests show their earlier stage`);
  }
  if (a.forced > 0) stats.notes.push(`${a.forced} request(s) released before their lookahead ended because more than ${o.maxPending} were pending`);
  if (a.duplicateLines > 0) {
    stats.duplicates += a.duplicateLines;
    stats.notes.push(`${a.duplicateLines} stage line(s) read twice, identical (a log copied or exported again): merged`);
  }
  if (a.conflictingLines > 0) {
    stats.idConflicts += a.conflictingLines;
    stats.notes.push(
      `${a.conflictingLines} stage line(s) share an auditID with a line that says something else of the request (user, verb, URI, source IPs, user agent or level), or log one stage twice differently: one request kept per auditID (its final stage, else its latest): ${a.conflictSamples.join(', ')}${a.conflictSamples.length === 5 ? ', …' : ''}`,
    );
  }
  if (a.outOfOrder > 0) stats.notes.push(`${a.outOfOrder} request(s) skipped: their first stage line came after later requests had been returned (lines out of order by more than ${o.jitterMs / 1000}s, or pending limit)`);
}

/** The kept line of a request as its record: parsed now if it was not before. */
function recordOf(kept: KeptRequest): K8sAuditRecord | string {
  if (kept.record) return kept.record;
  let parsed: unknown;
  try {
    parsed = JSON.parse(kept.line.text);
  } catch (err) {
    return `not JSON: ${(err as Error).message}`;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'not a JSON object';
  const record = parsed as K8sAuditRecord;
  // its identity and times were read by substring: a line whose parse disagrees is not what it seemed
  if (record.auditID !== kept.auditID || record.stage !== kept.stage || parseTimestamp(record.requestReceivedTimestamp) !== kept.receivedMs) {
    return 'auditID, stage or requestReceivedTimestamp differ from what the line\'s text showed';
  }
  return record;
}

/** Ordered streams merged into one (apiservers of one control plane each write their own file). */
async function* mergeOrdered(streams: AsyncGenerator<AuditEvent>[], order: SortOrder): AsyncGenerator<AuditEvent> {
  interface Head {
    event: AuditEvent;
    stream: AsyncGenerator<AuditEvent>;
  }
  const heap = new Heap<Head>((a, b) => (order === SortOrder.OLDEST_FIRST ? a.event.time < b.event.time : a.event.time > b.event.time));
  try {
    for (const stream of streams) {
      const r = await stream.next();
      if (!r.done) heap.push({ event: r.value, stream });
    }
    for (let head = heap.pop(); head; head = heap.pop()) {
      yield head.event;
      const r = await head.stream.next();
      if (!r.done) heap.push({ event: r.value, stream: head.stream });
    }
  } finally {
    await Promise.all(streams.map((s) => s.return(undefined).catch(() => undefined)));
  }
}

/** Every family's events of the window, as one stream in `order`. */
export async function* readEvents(
  families: readonly AuditFamily[] | (() => Promise<AuditFamily[]>),
  window: TimeWindow,
  order: SortOrder,
  nctx: NormalizeContext,
  o: ReadOptions,
  ctx: ReadContext,
): AsyncGenerator<AuditEvent> {
  throwIfAborted(ctx);
  const listed = typeof families === 'function' ? await families() : families;
  const { selected, pruned } = planFamilies(listed, window, order, o);
  ctx.stats.partitionsPruned += pruned;
  ctx.disorder ??= new LineDisorder(ctx.stats, o.jitterMs);
  const streams = selected.filter((files) => files.length > 0).map((files) => familyEvents(files, window, order, nctx, o, ctx));
  const merged = streams.length === 1 ? streams[0] : mergeOrdered(streams, order);
  for await (const event of merged) {
    throwIfAborted(ctx);
    yield event;
  }
}

