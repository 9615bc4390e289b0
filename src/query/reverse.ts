import { SortOrder, type AuditEvent, type Source, type SourceCallContext, type SourceQuery } from '../domain';

export interface ReverseOptions {
  /** events one slice may hold in memory before the slice is halved (default 5000) */
  maxBuffered?: number;
  /** the first slice's length (default 15 minutes); it doubles while slices come back sparse */
  initialSliceMs?: number;
}

const MIN_SLICE_MS = 1000;

/**
 * Gives `q.order` from a source that only returns the opposite order: reads time slices starting at the end of
 * the window the consumer wants first, each slice in the native order, reversed in memory. Slices grow while
 * they are sparse and shrink when one would hold more than `maxBuffered` events, so memory stays bounded.
 */
export async function* reversedBySlices(source: Source, q: SourceQuery, ctx: SourceCallContext, opts: ReverseOptions = {}): AsyncGenerator<AuditEvent> {
  const maxBuffered = opts.maxBuffered ?? 5000;
  const native = q.order === SortOrder.OLDEST_FIRST ? SortOrder.NEWEST_FIRST : SortOrder.OLDEST_FIRST;
  const from = q.window.from.getTime();
  const to = q.window.to.getTime();
  let span = Math.min(opts.initialSliceMs ?? 15 * 60_000, to - from);
  let edge = q.order === SortOrder.OLDEST_FIRST ? from : to;
  const pageSizeHint = source.capabilities.pageSize.max;

  while (q.order === SortOrder.OLDEST_FIRST ? edge < to : edge > from) {
    if (ctx.signal.aborted) return;
    const slice =
      q.order === SortOrder.OLDEST_FIRST
        ? { from: new Date(edge), to: new Date(Math.min(edge + span, to)) }
        : { from: new Date(Math.max(edge - span, from)), to: new Date(edge) };
    const buffer: AuditEvent[] = [];
    let overflow = false;
    const atMinimum = span <= MIN_SLICE_MS;
    for await (const e of source.events({ ...q, window: slice, order: native, pageSizeHint }, ctx)) {
      buffer.push(e);
      if (buffer.length > maxBuffered && !atMinimum) {
        overflow = true;
        break;
      }
    }
    if (overflow) {
      span = Math.max(Math.floor(span / 2), MIN_SLICE_MS);
      continue;
    }
    for (let i = buffer.length - 1; i >= 0; i--) yield buffer[i];
    edge = q.order === SortOrder.OLDEST_FIRST ? slice.to.getTime() : slice.from.getTime();
    if (buffer.length < maxBuffered / 4) span *= 2;
  }
}
