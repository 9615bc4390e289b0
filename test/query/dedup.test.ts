import fc from 'fast-check';
import { ActorType, EventCategory, OCSF_CLASS_UID, Outcome, SortOrder, type AuditEvent } from '../../src/domain';
import { canonicalJson, contentDigest } from '../../src/query/dedup';
import { QueryEngine, type EventsPage, type EventsRequest } from '../../src/query/engine';
import { MemorySource } from '../helpers/memory-source';

const T0 = Date.parse('2026-03-14T09:00:00Z');
const window = { from: new Date(T0), to: new Date(T0 + 3_600_000) };

function engine(sources: MemorySource[]) {
  return new QueryEngine(sources, { cursorSecret: 'test-secret', now: () => window.to, deadlineMs: 10_000 });
}

/** One record: its content is a function of (source, id, variant), so equal specs are identical copies. */
interface RecordSpec {
  ms: number;
  id: number;
  variant: number;
}

function record(sourceId: string, s: RecordSpec): AuditEvent {
  return {
    id: `evt-${s.id}`,
    sourceId,
    sourceType: 'okta',
    time: new Date(T0 + s.ms),
    category: EventCategory.API_ACTIVITY,
    ocsfClassUid: OCSF_CLASS_UID[EventCategory.API_ACTIVITY],
    action: 'thing.do',
    rawAction: 'thing.do',
    actor: { name: 'someone@example.com', type: ActorType.USER, aliases: [] },
    targets: [],
    outcome: Outcome.SUCCESS,
    // a fresh object per copy, keys in another order for odd variants: identical as JSON all the same
    raw: s.variant % 2 ? { variant: s.variant, uuid: `evt-${s.id}` } : { uuid: `evt-${s.id}`, variant: s.variant },
  };
}

