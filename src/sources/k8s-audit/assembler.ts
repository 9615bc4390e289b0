import { SortOrder } from '../../domain';
import { Heap } from '../../lib/heap';
import type { AuditLine } from './lines';
import { isFinalStage, type K8sAuditRecord } from './record';

/**
 * One event per request. The apiserver logs a line per stage of a request (RequestReceived, ResponseStarted for
 * long-running ones, ResponseComplete or Panic), all with the same auditID and requestReceivedTimestamp, in
 * stage-time order. An event's time is its requestReceivedTimestamp, so events come out in the order requests
 * arrived; the record kept is the final stage if one was logged within the lookahead, else the latest one seen.
 *
 * Lines arrive in stage-time order (forwards or backwards); a request is released once no line still to come
 * can belong to it or precede it:
 * - forwards: when the newest stage time read is more than lookahead + jitter past its receipt;
 * - backwards: when the oldest stage time read is more than jitter before its receipt (every stage is after it).
 * A stage logged more than `lookaheadMs` after its request was received is not merged in either direction, so that
 * both orders return the same record for the same request.
 */

/**
 * One stage line. Its identity and times are checked; the record itself is parsed only if it is the one kept
 * (`record` is set when the line had to be parsed to read them).
 */
export interface StageLine {
  auditID: string;
  stage: string;
  receivedMs: number;
  stageMs: number;
  line: AuditLine;
  record?: K8sAuditRecord;
}

/** The request as it will be normalized: the stage line kept for it. */
export interface KeptRequest {
  auditID: string;
  receivedMs: number;
  stage: string;
  line: AuditLine;
  record?: K8sAuditRecord;
}

export interface AssemblerOptions {
  fromMs: number;
  toMs: number;
  order: SortOrder;
  /** how long after its receipt a request's later stages are still merged into it */
  lookaheadMs: number;
  /** how far out of stage-time order neighbouring lines may be */
  jitterMs: number;
  /** requests held at most; past it the earliest is released as it stands (memory bound) */
  maxPending: number;
}

interface Entry extends KeptRequest {
  stageMs: number;
  /** the text of every distinct stage line seen for the request, to tell a copy from another line */
  seen: string[];
}

/** The fields a request's stage lines all carry alike (the apiserver writes them in this order) */
const REQUEST_FIELDS = ['level', 'requestURI', 'verb', 'user', 'impersonatedUser', 'sourceIPs', 'userAgent'] as const;
/** what may follow the request fields in an apiserver line, in the apiserver's order (the first found ends them) */
const AFTER_REQUEST = [',"objectRef":', ',"responseStatus":', ',"requestObject":', ',"responseObject":', ',"requestReceivedTimestamp":'];

/**
 * The request fields of an apiserver line, by substring: the apiserver writes level, auditID, stage, then requestURI,
 * verb, user, impersonatedUser, sourceIPs and userAgent together before objectRef. Returns the level (with the
 * auditID) and the part from requestURI on, or undefined for a line in another key order.
 */
function requestParts(text: string): [string, string] | undefined {
  const level = text.indexOf('"level":');
  const stage = text.indexOf('"stage":', level);
  const uri = text.indexOf('"requestURI":', stage);
  if (level < 0 || stage < 0 || uri < 0) return undefined;
  let end = -1;
  for (const marker of AFTER_REQUEST) {
    end = text.indexOf(marker, uri);
    if (end >= 0) break;
  }
  if (end < 0) return undefined;
  const request = text.slice(uri, end);
  // a line whose keys are in another order could put a stage field here: parse it instead
  if (request.includes('"responseStatus":') || request.includes('"stageTimestamp":')) return undefined;
  return [text.slice(level, stage), request];
}

/** The request fields of a stage line, parsed (objectRef left out: its name and uid come once the body is read). */
function parsedRequest(text: string): string {
  try {
    const record = JSON.parse(text) as Record<string, unknown>;
    return JSON.stringify(REQUEST_FIELDS.map((f) => record[f] ?? null));
  } catch {
    return text;
  }
}

/**
 * Whether two stage lines describe the same request beyond their stage: level, URI, verb, user, impersonated user,
 * source IPs, user agent. Read by substring from apiserver lines (no parse), else parsed.
 */
export function sameRequest(a: string, b: string): boolean {
  const pa = requestParts(a);
  const pb = pa && requestParts(b);
  if (pa && pb) return pa[0] === pb[0] && pa[1] === pb[1];
  return parsedRequest(a) === parsedRequest(b);
}

const STAGE_RANK: Record<string, number> = { RequestReceived: 0, ResponseStarted: 1, ResponseComplete: 2, Panic: 3 };

/**
 * Whether a stage line should be kept instead of the one kept so far: a final stage, else the latest stage; between
 * lines alike in both, the greater text, so that reading forwards or backwards keeps the same line.
 */
function better(candidate: StageLine, kept: Entry): boolean {
  const cf = isFinalStage(candidate.stage);
  const kf = isFinalStage(kept.stage);
  if (cf !== kf) return cf;
  if (candidate.stageMs !== kept.stageMs) return candidate.stageMs > kept.stageMs;
  const rank = (STAGE_RANK[candidate.stage] ?? -1) - (STAGE_RANK[kept.stage] ?? -1);
  if (rank !== 0) return rank > 0;
  return candidate.line.text > kept.line.text;
}

