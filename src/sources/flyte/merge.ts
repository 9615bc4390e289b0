import { SortOrder, SourceError } from '../../domain';

/** `a` comes before `b` in `order` (ties: neither). */
export function before(a: number, b: number, order: SortOrder): boolean {
  return order === SortOrder.OLDEST_FIRST ? a < b : a > b;
}

/**
 * Merges streams that are each ordered by `key` into one ordered stream. It pulls from a stream only after
 * handing out that stream's previous item, so each stream is read as lazily as the consumer reads the merge;
 * when the consumer stops (or `signal` aborts) every stream is closed, which stops their upstream calls.
 */
export async function* mergeSorted<T>(
  streams: AsyncIterator<T>[],
  key: (item: T) => number,
  order: SortOrder,
  signal: AbortSignal,
  sourceId: string,
): AsyncGenerator<T> {
  const heads: (IteratorResult<T> | undefined)[] = new Array<IteratorResult<T> | undefined>(streams.length);
  try {
    // the first page of every stream is needed before anything can be said about the order: ask them together
    const first = await Promise.allSettled(streams.map((s) => s.next()));
    const failed = first.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    first.forEach((r, i) => {
      heads[i] = (r as PromiseFulfilledResult<IteratorResult<T>>).value;
    });
    for (;;) {
      let best = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i];
        if (!h || h.done) continue;
        if (best < 0 || before(key(h.value), key((heads[best] as IteratorYieldResult<T>).value), order)) best = i;
      }
      if (best < 0) return;
      if (signal.aborted) throw new SourceError('ABORTED', 'the query was cancelled', sourceId);
      yield (heads[best] as IteratorYieldResult<T>).value;
      heads[best] = await streams[best].next();
    }
  } finally {
    await Promise.allSettled(streams.map((s) => s.return?.(undefined)));
  }
}

