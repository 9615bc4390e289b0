import { newSourceStats, SourceError } from '../../src/domain';
import { Limiters, TokenBucket } from '../../src/query/limiter';
import { callUpstream } from '../../src/sources/shared/upstream';

describe('token bucket', () => {
  beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-03-14T09:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  async function settled(p: Promise<unknown>): Promise<boolean> {
    let done = false;
    void p.then(() => (done = true), () => (done = true));
    await jest.advanceTimersByTimeAsync(0);
    return done;
  }

  it('lets a burst of `requests` through, then one per perMs/requests', async () => {
    const bucket = new TokenBucket(2, 1000);
    const signal = new AbortController().signal;
    expect(await settled(bucket.acquire(signal))).toBe(true);
    expect(await settled(bucket.acquire(signal))).toBe(true);
    const third = bucket.acquire(signal);
    expect(await settled(third)).toBe(false);
    await jest.advanceTimersByTimeAsync(400);
    expect(await settled(third)).toBe(false);
    await jest.advanceTimersByTimeAsync(100);
    expect(await settled(third)).toBe(true);
  });

  it('pauses the whole scope after a throttling reply', async () => {
    const bucket = new TokenBucket(10, 1000);
    const signal = new AbortController().signal;
    bucket.pauseUntil(Date.now() + 3000);
    const next = bucket.acquire(signal);
    await jest.advanceTimersByTimeAsync(2900);
    expect(await settled(next)).toBe(false);
    await jest.advanceTimersByTimeAsync(200);
    expect(await settled(next)).toBe(true);
  });

  it('rejects a waiter whose query is aborted, without blocking the next one', async () => {
    const bucket = new TokenBucket(1, 1000);
    const ctl = new AbortController();
    await bucket.acquire(ctl.signal);
    const waiting = bucket.acquire(ctl.signal);
    ctl.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    const other = bucket.acquire(new AbortController().signal);
    await jest.advanceTimersByTimeAsync(1000);
    expect(await settled(other)).toBe(true);
  });

  it('shares one bucket per scope', () => {
    const reg = new Limiters();
    expect(reg.get('cloudtrail:1:us-east-1', 2, 1000)).toBe(reg.get('cloudtrail:1:us-east-1', 2, 1000));
    expect(reg.get('cloudtrail:1:us-east-1', 2, 1000)).not.toBe(reg.get('cloudtrail:1:eu-west-1', 2, 1000));
  });
});

describe('callUpstream', () => {
  const throttled = (err: unknown) => ((err as Error).message === 'slow down' ? { retryAfterMs: 5 } : undefined);
  const classify = (err: unknown) => new SourceError('UPSTREAM_ERROR', (err as Error).message);

  it('retries throttling replies, counting each request and each throttle', async () => {
    const stats = newSourceStats();
    let calls = 0;
    const result = await callUpstream({ sourceId: 's', signal: new AbortController().signal, stats, throttled, classify }, async () => {
      calls += 1;
      if (calls < 3) throw new Error('slow down');
      return 'page';
    });
    expect(result).toBe('page');
    expect(stats.requests).toBe(3);
    expect(stats.throttled).toBe(2);
  });

  it('gives up with THROTTLED past the retry budget', async () => {
    const stats = newSourceStats();
    const run = callUpstream({ sourceId: 's', signal: new AbortController().signal, stats, throttled, classify, maxThrottleRetries: 2 }, async () => {
      throw new Error('slow down');
    });
    await expect(run).rejects.toMatchObject({ code: 'THROTTLED' });
    expect(stats.requests).toBe(3);
  });

  it('classifies other errors and never retries them', async () => {
    const stats = newSourceStats();
    const run = callUpstream({ sourceId: 's', signal: new AbortController().signal, stats, throttled, classify }, async () => {
      throw new Error('HTTP 500');
    });
    await expect(run).rejects.toMatchObject({ code: 'UPSTREAM_ERROR', message: 'HTTP 500' });
    expect(stats.requests).toBe(1);
  });

  it('makes no call once aborted', async () => {
    const stats = newSourceStats();
    const ctl = new AbortController();
    ctl.abort();
    await expect(callUpstream({ sourceId: 's', signal: ctl.signal, stats, throttled, classify }, async () => 'x')).rejects.toMatchObject({ code: 'ABORTED' });
    expect(stats.requests).toBe(0);
  });
});
