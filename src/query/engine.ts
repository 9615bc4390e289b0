import { isIP } from 'node:net';
import {
  AuditgraphError,
  ErrorCode,
  SortOrder,
  SourceError,
  SourceState,
  newSourceStats,
  type AuditEvent,
  type EventFilter,
  type Source,
  type SourceCallContext,
  type SourceQuery,
  type SourceStats,
  type SourceStatus,
  type TimeWindow,
} from '../domain';
import { compareKeys, CursorCodec, queryDigest, type EventKey } from './cursor';
import { resolveTies, type IdConflict, type TieMember } from './dedup';
import { Heap } from '../lib/heap';
import { matches } from './match';
import { planSource, selectSources, type IdentitySearch, type SourcePlan } from './planner';
import { reversedBySlices } from './reverse';
import { stateFromStats, statsNotes } from './status';
import { resolveWindow, type TimeWindowRequest } from './window';

export const MAX_PAGE_SIZE = 1000;

export interface EventsRequest {
  window: TimeWindowRequest;
  filter?: EventFilter | null;
  order?: SortOrder | null;
  first?: number | null;
  after?: string | null;
  /** what the cursor is bound to besides the arguments (e.g. `identity:alice`), so cursors do not cross fields */
  scope?: string;
  /**
   * A further local test, after the filter: the reasons an event belongs (shown as the edge's evidence), or
   * null to leave it out. Used by identity and run timelines, whose membership is not a plain filter.
   */
  match?: EventMatcher;
  /**
   * An identity's typed aliases (Identity.events): they become `filter.identity`, and each source is pushed only the
   * aliases it understands; a source whose events cannot carry any of them is not asked. The filter must not
   * have its own `identity` then.
   */
  identity?: IdentitySearch;
}

export type EventMatcher = (event: AuditEvent) => string[] | null;

export interface EventEdge {
  event: AuditEvent;
  cursor: string;
  /** why the event belongs, when the request had a matcher */
  evidence: string[];
  /** identical copies of the record the source returned, merged into this event */
  duplicates: number;
  /** set when other, different records of the source share this event's id and time (each is its own edge) */
  idConflict?: IdConflict;
}

export type { IdConflict };

export interface EventsPage {
  edges: EventEdge[];
  hasNextPage: boolean;
  startCursor?: string;
  endCursor?: string;
  window: TimeWindow;
  order: SortOrder;
  statuses: SourceStatus[];
}

export interface SourceExplain {
  plan: SourcePlan;
  request?: string;
  partitions?: string[];
  partitionsTotal?: number;
  notes: string[];
}

export interface QueryExplain {
  window: TimeWindow;
  order: SortOrder;
  sources: SourceExplain[];
}

export interface EngineOptions {
  /** the longest a page may take; sources still running then are reported TIMED_OUT (default 30 s) */
  deadlineMs?: number;
  /** the secret cursors are signed with (several: the first signs, all verify); every replica must share them */
  cursorSecret: string | readonly string[];
  now?: () => Date;
  /** widens `filter.identity` to every alias the configuration knows (see src/correlation) */
  expandIdentity?: (values: string[]) => string[];
}

const MAX_CONFLICT_SAMPLES = 5;

/** One source's part in one page: its stream, its counters and how it ended. */
export class SourceRun {
  readonly stats: SourceStats = newSourceStats();
  readonly started = performance.now();
  ended?: number;
  state = SourceState.OK;
  message?: string;
  matched = 0;
  returned = 0;
  duplicates = 0;
  idConflicts = 0;
  readonly conflictSamples: string[] = [];
  iterator?: AsyncIterator<Matched>;

  constructor(readonly plan: SourcePlan) {
    if (plan.clamped) {
      this.state = SourceState.CLAMPED;
      this.message = plan.clamped;
    } else if (plan.skipped) {
      this.message = plan.skipped;
    }
  }

  get failed(): boolean {
    return this.state === SourceState.FAILED || this.state === SourceState.TIMED_OUT || this.state === SourceState.THROTTLED;
  }

  fail(err: unknown, deadlineHit: boolean, deadlineMs: number): void {
    if (this.failed) return;
    if (deadlineHit) {
      this.state = SourceState.TIMED_OUT;
      this.message = `no complete answer within the query deadline (${deadlineMs} ms)`;
    } else if (err instanceof SourceError && err.code === 'THROTTLED') {
      this.state = SourceState.THROTTLED;
      this.message = err.message;
    } else {
      this.state = SourceState.FAILED;
      this.message = err instanceof SourceError ? `${err.code}: ${err.message}` : `INTERNAL: ${(err as Error)?.message ?? String(err)}`;
    }
    this.finish();
  }

