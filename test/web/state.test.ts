import fc from 'fast-check';
import { parseSearch, resolveWindow, serializeSearch, splitAlternatives, toFilter, type SearchState } from '../../web/src/search/state';
import { summarize } from '../../web/src/status/aggregate';

const text = fc.string({ minLength: 1, maxLength: 20 }).map((s) => s.trim()).filter((s) => s !== '');
const iso = fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2030-01-01T00:00:00Z') }).map((t) => new Date(t).toISOString());

const searchState: fc.Arbitrary<SearchState> = fc.record({
  identity: fc.array(text, { maxLength: 3 }),
  sourceIp: fc.array(fc.ipV4(), { maxLength: 2 }),
  action: fc.array(text, { maxLength: 2 }),
  runId: fc.array(text, { maxLength: 2 }),
  resource: fc.option(text, { nil: '' }),
  outcome: fc.subarray(['SUCCESS', 'FAILURE', 'UNKNOWN'] as const).map((a) => [...a]),
  sources: fc.array(text, { maxLength: 3 }),
  kinds: fc.subarray(['IDENTITY_PROVIDER', 'CLOUD_AUDIT', 'KUBERNETES_AUDIT', 'EXECUTION'] as const).map((a) => [...a]),
  window: fc.oneof(
    fc.constantFrom('PT15M', 'PT1H', 'P1D', 'P7D', 'P1DT12H').map((last) => ({ last })),
    fc.tuple(iso, iso).filter(([a, b]) => a < b).map(([from, to]) => ({ from, to })),
  ),
  order: fc.constantFrom('NEWEST_FIRST', 'OLDEST_FIRST'),
  event: fc.option(fc.record({ source: text, id: text, time: iso }), { nil: undefined }),
  tail: fc.boolean(),
});

describe('the search state in the URL', () => {
  it('comes back unchanged from its URL: a shared link is the same search', () => {
    fc.assert(
      fc.property(searchState, (state) => {
        const url = `/?${serializeSearch(state).toString()}`;
        const back = parseSearch(new URL(url, 'http://x').searchParams);
        expect(back).toEqual(state.event ? state : { ...state, event: undefined });
      }),
    );
  });

  it('gives a filter without empty fields (the API refuses empty lists)', () => {
    fc.assert(
      fc.property(searchState, (state) => {
        for (const v of Object.values(toFilter(state))) expect(Array.isArray(v) ? v.length > 0 : v !== '').toBe(true);
      }),
    );
  });

  it('ignores what it cannot read instead of searching something else', () => {
    const s = parseSearch(new URLSearchParams('from=yesterday&to=2026-03-14T10:00:00Z&last=PT1H&outcome=MAYBE&kind=FOO&order=SIDEWAYS&etime=nope&esource=x&eid=y'));
    expect(s.window).toEqual({ last: 'PT1H' });
    expect(s.outcome).toEqual([]);
    expect(s.kinds).toEqual([]);
    expect(s.order).toBe('NEWEST_FIRST');
    expect(s.event).toBeUndefined();
  });

  it('resolves a preset once, to whole seconds ending now', () => {
    const now = new Date('2026-03-14T10:00:00.750Z');
    expect(resolveWindow({ last: 'PT1H30M' }, now)).toEqual({ from: '2026-03-14T08:30:00.000Z', to: '2026-03-14T10:00:00.000Z' });
    expect(resolveWindow({ last: 'P7D' }, now).from).toBe('2026-03-07T10:00:00.000Z');
  });

  it('reads alternatives separated by commas', () => {
    expect(splitAlternatives(' iam:*, secrets.list ,, ')).toEqual(['iam:*', 'secrets.list']);
  });
});

describe('per-source status over the pages loaded', () => {
  const status = (id: string, state: 'OK' | 'FAILED' | 'CLAMPED', returned: number, message: string | null = null) => ({
    source: { id, type: 'okta', kind: 'IDENTITY_PROVIDER' as const, mode: 'api' },
    state,
    message,
    requests: 1,
    eventsScanned: returned * 2,
    eventsMatched: returned,
    eventsReturned: returned,
    malformed: 0,
    malformedSamples: [],
    throttled: 0,
    redactions: 0,
    partitionsRead: 0,
    partitionsPruned: 0,
    durationMs: 10,
    pushedDown: [],
    residual: [],
  });

  it('keeps a failure on any page visible after later pages answer OK', () => {
    const [a, b] = summarize([
      [status('a', 'OK', 10), status('b', 'OK', 5)],
      [status('a', 'FAILED', 0, 'UPSTREAM_ERROR: HTTP 500'), status('b', 'OK', 5)],
      [status('a', 'OK', 7), status('b', 'CLAMPED', 1, 'retention')],
    ]);
    expect(a).toMatchObject({ id: 'a', state: 'FAILED', failedPages: [2], eventsReturned: 17, requests: 3, messages: ['UPSTREAM_ERROR: HTTP 500'] });
    expect(b).toMatchObject({ id: 'b', state: 'CLAMPED', failedPages: [], eventsReturned: 11, messages: ['retention'] });
  });
});
