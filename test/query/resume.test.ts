import fc from 'fast-check';
import * as path from 'node:path';
import { SortOrder, type AuditEvent, type SourceStatus } from '../../src/domain';
import { QueryEngine, type EventsRequest } from '../../src/query/engine';
import { ScanParking } from '../../src/query/resume';
import { K8sAuditFileSource } from '../../src/sources/k8s-audit';
import { makeEvent, MemorySource } from '../helpers/memory-source';
import { HOUR, MINUTE, T0, auditId, linesOf, rmDir, rotate, tmpDir, writeArchive, type RequestSpec } from '../sources/k8s-audit/fixtures';

const SECRET = 'resume-test-secret';
const LATER = () => new Date(T0 + 30 * 24 * HOUR);

interface Paged {
  pages: string[][];
  statuses: SourceStatus[][];
}

async function pageAll(eng: QueryEngine, req: EventsRequest): Promise<Paged> {
  const out: Paged = { pages: [], statuses: [] };
  let after: string | undefined;
  for (;;) {
    const page = await eng.events({ ...req, after });
    out.pages.push(page.edges.map((e) => `${e.event.sourceId}/${e.event.id}`));
    out.statuses.push(page.statuses);
    if (!page.hasNextPage) return out;
    after = page.endCursor;
    if (out.pages.length > 500) throw new Error('paging does not end');
  }
}

/** A source that says when its read is ended, to show a suspended read is closed, not leaked. */
class ClosingSource extends MemorySource {
  open = 0;
  override async *events(...args: Parameters<MemorySource['events']>): AsyncGenerator<AuditEvent> {
    this.open += 1;
    try {
      yield* super.events(...args);
    } finally {
      this.open -= 1;
    }
  }
}

