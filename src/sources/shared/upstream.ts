import { channel } from 'node:diagnostics_channel';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { RateLimitWait, SourceError, UPSTREAM_CALL_CHANNEL, type RateLimiter, type SourceStats, type UpstreamCallEvent, type UpstreamPageCache } from '../../domain';

const calls = channel(UPSTREAM_CALL_CHANNEL);
// a no-op until the server registers a tracer provider (tracing: enabled); looked up each time, as that can change
const tracer = () => trace.getTracer('auditgraph');

export interface ThrottleVerdict {
  /** how long the upstream asked us to wait, when it said */
  retryAfterMs?: number;
}

export interface UpstreamCallOptions {
  sourceId: string;
  signal: AbortSignal;
  stats: SourceStats;
  limiter?: RateLimiter;
  /** says whether an error is the upstream's throttling reply */
  throttled: (err: unknown) => ThrottleVerdict | undefined;
  /** turns any other error into a typed SourceError */
  classify: (err: unknown) => SourceError;
  /** how many throttling replies one call may absorb before it gives up (default 5) */
  maxThrottleRetries?: number;
  /** first backoff when the upstream names no wait (default 500 ms, doubling) */
  baseBackoffMs?: number;
  /** how much longer the caller waits (SourceCallContext.remainingMs): longer waits are not taken */
  remainingMs?: () => number;
  /** what is called (`LookupEvents`, `GET /api/v1/logs`), for metrics and traces; never a value or a secret */
  operation?: string;
  /**
   * Serves the page from the engine's page cache when it holds it: `key` is the exact request (operation, every
   * parameter, the page token), `settled` whether the window it asks can still change (SourceCallContext).
   */
  cache?: { store: UpstreamPageCache; key: string; settled: boolean; keep?: (page: never) => boolean };
}

/** Each attempt is a span (`upstream <source>`) and an event on the upstream-call channel (metrics). */
async function attempt<T>(opts: UpstreamCallOptions, n: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const span = tracer().startSpan(`upstream ${opts.sourceId}`, {
    kind: SpanKind.CLIENT,
    attributes: { 'auditgraph.source.id': opts.sourceId, 'auditgraph.upstream.attempt': n + 1, ...(opts.operation ? { 'auditgraph.upstream.operation': opts.operation } : {}) },
  });
  const started = performance.now();
  const report = (outcome: UpstreamCallEvent['outcome'], errorCode?: UpstreamCallEvent['errorCode']) => {
    if (calls.hasSubscribers) calls.publish({ sourceId: opts.sourceId, operation: opts.operation, outcome, errorCode, durationMs: performance.now() - started } satisfies UpstreamCallEvent);
    span.setAttribute('auditgraph.upstream.outcome', outcome);
    if (errorCode) span.setAttribute('auditgraph.upstream.error_code', errorCode);
    if (outcome === 'error') span.setStatus({ code: SpanStatusCode.ERROR, message: errorCode });
    span.end();
  };
  try {
    const result = await context.with(trace.setSpan(context.active(), span), () => call(opts.signal));
    report('ok');
    return result;
  } catch (err) {
    if (opts.signal.aborted) report('aborted', 'ABORTED');
    else if (err instanceof SourceError) report(err.code === 'THROTTLED' ? 'throttled' : 'error', err.code);
    else if (opts.throttled(err)) report('throttled', 'THROTTLED');
    else report('error', opts.classify(err).code);
    throw err;
  }
}

/** the longest throttling wait taken when the caller sets no limit of its own */
const MAX_THROTTLE_WAIT_MS = 5 * 60_000;

/** Of the time the caller still waits, the part a throttling wait may take: the rest is for the request itself. */
const WAIT_SHARE = 0.8;

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/**
 * One upstream request under the shared rate limit: waits for a token, counts the request, and on a
 * throttling reply pauses the whole scope and retries, so that throttling slows a query instead of failing it.
 */
