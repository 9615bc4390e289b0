import fc from 'fast-check';
import { SortOrder } from '../../src/domain';
import { QueryEngine } from '../../src/query/engine';
import { SharedPages } from '../../src/query/shared-pages';
import { makeEvent, MemorySource } from '../helpers/memory-source';

const SECRET = 'shared-pages-test-secret';
const T0 = Date.UTC(2026, 2, 14, 8);
const HOUR = 3_600_000;
const window = { from: new Date(T0), to: new Date(T0 + HOUR) };
const LATER = () => new Date(T0 + 30 * 24 * HOUR);

function source(id = 'a', n = 30): MemorySource {
  const s = new MemorySource(
    id,
    Array.from({ length: n }, (_, i) => makeEvent(id, T0 + i * 60_000, { id: `${id}-${i}` })),
  );
  s.delayMs = 5;
  return s;
}

describe('SharedPages: one read for identical requests in flight', () => {
  it('runs the read once for callers that join while it runs, and afresh once it has answered', async () => {
    const shared = new SharedPages<number>();
    let reads = 0;
    const read = async () => {
      const n = (reads += 1);
      await new Promise((r) => setTimeout(r, 10));
      return n;
    };
    const answers = await Promise.all([shared.run('k', undefined, read), shared.run('k', undefined, read), shared.run('k', undefined, read)]);
    expect(answers).toEqual([1, 1, 1]);
    expect(shared.joined).toBe(2);
    expect(await shared.run('k', undefined, read)).toBe(2);
    expect(await Promise.all([shared.run('x', undefined, read), shared.run('y', undefined, read)])).toEqual([3, 4]);
    expect(shared.size).toBe(0);
  });

  it('stops the read only when every caller has gone away', async () => {
    const shared = new SharedPages<string>();
    let readSignal: AbortSignal | undefined;
    const read = (signal: AbortSignal) => {
      readSignal = signal;
      return new Promise<string>((resolve) => {
        const timer = setTimeout(() => resolve('whole'), 30);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve('cut');
        });
      });
    };
    const one = new AbortController();
    const two = new AbortController();
    const a = shared.run('k', one.signal, read);
    const b = shared.run('k', two.signal, read);
    one.abort();
    expect(readSignal!.aborted).toBe(false);
    expect(await b).toBe('whole');
    expect(await a).toBe('whole');

    const three = new AbortController();
    const four = new AbortController();
    const c = shared.run('j', three.signal, read);
    const d = shared.run('j', four.signal, read);
    three.abort();
    four.abort();
    expect(readSignal!.aborted).toBe(true);
    expect([await c, await d]).toEqual(['cut', 'cut']);
    // the abandoned read is not joined by a later request: it reads afresh
    expect(await shared.run('j', undefined, read)).toBe('whole');
  });

  it('gives every caller the failure of the read they share, and keeps nothing of it', async () => {
    const shared = new SharedPages<number>();
    let reads = 0;
    const failing = async () => {
      reads += 1;
      await new Promise((r) => setTimeout(r, 5));
      throw new Error('upstream down');
    };
    const settled = await Promise.allSettled([shared.run('k', undefined, failing), shared.run('k', undefined, failing)]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(reads).toBe(1);
    await expect(shared.run('k', undefined, failing)).rejects.toThrow('upstream down');
    expect(reads).toBe(2);
  });
});

describe('the engine shares a page between identical requests in flight at once', () => {
  it('reads its sources once for concurrent identical requests, and gives each the same page', async () => {
    const s = source();
    const engine = new QueryEngine([s], { cursorSecret: SECRET, now: LATER });
    const req = { window, order: SortOrder.OLDEST_FIRST, first: 10 };
    const pages = await Promise.all(Array.from({ length: 5 }, () => engine.events(req)));
    expect(s.queries).toHaveLength(1);
    for (const p of pages) expect(p.edges.map((e) => e.event.id)).toEqual(pages[0].edges.map((e) => e.event.id));
    expect(pages[0].edges).toHaveLength(10);
    // one after the other, each reads
    await engine.events(req);
    expect(s.queries).toHaveLength(2);
  });

  it('does not share between requests that differ in anything that changes the answer (property)', async () => {
    const variants = fc.record({
      first: fc.constantFrom(5, 10),
      order: fc.constantFrom(SortOrder.OLDEST_FIRST, SortOrder.NEWEST_FIRST),
      toMinutes: fc.constantFrom(30, 60),
      actions: fc.constantFrom(undefined, ['thing.do'], ['other.do']),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(variants, { minLength: 2, maxLength: 6 }), async (reqs) => {
        const s = source();
        const engine = new QueryEngine([s], { cursorSecret: SECRET, now: LATER });
        const alone = new QueryEngine([source()], { cursorSecret: SECRET, now: LATER });
        const asked = reqs.map((r) => ({ window: { from: window.from, to: new Date(T0 + r.toMinutes * 60_000) }, order: r.order, first: r.first, filter: r.actions ? { action: [...r.actions] } : undefined }));
        const together = await Promise.all(asked.map((r) => engine.events(r)));
        const distinct = new Set(asked.map((r) => JSON.stringify(r))).size;
        expect(s.queries).toHaveLength(distinct);
        // each answer is the one the request gets on its own
        for (let i = 0; i < asked.length; i++) {
          const own = await alone.events(asked[i]);
          expect(together[i].edges.map((e) => e.event.id)).toEqual(own.edges.map((e) => e.event.id));
          expect(together[i].hasNextPage).toBe(own.hasNextPage);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('does not share between callers whose cursors are signed differently or who see other sources', async () => {
    const a = source('a');
    const b = source('b');
    const engine = new QueryEngine([a, b], { cursorSecret: SECRET, now: LATER });
    const req = { window, order: SortOrder.OLDEST_FIRST, first: 10 };
    const [mine, theirs, narrow] = await Promise.all([engine.events(req), engine.view([a, b], 'another-callers-secret').events(req), engine.view([a], SECRET).events(req)]);
    expect(a.queries).toHaveLength(3);
    expect(b.queries).toHaveLength(2);
    expect(mine.endCursor).not.toEqual(theirs.endCursor);
    expect(narrow.edges.every((e) => e.event.sourceId === 'a')).toBe(true);
    // the second caller's cursor is its own: the first caller cannot use it
    await expect(engine.events({ ...req, after: theirs.endCursor })).rejects.toThrow();
  });

  it('lets the others finish their page when one caller goes away', async () => {
    const s = source();
    s.delayMs = 20;
    const engine = new QueryEngine([s], { cursorSecret: SECRET, now: LATER });
    const req = { window, order: SortOrder.OLDEST_FIRST, first: 25 };
    const gone = new AbortController();
    const leaving = engine.events(req, gone.signal);
    const staying = engine.events(req);
    setTimeout(() => gone.abort(), 5);
    const [left, stayed] = await Promise.all([leaving, staying]);
    expect(stayed.edges).toHaveLength(25);
    expect(left.edges).toHaveLength(25);
    expect(s.queries).toHaveLength(1);
  });
});
