import { MonitorClient } from '@azure/arm-monitor';
import type { TokenCredential } from '@azure/identity';
import { createHttpHeaders, type PipelineResponse, type RawHttpHeaders } from '@azure/core-rest-pipeline';
import { SourceError, type RateLimiter, type SourceStats, type UpstreamPageCache } from '../../domain';
import { RepeatGuard } from '../shared/pages';
import { callUpstream, isNetworkError, pageCacheOf, type ThrottleVerdict, type UpstreamCallOptions } from '../shared/upstream';
import type { RestEventDataPage } from './records';

type PipelinePolicy = Parameters<MonitorClient['pipeline']['addPolicy']>[0];

export interface ActivityLogClientOptions {
  sourceId: string;
  subscriptionId: string;
  endpoint: string;
  credential: TokenCredential;
  /** PEM CA certificates to trust instead of the public ones */
  ca?: string;
  limiter?: RateLimiter;
}

export interface ActivityLogCall {
  signal: AbortSignal;
  stats: SourceStats;
  remainingMs?: () => number;
  /** the engine's upstream page cache and whether the window has settled (SourceCallContext) */
  cache?: UpstreamPageCache;
  settled?: boolean;
}

/** What is kept of one reply: enough to give the SDK the same response again. */
interface Reply {
  status: number;
  headers: RawHttpHeaders;
  bodyAsText?: string;
}

const isSuccess = (reply: Reply) => reply.status >= 200 && reply.status < 300;

/** The 429 reply, raised inside the pipeline so that `callUpstream` waits and sends the same request again. */
class ThrottledReply extends Error {
  constructor(
    readonly retryAfterMs: number | undefined,
    detail: string,
  ) {
    super(`HTTP 429 ${detail}`);
    this.name = 'ThrottledReply';
  }
}

const CREDENTIAL_ERRORS = new Set(['CredentialUnavailableError', 'AuthenticationError', 'AggregateAuthenticationError', 'AuthenticationRequiredError']);
const TLS_ERRORS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/;

/**
 * The activity log's list call through the official SDK (`@azure/arm-monitor` 8). Each query gets its own SDK
 * client whose pipeline carries a policy bound to that query: every HTTP request the SDK sends (first page or
 * `nextLink`) goes through `callUpstream` (shared rate limit, request count, abort) and a 429 is retried there,
 * honouring `Retry-After`, instead of by the SDK's retry policy (turned off), so that the pager never dies on a
 * throttling reply and the wait is counted.
 */
export class ActivityLogClient {
  private readonly scope: string;

  constructor(private readonly opts: ActivityLogClientOptions) {
    this.scope = `${opts.endpoint}/.default`;
  }

  /** `GET …/eventtypes/management/values` in words, for `explain`. */
  describe(filter: string): string {
    return `GET ${this.opts.endpoint}/subscriptions/${this.opts.subscriptionId}/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01&$filter=${filter}`;
  }

  /**
   * The pages one `$filter` selects, lazily: the next page (its absolute `nextLink`) is requested only when the
   * consumer asks for it. Yields each page's records exactly as they came over the wire.
   */
  async *pages(filter: string, call: ActivityLogCall): AsyncGenerator<unknown[]> {
    // The SDK turns times into Date objects and drops unknown fields: keep each page's body as sent. v8 passes
    // the operation options (`onResponse`, `abortSignal`) to the first request only, not to `nextLink` pages, so
    // the body is taken in the pipeline policy, which sees every request.
    let body: string | undefined;
    const guard = new RepeatGuard(this.opts.sourceId, `the activity log of subscription ${this.opts.subscriptionId}`, call.stats);
    const client = this.clientFor(call, guard, (text) => {
      body = text;
    });
    const pager = client.activityLogs.list(filter, { abortSignal: call.signal }).byPage();
    try {
      for (;;) {
        body = undefined;
        let step: IteratorResult<unknown[]>;
        try {
          step = await pager.next();
        } catch (err) {
          throw this.classify(err, call.signal, body);
        }
        if (step.done) return;
        yield guard.fresh(rawRecords(body), recordKey);
      }
    } finally {
      await pager.return?.(undefined).catch(() => undefined);
    }
  }

  private clientFor(call: ActivityLogCall, guard: RepeatGuard, onBody: (text: string | undefined) => void): MonitorClient {
    const client = new MonitorClient(this.opts.credential, this.opts.subscriptionId, {
      endpoint: this.opts.endpoint,
      credentials: { scopes: [this.scope] },
      retryOptions: { maxRetries: 0 },
      tlsOptions: this.opts.ca ? { ca: this.opts.ca } : undefined,
      userAgentOptions: { userAgentPrefix: 'auditgraph' },
    });
    client.pipeline.addPolicy(this.upstreamPolicy(call, guard, onBody), { phase: 'Retry' });
    return client;
  }

