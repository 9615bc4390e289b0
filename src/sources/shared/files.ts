import * as fs from 'node:fs';
import { recordDamaged, recordUnreadable, type SourceStats } from '../../domain';
import { GZIP_MAGIC, gunzipFile } from './gzip';

const READ_CHUNK = 256 * 1024;

/**
 * The decoded bytes of one archive file, in chunks: gunzipped when it starts with gzip's magic bytes (whatever its
 * name says), from `start` when it is plain. Damaged gzip data (truncated, corrupt, garbage appended) ends the
 * chunks where the damage starts and is recorded in `stats` under `where`; everything before it is handed out.
 * Opening or reading the file throws the file system's error (see `readFailure`).
 */
export async function* fileChunks(file: string, where: string, stats: SourceStats, start = 0): AsyncGenerator<Buffer> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const { size } = await fh.stat();
    const magic = Buffer.alloc(2);
    const { bytesRead } = await fh.read(magic, 0, 2, 0);
    if (bytesRead === 2 && magic[0] === GZIP_MAGIC[0] && magic[1] === GZIP_MAGIC[1]) {
      const chunks = gunzipFile(fh, size, (n) => (stats.bytesRead += n));
      for (;;) {
        const r = await chunks.next();
        if (r.done) {
          if (r.value) recordDamaged(stats, where, r.value.detail);
          return;
        }
        yield r.value;
      }
    }
    for (let pos = start; pos < size; ) {
      const buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, size - pos));
      const n = (await fh.read(buf, 0, buf.length, pos)).bytesRead;
      if (n === 0) break;
      stats.bytesRead += n;
      pos += n;
      yield n === buf.length ? buf : buf.subarray(0, n);
    }
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/**
 * Lines of decoded chunks, without the newline (and a trailing `\r`), numbered from 1. A line split over many
 * chunks is joined once, when its end is found: a 50 MB line costs one copy, not one per chunk.
 */
export async function* splitLines(chunks: AsyncIterable<Buffer>, signal?: AbortSignal): AsyncGenerator<{ line: string; lineNo: number }> {
  let parts: Buffer[] = [];
  let lineNo = 0;
  const text = (b: Buffer) => {
    const end = b.length > 0 && b[b.length - 1] === 13 ? b.length - 1 : b.length;
    return b.toString('utf8', 0, end);
  };
  for await (const chunk of chunks) {
    let from = 0;
    for (let nl = chunk.indexOf(10, from); nl >= 0; nl = chunk.indexOf(10, from)) {
      if (signal?.aborted) return;
      const piece = chunk.subarray(from, nl);
      const whole = parts.length > 0 ? Buffer.concat([...parts, piece]) : piece;
      parts = [];
      lineNo += 1;
      yield { line: text(whole), lineNo };
      from = nl + 1;
    }
    if (from < chunk.length) parts.push(chunk.subarray(from));
  }
  if (parts.length > 0 && !signal?.aborted) {
    lineNo += 1;
    yield { line: text(Buffer.concat(parts)), lineNo };
  }
}

/** The lines of a text file (gzip or not), lazily, stopping when `signal` aborts; damage is recorded under `where`. */
export function readLines(file: string, where: string, stats: SourceStats, signal: AbortSignal, start = 0): AsyncGenerator<{ line: string; lineNo: number }> {
  return splitLines(fileChunks(file, where, stats, start), signal);
}

/** The whole decoded text of a (possibly gzipped) file; damage is recorded under `where`, and what decoded is returned. */
export async function readText(file: string, where: string, stats: SourceStats): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of fileChunks(file, where, stats)) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A file system error met while reading one partition: recorded as unreadable (the partition is named, the query
 * goes on), or as a note when the file went away after it was listed. Returns false for anything else (an abort, a
 * bug), which the caller rethrows.
 */
export function readFailure(err: unknown, stats: SourceStats, where: string): boolean {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.code !== 'string' || typeof e.syscall !== 'string') return false;
  if (e.code === 'ENOENT') {
    stats.notes.push(`${where} disappeared between listing and reading`);
    return true;
  }
  recordUnreadable(stats, where, e.code === 'EACCES' || e.code === 'EPERM' ? `permission denied (${e.code})` : `${e.code}: ${e.message}`);
  return true;
}