/** What a page says of one edge, for comparing answers. */
const edgeText = (p: EventsPage) => p.edges.map((e) => `${e.event.sourceId}/${e.event.id}@${e.event.time.getTime() - T0}${e.idConflict ? `#${e.idConflict.digest}` : ''}x${e.duplicates + 1}`);

interface Answer {
  edges: string[];
  pages: number;
  duplicates: number;
  idConflicts: number;
}

async function pageThrough(eng: QueryEngine, req: EventsRequest, sizes: number[]): Promise<Answer> {
  const answer: Answer = { edges: [], pages: 0, duplicates: 0, idConflicts: 0 };
  let after: string | undefined;
  for (;;) {
    const page = await eng.events({ ...req, first: sizes[answer.pages % sizes.length], after });
    answer.pages += 1;
    answer.edges.push(...edgeText(page));
    for (const s of page.statuses) {
      answer.duplicates += s.duplicates;
      answer.idConflicts += s.idConflicts;
    }
    if (!page.hasNextPage) return answer;
    after = page.endCursor;
    if (answer.pages > 2000) throw new Error('paging does not end');
  }
}

describe('dedup: one answer whatever the page size', () => {
  /**
   * 40 distinct records in 8 milliseconds, 10 of them delivered twice and 5 ids carried by two different records:
   * 55 records, 50 distinct, every page boundary inside a tie.
   */
  function trail(): MemorySource {
    const specs: RecordSpec[] = [];
    for (let i = 0; i < 40; i++) specs.push({ ms: (i % 8) * 250, id: i, variant: 0 });
    for (let i = 0; i < 10; i++) specs.push({ ms: (i % 8) * 250, id: i, variant: 0 });
    for (let i = 10; i < 15; i++) specs.push({ ms: (i % 8) * 250, id: i, variant: 1 });
    return new MemorySource('trail', specs.map((s) => record('trail', s)));
  }

  it.each([SortOrder.NEWEST_FIRST, SortOrder.OLDEST_FIRST])('returns the same events with first 1000, 7 and 1 (%s)', async (order) => {
    const req = { window, order };
    const whole = await pageThrough(engine([trail()]), req, [1000]);
    expect(whole.pages).toBe(1);
    expect(whole.edges).toHaveLength(45);
    expect(whole.duplicates).toBe(10);
    expect(whole.idConflicts).toBe(10);
    for (const size of [7, 1]) {
      const paged = await pageThrough(engine([trail()]), req, [size]);
      expect(paged.edges).toEqual(whole.edges);
      expect(paged.duplicates).toBe(10);
      expect(paged.idConflicts).toBe(10);
    }
  });

  it('merges identical copies, flags records sharing an id, and says so in the status and on the edges', async () => {
    const page = await engine([trail()]).events({ window, first: 1000 });
    const status = page.statuses[0];
    expect(status.eventsReturned).toBe(45);
    expect(status.duplicates).toBe(10);
    expect(status.idConflicts).toBe(10);
    expect(status.message).toMatch(/^10 event\(s\) of this page share their id and time with a different record of this source: each is returned as its own edge/);
    expect(status.message).toContain('evt-10 at 2026-03-14T09:00:00.500Z (2 records)');
    const conflicting = page.edges.filter((e) => e.event.id === 'evt-10');
    expect(conflicting).toHaveLength(2);
    expect(conflicting.map((e) => e.idConflict?.records)).toEqual([2, 2]);
    expect(conflicting[0].idConflict?.digest).not.toBe(conflicting[1].idConflict?.digest);
    const copied = page.edges.find((e) => e.event.id === 'evt-3')!;
    expect([copied.duplicates, copied.idConflict]).toEqual([1, undefined]);
    const single = page.edges.find((e) => e.event.id === 'evt-30')!;
    expect([single.duplicates, single.idConflict]).toEqual([0, undefined]);
  });

  it('takes records equal as JSON for identical, whatever their key order, and any difference for another record', () => {
    const a = record('s', { ms: 0, id: 1, variant: 2 });
    const b = { ...record('s', { ms: 0, id: 1, variant: 2 }), raw: { variant: 2, uuid: 'evt-1' } };
    expect(canonicalJson(a.raw)).toBe(canonicalJson(b.raw));
    expect(contentDigest(a)).toBe(contentDigest(b));
    expect(contentDigest({ ...a, raw: { uuid: 'evt-1', variant: 3 } })).not.toBe(contentDigest(a));
    expect(contentDigest({ ...a, outcome: Outcome.FAILURE })).not.toBe(contentDigest(a));
  });

  const recordSpec = fc.record({ ms: fc.integer({ min: 0, max: 30 }), id: fc.integer({ min: 0, max: 12 }), variant: fc.integer({ min: 0, max: 2 }) });
  const sourceSpec = fc.record({
    records: fc.array(recordSpec, { maxLength: 60 }),
    // copies of records already in the stream: at-least-once delivery
    copies: fc.array(fc.nat(), { maxLength: 20 }),
    upstreamPage: fc.integer({ min: 1, max: 6 }),
    newestFirstOnly: fc.boolean(),
  });
  const pageSize = fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 1000 }));

  it('property: concatenated pages of any sizes equal the single-page answer, in both orders', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(sourceSpec, { minLength: 1, maxLength: 3 }), fc.array(pageSize, { minLength: 1, maxLength: 8 }), fc.constantFrom(SortOrder.NEWEST_FIRST, SortOrder.OLDEST_FIRST), async (specs, sizes, order) => {
        const make = () =>
          specs.map((spec, i) => {
            const id = `src-${i}`;
            const records = spec.records.map((r) => record(id, r));
            for (const c of spec.copies) if (spec.records.length) records.push(record(id, spec.records[c % spec.records.length]));
            return new MemorySource(id, records, { pageSize: { default: spec.upstreamPage, max: spec.upstreamPage }, orders: spec.newestFirstOnly ? [SortOrder.NEWEST_FIRST] : [SortOrder.NEWEST_FIRST, SortOrder.OLDEST_FIRST] });
          });
        const whole = await pageThrough(engine(make()), { window, order }, [1000]);
        const paged = await pageThrough(engine(make()), { window, order }, sizes);
        expect(paged.edges).toEqual(whole.edges);
        expect(paged.duplicates).toBe(whole.duplicates);
        expect(paged.idConflicts).toBe(whole.idConflicts);
        // and the single page holds each distinct record once: copies merged, collisions kept
        const distinct = new Set(specs.flatMap((spec, i) => spec.records.map((r) => `src-${i}/${r.ms}/${r.id}/${r.variant}`)));
        expect(whole.edges).toHaveLength(distinct.size);
      }),
      { numRuns: 300 },
    );
  });
});
