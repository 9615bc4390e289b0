import { AuditgraphError, ErrorCode, SourceState, type AuditEvent, type SortOrder, type SourceQuery, type SourceStatus, type TimeWindow } from '../domain';
import { Heap } from '../lib/heap';
import { compareKeys, type EventKey } from './cursor';
import type { IdConflict } from './dedup';
import { narrow, type EventsRequest, type QueryEngine } from './engine';
import { localFilter } from './planner';
import { orderedMatches, SourceRun, type Matched } from './run';

export interface StreamRequest extends Omit<EventsRequest, 'first' | 'after'> {
  /** stop after this many events (the end status says the limit was reached); default: the whole answer */
  limit?: number | null;
  /** start after this key (in `order`): a reader resuming where it stopped, e.g. a shipper's checkpoint */
  afterKey?: EventKey | null;
}

export interface StreamedEvent {
  event: AuditEvent;
  key: EventKey;
  evidence: string[];
  /** identical copies merged into this event (counted in its source's status too) */
  duplicates: number;
  /** another record of the source shares this one's id and time (both are kept) */
  conflict?: IdConflict;
}

/** How a stream ended: read after the last event (or after the consumer stopped early). */
export interface StreamSummary {
  window: TimeWindow;
  order: SortOrder;
  events: number;
  /** the stream stopped at `limit`, not at the end of the answer */
  limitReached: boolean;
  /** every queried source answered its whole window, and the stream was read to its end */
  complete: boolean;
  statuses: SourceStatus[];
  /** sources whose raw records were withheld from the reader (their roles do not show them) */
  rawWithheld?: string[];
}

const at = (key: EventKey | undefined) => (key ? new Date(key.time).toISOString() : 'the window start');

/** states in which a source's part of the answer is not whole (an archive's PARTIAL: files it could not read) */
const PARTIAL_STATES = new Set([SourceState.FAILED, SourceState.TIMED_OUT, SourceState.THROTTLED, SourceState.PARTIAL]);

/**
 * The whole answer of a query as one stream, without pages: the same plan, merge and per-source status as
 * `QueryEngine.events`, with one event per source held at a time. The next event is asked of a source only
 * when the consumer asks for one, so a slow consumer (a socket's backpressure) slows the sources and memory
 * stays bounded however large the answer. A source gets the engine's deadline for each next event (time the
 * consumer takes does not count); one that misses it is TIMED_OUT and the others go on.
 */
export class EventStream implements AsyncIterable<StreamedEvent> {
  private readonly runs: SourceRun[];
  private readonly window: TimeWindow;
  private readonly order: SortOrder;
  private readonly limit: number;
  private count = 0;
  private limitReached = false;
  private ended = false;
  private started = false;
  private readonly plans: ReturnType<QueryEngine['prepareStream']>;

  constructor(
    private readonly engine: QueryEngine,
    private readonly req: StreamRequest,
    private readonly signal?: AbortSignal,
  ) {
    if (req.limit !== undefined && req.limit !== null && (!Number.isInteger(req.limit) || req.limit < 1)) {
      throw new AuditgraphError(ErrorCode.BAD_PAGE_SIZE, `limit: expected a positive integer, got ${req.limit}`);
    }
    const prepared = engine.prepareStream(req);
    this.plans = prepared;
    this.runs = prepared.plans.map((p) => {
      const run = new SourceRun(p, undefined, req.afterKey ?? undefined);
      run.redactor = prepared.redactor;
      return run;
    });
    this.window = prepared.window;
    this.order = prepared.order;
    this.limit = req.limit ?? Number.POSITIVE_INFINITY;
  }

  /** The statuses as they stand (final once the stream has ended). */
  summary(): StreamSummary {
    const statuses = this.runs.map((r) => r.status());
    return {
      window: this.window,
      order: this.order,
      events: this.count,
      limitReached: this.limitReached,
      // a damaged file was read up to its damage: what lies after it is not in the answer
      complete: this.ended && !this.limitReached && statuses.every((s) => !PARTIAL_STATES.has(s.state) && s.partitionsDamaged === 0),
      statuses,
    };
  }

  /** Sources that have finished (answered, failed or not queried), for progress reports. */
  sourcesDone(): number {
    return this.runs.filter((r) => r.ended !== undefined).length;
  }

