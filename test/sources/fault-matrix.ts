import { SourceState, type AuditEvent, type Source, type TimeWindow } from '../../src/domain';
import { QueryEngine, type EventsPage } from '../../src/query/engine';
import { releaseHanging } from '../helpers/http-faults';
import { makeEvent, MemorySource } from '../helpers/memory-source';

/**
 * The fault matrix every live source passes against its loopback server: each way an upstream misbehaves, with
 * the state and message the source's status must give, a bound on the time the page takes, and a healthy source
 * beside it whose events must all be there, in order. Budgets are short (a source may be silent 3 s, a page lasts
 * 10 s); time is asserted as bounds, never as figures.
 */

export type FaultCase = '500' | '401' | '403' | 'malformed' | '429-short' | '429-long' | 'hang' | 'drip' | 'repeat' | 'reset';

export const FAULT_CASES: readonly FaultCase[] = ['500', '401', '403', 'malformed', '429-short', '429-long', 'hang', 'drip', 'repeat', 'reset'];

export const DEADLINE_MS = 10_000;
export const SOURCE_TIMEOUT_MS = 3000;

export interface FaultTarget {
  /** a live source over a fresh loopback server holding the target's events, and how to spoil that server */
  start(): Promise<{ source: Source; inject(fault: FaultCase): void; close(): Promise<void> }>;
  window: TimeWindow;
  /** the ids of the events the source returns for the window, newest first, when nothing is wrong */
  expected: string[];
  /** the ids its first upstream page holds (what a repeated page repeats), newest first */
  firstPage: string[];
  /** the message each failing case must give, beyond the state */
  messages: Record<Exclude<FaultCase, '429-short'>, RegExp>;
}

const STATE: Record<FaultCase, SourceState> = {
  '500': SourceState.FAILED,
  '401': SourceState.FAILED,
  '403': SourceState.FAILED,
  malformed: SourceState.FAILED,
  '429-short': SourceState.OK,
  '429-long': SourceState.THROTTLED,
  hang: SourceState.TIMED_OUT,
  drip: SourceState.TIMED_OUT,
  repeat: SourceState.FAILED,
  reset: SourceState.FAILED,
};

function healthy(window: TimeWindow): MemorySource {
  const from = window.from.getTime();
  const span = window.to.getTime() - from;
  return new MemorySource(
    'healthy',
    Array.from({ length: 40 }, (_, i) => makeEvent('healthy', from + Math.floor(((i + 0.5) * span) / 40), { id: `healthy-${String(i).padStart(2, '0')}` })),
  );
}

const newestFirst = (events: readonly AuditEvent[]) => [...events].sort((a, b) => b.time.getTime() - a.time.getTime()).map((e) => e.id);

export function defineFaultMatrix(name: string, target: FaultTarget): void {
  describe(`fault matrix: ${name}`, () => {
    afterEach(() => releaseHanging());

    it.each(FAULT_CASES)('%s', async (fault) => {
      const upstream = await target.start();
      try {
        upstream.inject(fault);
        const good = healthy(target.window);
        const engine = new QueryEngine([upstream.source, good], { cursorSecret: 'test-secret', now: () => target.window.to, deadlineMs: DEADLINE_MS, sourceTimeoutMs: SOURCE_TIMEOUT_MS });
        const started = Date.now();
        const page: EventsPage = await engine.events({ window: target.window, first: 1000 });
        const ms = Date.now() - started;
        const status = page.statuses.find((s) => s.sourceId === upstream.source.id)!;

        // the page comes back before its deadline, and the healthy source is all there, in order
        expect(ms).toBeLessThan(DEADLINE_MS);
        expect(page.edges.filter((e) => e.event.sourceId === 'healthy').map((e) => e.event.id)).toEqual(newestFirst(good.records));
        expect(page.statuses.find((s) => s.sourceId === 'healthy')!.state).toBe(SourceState.OK);

        expect({ state: status.state, message: status.message }).toMatchObject({ state: STATE[fault] });
        const mine = page.edges.filter((e) => e.event.sourceId === upstream.source.id).map((e) => e.event.id);
        if (fault === '429-short') {
          // waited out, within the budget: nothing lost
          expect(status.throttled).toBeGreaterThanOrEqual(1);
          expect(mine).toEqual(target.expected);
          expect(page.complete).toBe(true);
          return;
        }
        expect(status.message).toMatch(target.messages[fault]);
        expect(page.complete).toBe(false);
        if (fault === 'repeat') {
          // what came before the repeat stands, once each, in order
          expect(mine).toEqual(target.firstPage);
        }
        if (fault === '429-long') {
          // not waited for: the answer comes at once
          expect(ms).toBeLessThan(SOURCE_TIMEOUT_MS * 2);
        }
      } finally {
        await upstream.close();
      }
    });
  });
}