  finish(): void {
    this.ended ??= performance.now();
  }

  /** Counts what was merged into an event that goes into the page (so a page boundary never counts it twice). */
  returnedOne(item: Matched): void {
    this.returned += 1;
    this.duplicates += item.duplicates;
    if (item.conflict) {
      this.idConflicts += 1;
      const sample = `${item.event.id} at ${item.event.time.toISOString()} (${item.conflict.records} records)`;
      if (this.conflictSamples.length < MAX_CONFLICT_SAMPLES && !this.conflictSamples.includes(sample)) this.conflictSamples.push(sample);
    }
  }

  status(): SourceStatus {
    const s = this.plan.source;
    const st = this.stats;
    const notes = statsNotes(st);
    if (this.idConflicts > 0) {
      notes.push(
        `${this.idConflicts} event(s) of this page share their id and time with a different record of this source: each is returned as its own edge (EventEdge.idConflict), none was dropped: ${this.conflictSamples.join('; ')}${this.conflictSamples.length === MAX_CONFLICT_SAMPLES ? '; …' : ''}`,
      );
    }
    if (this.plan.orderNote) notes.push(this.plan.orderNote);
    const state = stateFromStats(this.state, st);
    const message = [this.message, ...notes].filter(Boolean).join(' | ') || undefined;
    return {
      sourceId: s.id,
      sourceType: s.type,
      kind: s.kind,
      mode: s.mode,
      state,
      message,
      window: this.plan.window ?? undefined,
      requests: this.stats.requests,
      eventsScanned: this.stats.scanned,
      eventsMatched: this.matched,
      eventsReturned: this.returned,
      malformed: this.stats.malformed,
      malformedSamples: this.stats.malformedSamples,
      throttled: this.stats.throttled,
      bytesRead: this.stats.bytesRead,
      partitionsRead: this.stats.partitionsRead,
      partitionsPruned: this.stats.partitionsPruned,
      duplicates: this.duplicates + this.stats.duplicates,
      idConflicts: this.idConflicts + this.stats.idConflicts,
      partitionsIgnored: st.partitionsIgnored,
      partitionsDamaged: st.partitionsDamaged,
      partitionsUnreadable: st.partitionsUnreadable,
      rawTruncated: st.rawTruncated,
      durationMs: Math.round(((this.ended ?? performance.now()) - this.started) * 100) / 100,
      pushedDown: this.plan.pushedDown,
      residual: this.plan.residual,
    };
  }
}

/**
 * One distinct record of a source after the cursor's key that matches the local part of the filter, in the
 * merge order, with why it belongs (when the request has a matcher) and what was merged into it.
 */
interface Matched extends TieMember {
  evidence: string[];
}

const NO_EVIDENCE: string[] = [];

/**
 * The source's events in `order`, each tie group (one millisecond) resolved into distinct records ordered by key
 * (so the merge order is total), after the cursor's key, matching the local part of the filter.
 */
async function* orderedMatches(
  run: SourceRun,
  q: SourceQuery,
  ctx: SourceCallContext,
  filter: EventFilter,
  after: EventKey | undefined,
  match: EventMatcher | undefined,
): AsyncGenerator<Matched> {
  const { plan } = run;
  const upstream = plan.nativeOrder ? plan.source.events(q, ctx) : reversedBySlices(plan.source, q, ctx);
  let group: AuditEvent[] = [];
  let groupTime = Number.NaN;
  function* flush(): Generator<Matched> {
    if (group.length === 0) return;
    for (const member of resolveTies(group, q.order)) {
      if (after && compareKeys(member.key, after, q.order) <= 0) continue;
      if (!matches(member.event, filter, plan.localFields)) continue;
      const evidence = match ? match(member.event) : NO_EVIDENCE;
      if (!evidence) continue;
      run.matched += 1;
      yield { ...member, evidence };
    }
  }
  try {
    for await (const e of upstream) {
      const t = e.time.getTime();
      if (t !== groupTime) {
        yield* flush();
        group = [];
        groupTime = t;
      }
      group.push(e);
    }
  } catch (err) {
    // what the source gave before it failed still counts (the status says it failed); its last group may be
    // incomplete, but a later page re-reads it whole from the cursor's key
    yield* flush();
    throw err;
  }
  yield* flush();
}

