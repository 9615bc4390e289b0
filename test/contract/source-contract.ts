import {
  SortOrder,
  SourceError,
  newSourceStats,
  type AuditEvent,
  type Source,
  type SourceQuery,
  type SourceStats,
  type TimeWindow,
} from '../../src/domain';
import { contentDigest } from '../../src/query/dedup';

/** What a source's test provides to the shared contract suite. */
export interface ContractFixture {
  source: Source;
  /** every event the fixture's data holds inside `window`, as the source must return them */
  expected: { id: string; time: number }[];
  /** a window that covers every expected event */
  window: TimeWindow;
  /** malformed records in the data: they must be counted in stats, never crash the query */
  malformed: number;
  /** the same source pointed at an upstream that fails (HTTP 500, refused auth, missing folder) */
  failing: () => Promise<Source> | Source;
  /**
   * identical copies beyond the first that the data holds inside `window` (a sink that wrote an entry twice): a
   * source hands them on and the engine merges them, counted (src/query/dedup.ts); default 0
   */
  duplicates?: number;
  /** how many upstream requests (API calls, or files for archives) a full query must make at page size 3; > 1 */
  minRequests: number;
  teardown?: () => Promise<void>;
}

export async function collect(source: Source, q: SourceQuery, signal = new AbortController().signal): Promise<{ events: AuditEvent[]; stats: SourceStats }> {
  const stats = newSourceStats();
  const events: AuditEvent[] = [];
  for await (const e of source.events(q, { signal, stats })) events.push(e);
  return { events, stats };
}

function query(window: TimeWindow, order: SortOrder, pageSizeHint = 3): SourceQuery {
  return { window, order, filter: {}, pageSizeHint };
}

/** The events with identical copies merged, as the engine merges them; two different records with one id fail. */
export function merged(events: AuditEvent[]): AuditEvent[] {
  const seen = new Map<string, string>();
  const out: AuditEvent[] = [];
  for (const e of events) {
    const digest = contentDigest(e);
    const had = seen.get(e.id);
    if (had === undefined) {
      seen.set(e.id, digest);
      out.push(e);
    } else if (had !== digest) {
      throw new Error(`two different records share the id ${e.id}: the fixture should not hold any`);
    }
  }
  return out;
}

function sortedTimes(events: AuditEvent[], order: SortOrder): boolean {
  for (let i = 1; i < events.length; i++) {
    const a = events[i - 1].time.getTime();
    const b = events[i].time.getTime();
    if (order === SortOrder.NEWEST_FIRST ? a < b : a > b) return false;
  }
  return true;
}

/**
 * The contract every source passes: window bounds are half-open, native orders hold, paging neither skips nor
 * repeats, a consumer that stops stops the upstream calls, malformed records are counted, upstream errors are
 * typed errors and never an empty answer.
 */
