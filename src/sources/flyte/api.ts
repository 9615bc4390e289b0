import {
  SortOrder,
  SourceKind,
  inWindow,
  newSourceStats,
  recordMalformed,
  type AuditEvent,
  type Capabilities,
  type JsonValue,
  type SourceCallContext,
  type SourceDeps,
  type SourceHealth,
  type SourcePlanDetail,
  type SourceQuery,
  type TimeWindow,
} from '../../domain';
import { FlyteAdminClient } from './client';
import type { FlyteApiConfig, ProjectDomain } from './config';
import { BOTH_STATES, FLYTE_TRANSLATIONS, STAGE_COLUMN, oneOf, planStreams, timeRange, type StreamSpec } from './filters';
import { mergeSorted } from './merge';
import { freshRows, type SortedList } from './paging';
import { lifecycleEvent, readExecution, type NormalizeContext } from './normalize';
import {
  readNodeExecution,
  readTaskExecution,
  type FlyteNodeExecution,
  type FlyteRun,
  type FlyteRunFilter,
  type FlyteRunId,
  type FlyteRuns,
  type FlyteSource,
  type FlyteTaskExecution,
  type RunCallContext,
} from './runs';
import { field, parseTimestamp, type RawTimestamp } from './wire';
import { identityAliases } from './identity';

const PAGE_MAX = 1000;
/** node and task executions of one run are read whole; this is only their page size */
const CHILD_PAGE = 100;
/** sub-workflows and dynamic nodes nest; deeper than this is a loop, not a workflow */
const MAX_NODE_DEPTH = 10;

function fullContext(ctx: RunCallContext | undefined): SourceCallContext {
  return { signal: ctx?.signal ?? new AbortController().signal, stats: ctx?.stats ?? newSourceStats() };
}

/** The time a stage's list is sorted on, read from the row's closure (the columns are copies of these fields). */
function stageTime(row: unknown, stage: StreamSpec['stage']): number | undefined {
  const value = field(field(row, 'closure'), stage === 'created' ? 'created_at' : stage === 'started' ? 'started_at' : 'updated_at');
  try {
    return parseTimestamp(value as RawTimestamp | undefined)?.getTime();
  } catch {
    return undefined;
  }
}

/**
 * `type: flyte, mode: api`: Flyte Admin's ListExecutions, read as one ordered list per lifecycle stage and
 * (project, domain), merged by time.
 */
export class FlyteApiSource implements FlyteSource {
  readonly identityAliases = identityAliases;
  readonly type = 'flyte' as const;
  readonly kind = SourceKind.EXECUTION;
  readonly mode = 'api' as const;
  readonly capabilities: Capabilities;
  readonly location: string;
  readonly runs: FlyteRuns;
  private readonly client: FlyteAdminClient;
  private readonly normalizeCtx: NormalizeContext;

  constructor(
    private readonly config: FlyteApiConfig,
    private readonly deps: SourceDeps,
  ) {
    const host = new URL(config.endpoint).host;
    const scope = `flyte:${host}`;
    this.capabilities = {
      orders: [SortOrder.OLDEST_FIRST, SortOrder.NEWEST_FIRST],
      pushdown: [
        { field: 'runId', maxValues: 50, upstream: 'path /executions/{project}/{domain} + eq/value_in(name,…)', translate: FLYTE_TRANSLATIONS.runId },
        { field: 'identity', maxValues: 20, upstream: 'lifecycle stages chosen by actor (no user clause: it compares with case)', translate: FLYTE_TRANSLATIONS.identity },
        { field: 'action', maxValues: 12, upstream: 'lifecycle stages read + value_in(phase,…)', translate: FLYTE_TRANSLATIONS.action },
        { field: 'outcome', maxValues: 3, upstream: 'lifecycle stages read + value_in(phase,FAILED;ABORTED;TIMED_OUT) / eq(phase,SUCCEEDED)', translate: FLYTE_TRANSLATIONS.outcome },
        { field: 'category', maxValues: 8, upstream: 'eq(mode,1) / ne(mode,1)', translate: FLYTE_TRANSLATIONS.category },
      ],
      maxPushedFields: 5,
      pageSize: { default: 100, max: PAGE_MAX },
      rateLimit: { requests: config.rateLimitPerSecond, perMs: 1000, scope },
      retentionDays: undefined,
      partitionPruning: false,
    };
    this.location = `${config.endpoint} (${config.pairs.map((p) => `${p.project}/${p.domain}`).join(', ')})`;
    this.client = new FlyteAdminClient({
      sourceId: config.id,
      endpoint: config.endpoint,
      token: config.token,
      limiter: deps.limiters.get(scope, config.rateLimitPerSecond, 1000),
    });
    this.normalizeCtx = { sourceId: config.id, account: host };
    this.runs = new FlyteApiRuns(this.client, config.pairs, config.id, this.normalizeCtx);
  }