function validateFilter(filter: EventFilter): void {
  const lists: (keyof EventFilter)[] = ['sources', 'identity', 'runId', 'action', 'sourceIp'];
  for (const key of lists) {
    const v = filter[key] as string[] | undefined;
    if (v?.some((s) => s.trim() === '')) throw new AuditgraphError(ErrorCode.BAD_FILTER, `filter.${key}: values must be non-empty`);
  }
  for (const ip of filter.sourceIp ?? []) {
    if (isIP(ip) === 0) throw new AuditgraphError(ErrorCode.BAD_FILTER, `filter.sourceIp: ${JSON.stringify(ip)} is not an IPv4 or IPv6 address`);
  }
  if (filter.resource !== undefined && filter.resource !== null && filter.resource.trim() === '') {
    throw new AuditgraphError(ErrorCode.BAD_FILTER, 'filter.resource: must be non-empty when given');
  }
}

/** Fans a query out to every selected source, merges their ordered streams, and pages with stateless cursors. */
export class QueryEngine {
  private readonly cursors: CursorCodec;
  readonly deadlineMs: number;
  private readonly now: () => Date;
  private readonly expandIdentity: (values: string[]) => string[];

  constructor(
    readonly sources: readonly Source[],
    private readonly opts: EngineOptions,
  ) {
    this.cursors = new CursorCodec(opts.cursorSecret);
    this.deadlineMs = opts.deadlineMs ?? 30_000;
    this.now = opts.now ?? (() => new Date());
    this.expandIdentity = opts.expandIdentity ?? ((v) => v);
  }

  /**
   * The same engine over some of its sources, signing cursors with another secret: one caller's view, made
   * per request by the server once it knows what the caller may see (src/server/auth).
   */
  view(sources: readonly Source[], cursorSecret: string | readonly string[], expandIdentity?: (values: string[]) => string[]): QueryEngine {
    const secrets = (s: string | readonly string[]) => (typeof s === 'string' ? [s] : s);
    const sameSecrets = secrets(cursorSecret).join('\u0000') === secrets(this.opts.cursorSecret).join('\u0000');
    if (!expandIdentity && sameSecrets && sources.length === this.sources.length && sources.every((s, i) => s === this.sources[i])) return this;
    return new QueryEngine(sources, { ...this.opts, cursorSecret, ...(expandIdentity ? { expandIdentity } : {}) });
  }

  source(id: string): Source | undefined {
    return this.sources.find((s) => s.id === id);
  }

