import { AuditgraphError, ErrorCode, type AuditEvent, type SourceQuery, type SourceStatus, type TimeWindow } from '../domain';
import { SortOrder } from '../domain';
import { resolveTies } from './dedup';
import { matches } from './match';
import type { EventsRequest, QueryEngine } from './engine';
import { SourceRun } from './run';

export const MAX_BUCKETS = 500;
/** events read per source before a count stops (and says so): a histogram reads the whole window, pages do not */
export const DEFAULT_MAX_SCANNED_PER_SOURCE = 250_000;

/** Bucket widths a person reads at a glance; the smallest that fits the asked number of buckets is used. */
const NICE_MS = [1, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800].map((s) => s * 1000);

export interface HistogramRequest extends Pick<EventsRequest, 'window' | 'filter' | 'scope' | 'match' | 'identity'> {
  /** at most this many buckets over the window (1 to MAX_BUCKETS) */
  buckets: number;
  maxScannedPerSource?: number;
}

export interface HistogramSeries {
  sourceId: string;
  /** one count per bucket: events of this source matching the filter whose time falls in the bucket and the window */
  counts: number[];
  total: number;
  /** false when the count stopped early (budget, failure, deadline): see `counted` and the source's status */
  complete: boolean;
  /** the part of the window whose every event was counted; null when none was */
  counted: TimeWindow | null;
}

export interface EventHistogram {
  window: TimeWindow;
  bucketMs: number;
  /** bucket i covers [bucketStarts[i], bucketStarts[i] + bucketMs), aligned to UTC multiples of bucketMs */
  bucketStarts: Date[];
  series: HistogramSeries[];
  /** every series is complete */
  complete: boolean;
  statuses: SourceStatus[];
}

export function bucketWidth(spanMs: number, buckets: number): number {
  const wanted = spanMs / buckets;
  return NICE_MS.find((ms) => ms >= wanted) ?? Math.ceil(wanted / NICE_MS[NICE_MS.length - 1]) * NICE_MS[NICE_MS.length - 1];
}

/**
 * Counts every matching event of the window per source and per time bucket. Unlike a page, a count must read the
 * whole window, so each source is read in its native order (no reversal) up to a budget; a source stopped by the
 * budget, a failure or the deadline keeps what it counted, and its series says which part of the window that covers.
 */
export async function eventHistogram(engine: QueryEngine, req: HistogramRequest, signal?: AbortSignal): Promise<EventHistogram> {
  if (!Number.isInteger(req.buckets) || req.buckets < 1 || req.buckets > MAX_BUCKETS) {
    throw new AuditgraphError(ErrorCode.BAD_BUCKETS, `buckets: expected an integer from 1 to ${MAX_BUCKETS}, got ${req.buckets}`);
  }
  const { filter, window, plans } = engine.prepare({ ...req, first: 1 });
  const from = window.from.getTime();
  const to = window.to.getTime();
  const bucketMs = bucketWidth(to - from, req.buckets);
  const first = Math.floor(from / bucketMs) * bucketMs;
  const count = Math.max(1, Math.ceil((to - first) / bucketMs));
  const bucketStarts = Array.from({ length: count }, (_, i) => new Date(first + i * bucketMs));
  const budget = req.maxScannedPerSource ?? DEFAULT_MAX_SCANNED_PER_SOURCE;

  const controller = new AbortController();
  let deadlineHit = false;
  const timer = setTimeout(() => {
    deadlineHit = true;
    controller.abort(new Error('deadline'));
  }, engine.deadlineMs);
  const onClientAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onClientAbort, { once: true });

  const countSource = async (run: SourceRun): Promise<HistogramSeries> => {
    const counts = new Array<number>(count).fill(0);
    const series: HistogramSeries = { sourceId: run.plan.source.id, counts, total: 0, complete: true, counted: run.plan.window ?? null };
    const asked = run.plan.window;
    if (!asked) {
      run.finish();
      // not asked because its events cannot carry the identity: zero is the count; older than its retention: unknown
      return run.plan.skipped ? { ...series, counted: window } : { ...series, complete: false, counted: null };
    }
    const order = run.plan.source.capabilities.orders[0] ?? SortOrder.NEWEST_FIRST;
    const q: SourceQuery = { window: asked, order, filter: run.plan.pushed, pageSizeHint: run.plan.source.capabilities.pageSize.max };
    let last: number | undefined;
    let stopped: string | undefined;
    // one millisecond of the source at a time, its copies of one record merged as the engine merges them
    let group: AuditEvent[] = [];
    const flush = () => {
      for (const member of resolveTies(group, order)) {
        const e = member.event;
        if (!matches(e, filter, run.plan.localFields) || (req.match && !req.match(e))) continue;
        const t = e.time.getTime();
        const i = Math.floor((t - first) / bucketMs);
        if (i < 0 || i >= count || t < from || t >= to) continue;
        counts[i] += 1;
        series.total += 1;
        run.matched += 1;
        run.duplicates += member.duplicates;
      }
      group = [];
    };
    try {
      for await (const e of run.plan.source.events(q, { signal: controller.signal, stats: run.stats })) {
        const t = e.time.getTime();
        if (t !== last) flush();
        last = t;
        group.push(e);
        if (run.stats.scanned >= budget) {
          stopped = `counted the first ${budget.toLocaleString('en-US')} records read (${order === SortOrder.NEWEST_FIRST ? 'newest' : 'oldest'} first): the histogram's budget per source`;
          break;
        }
      }
      flush();
      if (stopped) run.stats.notes.unshift(stopped);
      run.finish();
    } catch (err) {
      // what the source gave before it failed still counts
      flush();
      if (deadlineHit) run.cut({ state: 'TIMED_OUT', message: `no complete count within the query deadline (${engine.deadlineMs} ms)` });
      else run.failWith(err, '');
      stopped = run.miss?.message ?? 'failed';
    }
    run.returned = series.total;
    // a source clamped to its retention counts only the part of the window it keeps
    if (!stopped) return { ...series, complete: asked.from.getTime() <= from && asked.to.getTime() >= to };
    const covered: TimeWindow | null =
      last === undefined
        ? null
        : order === SortOrder.NEWEST_FIRST
          ? { from: new Date(last + 1), to: asked.to }
          : { from: asked.from, to: new Date(last) };
    return { ...series, complete: false, counted: covered && covered.from < covered.to ? covered : null };
  };

  const runs = plans.map((p) => new SourceRun(p, undefined, undefined));
  let series: HistogramSeries[];
  try {
    series = await Promise.all(runs.map(countSource));
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onClientAbort);
    if (!controller.signal.aborted) controller.abort(new Error('histogram complete'));
  }
  return { window, bucketMs, bucketStarts, series, complete: series.every((s) => s.complete), statuses: runs.map((r) => r.status()) };
}