describe('a page continues the read the previous page of its cursor suspended', () => {
  it('gives the same pages as reading again from each cursor (property: ties, page sizes, orders, sources)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 60 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 25 }),
        fc.constantFrom(SortOrder.OLDEST_FIRST, SortOrder.NEWEST_FIRST),
        async (perSource, first, order) => {
          const window = { from: new Date(T0), to: new Date(T0 + HOUR) };
          // minutes, so that many events share a millisecond within and across sources
          const build = () => perSource.map((mins, i) => new MemorySource(`s${i}`, mins.map((m, j) => makeEvent(`s${i}`, T0 + m * MINUTE, { id: `s${i}-${j}` }))));
          const parked = new QueryEngine(build(), { cursorSecret: SECRET, now: LATER });
          const fresh = new QueryEngine(build(), { cursorSecret: SECRET, now: LATER, parking: new ScanParking({ max: 0, ttlMs: 60_000 }) });
          const a = await pageAll(parked, { window, order, first });
          const b = await pageAll(fresh, { window, order, first });
          expect(a.pages).toEqual(b.pages);
          // every page but the last ends with a source's read suspended, and the next page continues it
          expect(parked.parking.continued).toBeGreaterThanOrEqual(a.pages.length - 1);
          expect(fresh.parking.continued).toBe(0);
          parked.close();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('asks a source once for the whole answer, and counts each event read on the page that read it', async () => {
    const events = Array.from({ length: 95 }, (_, i) => makeEvent('m', T0 + i * 1000, { id: `m-${i}` }));
    const src = new MemorySource('m', events, { pageSize: { default: 200, max: 200 } });
    const eng = new QueryEngine([src], { cursorSecret: SECRET, now: LATER });
    const out = await pageAll(eng, { window: { from: new Date(T0), to: new Date(T0 + HOUR) }, order: SortOrder.OLDEST_FIRST, first: 10 });
    expect(out.pages.flat()).toHaveLength(95);
    expect(src.queries).toHaveLength(1);
    expect(eng.parking.continued).toBe(9);
    // one page's status: what that page read, not the whole read so far
    const scanned = out.statuses.map((s) => s[0].eventsScanned);
    expect(scanned.reduce((a, b) => a + b, 0)).toBe(95);
    // a page reads its events, the next one (for hasNextPage) and one more to close a group of ties
    expect(Math.max(...scanned)).toBeLessThanOrEqual(12);
    expect(out.statuses.reduce((n, s) => n + s[0].eventsMatched, 0)).toBe(95);
    expect(out.statuses.reduce((n, s) => n + s[0].eventsReturned, 0)).toBe(95);
  });

  it('reads an open window again (it may still grow), and a cursor used twice gives the same page twice', async () => {
    const events = Array.from({ length: 30 }, (_, i) => makeEvent('m', T0 + i * 1000, { id: `m-${i}` }));
    const src = new MemorySource('m', events);
    const window = { from: new Date(T0), to: new Date(T0 + HOUR) };
    // the window ends 30 s ago: within the source's delivery lag
    const open = new QueryEngine([src], { cursorSecret: SECRET, now: () => new Date(T0 + HOUR + 30_000) });
    await pageAll(open, { window, order: SortOrder.OLDEST_FIRST, first: 10 });
    expect(open.parking.size + open.parking.continued).toBe(0);
    expect(src.queries).toHaveLength(3);

    const closed = new QueryEngine([src], { cursorSecret: SECRET, now: LATER });
    const p1 = await closed.events({ window, order: SortOrder.OLDEST_FIRST, first: 10 });
    const twice = [await closed.events({ window, order: SortOrder.OLDEST_FIRST, first: 10, after: p1.endCursor }), await closed.events({ window, order: SortOrder.OLDEST_FIRST, first: 10, after: p1.endCursor })];
    expect(twice[0].edges.map((e) => e.event.id)).toEqual(twice[1].edges.map((e) => e.event.id));
    expect(twice[0].edges[0].event.id).toBe('m-10');
    closed.close();
  });

  it('ends a suspended read that no page continues (time to live, room, shutdown)', async () => {
    let now = T0;
    const parking = new ScanParking({ max: 2, ttlMs: 1000, now: () => now });
    const sources = ['a', 'b', 'c'].map((id) => new ClosingSource(id, Array.from({ length: 20 }, (_, i) => makeEvent(id, T0 + i * 1000, { id: `${id}-${i}` }))));
    const eng = new QueryEngine(sources, { cursorSecret: SECRET, now: LATER, parking });
    const window = { from: new Date(T0), to: new Date(T0 + HOUR) };
    const p1 = await eng.events({ window, order: SortOrder.OLDEST_FIRST, first: 5, filter: { sources: ['a'] } });
    await eng.events({ window, order: SortOrder.OLDEST_FIRST, first: 5, filter: { sources: ['b'] } });
    await new Promise((r) => setImmediate(r));
    expect(parking.size).toBe(2);
    expect(sources.map((s) => s.open)).toEqual([1, 1, 0]);
    // a third suspended read makes room by ending the oldest
    await eng.events({ window, order: SortOrder.OLDEST_FIRST, first: 5, filter: { sources: ['c'] } });
    await new Promise((r) => setImmediate(r));
    expect(sources.map((s) => s.open)).toEqual([0, 1, 1]);
    // past its time to live, the next page reads again (same events) and the expired read is ended
    now += 5000;
    const p2 = await eng.events({ window, order: SortOrder.OLDEST_FIRST, first: 5, filter: { sources: ['a'] }, after: p1.endCursor });
    expect(p2.edges.map((e) => e.event.id)).toEqual(['a-5', 'a-6', 'a-7', 'a-8', 'a-9']);
    eng.close();
    await new Promise((r) => setImmediate(r));
    expect(sources.map((s) => s.open)).toEqual([0, 0, 0]);
  });

  describe('over a Kubernetes audit archive of gzipped rotations', () => {
    let dir: string;
    const specs: RequestSpec[] = Array.from({ length: 400 }, (_, i) => ({
      auditID: auditId(i),
      receivedMs: T0 + i * 9_000,
      user: { username: i % 7 === 0 ? 'oidc:alice@example.com' : `oidc:user${i % 5}@example.com`, groups: ['system:authenticated'] },
    }));
    beforeAll(() => {
      dir = tmpDir('resume');
      writeArchive(path.join(dir), rotate(linesOf(specs), [T0 + 15 * 60_000, T0 + 30 * 60_000, T0 + 45 * 60_000], () => true));
    });
    afterAll(() => rmDir(dir));

    const window = { from: new Date(T0), to: new Date(T0 + HOUR) };
    const k8s = () => new K8sAuditFileSource('k8s', { location: { root: dir } });

    it('returns every request once, and decodes each file once instead of once per page', async () => {
      const parked = new QueryEngine([k8s()], { cursorSecret: SECRET, now: LATER });
      const fresh = new QueryEngine([k8s()], { cursorSecret: SECRET, now: LATER, parking: new ScanParking({ max: 0, ttlMs: 1 }) });
      const req = { window, order: SortOrder.OLDEST_FIRST, first: 20 };
      const a = await pageAll(parked, req);
      const b = await pageAll(fresh, req);
      expect(a.pages).toEqual(b.pages);
      expect(a.pages.flat()).toHaveLength(specs.filter((s) => s.receivedMs < window.to.getTime()).length);
      const total = (p: Paged, f: (s: SourceStatus) => number) => p.statuses.reduce((n, s) => n + f(s[0]), 0);
      expect(total(a, (s) => s.partitionsRead)).toBe(4);
      expect(total(b, (s) => s.partitionsRead)).toBeGreaterThan(a.pages.length);
      expect(total(a, (s) => s.eventsScanned)).toBeLessThan(total(b, (s) => s.eventsScanned) / 4);
      parked.close();
    });

    it('skips, unparsed, the requests an identity filter cannot match, and counts them', async () => {
      const eng = new QueryEngine([k8s()], { cursorSecret: SECRET, now: LATER });
      const page = await eng.events({ window, order: SortOrder.OLDEST_FIRST, first: 1000, filter: { identity: ['OIDC:Alice@Example.com'] } });
      const alice = specs.filter((s) => s.user!.username === 'oidc:alice@example.com' && s.receivedMs < window.to.getTime());
      expect(page.edges.map((e) => e.event.correlationId)).toEqual(alice.map((s) => s.auditID));
      const status = page.statuses[0];
      expect(status.prefiltered).toBe(specs.filter((s) => s.receivedMs < window.to.getTime()).length - alice.length);
      expect(status.eventsMatched).toBe(alice.length);
      const explain = await eng.explain({ window, order: SortOrder.OLDEST_FIRST, first: 1000, filter: { identity: ['OIDC:Alice@Example.com'] } });
      expect(explain.sources[0].notes.join('\n')).toMatch(/prefilter: .*identity: .*oidc:alice@example\.com/);
      const unfiltered = await eng.explain({ window, order: SortOrder.OLDEST_FIRST, first: 1000 });
      expect(unfiltered.sources[0].notes.join('\n')).not.toContain('prefilter');
    });

    it('does not prefilter by a name the normalizer makes up: a request without a username is `unknown`', async () => {
      const nobody = tmpDir('resume-nobody');
      try {
        const few: RequestSpec[] = [
          { auditID: auditId(900), receivedMs: T0 + 1_000, user: { username: '' } },
          { auditID: auditId(901), receivedMs: T0 + 2_000 },
        ];
        writeArchive(nobody, rotate(linesOf(few), [], () => false));
        const eng = new QueryEngine([new K8sAuditFileSource('k8s', { location: { root: nobody } })], { cursorSecret: SECRET, now: LATER });
        const page = await eng.events({ window, order: SortOrder.OLDEST_FIRST, first: 10, filter: { identity: ['unknown'] } });
        expect(page.edges.map((e) => e.event.correlationId)).toEqual([auditId(900)]);
        expect(page.statuses[0].prefiltered).toBe(0);
      } finally {
        rmDir(nobody);
      }
    });
  });
});