  get id(): string {
    return this.config.id;
  }

  /**
   * The window with its end fixed at the time of the first request: offset paging over rows that keep being
   * inserted stays stable only if the upper bound does not move. (A server clock ahead of ours can leave
   * its last second or so to the next query.)
   */
  private fixedWindow(window: TimeWindow): TimeWindow {
    const now = this.deps.now().getTime();
    return { from: window.from, to: new Date(Math.min(window.to.getTime(), now)) };
  }

  private pageSize(q: SourceQuery): number {
    return Math.max(1, Math.min(PAGE_MAX, Math.floor(q.pageSizeHint) || this.capabilities.pageSize.default));
  }

  events(q: SourceQuery, ctx: SourceCallContext): AsyncIterable<AuditEvent> {
    const window = this.fixedWindow(q.window);
    if (window.to.getTime() <= window.from.getTime()) return (async function* () {})();
    const { streams } = planStreams(this.config.pairs, window, q.filter);
    const limit = this.pageSize(q);
    const direction = q.order === SortOrder.OLDEST_FIRST ? 'ASCENDING' : 'DESCENDING';
    const malformedSeen = new Set<string>();
    const iterators = streams.map((spec) => this.stageEvents(spec, window, q.order, { limit, direction }, ctx, malformedSeen)[Symbol.asyncIterator]());
    return mergeSorted(iterators, (e) => e.time.getTime(), q.order, ctx.signal, this.id);
  }

  /** One stage's list of one (project, domain), sorted on that stage's column. */
  private stageList(spec: StreamSpec, limit: number, direction: 'ASCENDING' | 'DESCENDING', ctx: SourceCallContext): SortedList {
    return {
      fetch: (offset, pageLimit) => this.client.listExecutions(spec.pair, { limit: pageLimit, offset, filters: spec.filters, sortKey: spec.sortKey, direction }, ctx),
      sortValue: (row) => stageTime(row, spec.stage),
      limit,
      maxLimit: PAGE_MAX,
      name: `${spec.pair.project}/${spec.pair.domain}'s ${spec.stage} list (${spec.sortKey})`,
      sourceId: this.id,
    };
  }

  /** The events of one stage list, in order (see `freshRows` for how offset paging is kept honest). */
  private async *stageEvents(
    spec: StreamSpec,
    window: TimeWindow,
    order: SortOrder,
    paging: { limit: number; direction: 'ASCENDING' | 'DESCENDING' },
    ctx: SourceCallContext,
    malformedSeen: Set<string>,
  ): AsyncGenerator<AuditEvent> {
    for await (const rows of freshRows(this.stageList(spec, paging.limit, paging.direction, ctx), ctx.stats)) {
      const events: AuditEvent[] = [];
      for (const { row, key, position } of rows) {
        let run: FlyteRun;
        try {
          run = readExecution(row);
        } catch (err) {
          // a broken row may come back from another stage's list: count it once per query
          if (!malformedSeen.has(key)) {
            malformedSeen.add(key);
            recordMalformed(ctx.stats, `${spec.pair.project}/${spec.pair.domain} ${spec.stage} list row ${position}`, (err as Error).message);
          }
          continue;
        }
        const event = lifecycleEvent(run, spec.stage, this.normalizeCtx);
        // the stage's column put the row in the window; its closure decides (they are written together)
        if (event && inWindow(window, event.time)) events.push(event);
      }
      events.sort((a, b) => (order === SortOrder.OLDEST_FIRST ? a.time.getTime() - b.time.getTime() : b.time.getTime() - a.time.getTime()));
      yield* events;
    }
  }