  private upstreamPolicy(call: ActivityLogCall, guard: RepeatGuard, onBody: (text: string | undefined) => void): PipelinePolicy {
    const options: UpstreamCallOptions = {
      sourceId: this.opts.sourceId,
      operation: 'activityLogs.list',
      signal: call.signal,
      stats: call.stats,
      remainingMs: call.remainingMs,
      limiter: this.opts.limiter,
      throttled: throttleVerdict,
      classify: (err) => this.classify(err, call.signal),
    };
    return {
      name: 'auditgraphUpstreamPolicy',
      sendRequest: (request, next) => {
        // the first page's URL, then each nextLink: one seen before means the paging loops
        guard.follow(request.url);
        // a page is cached by its URL (the filter, then each nextLink's skip token); only a success is kept
        const cache = pageCacheOf(call, request.url);
        return callUpstream({ ...options, ...(cache ? { cache: { ...cache, keep: isSuccess } } : {}) }, async (signal): Promise<Reply> => {
          // v8 sends `nextLink` pages without the operation's abort signal: every request gets the query's
          request.abortSignal ??= signal;
          const response = await next(request);
          if (response.status === 429) {
            throw new ThrottledReply(retryAfterMs(response.headers.get('retry-after')), armErrorText(response.bodyAsText, 'throttled'));
          }
          return { status: response.status, headers: response.headers.toJSON(), bodyAsText: response.bodyAsText ?? undefined };
        }).then((reply): PipelineResponse => {
          onBody(reply.bodyAsText);
          return { request, status: reply.status, headers: createHttpHeaders(reply.headers), bodyAsText: reply.bodyAsText };
        });
      },
    };
  }

  /** Every failure as a typed SourceError a responder can act on. */
  classify(err: unknown, signal: AbortSignal, body?: string): SourceError {
    const id = this.opts.sourceId;
    if (err instanceof SourceError) return err;
    if (signal.aborted) return new SourceError('ABORTED', 'the query was cancelled', id, { cause: err });
    const e = err as { name?: string; message?: string; code?: string; statusCode?: number; response?: { bodyAsText?: string | null } };
    const scope = `subscription ${this.opts.subscriptionId} at ${this.opts.endpoint}`;
    if (typeof e.statusCode === 'number') {
      // v8's pager keeps only the ARM error's code (its message becomes "Pagination failed…"): the body the
      // pipeline saw carries the message
      const detail = armErrorText(e.response?.bodyAsText ?? body, e.code ?? e.message ?? 'no detail');
      const what = `Azure activity log for ${scope} answered HTTP ${e.statusCode} ${detail}`;
      switch (e.statusCode) {
        case 400:
          return new SourceError('INVALID_REQUEST', `${what} (the $filter or api-version was refused)`, id, { cause: err });
        case 401:
          return new SourceError('UNAUTHENTICATED', `${what}; check the credential (token expired or for another tenant?)`, id, { cause: err });
        case 403:
          return new SourceError('FORBIDDEN', `${what}; the principal needs Microsoft.Insights/eventtypes/values/read (e.g. the Reader or Monitoring Reader role) on the subscription`, id, { cause: err });
        case 404:
          return new SourceError('NOT_FOUND', what, id, { cause: err });
        case 429:
          return new SourceError('THROTTLED', what, id, { cause: err });
        default:
          return new SourceError('UPSTREAM_ERROR', what, id, { cause: err });
      }
    }
    if (e.name && CREDENTIAL_ERRORS.has(e.name)) {
      return new SourceError('UNAUTHENTICATED', `no Azure token for ${scope}: ${oneLine(e.message)}`, id, { cause: err });
    }
    // the reply's body cut off (the connection reset mid-answer): Node reports the stream as `aborted`
    if (/reading response as text: aborted\b/.test(e.message ?? '')) {
      return new SourceError('UNREACHABLE', `${this.opts.endpoint} cut the connection while its answer was being read (reset mid-body)`, id, { cause: err });
    }
    if (isNetworkError(err) || (typeof e.code === 'string' && TLS_ERRORS.test(e.code))) {
      return new SourceError('UNREACHABLE', `cannot reach ${this.opts.endpoint}: ${e.code ?? ''} ${oneLine(e.message)}`.trim(), id, { cause: err });
    }
    return new SourceError('UPSTREAM_ERROR', `Azure activity log for ${scope} failed: ${oneLine(e.message)}`, id, { cause: err });
  }
}

function throttleVerdict(err: unknown): ThrottleVerdict | undefined {
  return err instanceof ThrottledReply ? { retryAfterMs: err.retryAfterMs } : undefined;
}

/** `Retry-After` is seconds or an HTTP date. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** ARM error bodies are `{"error":{"code":…,"message":…}}`. */
function armErrorText(body: string | null | undefined, fallback: string): string {
  if (body) {
    try {
      const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
      const code = typeof parsed.error?.code === 'string' ? parsed.error.code : undefined;
      const message = typeof parsed.error?.message === 'string' ? parsed.error.message : undefined;
      if (code || message) return [code, message].filter(Boolean).join(': ');
    } catch {
      // not JSON
    }
  }
  return oneLine(fallback);
}

/** An event's eventDataId, or the record itself when it has none. */
function recordKey(record: unknown): string {
  const id = (record as { eventDataId?: unknown } | null)?.eventDataId;
  return typeof id === 'string' ? id : JSON.stringify(record);
}

function rawRecords(body: string | undefined): unknown[] {
  if (!body) return [];
  const page = JSON.parse(body) as RestEventDataPage;
  return Array.isArray(page.value) ? page.value : [];
}

/** Credential chains explain each failure on its own line: keep them, on one line, bounded. */
function oneLine(text: string | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim().slice(0, 500);
}
