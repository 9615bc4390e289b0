import { RateLimitWait, type LimiterRegistry, type RateLimiter } from '../domain';

/**
 * A token bucket: `requests` tokens refilled evenly over `perMs`, starting full. Waiters are served in
 * arrival order; a throttling reply pauses the bucket for everyone in the scope.
 */
export class TokenBucket implements RateLimiter {
  private tokens: number;
  private last: number;
  private pausedUntil = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly capacity: number,
    readonly perMs: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.tokens = capacity;
    this.last = clock();
  }

  acquire(signal: AbortSignal, maxWaitMs?: number): Promise<void> {
    const giveUpAt = maxWaitMs === undefined ? Infinity : this.clock() + maxWaitMs;
    const turn = this.queue.then(() => this.take(signal, giveUpAt));
    // a waiter that gives up must not block those behind it
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  pauseUntil(untilMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, untilMs);
    this.tokens = Math.min(this.tokens, 0);
  }

  private refill(): void {
    const now = this.clock();
    const elapsed = now - this.last;
    this.last = now;
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.capacity) / this.perMs);
  }

  private async take(signal: AbortSignal, giveUpAt: number): Promise<void> {
    for (;;) {
      if (signal.aborted) throw signal.reason ?? new Error('aborted');
      this.refill();
      const now = this.clock();
      if (now < this.pausedUntil) {
        if (this.pausedUntil > giveUpAt) throw new RateLimitWait(this.pausedUntil);
        await wait(this.pausedUntil - now, signal);
        continue;
      }
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      const ms = Math.ceil(((1 - this.tokens) * this.perMs) / this.capacity);
      if (now + ms > giveUpAt) throw new RateLimitWait(now + ms);
      await wait(ms, signal);
    }
  }
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason ?? new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** One bucket per upstream scope (e.g. `cloudtrail:111122223333:us-east-1`), shared by every query. */
export class Limiters implements LimiterRegistry {
  private readonly buckets = new Map<string, TokenBucket>();

  get(scope: string, requests: number, perMs: number): RateLimiter {
    let bucket = this.buckets.get(scope);
    if (!bucket) {
      bucket = new TokenBucket(requests, perMs);
      this.buckets.set(scope, bucket);
    }
    return bucket;
  }
}