  async plan(q: SourceQuery): Promise<SourcePlanDetail> {
    const window = this.fixedWindow(q.window);
    const { streams, notes } = planStreams(this.config.pairs, window, q.filter);
    const limit = this.pageSize(q);
    const direction = q.order === SortOrder.OLDEST_FIRST ? 'ASCENDING' : 'DESCENDING';
    const requests = streams.map(
      (s) => `${this.client.describeList(s.pair, { limit, filters: s.filters, sortKey: s.sortKey, direction })} (${s.stage} events)`,
    );
    return {
      request: requests.length > 0 ? requests.join('; ') : 'no request: the pushed filter matches no Flyte lifecycle event',
      notes: [
        `${streams.length} ordered list(s): one per lifecycle stage (created, started, finished) and project/domain, merged by time`,
        'archived executions are included (value_in(state,0;1)); flyteadmin hides them by default',
        'offset paging: the window end is fixed at the first request and repeated rows are dropped',
        ...notes,
      ],
    };
  }

  async health(): Promise<SourceHealth> {
    const pair = this.config.pairs[0];
    const stats = newSourceStats();
    try {
      const page = await this.client.listExecutions(pair, { limit: 1, filters: [BOTH_STATES] }, { signal: AbortSignal.timeout(10_000), stats });
      return { ok: true, message: `Flyte Admin at ${this.client.host} lists executions of ${pair.project}/${pair.domain} (${page.items.length > 0 ? 'some' : 'none yet'})`, checkedAt: this.deps.now() };
    } catch (err) {
      return { ok: false, message: (err as Error).message || String(err), checkedAt: this.deps.now() };
    }
  }
}

/** The runs API over Flyte Admin. */
export class FlyteApiRuns implements FlyteRuns {
  constructor(
    private readonly client: FlyteAdminClient,
    private readonly pairs: readonly ProjectDomain[],
    private readonly sourceId: string,
    readonly context: NormalizeContext,
  ) {}

  async findRuns(name: string, where?: ProjectDomain, runCtx?: RunCallContext): Promise<FlyteRun[]> {
    const ctx = fullContext(runCtx);
    const found: FlyteRun[] = [];
    // flyteadmin looks executions up by full id only: a bare name costs one GET per configured project/domain
    for (const pair of where ? [where] : this.pairs) {
      const raw = await this.client.getExecution({ project: pair.project, domain: pair.domain, name }, ctx);
      if (raw === null) continue;
      try {
        found.push(readExecution(raw));
      } catch (err) {
        recordMalformed(ctx.stats, `execution ${pair.project}/${pair.domain}/${name}`, (err as Error).message);
      }
    }
    return found;
  }

  async getRun(project: string, domain: string, name: string, runCtx?: RunCallContext): Promise<FlyteRun | null> {
    const ctx = fullContext(runCtx);
    const raw = await this.client.getExecution({ project, domain, name }, ctx);
    if (raw === null) return null;
    const run = readExecution(raw);
    const pods: string[] = [];
    for (const node of await this.nodeExecutions(run.id, ctx)) {
      if (node.childRun) continue; // a launch-plan node's pods belong to the child run
      for (const task of await this.taskExecutions(run.id, node.nodeId, ctx)) {
        for (const pod of task.pods) if (!pods.includes(pod)) pods.push(pod);
      }
    }
    return { ...run, pods, podsResolved: true };
  }