  get sourceCount(): number {
    return this.runs.length;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<StreamedEvent> {
    if (this.started) throw new Error('an EventStream is read once');
    this.started = true;
    const { filter, order } = this.plans;
    const deadlineMs = this.plans.deadlineMs;
    const after = this.req.afterKey ?? undefined;
    const stop = new AbortController();
    const onClientAbort = () => stop.abort(this.signal?.reason);
    this.signal?.addEventListener('abort', onClientAbort, { once: true });
    if (this.signal?.aborted) stop.abort(this.signal.reason);

    type Entry = { item: Matched; run: SourceRun };
    const heap = new Heap<Entry>((a, b) => compareKeys(a.item.key, b.item.key, order) < 0);

    /**
     * per source: its abort (the reader left, or it missed its deadline), one timer re-armed for each next event,
     * and the wake-up of the race in progress (a fresh promise per race: racing one long-lived promise would
     * pile a reaction on it for every event)
     */
    interface Watch {
      controller: AbortController;
      wake?: (v: 'aborted') => void;
      timer?: NodeJS.Timeout;
      waiting: boolean;
      deadlineHit: boolean;
    }
    const watches = new Map<SourceRun, Watch>();
    const watch = (run: SourceRun): Watch => {
      const controller = new AbortController();
      stop.signal.addEventListener('abort', () => controller.abort(stop.signal.reason), { once: true });
      const w: Watch = { controller, waiting: false, deadlineHit: false };
      controller.signal.addEventListener('abort', () => w.wake?.('aborted'), { once: true });
      watches.set(run, w);
      return w;
    };

    const timedOut = (run: SourceRun) => ({
      state: 'TIMED_OUT' as const,
      message: `no next event within ${deadlineMs} ms (query.deadlineMs): the stream went on without it after ${at(run.position)}`,
    });

    const advance = async (run: SourceRun): Promise<void> => {
      const it = run.iterator;
      const w = watches.get(run);
      if (!it || !w || !run.active) return;
      w.waiting = true;
      if (w.timer) w.timer.refresh();
      else
        w.timer = setTimeout(() => {
          if (!w.waiting) return;
          w.deadlineHit = true;
          w.controller.abort(new Error('deadline'));
        }, deadlineMs);
      try {
        const aborted = w.controller.signal.aborted ? Promise.resolve('aborted' as const) : new Promise<'aborted'>((resolve) => (w.wake = resolve));
        const r = await Promise.race([it.next(), aborted]);
        if (r === 'aborted') {
          if (w.deadlineHit) run.cut(timedOut(run));
          else run.cut({ state: 'FAILED', message: `ABORTED: the reader went away after ${at(run.position)}` });
          return;
        }
        if (r.done) {
          run.done = true;
          run.finish();
          return;
        }
        heap.push({ item: r.value, run });
        run.head = r.value.key;
      } catch (err) {
        if (w.deadlineHit) run.cut(timedOut(run));
        else run.failWith(err, `; the stream went on without it after ${at(run.position)}`);
      } finally {
        w.waiting = false;
        w.wake = undefined;
      }
    };

    try {
      for (const run of this.runs) {
        if (!run.plan.window) {
          run.done = true;
          run.finish();
          continue;
        }
        const q: SourceQuery = {
          window: narrow(run.plan.window, after, order),
          order,
          filter: run.plan.pushed,
          pageSizeHint: run.plan.source.capabilities.pageSize.max,
          prefilter: localFilter(filter, run.plan.localFields),
        };
        if (q.window.from.getTime() >= q.window.to.getTime()) {
          run.done = true;
          run.finish();
          continue;
        }
        const w = watch(run);
        run.asked = q.window;
        const ctx = { signal: AbortSignal.any([run.controller.signal, w.controller.signal]), stats: run.stats, ...this.engine.cacheFor(run.plan) };
        run.iterator = orderedMatches({ run }, q, ctx, filter, after, this.req.match)[Symbol.asyncIterator]();
      }
      await Promise.all(this.runs.map(advance));
      const queried = this.runs.filter((r) => r.plan.window);
      if (heap.size === 0 && queried.length > 0 && queried.every((r) => r.miss)) {
        throw new AuditgraphError(
          ErrorCode.ALL_SOURCES_FAILED,
          `every selected source failed: ${queried.map((r) => `${r.plan.source.id}: ${r.miss?.message}`).join('; ')}`,
          { sources: this.runs.map((r) => r.status()) },
        );
      }
      while (heap.size > 0) {
        if (this.count >= this.limit) {
          this.limitReached = true;
          break;
        }
        const top = heap.pop()!;
        top.run.returnedOne(top.item);
        this.count += 1;
        const { event, key, evidence, duplicates, conflict } = top.item;
        yield { event: top.run.out(event), key, evidence, duplicates, conflict };
        await advance(top.run);
      }
      this.ended = !stop.signal.aborted;
    } finally {
      this.signal?.removeEventListener('abort', onClientAbort);
      for (const run of this.runs) run.finish();
      for (const w of watches.values()) clearTimeout(w.timer);
      if (!stop.signal.aborted) stop.abort(new Error('stream complete'));
      for (const run of this.runs) void run.iterator?.return?.(undefined)?.catch(() => undefined);
    }
  }
}

/** The whole answer of `req` as one stream (see EventStream). Validation errors are thrown here, before any upstream call. */
export function streamEvents(engine: QueryEngine, req: StreamRequest, signal?: AbortSignal): EventStream {
  return new EventStream(engine, req, signal);
}
