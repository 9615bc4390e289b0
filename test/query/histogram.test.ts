import fc from 'fast-check';
import { ErrorCode, Outcome, SortOrder, SourceError, SourceState } from '../../src/domain';
import { QueryEngine } from '../../src/query/engine';
import { bucketWidth, eventHistogram } from '../../src/query/histogram';
import { makeEvent, MemorySource } from '../helpers/memory-source';

const T0 = Date.parse('2026-03-14T09:00:00Z');
const HOUR = 3_600_000;

function engine(sources: MemorySource[]) {
  return new QueryEngine(sources, { cursorSecret: 'test', now: () => new Date(T0 + 2 * HOUR), deadlineMs: 5000 });
}

/** What `events` returns for the same search, counted per source and bucket: the histogram must agree exactly. */
async function countByPaging(eng: QueryEngine, window: { from: Date; to: Date }, filter: Record<string, unknown>, first: number, bucketMs: number) {
  const counts = new Map<string, Map<number, number>>();
  let after: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const page = await eng.events({ window, filter, first: 50, after });
    for (const { event } of page.edges) {
      const b = Math.floor((event.time.getTime() - first) / bucketMs);
      const per = counts.get(event.sourceId) ?? new Map<number, number>();
      per.set(b, (per.get(b) ?? 0) + 1);
      counts.set(event.sourceId, per);
    }
    if (!page.hasNextPage) return counts;
    after = page.endCursor;
  }
  throw new Error('paging does not end');
}

describe('event histogram', () => {
  it('counts exactly the events the pages return, per source and bucket, whatever the window and filter', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: -10 * 60_000, max: 2 * HOUR + 10 * 60_000 }), fc.boolean()), { maxLength: 150 }),
        fc.integer({ min: 0, max: 50 * 60_000 }),
        fc.integer({ min: 1000, max: 2 * HOUR }),
        fc.integer({ min: 1, max: 120 }),
        fc.boolean(),
        async (specs, fromOffset, span, buckets, failuresOnly) => {
          const data = new Map<string, ReturnType<typeof makeEvent>[]>([['a', []], ['b', []], ['c', []]]);
          for (const [source, t, failed] of specs) data.get(source)!.push(makeEvent(source, T0 + t, { outcome: failed ? Outcome.FAILURE : Outcome.SUCCESS }));
          const sources = [...data].map(([id, events]) => new MemorySource(id, events, { orders: id === 'c' ? [SortOrder.OLDEST_FIRST] : [SortOrder.NEWEST_FIRST, SortOrder.OLDEST_FIRST] }));
          const eng = engine(sources);
          const window = { from: new Date(T0 + fromOffset), to: new Date(T0 + fromOffset + span) };
          const filter = failuresOnly ? { outcome: [Outcome.FAILURE] } : {};
          const h = await eventHistogram(eng, { window, filter, buckets });
          expect(h.bucketStarts.length).toBeLessThanOrEqual(buckets + 1);
          expect(h.bucketStarts[0].getTime()).toBeLessThanOrEqual(window.from.getTime());
          expect(h.bucketStarts[h.bucketStarts.length - 1].getTime() + h.bucketMs).toBeGreaterThanOrEqual(window.to.getTime());
          expect(h.complete).toBe(true);
          const paged = await countByPaging(eng, window, filter, h.bucketStarts[0].getTime(), h.bucketMs);
          for (const s of h.series) {
            const expected = h.bucketStarts.map((_, i) => paged.get(s.sourceId)?.get(i) ?? 0);
            expect(s.counts).toEqual(expected);
            expect(s.total).toBe(expected.reduce((a, b) => a + b, 0));
            expect(s.counted).toEqual(window);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('picks a readable bucket no narrower than the window divided by the buckets asked', () => {
    expect(bucketWidth(HOUR, 60)).toBe(60_000);
    expect(bucketWidth(75 * 60_000, 96)).toBe(60_000);
    expect(bucketWidth(24 * HOUR, 96)).toBe(15 * 60_000);
    expect(bucketWidth(7 * 24 * HOUR, 96)).toBe(2 * HOUR);
    fc.assert(fc.property(fc.integer({ min: 1, max: 400 * 86_400_000 }), fc.integer({ min: 1, max: 500 }), (span, n) => bucketWidth(span, n) * n >= span));
  });

  it('says which part of the window a source stopped by its budget counted', async () => {
    const events = Array.from({ length: 100 }, (_, i) => makeEvent('big', T0 + i * 60_000));
    const h = await eventHistogram(engine([new MemorySource('big', events, { orders: [SortOrder.NEWEST_FIRST] })]), {
      window: { from: new Date(T0), to: new Date(T0 + 100 * 60_000) },
      buckets: 10,
      maxScannedPerSource: 30,
    });
    const [s] = h.series;
    expect(h.complete).toBe(false);
    expect(s.complete).toBe(false);
    expect(s.total).toBe(30);
    // newest first: the last 30 minutes were read, everything after the last event read
    expect(s.counted).toEqual({ from: new Date(T0 + 70 * 60_000 + 1), to: new Date(T0 + 100 * 60_000) });
    expect(h.statuses[0].message).toContain('budget');
  });

  it('keeps what a failing source counted, and reports it FAILED', async () => {
    const flaky = new MemorySource('flaky', Array.from({ length: 40 }, (_, i) => makeEvent('flaky', T0 + i * 1000)), { orders: [SortOrder.OLDEST_FIRST] });
    flaky.failWith = new SourceError('UPSTREAM_ERROR', 'connection reset', 'flaky');
    flaky.failAfter = 25;
    const ok = new MemorySource('ok', [makeEvent('ok', T0 + 5000)]);
    const h = await eventHistogram(engine([flaky, ok]), { window: { from: new Date(T0), to: new Date(T0 + HOUR) }, buckets: 60 });
    const bad = h.series.find((s) => s.sourceId === 'flaky')!;
    expect(bad.total).toBe(25);
    expect(bad.complete).toBe(false);
    expect(bad.counted).toEqual({ from: new Date(T0), to: new Date(T0 + 24_000) });
    expect(h.statuses.find((s) => s.sourceId === 'flaky')!.state).toBe(SourceState.FAILED);
    expect(h.series.find((s) => s.sourceId === 'ok')!.complete).toBe(true);
  });

  it('counts identical copies of a record once, as the pages return it, and different records with one id each', async () => {
    const copy = makeEvent('trail', T0 + 1000, { id: 'same' });
    const other = makeEvent('trail', T0 + 1000, { id: 'same', action: 'thing.undo' });
    const source = new MemorySource('trail', [copy, { ...copy }, { ...copy }, other, makeEvent('trail', T0 + 2000)]);
    const eng = engine([source]);
    const window = { from: new Date(T0), to: new Date(T0 + HOUR) };
    const page = await eng.events({ window, first: 100 });
    const h = await eventHistogram(eng, { window, buckets: 10 });
    expect(h.series[0].total).toBe(page.edges.length);
    expect(h.series[0].total).toBe(3);
    expect(h.statuses[0].duplicates).toBe(2);
  });

  it('refuses a bucket count outside 1..500 with BAD_BUCKETS', async () => {
    for (const buckets of [0, 501, 1.5]) {
      await expect(eventHistogram(engine([]), { window: { last: 'PT1H' }, buckets })).rejects.toMatchObject({ code: ErrorCode.BAD_BUCKETS });
    }
  });
});
