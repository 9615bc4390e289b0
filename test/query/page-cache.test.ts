import { SortOrder, type Source } from '../../src/domain';
import { QueryEngine, type EventsRequest, type EventsPage } from '../../src/query/engine';
import { Limiters } from '../../src/query/limiter';
import { PageCache } from '../../src/query/page-cache';
import { ScanParking } from '../../src/query/resume';
import { apiSource, startFake, storedIncident, useFakeAwsEnvironment } from '../sources/cloudtrail/api-fixture';
import type { FakeCloudTrail } from '../sources/cloudtrail/fake-cloudtrail';
import { testDeps } from '../helpers/deps';

const never = new AbortController().signal;

describe('PageCache', () => {
  it('serves a settled page again until room is needed, least recently used first, by weight', async () => {
    const cache = new PageCache({ maxBytes: 1000, openTtlMs: 10, maxEntryBytes: 1000 });
    const page = (n: number) => ({ n, pad: 'x'.repeat(140) }); // about 300 bytes each
    let sent = 0;
    const load = (key: string, n: number) => cache.load(key, true, never, async () => (sent++, page(n)));
    await load('a', 1);
    await load('b', 2);
    await load('c', 3);
    expect((await load('a', 9)).value).toEqual(page(1)); // a hit: now the most recent
    expect(sent).toBe(3);
    await load('d', 4); // over 1000 bytes: b, the least recently used, goes
    expect(cache.weight).toBeLessThanOrEqual(1000);
    expect((await load('a', 9)).hit).toBe(true);
    expect((await load('b', 5)).hit).toBe(false);
    expect(sent).toBe(5);
  });

  it('keeps an open window\'s page for its time to live only', async () => {
    let now = 0;
    const cache = new PageCache({ maxBytes: 1e6, openTtlMs: 1000, now: () => now });
    let sent = 0;
    const load = () => cache.load('k', false, never, async () => ++sent);
    await load();
    now = 999;
    expect(await load()).toEqual({ value: 1, hit: true });
    now = 1000;
    expect(await load()).toEqual({ value: 2, hit: false });
  });

  it('shares one request between concurrent identical ones, and does not keep a failure', async () => {
    const cache = new PageCache({ maxBytes: 1e6, openTtlMs: 1000 });
    let sent = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const fetch = async () => {
      sent += 1;
      await gate;
      return { rows: [1, 2, 3] };
    };
    const both = Promise.all([cache.load('k', true, never, fetch), cache.load('k', true, never, fetch)]);
    release();
    const [a, b] = await both;
    expect(sent).toBe(1);
    expect([a.hit, b.hit]).toEqual([false, true]);
    await expect(cache.load('f', true, never, async () => Promise.reject(new Error('upstream down')))).rejects.toThrow('upstream down');
    expect((await cache.load('f', true, never, async () => 'ok')).hit).toBe(false);
  });

  it('asks for itself when the request it waited on was another caller\'s, cancelled', async () => {
    const cache = new PageCache({ maxBytes: 1e6, openTtlMs: 1000 });
    const first = cache.load('k', true, never, () => Promise.reject(new Error('cancelled')));
    const second = cache.load('k', true, never, async () => 'mine');
    await expect(first).rejects.toThrow('cancelled');
    expect(await second).toEqual({ value: 'mine', hit: false });
  });

  it('holds nothing with no room', async () => {
    const cache = new PageCache({ maxBytes: 0, openTtlMs: 1000 });
    let sent = 0;
    await cache.load('k', true, never, async () => ++sent);
    await cache.load('k', true, never, async () => ++sent);
    expect(sent).toBe(2);
    expect(cache.size).toBe(0);
  });
});

describe('an investigation asked again makes no upstream request for a settled window (CloudTrail loopback)', () => {
  let fake: FakeCloudTrail;
  let source: Source;
  beforeAll(async () => {
    useFakeAwsEnvironment();
    fake = await startFake(storedIncident(), null);
    const limiters = new Limiters();
    source = apiSource(fake.url, { ...testDeps(), limiters: { get: (scope: string) => limiters.get(`${scope}:cache-test`, 1000, 1000) } });
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.requests.splice(0));

  const window = { from: new Date('2026-03-14T09:00:00Z'), to: new Date('2026-03-14T10:00:00Z') };
  const engine = (now: Date, cache = new PageCache({ maxBytes: 1e7, openTtlMs: 10_000 })) =>
    new QueryEngine([source], { cursorSecret: 'page-cache-test', now: () => now, pageCache: cache, parking: new ScanParking({ max: 0, ttlMs: 1 }) });

  async function pages(eng: QueryEngine, req: EventsRequest): Promise<EventsPage[]> {
    const out: EventsPage[] = [];
    let after: string | undefined;
    do {
      const page = await eng.events({ ...req, after });
      out.push(page);
      after = page.hasNextPage ? page.endCursor : undefined;
    } while (after);
    return out;
  }

  it('the second time, every page comes from the cache, with the same events, and the status says so', async () => {
    const eng = engine(new Date('2026-03-20T00:00:00Z'));
    const req = { window, order: SortOrder.NEWEST_FIRST, first: 4 };
    const first = await pages(eng, req);
    const sent = fake.requests.length;
    expect(sent).toBeGreaterThanOrEqual(3);
    expect(first.flatMap((p) => p.statuses.map((s) => s.cacheHits))).toEqual(first.map(() => 0));
    const again = await pages(eng, req);
    expect(fake.requests.length).toBe(sent);
    expect(again.flatMap((p) => p.edges.map((e) => e.event.id))).toEqual(first.flatMap((p) => p.edges.map((e) => e.event.id)));
    const status = again.map((p) => p.statuses[0]);
    expect(status.reduce((n, s) => n + s.cacheHits, 0)).toBe(sent);
    expect(status.reduce((n, s) => n + s.requests, 0)).toBe(0);
  });

  it('a window that has not settled (within CloudTrail\'s 15-minute delivery lag) is asked again once its pages are seconds old', async () => {
    let now = new Date('2026-03-14T10:05:00Z');
    const cache = new PageCache({ maxBytes: 1e7, openTtlMs: 10_000, now: () => now.getTime() });
    const eng = new QueryEngine([source], { cursorSecret: 'page-cache-test', now: () => now, pageCache: cache });
    const req = { window, order: SortOrder.NEWEST_FIRST, first: 50 };
    await eng.events(req);
    await eng.events(req);
    expect(fake.requests).toHaveLength(1);
    now = new Date(now.getTime() + 11_000);
    await eng.events(req);
    expect(fake.requests).toHaveLength(2);
  });

  it('without a cache every request is sent', async () => {
    const eng = new QueryEngine([source], { cursorSecret: 'page-cache-test', now: () => new Date('2026-03-20T00:00:00Z') });
    const req = { window, order: SortOrder.NEWEST_FIRST, first: 50 };
    await eng.events(req);
    await eng.events(req);
    expect(fake.requests).toHaveLength(2);
  });
});
