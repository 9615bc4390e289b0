import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import {
  AuditgraphError,
  ErrorCode,
  SortOrder,
  SourceState,
  type AuditEvent,
  type JsonValue,
  type EventFilter,
  type Source,
  type SourceCallContext,
  type SourceQuery,
  type SourceStatus,
  type TimeWindow,
  type UpstreamPageCache,
} from '../domain';
import type { QueryBudget } from './budget';
import { compareKeys, CursorCodec, queryDigest, type CursorState, type EventKey, type SourcePosition } from './cursor';
import type { IdConflict } from './dedup';
import { Heap } from '../lib/heap';
import type { Redactor } from '../sources/shared/redaction';
import { observeSourcePage, SourceTrace } from './telemetry';
import { localFilter, planSource, selectSources, type IdentitySearch, type SourcePlan } from './planner';
import { followPolicy } from './follow-lag';
import { ScanLink, ScanParking } from './resume';
import { SharedPages } from './shared-pages';
import { ReadSlots } from './read-slots';
import { orderedMatches, SourceRun, type EventMatcher, type Matched } from './run';
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
  /**
   * One deadline and one memory of silent sources for several queries that answer one question (identity
   * discovery's rounds, a run's discovery and timeline): the page ends by the budget's deadline at the latest, and
   * a source that timed out in an earlier query of the budget is left out.
   */
  budget?: QueryBudget;
  /**
   * false for the engine's own reads that never reach a caller (identity and run discovery read whole records to
   * learn aliases and pods); everything else is redacted on its way out when the engine has a redactor
   */
  redact?: boolean;
}

export type { EventMatcher };

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
  /** whether the sources that answer have more (a source left out of this page does not count) */
  hasNextPage: boolean;
  /**
   * false when a selected source did not contribute fully: it was cut from this page's merge (failed, throttled,
   * silent past its budget), left out, or is still behind where the page ends. true means this page and the pages
   * before it on the same cursor hold every event of every selected source up to the page's end.
   */
  complete: boolean;
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
  /**
   * the longest a page may take (default 30 s): the page then ends with what the merge holds, its sources not
   * blamed (hasNextPage says more is to come)
   */
  deadlineMs?: number;
  /**
   * the longest the merge waits for one source's next event (default 10 s, or a third of a shorter deadline): a
   * source silent that long is cut from the page, reported TIMED_OUT, and the others go on without it
   */
  sourceTimeoutMs?: number;
  /** the secret cursors are signed with (several: the first signs, all verify); every replica must share them */
  cursorSecret: string | readonly string[];
  now?: () => Date;
  /** widens `filter.identity` to every alias the configuration knows (see src/correlation) */
  expandIdentity?: (values: string[]) => string[];
  /** redacts the raw records (and malformed samples) of what a page or stream returns (`redaction:` in the config) */
  redactor?: Redactor;
  /** where a page leaves its sources' reads suspended for the next page of its cursor (src/query/resume.ts) */
  parking?: ScanParking;
  /** where live sources' upstream pages are served again from (src/query/page-cache.ts); none: every request is sent */
  pageCache?: UpstreamPageCache;
  /** where archive sources keep the files they decoded (src/query/file-cache.ts); none: every file is read */
  fileCache?: UpstreamPageCache;
  /** where identical requests in flight at once share one read (src/query/shared-pages.ts); shared by every view */
  sharedPages?: SharedPages<EventsPage>;
  /** how many pages are read at once, served in turn between callers (src/query/read-slots.ts); default: no limit */
  readSlots?: ReadSlots;
}

/** pages in a row on which a source may time out before the cursor's later pages leave it out */
export const MAX_TIMEOUT_STRIKES = 2;

