import * as fs from 'node:fs/promises';
import { addFileStats, newSourceStats, type ArchiveFileRead, type SourceCallContext, type SourceStats } from '../../domain';

/** Files larger than this on disk are read as they are, never kept (decoded, they would take the cache's room). */
export const MAX_CACHED_FILE_BYTES = 8 * 1024 * 1024;

/**
 * One archive file's whole read, through the engine's decoded-file cache when it has one: `read` decodes the file
 * into a fresh SourceStats (what it counts), and the result is kept under the file's source, path, size and
 * modification time. What reading it counted is added to `ctx.stats` either way (see `addFileStats`: a file served
 * from the cache counts in `cacheHits`, not in `bytesRead`). Returns undefined, having done nothing, when there is
 * no cache or the file is not one to keep: the caller reads the file its own way then.
 *
 * A read that could not open the file (`partitionsUnreadable`) is not kept: a permission fixed later shows no new
 * signature.
 */
export async function readThroughFileCache<T>(
  ctx: Pick<SourceCallContext, 'files' | 'signal' | 'stats'>,
  sourceId: string,
  rel: string,
  abs: string,
  read: (stats: SourceStats) => Promise<{ value: T; textBytes: number }>,
): Promise<T | undefined> {
  if (!ctx.files) return undefined;
  let signature: string;
  try {
    const st = await fs.stat(abs);
    if (!st.isFile() || st.size > MAX_CACHED_FILE_BYTES) return undefined;
    signature = `${st.size}:${st.mtimeMs}`;
  } catch {
    // the read itself reports what is wrong with the file
    return undefined;
  }
  const loaded = await ctx.files.load<ArchiveFileRead<T>>(
    `${sourceId}\u0000${rel}\u0000${signature}`,
    true,
    ctx.signal,
    async () => {
      const stats = newSourceStats();
      const r = await read(stats);
      // parsed and normalized, records weigh about two and a half times their text (measured: a CloudTrail day of
      // 277 MB of text kept whole grew the server by 660 MB)
      return { value: r.value, stats, bytes: r.textBytes * 2.5 };
    },
    (r) => r.stats.partitionsUnreadable === 0,
  );
  addFileStats(ctx.stats, loaded.value.stats, loaded.hit);
  return loaded.value.value;
}