  /** Validates everything before any upstream call, and plans each selected source (also used by the histogram). */
  prepare(req: EventsRequest) {
    const asked = req.filter ?? {};
    const order = req.order ?? SortOrder.NEWEST_FIRST;
    const first = req.first ?? 100;
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
      throw new AuditgraphError(ErrorCode.BAD_PAGE_SIZE, `first: expected an integer from 1 to ${MAX_PAGE_SIZE}, got ${first}`);
    }
    validateFilter(asked);
    const digest = queryDigest(req.scope ?? 'events', req.window, asked, order);
    if (req.identity && asked.identity?.length) {
      throw new AuditgraphError(ErrorCode.BAD_FILTER, 'filter.identity: this search is already for one identity (all its aliases); leave identity out of the filter');
    }
    if (req.identity && req.identity.aliases.length === 0) throw new AuditgraphError(ErrorCode.BAD_FILTER, 'identity search without aliases');
    const filter: EventFilter = req.identity
      ? { ...asked, identity: [...new Map(req.identity.aliases.map((a) => [a.value.toLowerCase(), a.value])).values()] }
      : asked.identity?.length
        ? { ...asked, identity: this.expandIdentity(asked.identity) }
        : asked;
    const cursor = req.after ? this.cursors.decode(req.after, digest) : undefined;
    const window = cursor?.window ?? resolveWindow(req.window, this.now());
    const selected = selectSources(this.sources, filter);
    const now = this.now();
    const plans = selected.map((s) => planSource(s, window, filter, order, now, req.identity));
    return { filter, order, first, digest, cursor, window, plans };
  }

  async explain(req: EventsRequest): Promise<QueryExplain> {
    const { order, first, window, plans, cursor } = this.prepare(req);
    const sources = await Promise.all(
      plans.map(async (plan): Promise<SourceExplain> => {
        if (!plan.window) return { plan, notes: [plan.clamped ?? plan.skipped ?? 'not queried'] };
        const q: SourceQuery = { window: narrow(plan.window, cursor?.key, order), order: plan.nativeOrder ? order : plan.source.capabilities.orders[0], filter: plan.pushed, pageSizeHint: first + 1 };
        const detail = await plan.source.plan(q);
        const notes = [...detail.notes];
        if (plan.clamped) notes.unshift(plan.clamped);
        if (plan.orderNote) notes.push(plan.orderNote);
        return { plan, request: detail.request, partitions: detail.partitions, partitionsTotal: detail.partitionsTotal, notes };
      }),
    );
    return { window, order, sources };
  }

  async events(req: EventsRequest, signal?: AbortSignal): Promise<EventsPage> {
    const { filter, order, first, digest, cursor, window, plans } = this.prepare(req);
    const controller = new AbortController();
    let deadlineHit = false;
    const timer = setTimeout(() => {
      deadlineHit = true;
      controller.abort(new Error('deadline'));
    }, this.deadlineMs);
    const onClientAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onClientAbort, { once: true });
    const aborted = new Promise<'aborted'>((resolve) => controller.signal.addEventListener('abort', () => resolve('aborted'), { once: true }));

    const runs = plans.map((p) => new SourceRun(p));
    const heap = new Heap<{ item: Matched; run: SourceRun }>((a, b) => compareKeys(a.item.key, b.item.key, order) < 0);

    const advance = async (run: SourceRun): Promise<void> => {
      const it = run.iterator;
      if (!it || run.failed) return;
      try {
        const r = await Promise.race([it.next(), aborted]);
        if (r === 'aborted') {
          run.fail(undefined, deadlineHit, this.deadlineMs);
          void it.return?.(undefined)?.catch(() => undefined);
          return;
        }
        if (r.done) {
          run.finish();
          return;
        }
        heap.push({ item: r.value, run });
      } catch (err) {
        run.fail(err, deadlineHit, this.deadlineMs);
      }
    };

    const edges: EventEdge[] = [];
    let hasNextPage = false;
    try {
      for (const run of runs) {
        if (!run.plan.window) {
          run.finish();
          continue;
        }
        const q: SourceQuery = {
          window: narrow(run.plan.window, cursor?.key, order),
          order,
          filter: run.plan.pushed,
          // the page, one more to know whether there is a next page, one more to close a group of ties
          pageSizeHint: Math.min(first + 2, run.plan.source.capabilities.pageSize.max),
        };
        if (q.window.from.getTime() >= q.window.to.getTime()) {
          run.finish();
          continue;
        }
        run.iterator = orderedMatches(run, q, { signal: controller.signal, stats: run.stats }, filter, cursor?.key, req.match)[Symbol.asyncIterator]();
      }
      await Promise.all(runs.map(advance));
      while (heap.size > 0) {
        const top = heap.pop()!;
        if (edges.length === first) {
          hasNextPage = true;
          break;
        }
        top.run.returnedOne(top.item);
        const { event, evidence, duplicates, conflict, key } = top.item;
        edges.push({ event, evidence, duplicates, ...(conflict ? { idConflict: conflict } : {}), cursor: this.cursors.encode({ key, window, digest }) });
        await advance(top.run);
      }
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onClientAbort);
      for (const run of runs) run.finish();
      if (!controller.signal.aborted) controller.abort(new Error('page complete'));
      for (const run of runs) void run.iterator?.return?.(undefined)?.catch(() => undefined);
    }

    const statuses = runs.map((r) => r.status());
    const queried = runs.filter((r) => r.plan.window);
    if (edges.length === 0 && queried.length > 0 && queried.every((r) => r.failed)) {
      throw new AuditgraphError(
        ErrorCode.ALL_SOURCES_FAILED,
        `every selected source failed: ${queried.map((r) => `${r.plan.source.id}: ${r.message}`).join('; ')}`,
        { sources: statuses },
      );
    }
    return {
      edges,
      hasNextPage,
      startCursor: edges[0]?.cursor,
      endCursor: edges[edges.length - 1]?.cursor,
      window,
      order,
      statuses,
    };
  }
}

/** The part of `window` that can still hold events after `key`: sources re-read from the key's millisecond. */
function narrow(window: TimeWindow, key: EventKey | undefined, order: SortOrder): TimeWindow {
  if (!key) return window;
  if (order === SortOrder.NEWEST_FIRST) return { from: window.from, to: new Date(Math.min(window.to.getTime(), key.time + 1)) };
  return { from: new Date(Math.max(window.from.getTime(), key.time)), to: window.to };
}