const at = (key: EventKey | undefined) => (key ? new Date(key.time).toISOString() : 'the window start');
const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** What a wait for one source's next event came to. */
type Step = { kind: 'item'; item: Matched } | { kind: 'done' } | { kind: 'error'; err: unknown } | { kind: 'silent' } | { kind: 'over' };

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
  readonly sourceTimeoutMs: number;
  private readonly now: () => Date;
  private readonly expandIdentity: (values: string[]) => string[];
  /** reads suspended at the end of a page, for the next page of the same cursor; shared by every view */
  readonly parking: ScanParking;
  readonly sharedPages: SharedPages<EventsPage>;
  readonly readSlots: ReadSlots;
  /** what a page read by this view is bound to besides the request: the sources it may see, the secret its cursors are signed with */
  private readonly viewKey: string;

  constructor(
    readonly sources: readonly Source[],
    private readonly opts: EngineOptions,
  ) {
    this.parking = opts.parking ?? new ScanParking();
    this.sharedPages = opts.sharedPages ?? new SharedPages<EventsPage>();
    this.readSlots = opts.readSlots ?? new ReadSlots(0);
    this.opts = { ...opts, parking: this.parking, sharedPages: this.sharedPages, readSlots: this.readSlots };
    const secrets = typeof opts.cursorSecret === 'string' ? [opts.cursorSecret] : opts.cursorSecret;
    this.viewKey = createHash('sha256').update(JSON.stringify([sources.map((s) => s.id), secrets])).digest('base64url');
    this.cursors = new CursorCodec(opts.cursorSecret);
    this.deadlineMs = opts.deadlineMs ?? 30_000;
    // a source's budget must leave the page time to go on without it
    this.sourceTimeoutMs = Math.min(opts.sourceTimeoutMs ?? Math.min(10_000, this.deadlineMs / 3), this.deadlineMs);
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

  /** Whether a source's window has settled: its end is older than the source's delivery lag, so it cannot change. */
  settled(plan: SourcePlan): boolean {
    return plan.window !== null && plan.window.to.getTime() + followPolicy(plan.source).lagMs < this.now().getTime();
  }

  /** The page cache a source's calls may be served from, whether its window has settled, and the decoded-file cache. */
  cacheFor(plan: SourcePlan): Pick<SourceCallContext, 'cache' | 'settled' | 'files'> {
    return {
      ...(this.opts.pageCache ? { cache: this.opts.pageCache, settled: this.settled(plan) } : {}),
      ...(this.opts.fileCache ? { files: this.opts.fileCache } : {}),
    };
  }

  /** Ends the reads suspended for later pages (server shutdown). */
  close(): void {
    this.parking.close();
  }

  /** What redacts the records a request returns: none for the engine's own reads (`redact: false`). */
  redactorFor(req: { redact?: boolean }): Redactor | undefined {
    return req.redact === false || !this.opts.redactor?.enabled ? undefined : this.opts.redactor;
  }

  /**
   * An event's raw record as a caller may see it (GraphQL's `raw`): redacted. Events of a page are redacted (and
   * counted) on their way out already; this pass finds nothing more in them (redaction is idempotent) and covers
   * the events that reach GraphQL another way (a run's lifecycle).
   */
  rawOf(event: AuditEvent): JsonValue {
    return this.opts.redactor ? this.opts.redactor.event(event).value.raw : event.raw;
  }

  /** A text quoting raw records (a malformed sample) as a caller may see it. */
  redactText(text: string): { value: string; count: number } {
    return this.opts.redactor ? this.opts.redactor.text(text) : { value: text, count: 0 };
  }

  source(id: string): Source | undefined {
    return this.sources.find((s) => s.id === id);
  }

  /**
   * What `events` does before any upstream call, for the streaming reader (src/query/stream.ts): the request
   * validated, each selected source planned, and the deadline each source gets to produce its next event.
   */
  prepareStream(req: Omit<EventsRequest, 'first' | 'after'>) {
    return { ...this.prepare({ ...req, first: MAX_PAGE_SIZE, after: null }), deadlineMs: this.deadlineMs, redactor: this.redactorFor(req) };
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
    const { filter, order, first, window, plans, cursor } = this.prepare(req);
    const sources = await Promise.all(
      plans.map(async (plan): Promise<SourceExplain> => {
        if (!plan.window) return { plan, notes: [plan.clamped ?? plan.skipped ?? 'not queried'] };
        const start = cursor?.behind?.[plan.source.id] ? cursor.behind[plan.source.id].key : cursor?.key;
        const q: SourceQuery = {
          window: narrow(plan.window, start, order),
          order: plan.nativeOrder ? order : plan.source.capabilities.orders[0],
          filter: plan.pushed,
          pageSizeHint: first + 1,
          prefilter: localFilter(filter, plan.localFields),
        };
        const detail = await plan.source.plan(q);
        const notes = [...detail.notes];
        if (plan.clamped) notes.unshift(plan.clamped);
        if (plan.orderNote) notes.push(plan.orderNote);
        return { plan, request: detail.request, partitions: detail.partitions, partitionsTotal: detail.partitionsTotal, notes };
      }),
    );
    return { window, order, sources };
  }

  /**
   * One page. Every selected source is asked at once, from its own position (the cursor's key, or where it stood
   * when an earlier page went on without it), and their ordered streams are merged. The merge waits at most
   * `sourceTimeoutMs` for any one source's next event: a source silent that long, or failing, is cut from the rest
   * of the page and the others fill it in order. The cursor remembers where each cut source stood, so the next
   * page asks it again from there (nothing of it is lost; its missed events come first on that page), until it has
   * timed out on MAX_TIMEOUT_STRIKES pages in a row: later pages then leave it out, and say so.
   */
  async events(req: EventsRequest, signal?: AbortSignal): Promise<EventsPage> {
    // each read waits for a slot, in turn with other callers' reads (the view is the caller's)
    const read = (sig: AbortSignal | undefined) => this.readSlots.run(this.viewKey, sig, () => this.readPage(req, sig));
    // a matcher or a budget is a function or a shared state of its caller's: such a read is the caller's own
    if (req.match || req.budget) return read(signal);
    const { window, filter, order, first, after, scope, identity, redact } = req;
    const key = `${this.viewKey}\u0000${JSON.stringify({ window, filter, order, first, after, scope, identity, redact })}`;
    return this.sharedPages.run(key, signal, read);
  }

  private async readPage(req: EventsRequest, signal?: AbortSignal): Promise<EventsPage> {
    const { filter, order, first, digest, cursor, window, plans } = this.prepare(req);
    const redactor = this.redactorFor(req);
    const pageStart = Date.now();
    const deadlineAt = Math.min(pageStart + this.deadlineMs, req.budget?.deadlineAt ?? Infinity);
    // the page ends (by its deadline, or the caller went away): the merge stops with what it holds
    const pageOver = new AbortController();
    const timer = setTimeout(() => pageOver.abort(new Error('deadline')), Math.max(0, deadlineAt - pageStart));
    const onClientAbort = () => pageOver.abort(signal?.reason);
    if (signal?.aborted) onClientAbort();
    signal?.addEventListener('abort', onClientAbort, { once: true });
    const over = new Promise<Step>((resolve) => pageOver.signal.addEventListener('abort', () => resolve({ kind: 'over' }), { once: true }));

    const runs = plans.map((plan) => {
      const behind = cursor?.behind?.[plan.source.id];
      const run = new SourceRun(plan, behind, behind ? behind.key : cursor?.key);
      run.redactor = redactor;
      return run;
    });
    const heap = new Heap<{ item: Matched; run: SourceRun }>((a, b) => compareKeys(a.item.key, b.item.key, order) < 0);
    const links = new Map<SourceRun, ScanLink>();
    // a read suspended where the previous page of this cursor ended (plain paging of a closed window only: a
    // timeline's matcher and a discovery's budget are the request's own, and an open window may still grow)
    const resumable = !req.match && !req.budget && req.redact !== false;
    const parkKey = (cursorText: string, run: SourceRun) => `${ScanParking.key(cursorText, run.id)}\u0000${JSON.stringify(filter)}`;
    const closed = (run: SourceRun) => this.settled(run.plan);

    /** Waits for one source's next event, at most its budget; what came is pushed on the heap. */
    const advance = async (run: SourceRun): Promise<'over' | undefined> => {
      const it = run.iterator;
      if (!it || !run.active) return undefined;
      let stall: NodeJS.Timeout | undefined;
      run.waitUntil = Math.min(Date.now() + this.sourceTimeoutMs, deadlineAt);
      const silent = new Promise<Step>((resolve) => {
        stall = setTimeout(() => resolve({ kind: 'silent' }), this.sourceTimeoutMs);
      });
      const next = (run.trace ? run.trace.run(() => it.next()) : it.next()).then(
        (r): Step => (r.done ? { kind: 'done' } : { kind: 'item', item: r.value }),
        (err: unknown): Step => ({ kind: 'error', err }),
      );
      const step = await Promise.race([next, silent, over]);
      clearTimeout(stall);
      run.waitUntil = undefined;
      switch (step.kind) {
        case 'item':
          heap.push({ item: step.item, run });
          run.head = step.item.key;
          run.headItem = step.item;
          return undefined;
        case 'done':
          run.done = true;
          run.finish();
          return undefined;
        case 'error':
          run.failWith(step.err);
          return undefined;
        case 'silent':
          run.cut({
            state: 'TIMED_OUT',
            message: `no answer for ${seconds(this.sourceTimeoutMs)} (query.sourceTimeoutMs): left out of this page after ${at(run.position)}; the next page of this cursor asks it again from there`,
          });
          return undefined;
        case 'over':
          // the caller went away (or the server is shutting down): the source did not fail, but it gave no answer
          if (signal?.aborted) run.cut({ state: 'FAILED', message: `ABORTED: the request was cancelled before the source answered (${(signal.reason as Error)?.message ?? 'aborted'})` });
          return 'over';
      }
    };

    for (const run of runs) {
      const source = run.plan.source;
      const left = this.leftOut(run, req.budget);
      if (left) {
        run.leaveOut(left);
        continue;
      }
      if (!run.plan.window) {
        run.done = true;
        run.finish();
        continue;
      }
      const q: SourceQuery = {
        window: narrow(run.plan.window, run.position, order),
        order,
        filter: run.plan.pushed,
        // the page, one more to know whether there is a next page, one more to close a group of ties
        pageSizeHint: Math.min(first + 2, source.capabilities.pageSize.max),
        prefilter: localFilter(filter, run.plan.localFields),
      };
      run.asked = q.window;
      if (q.window.from.getTime() >= q.window.to.getTime()) {
        run.done = true;
        run.finish();
        continue;
      }
      run.trace = new SourceTrace(run.plan, q);
      const parked = resumable && req.after && !behindOf(run) ? this.parking.take(parkKey(req.after, run)) : undefined;
      if (parked) {
        run.continueRead(parked.link.stats);
        parked.link.bind(run, pageOver.signal);
        links.set(run, parked.link);
        run.iterator = parked.iterator;
        heap.push({ item: parked.head, run });
        run.head = parked.head.key;
        run.headItem = parked.head;
        continue;
      }
      const link = new ScanLink(run, run.stats);
      link.bind(run, pageOver.signal);
      links.set(run, link);
      const ctx: SourceCallContext = { signal: link.signal, stats: run.stats, remainingMs: link.remainingMs, ...this.cacheFor(run.plan) };
      run.iterator = orderedMatches(link, q, ctx, filter, run.position, req.match)[Symbol.asyncIterator]();
    }

    const edges: EventEdge[] = [];
    let lastKey: EventKey | undefined;
    let ended = false;
    let hasNextPage = false;
    // the cursor's key is the furthest the answer has reached: the previous key, or the last event of this page when
    // it is further (a page that starts with a source catching up returns older events first)
    const keyAfter = (reached: EventKey | undefined) => (reached && (!cursor?.key || compareKeys(reached, cursor.key, order) > 0) ? reached : cursor?.key);
    const stateAt = (reached: EventKey | undefined, final: boolean): CursorState => this.stateAt(runs, reached, keyAfter(reached), window, digest, order, final);
    const suspended: SourceRun[] = [];
    try {
      ended = (await Promise.all(runs.filter((r) => !r.continued).map(advance))).includes('over');
      while (!ended && heap.size > 0) {
        if (edges.length === first) {
          hasNextPage = true;
          break;
        }
        const top = heap.pop()!;
        top.run.head = undefined;
        top.run.headItem = undefined;
        top.run.returnedOne(top.item);
        const { event, evidence, duplicates, conflict, key } = top.item;
        if (!lastKey || compareKeys(key, lastKey, order) > 0) lastKey = key;
        const edge = new PageEdge(top.run.out(event), evidence, duplicates, stateAt(lastKey, false), this.cursors);
        if (conflict) edge.idConflict = conflict;
        edges.push(edge);
        ended = (await advance(top.run)) === 'over';
      }
      // ended by the deadline: whatever a source still holds is for the next page
      if (ended && (heap.size > 0 || runs.some((r) => r.active))) hasNextPage = true;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onClientAbort);
      for (const run of runs) {
        run.finish();
        // a full page leaves each source with its next event in the merge and its stream idle: kept for the next page
        const keep = resumable && hasNextPage && !ended && run.active && run.headItem !== undefined && closed(run);
        if (keep) {
          links.get(run)!.release();
          suspended.push(run);
        }
        if (!run.controller.signal.aborted) run.controller.abort(new Error('page complete'));
        if (!keep) void run.iterator?.return?.(undefined)?.catch(() => undefined);
      }
    }

    const end = stateAt(lastKey, true);
    // a source cut from this page can be asked again through the cursor; an archive that could not read some of
    // its files (unreadable, or damaged and read up to the damage) cannot, but its answer is short all the same
    const retryable = runs.some((r) => r.miss) || Object.keys(end.behind ?? {}).length > 0;
    const endCursor = edges.length > 0 || hasNextPage || retryable ? this.cursors.encode(end) : undefined;
    for (const run of suspended) {
      const link = links.get(run)!;
      const scan = { iterator: run.iterator!, head: run.headItem!, link };
      // a source the cursor records as behind starts from its own position next page, not where its stream stands
      if (endCursor && !end.behind?.[run.id]) this.parking.park(parkKey(endCursor, run), scan);
      else {
        link.controller.abort(new Error('page complete'));
        void scan.iterator.return?.(undefined)?.catch(() => undefined);
      }
    }
    const statuses = runs.map((r) => r.status());
    req.budget?.observe(statuses);
    runs.forEach((r, i) => r.trace && observeSourcePage(statuses[i], r.trace));
    const queried = runs.filter((r) => r.plan.window);
    if (edges.length === 0 && queried.length > 0 && queried.every((r) => r.miss)) {
      throw new AuditgraphError(
        ErrorCode.ALL_SOURCES_FAILED,
        `every selected source failed: ${queried.map((r) => `${r.id}: ${r.miss!.message}`).join('; ')}`,
        { sources: statuses },
      );
    }
    const lost = statuses.some((s) => s.state === SourceState.PARTIAL || s.partitionsDamaged > 0);
    const complete = !retryable && !lost;
    return {
      edges,
      hasNextPage,
      complete,
      startCursor: edges[0]?.cursor,
      endCursor,
      window,
      order,
      statuses,
    };
  }

  /** Why a source is not asked at all this page, if it is not: the cursor has given up on it, or the request has. */
  private leftOut(run: SourceRun, budget: QueryBudget | undefined): { state: SourcePosition['state']; message: string } | undefined {
    const behind = run.behind;
    if (behind && behind.state === 'TIMED_OUT' && behind.strikes >= MAX_TIMEOUT_STRIKES) {
      return {
        state: 'TIMED_OUT',
        message: `left out: it timed out on ${behind.strikes} pages in a row of this cursor, so its events after ${at(behind.key)} are not in this answer; query it alone (filter.sources) from there, or page again from the start`,
      };
    }
    const why = budget?.unavailable.get(run.id);
    if (why) return { state: 'TIMED_OUT', message: `left out: it did not answer an earlier query of this request (${why})` };
    return undefined;
  }

  /**
   * The cursor once the merge has returned everything up to `reached`: its key, and every source that is not there
   * with where it stands. A source cut or left out stands where it stopped; any other has returned everything up to
   * `reached` (its next event is later), so one that was behind and is catching up stands there. `final`: the page
   * is over, and a source cut this page keeps its strike even if it lost nothing (so that a silent source is given up
   * on whichever page it falls silent on).
   */
  private stateAt(runs: SourceRun[], reached: EventKey | undefined, key: EventKey | undefined, window: TimeWindow, digest: string, order: SortOrder, final: boolean): CursorState {
    const behind: Record<string, SourcePosition> = {};
    for (const run of runs) {
      if (run.leftOut) {
        if (run.behind) behind[run.id] = run.behind;
        else behind[run.id] = { ...(run.position ? { key: run.position } : {}), state: run.miss!.state, strikes: run.miss!.state === 'TIMED_OUT' ? 1 : 0 };
        continue;
      }
      if (run.done && !run.miss) continue;
      const position = run.positionAt(reached, order);
      const lagging = key !== undefined && (!position || compareKeys(position, key, order) < 0) && !(run.nextAfter(key, order) && !run.miss);
      if (run.miss) {
        if (!lagging && !final) continue;
        const strikes = run.miss.state === 'TIMED_OUT' ? (run.behind?.state === 'TIMED_OUT' ? run.behind.strikes : 0) + 1 : 0;
        behind[run.id] = { ...(position ? { key: position } : {}), state: run.miss.state, strikes };
      } else if (lagging) {
        behind[run.id] = { ...(position ? { key: position } : {}), state: run.behind?.state ?? 'TIMED_OUT', strikes: 0 };
      }
    }
    return { ...(key ? { key } : {}), window, digest, ...(Object.keys(behind).length > 0 ? { behind } : {}) };
  }
}

/**
 * An edge of a page. Its cursor is signed when it is read: most callers read only the page's end cursor, and a
 * signature per event is a tenth of a day's scan.
 */
class PageEdge implements EventEdge {
  idConflict?: IdConflict;
  private signed?: string;

  constructor(
    readonly event: AuditEvent,
    readonly evidence: string[],
    readonly duplicates: number,
    private readonly state: CursorState,
    private readonly codec: CursorCodec,
  ) {}

  get cursor(): string {
    return (this.signed ??= this.codec.encode(this.state));
  }
}

function behindOf(run: SourceRun): boolean {
  return run.behind !== undefined;
}

/** The part of `window` that can still hold events after `key`: sources re-read from the key's millisecond. */
export function narrow(window: TimeWindow, key: EventKey | undefined, order: SortOrder): TimeWindow {
  if (!key) return window;
  if (order === SortOrder.NEWEST_FIRST) return { from: window.from, to: new Date(Math.min(window.to.getTime(), key.time + 1)) };
  return { from: new Date(Math.max(window.from.getTime(), key.time)), to: window.to };
}
