import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { ErrorCode } from '../../domain';
import { sendError } from '../http';
import type { HttpExchange, ServerPlugin } from './types';

export interface CallerLimitsOptions {
  /** requests of one caller running at once */
  maxConcurrent: number;
  /** requests of one caller per minute */
  requestsPerMinute: number;
}

/** The authenticated principal when authentication knows one, else the client address. */
const callerOf = (ex: HttpExchange) => ex.principal ?? `ip:${ex.clientIp}`;

/**
 * Per-caller limits on the API routes (GraphQL, exports, tails), after authentication so that a caller is who
 * they authenticated as: at most `maxConcurrent` requests running at once and `requestsPerMinute` a minute
 * (rate-limiter-flexible's in-memory limiter; per replica). Over either: 429 RATE_LIMITED with Retry-After, before
 * the body is read. Probes and assets are not limited.
 */
export function useCallerLimits(opts: CallerLimitsOptions): ServerPlugin {
  const running = new Map<string, number>();
  const perMinute = new RateLimiterMemory({ points: opts.requestsPerMinute, duration: 60 });
  return {
    name: 'caller-limits',
    async onRequest(ex, next) {
      if (ex.route?.kind !== 'api') return next();
      const caller = callerOf(ex);
      const now = running.get(caller) ?? 0;
      if (now >= opts.maxConcurrent) {
        ex.log.warn({ caller, running: now }, 'refused: too many concurrent requests');
        sendError(ex.res, 429, ErrorCode.RATE_LIMITED, `${now} requests of this caller are running: the limit is ${opts.maxConcurrent} at once (limits.perCaller.maxConcurrent)`, { limit: 'perCaller.maxConcurrent', max: opts.maxConcurrent, retryAfterSeconds: 1 }, { 'retry-after': '1' });
        return;
      }
      // taken before the rate check awaits, so that requests arriving meanwhile see it
      running.set(caller, now + 1);
      const release = () => {
        const left = (running.get(caller) ?? 1) - 1;
        if (left <= 0) running.delete(caller);
        else running.set(caller, left);
      };
      try {
        await perMinute.consume(caller);
      } catch (err) {
        release();
        if (!(err instanceof RateLimiterRes)) throw err;
        const retryAfterSeconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
        ex.log.warn({ caller, retryAfterSeconds }, 'refused: request rate');
        sendError(ex.res, 429, ErrorCode.RATE_LIMITED, `this caller sent more than ${opts.requestsPerMinute} requests this minute (limits.perCaller.requestsPerMinute); retry in ${retryAfterSeconds} s`, { limit: 'perCaller.requestsPerMinute', max: opts.requestsPerMinute, retryAfterSeconds }, { 'retry-after': String(retryAfterSeconds) });
        return;
      }
      // the slot is held until the response is done (or the client gone), not only until the route returns
      ex.res.once('close', release);
      await next();
    },
  };
}
