import type { SourceStatus } from '../domain';

/**
 * One deadline for several engine queries that answer one question (identity discovery's rounds, a run's discovery
 * reads and its timeline page), and the sources that did not answer one of them: later queries leave those out
 * instead of waiting for them again, and say so.
 */
export class QueryBudget {
  readonly deadlineAt: number;
  /** source id -> why it is left out of the rest */
  readonly unavailable = new Map<string, string>();

  constructor(deadlineMs: number, now = Date.now()) {
    this.deadlineAt = now + deadlineMs;
  }

  remainingMs(now = Date.now()): number {
    return Math.max(0, this.deadlineAt - now);
  }

  get exhausted(): boolean {
    return this.remainingMs() === 0;
  }

  /** Remembers the sources a page found silent (TIMED_OUT): the later queries of the budget do not wait for them. */
  observe(statuses: readonly SourceStatus[]): void {
    for (const s of statuses) {
      if (s.state === 'TIMED_OUT' && !this.unavailable.has(s.sourceId)) this.unavailable.set(s.sourceId, s.message ?? 'no answer in time');
    }
  }
}
