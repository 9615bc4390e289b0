import type { SourceState, StatusFieldsFragment } from '../generated/graphql';

/** What one source did over every page loaded so far. */
export interface SourceSummary {
  id: string;
  type: string;
  kind: string;
  mode: string;
  /** the worst state of any page: a failure on one page is never hidden by a later page's OK */
  state: SourceState;
  /** the 1-based pages on which the source did not answer completely (FAILED, TIMED_OUT, THROTTLED) */
  failedPages: number[];
  pages: number;
  messages: string[];
  requests: number;
  eventsScanned: number;
  eventsReturned: number;
  malformed: number;
  malformedSamples: string[];
  throttled: number;
  /** secrets the server replaced by a marker in the events returned */
  redactions: number;
  partitionsRead: number;
  partitionsPruned: number;
  durationMs: number;
  pushedDown: string[];
  residual: string[];
}

// EMPTY and CLAMPED answered what there was; PARTIAL could not read some of an archive; the rest did not answer fully
const SEVERITY: Record<SourceState, number> = { OK: 0, EMPTY: 1, CLAMPED: 1, PARTIAL: 2, THROTTLED: 3, TIMED_OUT: 4, FAILED: 5 };

export function isIncomplete(state: SourceState): boolean {
  return state === 'FAILED' || state === 'TIMED_OUT' || state === 'THROTTLED';
}

export function isWorse(a: SourceState, b: SourceState): boolean {
  return (SEVERITY[a] ?? 6) > (SEVERITY[b] ?? 6);
}

/** Folds each page's statuses (in page order) into one summary per source, in the order the server lists them. */
export function summarize(pages: StatusFieldsFragment[][]): SourceSummary[] {
  const out = new Map<string, SourceSummary>();
  pages.forEach((statuses, i) => {
    for (const s of statuses) {
      let sum = out.get(s.source.id);
      if (!sum) {
        sum = {
          id: s.source.id,
          type: s.source.type,
          kind: s.source.kind,
          mode: s.source.mode,
          state: s.state,
          failedPages: [],
          pages: 0,
          messages: [],
          requests: 0,
          eventsScanned: 0,
          eventsReturned: 0,
          malformed: 0,
          malformedSamples: [],
          throttled: 0,
          redactions: 0,
          partitionsRead: 0,
          partitionsPruned: 0,
          durationMs: 0,
          pushedDown: s.pushedDown,
          residual: s.residual,
        };
        out.set(s.source.id, sum);
      }
      sum.pages += 1;
      if (isWorse(s.state, sum.state)) sum.state = s.state;
      if (isIncomplete(s.state)) sum.failedPages.push(i + 1);
      if (s.message && !sum.messages.includes(s.message)) sum.messages.push(s.message);
      sum.requests += s.requests;
      sum.eventsScanned += s.eventsScanned;
      sum.eventsReturned += s.eventsReturned;
      sum.malformed += s.malformed;
      for (const m of s.malformedSamples) if (sum.malformedSamples.length < 5 && !sum.malformedSamples.includes(m)) sum.malformedSamples.push(m);
      sum.throttled += s.throttled;
      sum.redactions += s.redactions;
      sum.partitionsRead += s.partitionsRead;
      sum.partitionsPruned += s.partitionsPruned;
      sum.durationMs += s.durationMs;
    }
  });
  return [...out.values()];
}

/**
 * The statuses an ALL_SOURCES_FAILED error carries in `extensions.sources` (the engine's own shape, with
 * `sourceId`), as the statuses of a page, so that the failure of each source is shown like any other.
 */
export function statusesOfError(raw: unknown): StatusFieldsFragment[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((r: Record<string, unknown>) => {
    if (typeof r?.sourceId !== 'string' || typeof r.state !== 'string') return [];
    const num = (k: string) => (typeof r[k] === 'number' ? (r[k] as number) : 0);
    const list = (k: string) => (Array.isArray(r[k]) ? (r[k] as string[]) : []);
    return [
      {
        source: { id: r.sourceId, type: String(r.sourceType ?? ''), kind: r.kind as StatusFieldsFragment['source']['kind'], mode: String(r.mode ?? '') },
        state: r.state as SourceState,
        message: typeof r.message === 'string' ? r.message : null,
        requests: num('requests'),
        eventsScanned: num('eventsScanned'),
        eventsMatched: num('eventsMatched'),
        eventsReturned: num('eventsReturned'),
        malformed: num('malformed'),
        malformedSamples: list('malformedSamples'),
        throttled: num('throttled'),
        redactions: num('redactions'),
        partitionsRead: num('partitionsRead'),
        partitionsPruned: num('partitionsPruned'),
        durationMs: num('durationMs'),
        pushedDown: list('pushedDown'),
        residual: list('residual'),
      },
    ];
  });
}