export function defineSourceContract(name: string, setup: () => Promise<ContractFixture>): void {
  describe(`source contract: ${name}`, () => {
    let fx: ContractFixture;
    beforeAll(async () => {
      fx = await setup();
      expect(fx.expected.length).toBeGreaterThanOrEqual(5);
    });
    afterAll(async () => {
      await fx?.teardown?.();
    });

    it('declares honest capabilities', () => {
      const caps = fx.source.capabilities;
      expect(caps.orders.length).toBeGreaterThan(0);
      expect(caps.pageSize.default).toBeLessThanOrEqual(caps.pageSize.max);
      for (const p of caps.pushdown) expect(p.maxValues).toBeGreaterThanOrEqual(1);
      expect(caps.maxPushedFields).toBeGreaterThanOrEqual(0);
    });

    it('returns every event of the window, in each native order, each once', async () => {
      for (const order of fx.source.capabilities.orders) {
        const { events, stats } = await collect(fx.source, query(fx.window, order));
        const ids = merged(events).map((e) => e.id);
        expect(events.length - ids.length).toBe(fx.duplicates ?? 0);
        expect([...ids].sort()).toEqual(fx.expected.map((e) => e.id).sort());
        expect(sortedTimes(events, order)).toBe(true);
        for (const e of events) {
          expect(e.sourceId).toBe(fx.source.id);
          expect(e.sourceType).toBe(fx.source.type);
        }
        expect(stats.requests).toBeGreaterThanOrEqual(fx.minRequests);
        expect(stats.scanned).toBeGreaterThanOrEqual(events.length);
      }
    });

    it('treats the window as half-open [from, to)', async () => {
      const times = [...new Set(fx.expected.map((e) => e.time))].sort((a, b) => a - b);
      expect(times.length).toBeGreaterThanOrEqual(3);
      const from = times[1];
      const to = times[times.length - 2];
      const window = { from: new Date(from), to: new Date(to) };
      const want = fx.expected.filter((e) => e.time >= from && e.time < to).map((e) => e.id).sort();
      for (const order of fx.source.capabilities.orders) {
        const { events } = await collect(fx.source, query(window, order));
        expect(merged(events).map((e) => e.id).sort()).toEqual(want);
        expect(events.some((e) => e.time.getTime() === from)).toBe(true);
        expect(events.some((e) => e.time.getTime() === to)).toBe(false);
      }
    });

    it('returns nothing, without failing, for a window with no events', async () => {
      const last = Math.max(...fx.expected.map((e) => e.time));
      const window = { from: new Date(last + 3_600_000), to: new Date(last + 7_200_000) };
      const { events } = await collect(fx.source, query(window, fx.source.capabilities.orders[0]));
      expect(events).toEqual([]);
    });

    it('pages lazily: a consumer that stops after one event stops the upstream calls', async () => {
      const stats = newSourceStats();
      const controller = new AbortController();
      const it = fx.source.events(query(fx.window, fx.source.capabilities.orders[0]), { signal: controller.signal, stats })[Symbol.asyncIterator]();
      const first = await it.next();
      expect(first.done).toBe(false);
      const requestsAfterFirst = stats.requests;
      await it.return?.(undefined);
      expect(requestsAfterFirst).toBeLessThan(fx.minRequests);
      expect(stats.requests).toBe(requestsAfterFirst);
    });

    it('honours the AbortSignal: no upstream call after abort', async () => {
      const stats = newSourceStats();
      const controller = new AbortController();
      const it = fx.source.events(query(fx.window, fx.source.capabilities.orders[0]), { signal: controller.signal, stats })[Symbol.asyncIterator]();
      await it.next();
      const before = stats.requests;
      controller.abort();
      let drained = 0;
      try {
        for (;;) {
          const r = await it.next();
          if (r.done) break;
          drained += 1;
        }
      } catch (err) {
        expect(err).toBeInstanceOf(SourceError);
        expect((err as SourceError).code).toBe('ABORTED');
      }
      expect(stats.requests).toBe(before);
      expect(drained).toBeLessThan(fx.expected.length);
    });

    it('counts malformed records and keeps going', async () => {
      const { events, stats } = await collect(fx.source, query(fx.window, fx.source.capabilities.orders[0]));
      expect(stats.malformed).toBe(fx.malformed);
      if (fx.malformed > 0) expect(stats.malformedSamples.length).toBeGreaterThan(0);
      expect(merged(events).length).toBe(fx.expected.length);
    });

    it('surfaces an upstream failure as a typed SourceError, never as an empty result', async () => {
      const failing = await fx.failing();
      const run = collect(failing, query(fx.window, failing.capabilities.orders[0]));
      await expect(run).rejects.toBeInstanceOf(SourceError);
      await run.catch((err: SourceError) => {
        expect(err.code).not.toBe('ABORTED');
        expect(err.message.length).toBeGreaterThan(0);
      });
    });

    it('plans without reading events', async () => {
      const detail = await fx.source.plan(query(fx.window, fx.source.capabilities.orders[0]));
      expect(Array.isArray(detail.notes)).toBe(true);
      if (fx.source.capabilities.partitionPruning) {
        expect(detail.partitions?.length ?? 0).toBeGreaterThan(0);
        expect(detail.partitionsTotal ?? 0).toBeGreaterThanOrEqual(detail.partitions?.length ?? 0);
      } else {
        expect(typeof detail.request).toBe('string');
      }
    });

    it('reports its health', async () => {
      const h = await fx.source.health();
      expect(h.ok).toBe(true);
      const bad = await (await fx.failing()).health();
      expect(bad.ok).toBe(false);
      expect(bad.message.length).toBeGreaterThan(0);
    });
  });
}