export async function callUpstream<T>(opts: UpstreamCallOptions, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  if (!opts.cache) return sendUpstream(opts, call);
  const { store, key, settled, keep } = opts.cache;
  const page = await store.load(`${opts.sourceId}\u0000${opts.operation ?? ''}\u0000${key}`, settled, opts.signal, () => sendUpstream(opts, call), keep as ((page: T) => boolean) | undefined);
  if (page.hit) opts.stats.cacheHits += 1;
  return page.value;
}

/** The cache key part of an upstream request's parameters: their JSON, dates as ISO text. */
export function requestKey(params: unknown): string {
  return JSON.stringify(params);
}

/** The page cache options of a source's call, from its call context (none when the engine gives no cache). */
export function pageCacheOf(ctx: { cache?: UpstreamPageCache; settled?: boolean }, params: unknown): UpstreamCallOptions['cache'] {
  return ctx.cache ? { store: ctx.cache, key: requestKey(params), settled: ctx.settled === true } : undefined;
}

async function sendUpstream<T>(opts: UpstreamCallOptions, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const maxRetries = opts.maxThrottleRetries ?? 5;
  let backoff = opts.baseBackoffMs ?? 500;
  for (let tries = 0; ; tries++) {
    throwIfAborted(opts.signal, opts.sourceId);
    const mayWait = () => (opts.remainingMs ? Math.max(0, opts.remainingMs() * WAIT_SHARE) : MAX_THROTTLE_WAIT_MS);
    if (opts.limiter) {
      try {
        await opts.limiter.acquire(opts.signal, mayWait());
      } catch (err) {
        throwIfAborted(opts.signal, opts.sourceId);
        if (err instanceof RateLimitWait) {
          const ms = err.untilMs - Date.now();
          throw new SourceError('THROTTLED', `the upstream's rate limit holds requests until ${new Date(err.untilMs).toISOString()} (${seconds(ms)}), longer than this page waits for the source: not sent`, opts.sourceId);
        }
        throw err;
      }
    }
    opts.stats.requests += 1;
    try {
      return await attempt(opts, tries, call);
    } catch (err) {
      if (opts.signal.aborted) throw new SourceError('ABORTED', 'the query was cancelled', opts.sourceId, { cause: err });
      if (err instanceof SourceError) throw err;
      const verdict = opts.throttled(err);
      if (!verdict) throw opts.classify(err);
      opts.stats.throttled += 1;
      if (tries >= maxRetries) {
        throw new SourceError('THROTTLED', `throttled by the upstream ${tries + 1} times in a row; gave up`, opts.sourceId, { cause: err });
      }
      const waitMs = verdict.retryAfterMs ?? backoff;
      backoff *= 2;
      opts.limiter?.pauseUntil(Date.now() + waitMs);
      if (waitMs > mayWait()) {
        throw new SourceError(
          'THROTTLED',
          `throttled by the upstream, which asks to wait ${seconds(waitMs)} (until ${new Date(Date.now() + waitMs).toISOString()}), longer than this page waits for the source: not retried`,
          opts.sourceId,
          { cause: err },
        );
      }
      await sleep(waitMs, opts.signal, opts.sourceId);
    }
  }
}

export function throwIfAborted(signal: AbortSignal, sourceId: string): void {
  if (signal.aborted) throw new SourceError('ABORTED', 'the query was cancelled', sourceId);
}

export function sleep(ms: number, signal: AbortSignal, sourceId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new SourceError('ABORTED', 'the query was cancelled', sourceId));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new SourceError('ABORTED', 'the query was cancelled', sourceId));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const NETWORK_CODES = ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET'];

/**
 * Network-level failures (refused, reset, DNS) become UNREACHABLE. Some SDKs wrap the Node error from another
 * realm without its `code`, so the message is checked too.
 */
export function isNetworkError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code ?? (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  if (typeof code === 'string' && NETWORK_CODES.includes(code)) return true;
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === 'string' && NETWORK_CODES.some((c) => message.includes(c));
}
