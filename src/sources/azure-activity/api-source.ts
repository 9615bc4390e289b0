import {
  SortOrder,
  SourceKind,
  inWindow,
  newSourceStats,
  recordMalformed,
  type AuditEvent,
  type Capabilities,
  type Source,
  type SourceCallContext,
  type SourceDeps,
  type SourceHealth,
  type SourcePlanDetail,
  type SourceQuery,
  type TimeWindow,
} from '../../domain';
import { throwIfAborted } from '../shared/upstream';
import { ActivityLogClient } from './client';
import type { AzureApiConfig } from './config';
import { credentialFor } from './credentials';
import { normalizeRestEvent } from './normalize';
import { AZURE_PUSHDOWN, extraClause, timeFilter } from './odata';
import { sortByTime } from './order';
import { identityAliases } from './identity';

/** ARM keeps the activity log 90 days. */
const RETENTION_DAYS = 90;
/** the service pages by itself (200 events a page, as observed); the API has no page-size parameter */
const SERVICE_PAGE_SIZE = 200;
/** a slice after sparse ones may grow to this many times `sliceMinutes` */
const MAX_SLICE_GROWTH = 8;
const HEALTH_TIMEOUT_MS = 15_000;

/**
 * The live activity log of one subscription. The API documents no order, so the window is asked for in time
 * slices (newest slice first for NEWEST_FIRST), each fetched whole (all its pages), sorted, and yielded (an event the service
 * returns twice is merged by the engine, counted); the next slice is asked for only when the consumer wants more. What is held in memory is one
 * slice's events. A slice that held fewer events than the query wants doubles the next one (up to 8×), so that
 * sparse stretches cost few requests; a fuller slice brings the length back to `sliceMinutes`.
 */
export class AzureActivityApiSource implements Source {
  readonly identityAliases = identityAliases;
  readonly type = 'azure-activity' as const;
  readonly kind = SourceKind.CLOUD_AUDIT;
  readonly mode = 'api' as const;
  readonly capabilities: Capabilities;
  readonly location: string;
  private readonly client: ActivityLogClient;
  private readonly sliceMs: number;

  constructor(
    readonly id: string,
    private readonly config: AzureApiConfig,
    private readonly deps: SourceDeps,
  ) {
    const scope = `azure:${config.subscriptionId}`;
    // a token bucket needs a whole token: below 1 request/s, one request per 1/rate seconds
    const rateLimit = config.requestsPerSecond >= 1 ? { requests: config.requestsPerSecond, perMs: 1000 } : { requests: 1, perMs: 1000 / config.requestsPerSecond };
    this.capabilities = {
      orders: [SortOrder.NEWEST_FIRST, SortOrder.OLDEST_FIRST],
      pushdown: AZURE_PUSHDOWN,
      maxPushedFields: 1,
      pageSize: { default: SERVICE_PAGE_SIZE, max: SERVICE_PAGE_SIZE },
      rateLimit: { ...rateLimit, scope },
      retentionDays: RETENTION_DAYS,
      partitionPruning: false,
    };
    this.location = `${config.endpoint} subscription ${config.subscriptionId}`;
    this.sliceMs = config.sliceMinutes * 60_000;
    this.client = new ActivityLogClient({
      sourceId: id,
      subscriptionId: config.subscriptionId,
      endpoint: config.endpoint,
      credential: credentialFor(config),
      ca: config.ca,
      limiter: deps.limiters.get(scope, rateLimit.requests, rateLimit.perMs),
    });
  }

  async *events(q: SourceQuery, ctx: SourceCallContext): AsyncGenerator<AuditEvent> {
    const { clause } = extraClause(q.filter);
    const slices = new Slices(q.window, q.order, this.sliceMs);
    for (let slice = slices.next(); slice; slice = slices.next()) {
      const events = await this.fetchSlice(slice, clause, ctx);
      slices.observe(events.length, q.pageSizeHint);
      for (const event of sortByTime(events, q.order)) {
        throwIfAborted(ctx.signal, this.id);
        yield event;
      }
    }
  }

  /** Every event of one slice [from, to): the API's upper bound is inclusive, so events at `to` are left to the next slice. */
  private async fetchSlice(slice: TimeWindow, clause: string | undefined, ctx: SourceCallContext): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    let pageNo = 0;
    for await (const page of this.client.pages(timeFilter(slice, clause), ctx)) {
      pageNo += 1;
      page.forEach((raw, i) => {
        ctx.stats.scanned += 1;
        let event: AuditEvent;
        try {
          event = normalizeRestEvent(raw, { sourceId: this.id, subscriptionId: this.config.subscriptionId });
        } catch (err) {
          recordMalformed(ctx.stats, `slice ${slice.from.toISOString()} page ${pageNo} item ${i + 1}`, (err as Error).message);
          return;
        }
        if (inWindow(slice, event.time)) events.push(event);
      });
    }
    return events;
  }

  async plan(q: SourceQuery): Promise<SourcePlanDetail> {
    const { clause, notes } = extraClause(q.filter);
    return {
      request: this.client.describe(timeFilter(q.window, clause)),
      notes: [
        ...notes,
        `asked in slices of ${this.config.sliceMinutes} min (up to ${MAX_SLICE_GROWTH}x after sparse slices), each fetched whole and sorted in memory: the API promises no order`,
        `the service sizes pages itself (about ${SERVICE_PAGE_SIZE} events); the eventTimestamp upper bound is inclusive, events at the window's end are dropped`,
      ],
    };
  }

  async health(): Promise<SourceHealth> {
    const checkedAt = new Date();
    const to = this.deps.now();
    const window = { from: new Date(to.getTime() - 5 * 60_000), to };
    const pages = this.client.pages(timeFilter(window), { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS), stats: newSourceStats() });
    try {
      await pages.next();
      return { ok: true, message: `activity log of subscription ${this.config.subscriptionId} answered`, checkedAt };
    } catch (err) {
      return { ok: false, message: (err as Error).message, checkedAt };
    } finally {
      await pages.return(undefined).catch(() => undefined);
    }
  }
}

/** The window cut into consecutive slices in query order; the first and last are clipped to the window. */
class Slices {
  private cursor: number;
  private lengthMs: number;

  constructor(
    private readonly window: TimeWindow,
    private readonly order: SortOrder,
    private readonly baseMs: number,
  ) {
    this.cursor = order === SortOrder.NEWEST_FIRST ? window.to.getTime() : window.from.getTime();
    this.lengthMs = baseMs;
  }

  next(): TimeWindow | undefined {
    const from = this.window.from.getTime();
    const to = this.window.to.getTime();
    if (this.order === SortOrder.NEWEST_FIRST) {
      if (this.cursor <= from) return undefined;
      const start = Math.max(from, this.cursor - this.lengthMs);
      const slice = { from: new Date(start), to: new Date(this.cursor) };
      this.cursor = start;
      return slice;
    }
    if (this.cursor >= to) return undefined;
    const end = Math.min(to, this.cursor + this.lengthMs);
    const slice = { from: new Date(this.cursor), to: new Date(end) };
    this.cursor = end;
    return slice;
  }

  /** Sparse slices grow the next one; a slice with enough events resets it. */
  observe(events: number, wanted: number): void {
    this.lengthMs = events < wanted ? Math.min(this.lengthMs * 2, this.baseMs * MAX_SLICE_GROWTH) : this.baseMs;
  }
}