  listRuns(window: TimeWindow, filter: FlyteRunFilter = {}, runCtx?: RunCallContext): AsyncIterable<FlyteRun> {
    const ctx = fullContext(runCtx);
    const filters = [...timeRange(STAGE_COLUMN.created, window), BOTH_STATES];
    if (filter.principal?.length) filters.push(oneOf('user', filter.principal));
    if (filter.phase?.length) filters.push(oneOf('phase', filter.phase));
    const streams = this.pairs.map((pair) => this.pairRuns(pair, filters, window, ctx)[Symbol.asyncIterator]());
    return mergeSorted(streams, (r) => r.createdAt.getTime(), SortOrder.OLDEST_FIRST, ctx.signal, this.sourceId);
  }

  private async *pairRuns(pair: ProjectDomain, filters: string[], window: TimeWindow, ctx: SourceCallContext): AsyncGenerator<FlyteRun> {
    const list: SortedList = {
      fetch: (offset, limit) => this.client.listExecutions(pair, { limit, offset, filters, sortKey: STAGE_COLUMN.created, direction: 'ASCENDING' }, ctx),
      sortValue: (row) => stageTime(row, 'created'),
      limit: CHILD_PAGE,
      maxLimit: PAGE_MAX,
      name: `${pair.project}/${pair.domain}'s runs`,
      sourceId: this.sourceId,
    };
    for await (const rows of freshRows(list, ctx.stats)) {
      for (const { row, position } of rows) {
        let run: FlyteRun;
        try {
          run = readExecution(row);
        } catch (err) {
          recordMalformed(ctx.stats, `${pair.project}/${pair.domain} run list row ${position}`, (err as Error).message);
          continue;
        }
        if (inWindow(window, run.createdAt)) yield run;
      }
    }
  }

  async nodeExecutions(run: FlyteRunId, runCtx?: RunCallContext): Promise<FlyteNodeExecution[]> {
    const ctx = fullContext(runCtx);
    const out: FlyteNodeExecution[] = [];
    const visit = async (parentNodeId: string | undefined, depth: number): Promise<void> => {
      const nodes = await this.readAll(
        (offset) => this.client.listNodeExecutions(run, { limit: CHILD_PAGE, offset, uniqueParentId: parentNodeId }, ctx),
        (item) => ({ ...readNodeExecution(item, run, parentNodeId), raw: item as JsonValue }),
        ctx,
        'node execution',
      );
      for (const node of nodes) {
        out.push(node);
        // top-level listing leaves out the nodes of sub-workflows and dynamic nodes: ask for them by parent
        if (node.isParent && depth < MAX_NODE_DEPTH) await visit(node.nodeId, depth + 1);
      }
    };
    await visit(undefined, 0);
    return out;
  }

  async taskExecutions(run: FlyteRunId, nodeId: string, runCtx?: RunCallContext): Promise<FlyteTaskExecution[]> {
    const ctx = fullContext(runCtx);
    return this.readAll(
      (offset) => this.client.listTaskExecutions(run, nodeId, { limit: CHILD_PAGE, offset }, ctx),
      (item) => ({ ...readTaskExecution(item, run), raw: item as JsonValue }),
      ctx,
      'task execution',
    );
  }

  private async readAll<T>(
    fetchPage: (offset: number) => Promise<{ items: unknown[]; token: string }>,
    read: (item: unknown) => T,
    ctx: SourceCallContext,
    what: string,
  ): Promise<T[]> {
    const out: T[] = [];
    let offset = 0;
    for (;;) {
      const page = await fetchPage(offset);
      for (const [i, item] of page.items.entries()) {
        ctx.stats.scanned += 1;
        try {
          out.push(read(item));
        } catch (err) {
          recordMalformed(ctx.stats, `${what} ${offset + i}`, (err as Error).message);
        }
      }
      if (!page.token || page.items.length === 0) return out;
      offset += page.items.length;
    }
  }
}
