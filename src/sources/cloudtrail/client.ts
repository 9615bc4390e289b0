import { CloudTrailClient, LookupEventsCommand, type CloudTrailClientConfig, type Event as LookupEvent, type LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import {
  SourceKind,
  inWindow,
  newSourceStats,
  recordMalformed,
  type AuditEvent,
  type Capabilities,
  type RateLimiter,
  type Source,
  type SourceCallContext,
  type SourceDeps,
  type SourceHealth,
  type SourcePlanDetail,
  type SourceQuery,
} from '../../domain';
import { RepeatGuard } from '../shared/pages';
import { callUpstream, throwIfAborted, type UpstreamCallOptions, pageCacheOf } from '../shared/upstream';
import { LOOKUP_MAX_RESULTS, apiCapabilities } from './capabilities';
import type { CloudTrailApiConfig } from './config';
import { classifyLookupError, throttleVerdict } from './errors';
import { lookupPlanFor } from './lookup';
import { MalformedRecordError, normalizeRecord } from './normalize';
import { identityAliases } from './identity';

const HEALTH_TIMEOUT_MS = 10_000;

/**
 * `mode: api`: LookupEvents through the official SDK, one account and region. Pages newest first with
 * NextToken, one lookup attribute per call, under the shared 2 requests/s limit of the account-region.
 */
export class CloudTrailApiSource implements Source {
  readonly identityAliases = identityAliases;
  readonly type = 'cloudtrail' as const;
  readonly kind = SourceKind.CLOUD_AUDIT;
  readonly mode = 'api' as const;
  readonly capabilities: Capabilities;
  readonly location: string;
  private readonly client: CloudTrailClient;
  private readonly limiter: RateLimiter;

  constructor(
    readonly id: string,
    private readonly config: CloudTrailApiConfig,
    private readonly deps: SourceDeps,
    /** test and embedding seam: merged over the client options built from the config */
    clientOverrides: Partial<CloudTrailClientConfig> = {},
  ) {
    const scope = `cloudtrail:${config.accountId ?? 'default'}:${config.region}`;
    this.capabilities = apiCapabilities(scope);
    const rate = this.capabilities.rateLimit!;
    this.limiter = deps.limiters.get(rate.scope, rate.requests, rate.perMs);
    this.location = `CloudTrail LookupEvents, ${config.accountId ? `account ${config.accountId}, ` : ''}${config.region}${config.endpoint ? ` at ${config.endpoint}` : ''}`;
    this.client = new CloudTrailClient({
      region: config.region,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.profile ? { profile: config.profile } : {}),
      // throttling is retried by callUpstream under the shared limiter, not hidden inside the SDK
      maxAttempts: 1,
      ...clientOverrides,
    });
  }

  /** The request every page repeats unchanged (NextToken must come with the same parameters). */
  private baseInput(q: SourceQuery): { input: LookupEventsCommandInput; notes: string[] } {
    const { attribute, notes } = lookupPlanFor(q.filter);
    const input: LookupEventsCommandInput = {
      StartTime: q.window.from,
      // EndTime is inclusive: events exactly at `to` are dropped below to keep the window half-open
      EndTime: q.window.to,
      MaxResults: Math.min(Math.max(1, Math.floor(q.pageSizeHint) || 1), LOOKUP_MAX_RESULTS),
    };
    if (attribute) input.LookupAttributes = [attribute];
    return { input, notes };
  }

  private callOptions(ctx: SourceCallContext, maxThrottleRetries?: number): UpstreamCallOptions {
    return {
      sourceId: this.id,
      operation: 'LookupEvents',
      signal: ctx.signal,
      stats: ctx.stats,
      remainingMs: ctx.remainingMs,
      limiter: this.limiter,
      throttled: throttleVerdict,
      classify: (err) => classifyLookupError(err, this.id, this.config.endpoint ?? this.config.region),
      ...(maxThrottleRetries !== undefined ? { maxThrottleRetries } : {}),
    };
  }

  async *events(q: SourceQuery, ctx: SourceCallContext): AsyncGenerator<AuditEvent> {
    const { input, notes } = this.baseInput(q);
    ctx.stats.notes.push(...notes);
    let nextToken: string | undefined;
    const guard = new RepeatGuard(this.id, `LookupEvents in ${this.config.region}`, ctx.stats);
    do {
      throwIfAborted(ctx.signal, this.id);
      if (nextToken) guard.follow(nextToken);
      const request: LookupEventsCommandInput = { ...input, ...(nextToken ? { NextToken: nextToken } : {}) };
      const page = await callUpstream({ ...this.callOptions(ctx), cache: pageCacheOf(ctx, request) }, (signal) => this.client.send(new LookupEventsCommand(request), { abortSignal: signal }));
      for (const item of guard.fresh(page.Events ?? [], (e) => e.EventId ?? JSON.stringify(e))) {
        ctx.stats.scanned += 1;
        const event = this.toEvent(item, ctx);
        if (!event || !inWindow(q.window, event.time)) continue;
        throwIfAborted(ctx.signal, this.id);
        yield event;
      }
      nextToken = page.NextToken;
    } while (nextToken);
  }

  private toEvent(item: LookupEvent, ctx: SourceCallContext): AuditEvent | undefined {
    const where = `LookupEvents EventId ${item.EventId ?? '?'}`;
    if (typeof item.CloudTrailEvent !== 'string') {
      recordMalformed(ctx.stats, where, 'no CloudTrailEvent in the event');
      return undefined;
    }
    try {
      return normalizeRecord(JSON.parse(item.CloudTrailEvent), this.id);
    } catch (err) {
      if (err instanceof SyntaxError || err instanceof MalformedRecordError) {
        recordMalformed(ctx.stats, where, err.message);
        return undefined;
      }
      throw err;
    }
  }

  async plan(q: SourceQuery): Promise<SourcePlanDetail> {
    const { input, notes } = this.baseInput(q);
    const attribute = input.LookupAttributes?.[0];
    const request = [
      `LookupEvents StartTime=${q.window.from.toISOString()} EndTime=${q.window.to.toISOString()}`,
      `MaxResults=${input.MaxResults}`,
      attribute ? `LookupAttributes=[${attribute.AttributeKey}=${attribute.AttributeValue}]` : 'LookupAttributes=[]',
      'newest first, NextToken paging',
    ].join(' ');
    return {
      request,
      notes: [...notes, 'EndTime is inclusive upstream; events at the window end are dropped', `at most ${this.capabilities.rateLimit!.requests} requests/s per account-region`],
    };
  }

  async health(): Promise<SourceHealth> {
    const checkedAt = this.deps.now();
    const ctx = { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS), stats: newSourceStats() };
    try {
      await callUpstream(this.callOptions(ctx, 1), (signal) => this.client.send(new LookupEventsCommand({ MaxResults: 1 }), { abortSignal: signal }));
      return { ok: true, message: `LookupEvents answers in ${this.config.region}`, checkedAt };
    } catch (err) {
      return { ok: false, message: err instanceof Error ? err.message : String(err), checkedAt };
    }
  }
}
