import { SortOrder, type AuditEvent, type EventFilter, type EventFilterField, type Source, type SourceQuery, type TimeWindow } from '../../src/domain';
import { QueryEngine } from '../../src/query/engine';
import { matches } from '../../src/query/match';
import { collect } from '../contract/source-contract';

const query = (window: TimeWindow): SourceQuery => ({ window, order: SortOrder.OLDEST_FIRST, filter: {}, pageSizeHint: 100 });

/**
 * The prefilter's rule, checked on one source: with the filter handed to it as a prefilter, the events the engine
 * matches are exactly those it matches without one; every record is still scanned; and what was skipped is counted
 * (the events read plus the records prefiltered are the events read without a prefilter). Returns how many were.
 */
export async function expectPrefilterExact(source: Source, window: TimeWindow, filter: EventFilter, fields: readonly EventFilterField[] = ['identity', 'sourceIp']): Promise<number> {
  const on = await collect(source, { ...query(window), prefilter: filter });
  const off = await collect(source, query(window));
  const kept = (events: AuditEvent[]) => events.filter((e) => matches(e, filter, fields)).map((e) => e.id);
  expect(kept(on.events)).toEqual(kept(off.events));
  expect(on.stats.scanned).toBe(off.stats.scanned);
  expect(on.events.length + on.stats.prefiltered).toBe(off.events.length);
  return on.stats.prefiltered;
}

/**
 * Through the engine: the page of `identity` has `returned` events, the status counts `prefiltered` of `scanned`
 * records as skipped, and `explain` names the prefilter.
 */
export async function expectPrefilteredPage(source: Source, window: TimeWindow, identity: string, counts: { returned: number; prefiltered: number; scanned: number }): Promise<void> {
  const engine = new QueryEngine([source], { cursorSecret: 'prefilter-test-secret', now: () => new Date('2026-04-01T00:00:00Z') });
  const page = await engine.events({ window, filter: { identity: [identity] }, first: 100 });
  expect(page.edges).toHaveLength(counts.returned);
  expect(page.statuses[0].prefiltered).toBe(counts.prefiltered);
  expect(page.statuses[0].eventsScanned).toBe(counts.scanned);
  const explain = await engine.explain({ window, filter: { identity: [identity] }, first: 100 });
  expect(explain.sources[0].notes.join('\n')).toContain('prefilter: ');
}
