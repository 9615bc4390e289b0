/**
 * Ordered async streams merged into one in the same order (`compare` < 0: `a` first); each stream is read only as far
 * as the merge needs, and every stream is closed when the merge is (its consumer stopped early or it ran out). For a
 * few streams (a linear pick per item); the query engine's k-way merge over sources is src/query/engine.ts.
 */
export async function* mergeOrdered<T>(streams: AsyncGenerator<T>[], compare: (a: T, b: T) => number): AsyncGenerator<T> {
  if (streams.length === 1) {
    yield* streams[0];
    return;
  }
  const heads = await Promise.all(streams.map((s) => s.next()));
  try {
    for (;;) {
      let pick = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i];
        if (h.done) continue;
        if (pick < 0 || compare(h.value, heads[pick].value as T) < 0) pick = i;
      }
      if (pick < 0) return;
      yield heads[pick].value as T;
      heads[pick] = await streams[pick].next();
    }
  } finally {
    await Promise.all(streams.map((s) => s.return(undefined)));
  }
}
