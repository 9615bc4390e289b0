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
} from '../../domain';
import { throwIfAborted } from '../shared/upstream';
import { MAX_PAGE_SIZE, SystemLogClient, createSdkClient, type LogRequest } from './client';
import type { OktaApiConfig } from './config';
import { MalformedLogEvent, normalizeLogEvent } from './normalize';
import { OKTA_PUSHDOWN, buildScimFilter } from './scim';
import { identityAliases } from './identity';

/** Okta keeps System Log events for 90 days. */
export const OKTA_RETENTION_DAYS = 90;

const HEALTH_TIMEOUT_MS = 10_000;

/** One Okta org's System Log, queried live through @okta/okta-sdk-nodejs. */
export class OktaApiSource implements Source {
  readonly identityAliases = identityAliases;
  readonly type = 'okta' as const;
  readonly kind = SourceKind.IDENTITY_PROVIDER;
  readonly mode = 'api' as const;
  readonly id: string;
  readonly location: string;
  readonly capabilities: Capabilities;
  private readonly client: SystemLogClient;

  constructor(
    private readonly config: OktaApiConfig,
    private readonly deps: SourceDeps,
  ) {
    this.id = config.id;
    this.location = config.orgUrl;
    const rateLimit = { requests: config.rateLimitPerMinute, perMs: 60_000, scope: `okta:${config.orgHost}` };
    this.capabilities = {
      // a bounded request is ordered by `published` either way round
      orders: [SortOrder.NEWEST_FIRST, SortOrder.OLDEST_FIRST],
      pushdown: [...OKTA_PUSHDOWN],
      maxPushedFields: OKTA_PUSHDOWN.length,
      pageSize: { default: 100, max: MAX_PAGE_SIZE },
      rateLimit,
      retentionDays: OKTA_RETENTION_DAYS,
      partitionPruning: false,
    };
    const limiter = deps.limiters.get(rateLimit.scope, rateLimit.requests, rateLimit.perMs);
    this.client = new SystemLogClient(createSdkClient(config), limiter, config.orgUrl);
  }

  private request(q: SourceQuery): { request: LogRequest; notes: string[] } {
    const scim = buildScimFilter(q.filter);
    return {
      request: {
        since: q.window.from,
        // Whether Okta's `until` is inclusive is not documented: send the window's end and drop events at
        // exactly that instant here, so the answer is [from, to) whichever way Okta reads it.
        until: q.window.to,
        sortOrder: q.order === SortOrder.OLDEST_FIRST ? 'ASCENDING' : 'DESCENDING',
        limit: Math.min(Math.max(Math.floor(q.pageSizeHint), 1), MAX_PAGE_SIZE),
        filter: scim.expression,
        q: scim.keywords,
      },
      notes: scim.notes,
    };
  }

  async *events(q: SourceQuery, ctx: SourceCallContext): AsyncGenerator<AuditEvent> {
    const { signal, stats } = ctx;
    throwIfAborted(signal, this.id);
    if (q.window.from.getTime() >= q.window.to.getTime()) return;
    const { request } = this.request(q);
    const normalizeCtx = { sourceId: this.id, orgHost: this.config.orgHost };
    let pageNo = 0;
    for await (const page of this.client.pages(request, { sourceId: this.id, signal, stats, remainingMs: ctx.remainingMs, cache: ctx.cache, settled: ctx.settled })) {
      pageNo += 1;
      for (const record of page) {
        stats.scanned += 1;
        let event: AuditEvent;
        try {
          event = normalizeLogEvent(record, normalizeCtx);
        } catch (err) {
          if (!(err instanceof MalformedLogEvent)) throw err;
          recordMalformed(stats, `${this.id} page ${pageNo}`, err.message);
          continue;
        }
        if (!inWindow(q.window, event.time)) continue;
        throwIfAborted(signal, this.id);
        yield event;
      }
    }
  }

  async plan(q: SourceQuery): Promise<SourcePlanDetail> {
    const { request, notes } = this.request(q);
    const params = [
      `since=${request.since.toISOString()}`,
      `until=${request.until.toISOString()}`,
      `sortOrder=${request.sortOrder}`,
      `limit=${request.limit}`,
      ...(request.filter ? [`filter=${request.filter}`] : []),
      ...(request.q ? [`q=${request.q}`] : []),
    ];
    return {
      request: `GET ${this.config.orgUrl}/api/v1/logs ${params.join(' ')} (bounded: ordered by published, paged by the Link rel="next" URL)`,
      notes: [...notes, 'events published exactly at the window end are dropped locally: the window is half-open'],
    };
  }

  async health(): Promise<SourceHealth> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), HEALTH_TIMEOUT_MS);
    const until = this.deps.now();
    const request: LogRequest = { since: new Date(until.getTime() - 3_600_000), until, sortOrder: 'DESCENDING', limit: 1 };
    try {
      const pages = this.client.pages(request, { sourceId: this.id, signal: controller.signal, stats: newSourceStats() });
      await pages.next();
      await pages.return(undefined);
      return { ok: true, message: `System Log API of ${this.config.orgUrl} answered`, checkedAt: this.deps.now() };
    } catch (err) {
      const message = controller.signal.aborted ? `no answer from ${this.config.orgUrl} within ${HEALTH_TIMEOUT_MS / 1000} s` : (err as Error).message;
      return { ok: false, message, checkedAt: this.deps.now() };
    } finally {
      clearTimeout(timer);
    }
  }
}
