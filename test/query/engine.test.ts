import { AuditgraphError, ErrorCode, Outcome, SortOrder, SourceError, SourceState, type AuditEvent } from '../../src/domain';
import { compareKeys } from '../../src/query/cursor';
import { broadly, exactly, keptLocal } from '../../src/sources/shared/pushdown';
import { QueryEngine, type EventsRequest } from '../../src/query/engine';
import { makeEvent, MemorySource } from '../helpers/memory-source';

const T0 = Date.parse('2026-03-14T09:00:00Z');
const window = { from: new Date(T0), to: new Date(T0 + 3_600_000) };
const SECRET = 'test-secret';

function engine(sources: MemorySource[], now = () => new Date(T0 + 3_600_000), deadlineMs = 5000) {
  return new QueryEngine(sources, { cursorSecret: SECRET, now, deadlineMs });
}

/** A deterministic pseudo-random sequence, so that failures reproduce. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

function expectedOrder(events: AuditEvent[], order: SortOrder): string[] {
  return [...events]
    .sort((a, b) => compareKeys({ time: a.time.getTime(), sourceId: a.sourceId, eventId: a.id, digest: '' }, { time: b.time.getTime(), sourceId: b.sourceId, eventId: b.id, digest: '' }, order))
    .map((e) => `${e.sourceId}/${e.id}`);
}

async function pageAll(eng: QueryEngine, req: EventsRequest): Promise<{ keys: string[]; pages: number }> {
  const keys: string[] = [];
  let after: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await eng.events({ ...req, after });
    pages += 1;
    keys.push(...page.edges.map((e) => `${e.event.sourceId}/${e.event.id}`));
    if (!page.hasNextPage) break;
    after = page.endCursor;
    if (pages > 1000) throw new Error('paging does not end');
  }
  return { keys, pages };
}

describe('query engine: merge and paging', () => {
  const rand = rng(7);
  const sources = ['a', 'b', 'c'].map((id) => {
    const events: AuditEvent[] = [];
    for (let i = 0; i < 120; i++) {
      // coarse times so that many events share a millisecond, within and across sources
      const t = T0 + Math.floor(rand() * 40) * 60_000;
      events.push(makeEvent(id, t));
    }
    return new MemorySource(id, events);
  });
  const all = sources.flatMap((s) => (s as unknown as { data: AuditEvent[] }).data);

  it.each([SortOrder.NEWEST_FIRST, SortOrder.OLDEST_FIRST])('merges every source into one total order (%s)', async (order) => {
    const page = await engine(sources).events({ window: { from: window.from, to: window.to }, order, first: 1000 });
    expect(page.edges.map((e) => `${e.event.sourceId}/${e.event.id}`)).toEqual(expectedOrder(all, order));
    expect(page.hasNextPage).toBe(false);
    expect(page.statuses.map((s) => s.eventsReturned)).toEqual([120, 120, 120]);
  });

  it.each([SortOrder.NEWEST_FIRST, SortOrder.OLDEST_FIRST])('pages neither skip nor repeat across ties (%s)', async (order) => {
    const { keys, pages } = await pageAll(engine(sources), { window: { from: window.from, to: window.to }, order, first: 7 });
    expect(pages).toBe(Math.ceil(360 / 7));
    expect(keys).toEqual(expectedOrder(all, order));
  });

  it('defaults to NEWEST_FIRST and 100 per page', async () => {
    const page = await engine(sources).events({ window: { from: window.from, to: window.to } });
    expect(page.order).toBe(SortOrder.NEWEST_FIRST);
    expect(page.edges).toHaveLength(100);
    expect(page.hasNextPage).toBe(true);
    expect(page.edges[0].event.time.getTime()).toBeGreaterThanOrEqual(page.edges[99].event.time.getTime());
  });

  it('asks each source lazily: a small page costs one upstream page per source', async () => {
    const many = new MemorySource('many', Array.from({ length: 100 }, (_, i) => makeEvent('many', T0 + i * 1000)));
    const page = await engine([many]).events({ window: { from: window.from, to: window.to }, first: 5 });
    expect(page.edges).toHaveLength(5);
    expect(page.statuses[0].requests).toBe(1);
    expect(many.queries[0].pageSizeHint).toBe(7);
  });
});

describe('query engine: cursors', () => {
  const src = new MemorySource('s', Array.from({ length: 30 }, (_, i) => makeEvent('s', T0 + i * 60_000, { outcome: i % 2 ? Outcome.FAILURE : Outcome.SUCCESS })));
  const req: EventsRequest = { window: { from: window.from, to: window.to }, first: 5 };

  it('refuses a cursor used with another filter, window or order', async () => {
    const eng = engine([src]);
    const first = await eng.events(req);
    const after = first.endCursor!;
    await expect(eng.events({ ...req, after, filter: { outcome: [Outcome.FAILURE] } })).rejects.toMatchObject({ code: ErrorCode.BAD_CURSOR });
    await expect(eng.events({ ...req, after, order: SortOrder.OLDEST_FIRST })).rejects.toMatchObject({ code: ErrorCode.BAD_CURSOR });
    await expect(eng.events({ ...req, after, window: { from: new Date(T0 - 1), to: window.to } })).rejects.toMatchObject({ code: ErrorCode.BAD_CURSOR });
    await expect(eng.events({ ...req, after, scope: 'identity:x' })).rejects.toMatchObject({ code: ErrorCode.BAD_CURSOR });
  });

  it('refuses a tampered or foreign cursor', async () => {
    const eng = engine([src]);
    const after = (await eng.events(req)).endCursor!;
    const [body, mac] = after.split('.');
    const forged = Buffer.from(Buffer.from(body, 'base64url').toString().replace(/"s"/, '"t"')).toString('base64url');
    await expect(eng.events({ ...req, after: `${forged}.${mac}` })).rejects.toMatchObject({ code: ErrorCode.BAD_CURSOR });
    await expect(eng.events({ ...req, after: 'garbage' })).rejects.toMatchObject({ code: ErrorCode.BAD_CURSOR });
    const other = new QueryEngine([src], { cursorSecret: 'another-secret', now: () => new Date(T0 + 3_600_000) });
    await expect(other.events({ ...req, after })).rejects.toMatchObject({ code: ErrorCode.BAD_CURSOR });
  });

  it('is stateless: another engine with the same secret serves the next page', async () => {
    const a = engine([src]);
    const b = engine([src]);
    const p1 = await a.events(req);
    const p2 = await b.events({ ...req, after: p1.endCursor });
    expect(p2.edges[0].event.time.getTime()).toBeLessThan(p1.edges[4].event.time.getTime());
    expect(p2.edges).toHaveLength(5);
  });

  it('pins a relative window (`last`) to the first page', async () => {
    let now = T0 + 30 * 60_000;
    const eng = engine([src], () => new Date(now));
    const rel: EventsRequest = { window: { last: 'PT30M' }, first: 10 };
    const p1 = await eng.events(rel);
    now += 10 * 60_000; // time passes between pages
    const p2 = await eng.events({ ...rel, after: p1.endCursor });
    expect(p2.window).toEqual(p1.window);
    const seen = [...p1.edges, ...p2.edges].map((e) => e.event.id);
    expect(new Set(seen).size).toBe(20);
  });
});

describe('query engine: partial results and limits', () => {
  it('returns the others and a FAILED status when one source fails', async () => {
    const good = new MemorySource('good', [makeEvent('good', T0 + 1000), makeEvent('good', T0 + 2000)]);
    const bad = new MemorySource('bad', [makeEvent('bad', T0 + 1500)]);
    bad.failWith = new SourceError('UPSTREAM_ERROR', 'HTTP 500 from upstream', 'bad');
    const page = await engine([good, bad]).events({ window: { from: window.from, to: window.to } });
    expect(page.edges.map((e) => e.event.sourceId)).toEqual(['good', 'good']);
    const status = page.statuses.find((s) => s.sourceId === 'bad')!;
    expect(status.state).toBe(SourceState.FAILED);
    expect(status.message).toContain('HTTP 500 from upstream');
    expect(page.statuses.find((s) => s.sourceId === 'good')!.state).toBe(SourceState.OK);
  });

  it('fails the query only when every selected source fails', async () => {
    const bad = new MemorySource('bad', [makeEvent('bad', T0 + 1500)]);
    bad.failWith = new SourceError('UNAUTHENTICATED', 'token refused', 'bad');
    await expect(engine([bad]).events({ window: { from: window.from, to: window.to } })).rejects.toMatchObject({ code: ErrorCode.ALL_SOURCES_FAILED, message: expect.stringContaining('token refused') });
  });

  it('reports THROTTLED when a source gave up on throttling', async () => {
    const good = new MemorySource('good', [makeEvent('good', T0 + 1000)]);
    const slow = new MemorySource('slow', [makeEvent('slow', T0 + 1500)]);
    slow.failWith = new SourceError('THROTTLED', 'throttled 6 times in a row', 'slow');
    const page = await engine([good, slow]).events({ window: { from: window.from, to: window.to } });
    expect(page.statuses.find((s) => s.sourceId === 'slow')!.state).toBe(SourceState.THROTTLED);
  });

  it('times out a hanging source at the deadline and returns the rest', async () => {
    const good = new MemorySource('good', [makeEvent('good', T0 + 1000)]);
    const stuck = new MemorySource('stuck', [makeEvent('stuck', T0 + 1500)]);
    stuck.hang = true;
    const page = await engine([good, stuck], undefined, 200).events({ window: { from: window.from, to: window.to } });
    expect(page.edges.map((e) => e.event.sourceId)).toEqual(['good']);
    expect(page.statuses.find((s) => s.sourceId === 'stuck')!.state).toBe(SourceState.TIMED_OUT);
  });

  it('keeps the events a source gave before it failed', async () => {
    const flaky = new MemorySource('flaky', Array.from({ length: 5 }, (_, i) => makeEvent('flaky', T0 + i * 1000)));
    flaky.failWith = new SourceError('UPSTREAM_ERROR', 'connection reset', 'flaky');
    flaky.failAfter = 3;
    const page = await engine([flaky]).events({ window: { from: window.from, to: window.to }, order: SortOrder.OLDEST_FIRST });
    expect(page.edges).toHaveLength(3);
    expect(page.statuses[0].state).toBe(SourceState.FAILED);
  });

  it('clamps a window to the retention and reports it', async () => {
    const now = new Date('2026-11-22T00:00:00Z');
    const live = new MemorySource('live', [makeEvent('live', '2026-11-01T00:00:00Z')], { retentionDays: 90 });
    const eng = engine([live], () => now);
    const page = await eng.events({ window: { from: new Date('2026-01-01T00:00:00Z'), to: now } });
    expect(page.edges).toHaveLength(1);
    expect(page.statuses[0].state).toBe(SourceState.CLAMPED);
    expect(page.statuses[0].message).toContain('90 days');
    expect(live.queries[0].window.from.toISOString()).toBe('2026-08-24T00:00:00.000Z');

    const old = await eng.events({ window: { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-02-01T00:00:00Z') } });
    expect(old.edges).toHaveLength(0);
    expect(old.statuses[0].state).toBe(SourceState.CLAMPED);
    expect(old.statuses[0].message).toContain('not queried');
    expect(live.queries).toHaveLength(1);
  });

  it('validates before any upstream call', async () => {
    const src = new MemorySource('s', [makeEvent('s', T0)]);
    const eng = engine([src]);
    const w = { from: window.from, to: window.to };
    const cases: [EventsRequest, ErrorCode][] = [
      [{ window: w, first: 0 }, ErrorCode.BAD_PAGE_SIZE],
      [{ window: w, first: 1001 }, ErrorCode.BAD_PAGE_SIZE],
      [{ window: { from: window.to, to: window.from } }, ErrorCode.BAD_WINDOW],
      [{ window: { from: window.from, to: window.from } }, ErrorCode.BAD_WINDOW],
      [{ window: { last: '1h' } }, ErrorCode.BAD_WINDOW],
      [{ window: { last: 'P1M' } }, ErrorCode.BAD_WINDOW],
      [{ window: { last: 'PT1H', from: window.from } }, ErrorCode.BAD_WINDOW],
      [{ window: {} }, ErrorCode.BAD_WINDOW],
      [{ window: w, filter: { sourceIp: ['not-an-ip'] } }, ErrorCode.BAD_FILTER],
      [{ window: w, filter: { sources: ['nope'] } }, ErrorCode.UNKNOWN_SOURCE],
    ];
    for (const [req, code] of cases) {
      const err = await eng.events(req).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuditgraphError);
      expect((err as AuditgraphError).code).toBe(code);
    }
    expect(src.queries).toHaveLength(0);
  });
});

describe('query engine: planner and orders', () => {
  const caps = {
    orders: [SortOrder.NEWEST_FIRST],
    pushdown: [
      { field: 'identity' as const, maxValues: 1, upstream: 'LookupAttributes[Username]', translate: (vs: readonly string[]) => exactly(`LookupAttributes[Username=${vs[0]}]`) },
      { field: 'action' as const, maxValues: 1, upstream: 'LookupAttributes[EventName]', translate: (vs: readonly string[]) => exactly(`LookupAttributes[EventName=${vs[0]}]`) },
    ],
    maxPushedFields: 1,
    pageSize: { default: 50, max: 50 },
  };
  const data = [
    makeEvent('trail', T0 + 1000, { action: 'iam:CreateAccessKey', rawAction: 'CreateAccessKey', actor: { name: 'alice', type: 0 as never, aliases: [] } }),
    makeEvent('trail', T0 + 2000, { action: 'iam:CreateAccessKey', rawAction: 'CreateAccessKey', actor: { name: 'bob', type: 0 as never, aliases: [] } }),
    makeEvent('trail', T0 + 3000, { action: 's3:ListBuckets', rawAction: 'ListBuckets', actor: { name: 'alice', type: 0 as never, aliases: [] }, sourceIp: '198.51.100.23' }),
  ];

  it('pushes the most selective filter the source takes and applies the rest locally', async () => {
    const trail = new MemorySource('trail', data, caps);
    const page = await engine([trail]).events({ window: { from: window.from, to: window.to }, filter: { identity: ['alice'], action: ['iam:CreateAccessKey'] } });
    expect(trail.queries[0].filter).toEqual({ identity: ['alice'] });
    expect(page.edges.map((e) => e.event.id)).toEqual([data[0].id]);
    expect(page.statuses[0].pushedDown).toEqual(['identity="alice" as LookupAttributes[Username=alice] (exact)']);
    expect(page.statuses[0].residual[0]).toMatch(/^action="iam:CreateAccessKey" \(the upstream takes 1 filter per request/);
  });

  it('does not push a field with more values than one request carries', async () => {
    const trail = new MemorySource('trail', data, caps);
    const page = await engine([trail]).events({ window: { from: window.from, to: window.to }, filter: { identity: ['alice', 'bob'], action: ['ListBuckets'] } });
    expect(trail.queries[0].filter).toEqual({ action: ['ListBuckets'] });
    expect(page.edges.map((e) => e.event.id)).toEqual([data[2].id]);
    expect(page.statuses[0].residual[0]).toContain('2 values; LookupAttributes[Username] takes 1 per request');
  });

  it('keeps a field residual, with the reason, when its values cannot be sent without matching less, and pushes the next one', async () => {
    const translating = {
      ...caps,
      pushdown: [
        { field: 'identity' as const, maxValues: 1, upstream: 'Username', translate: () => keptLocal('Username compares with case') },
        { field: 'action' as const, maxValues: 1, upstream: 'EventSource', translate: () => broadly('EventSource=iam.amazonaws.com', 'every iam call') },
      ],
    };
    const trail = new MemorySource('trail', data, translating);
    // the memory source ignores what it is sent, as a broader upstream form would: the engine's own check decides
    const page = await engine([trail]).events({ window: { from: window.from, to: window.to }, filter: { identity: ['ALICE'], action: ['iam:createaccesskey'] } });
    expect(trail.queries[0].filter).toEqual({ action: ['iam:createaccesskey'] });
    expect(page.edges.map((e) => e.event.id)).toEqual([data[0].id]);
    expect(page.statuses[0].pushedDown).toEqual(['action="iam:createaccesskey" as EventSource=iam.amazonaws.com (broader, re-checked here: every iam call)']);
    expect(page.statuses[0].residual).toEqual(['identity="ALICE" (Username compares with case)']);
  });

  it('serves OLDEST_FIRST from a NEWEST_FIRST-only source, in slices, without asking for the other order', async () => {
    const many = Array.from({ length: 200 }, (_, i) => makeEvent('trail', T0 + i * 15_000));
    const trail = new MemorySource('trail', many, caps);
    const { keys } = await pageAll(engine([trail]), { window: { from: window.from, to: window.to }, order: SortOrder.OLDEST_FIRST, first: 30 });
    expect(keys).toEqual(expectedOrder(many, SortOrder.OLDEST_FIRST));
    expect(trail.queries.every((q) => q.order === SortOrder.NEWEST_FIRST)).toBe(true);
    const explain = await engine([trail]).explain({ window: { from: window.from, to: window.to }, order: SortOrder.OLDEST_FIRST });
    expect(explain.sources[0].plan.nativeOrder).toBe(false);
    expect(explain.sources[0].notes.join(' ')).toContain('time slices');
  });

  it('selects sources by id and kind', async () => {
    const a = new MemorySource('a', [makeEvent('a', T0 + 1)]);
    const b = new MemorySource('b', [makeEvent('b', T0 + 2)]);
    const page = await engine([a, b]).events({ window: { from: window.from, to: window.to }, filter: { sources: ['b'] } });
    expect(page.statuses.map((s) => s.sourceId)).toEqual(['b']);
    expect(a.queries).toHaveLength(0);
    await expect(engine([a, b]).events({ window: { from: window.from, to: window.to }, filter: { kinds: ['CLOUD_AUDIT' as never] } })).rejects.toMatchObject({ code: ErrorCode.NO_SOURCES });
  });
});

describe('query engine: matchers with evidence', () => {
  it('keeps only what the matcher accepts, with its evidence, and binds cursors to the scope', async () => {
    const src = new MemorySource('k8s', Array.from({ length: 10 }, (_, i) => makeEvent('k8s', T0 + i * 1000, { runId: i % 3 === 0 ? 'ml/production/fz3k9q2m1x' : undefined })));
    const eng = engine([src]);
    const req: EventsRequest = {
      window: { from: window.from, to: window.to },
      scope: 'run:ml/production/fz3k9q2m1x',
      first: 2,
      match: (e) => (e.runId ? [`runId ${e.runId} on the record`] : null),
    };
    const p1 = await eng.events(req);
    expect(p1.edges.map((e) => e.evidence)).toEqual([['runId ml/production/fz3k9q2m1x on the record'], ['runId ml/production/fz3k9q2m1x on the record']]);
    const p2 = await eng.events({ ...req, after: p1.endCursor });
    expect([...p1.edges, ...p2.edges].map((e) => e.event.time.getTime())).toEqual([9000, 6000, 3000, 0].map((d) => T0 + d));
    expect(p2.hasNextPage).toBe(false);
    await expect(eng.events({ ...req, scope: 'run:other', after: p1.endCursor })).rejects.toMatchObject({ code: ErrorCode.BAD_CURSOR });
  });
});