const MAX_CONFLICT_SAMPLES = 5;

export class RequestAssembler {
  private readonly pending = new Map<string, Entry>();
  private readonly heap: Heap<Entry>;
  private readonly forwards: boolean;
  /** forwards: the latest stage time read; backwards: the earliest */
  private frontier: number;
  /** receipt time of the last request released */
  private watermark: number | undefined;
  /** requests released early (memory bound) before their final stage: their other stages are not new requests */
  private readonly releasedEarly = new Set<string>();
  /** stages logged after the lookahead, seen for requests of the window (long-running watch, exec, logs -f) */
  lateStages = 0;
  /** requests whose first stage came after later requests had been released (lines out of order beyond the jitter) */
  outOfOrder = 0;
  /** requests released before their final stage because too many were pending */
  forced = 0;
  /** stage lines read again, identical (a log copied twice, a re-run export): merged */
  duplicateLines = 0;
  /** stage lines of a request whose request fields differ from its other lines', or a stage logged twice differently */
  conflictingLines = 0;
  readonly conflictSamples: string[] = [];

  constructor(private readonly o: AssemblerOptions) {
    this.forwards = o.order === SortOrder.OLDEST_FIRST;
    this.frontier = this.forwards ? -Infinity : Infinity;
    this.heap = this.forwards ? new Heap<Entry>((a, b) => a.receivedMs < b.receivedMs) : new Heap<Entry>((a, b) => a.receivedMs > b.receivedMs);
  }

  /** Every line whose stage time could be read moves the frontier, wanted or not. */
  advance(stageMs: number): void {
    if (this.forwards ? stageMs > this.frontier : stageMs < this.frontier) this.frontier = stageMs;
  }

  /** No line still to come can belong to a request of the window: stop reading. */
  get exhausted(): boolean {
    const o = this.o;
    return this.forwards ? this.frontier > o.toMs + o.lookaheadMs + o.jitterMs : this.frontier < o.fromMs - o.jitterMs;
  }

  inWindow(receivedMs: number): boolean {
    return receivedMs >= this.o.fromMs && receivedMs < this.o.toMs;
  }

  /** Whether a line with these times can change the answer: its request is in the window, the stage within lookahead. */
  wants(receivedMs: number, stageMs: number): boolean {
    if (!this.inWindow(receivedMs)) return false;
    if (stageMs - receivedMs > this.o.lookaheadMs) {
      this.lateStages += 1;
      return false;
    }
    return true;
  }

  offer(line: StageLine): void {
    if (!this.wants(line.receivedMs, line.stageMs)) return;
    const kept = this.pending.get(line.auditID);
    if (kept) {
      if (kept.seen.includes(line.line.text)) {
        this.duplicateLines += 1;
        return;
      }
      if (line.stage === kept.stage || !sameRequest(line.line.text, kept.line.text)) this.conflict(line);
      kept.seen.push(line.line.text);
      if (better(line, kept)) {
        kept.stage = line.stage;
        kept.stageMs = line.stageMs;
        kept.line = line.line;
        kept.record = line.record;
      }
      return;
    }
    if (this.releasedEarly.has(line.auditID)) return;
    if (this.watermark !== undefined && (this.forwards ? line.receivedMs < this.watermark : line.receivedMs > this.watermark)) {
      this.outOfOrder += 1;
      return;
    }
    const entry: Entry = { auditID: line.auditID, receivedMs: line.receivedMs, stage: line.stage, stageMs: line.stageMs, line: line.line, record: line.record, seen: [line.line.text] };
    this.pending.set(line.auditID, entry);
    this.heap.push(entry);
  }

  private conflict(line: StageLine): void {
    this.conflictingLines += 1;
    if (this.conflictSamples.length < MAX_CONFLICT_SAMPLES && !this.conflictSamples.includes(line.auditID)) this.conflictSamples.push(line.auditID);
  }

  private settled(entry: Entry): boolean {
    const o = this.o;
    return this.forwards ? entry.receivedMs < this.frontier - o.lookaheadMs - o.jitterMs : entry.receivedMs > this.frontier + o.jitterMs;
  }

  private release(entry: Entry): KeptRequest {
    this.heap.pop();
    this.pending.delete(entry.auditID);
    this.watermark = entry.receivedMs;
    return { auditID: entry.auditID, receivedMs: entry.receivedMs, stage: entry.stage, line: entry.line, record: entry.record };
  }

  /** The next request that nothing still to come can change, in order; undefined when none is. */
  nextReady(): KeptRequest | undefined {
    const head = this.heap.peek();
    if (!head) return undefined;
    if (this.settled(head)) return this.release(head);
    if (this.pending.size <= this.o.maxPending) return undefined;
    this.forced += 1;
    if (!isFinalStage(head.stage)) {
      this.releasedEarly.add(head.auditID);
      if (this.releasedEarly.size > this.o.maxPending) this.releasedEarly.delete(this.releasedEarly.values().next().value as string);
    }
    return this.release(head);
  }

  /** At the end of the data: the next request still held, in order. */
  nextHeld(): KeptRequest | undefined {
    const head = this.heap.peek();
    return head ? this.release(head) : undefined;
  }

  get pendingCount(): number {
    return this.pending.size;
  }
}
