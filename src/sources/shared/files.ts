import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import * as zlib from 'node:zlib';
import { SourceError, type SourceStats } from '../../domain';

/**
 * Files under `root`, as paths relative to it (with `/` separators), sorted. `descend` is asked about every
 * directory before it is read, so that archives laid out by date can skip whole days without listing them.
 */
export async function listFiles(root: string, descend: (relDir: string) => boolean = () => true): Promise<string[]> {
  const out: string[] = [];
  async function walk(rel: string): Promise<void> {
    const entries = await fs.promises.readdir(path.join(root, rel), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (descend(child)) await walk(child);
      } else if (e.isFile()) {
        out.push(child);
      }
    }
  }
  try {
    await walk('');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new SourceError('NOT_FOUND', `archive folder ${root} does not exist`, undefined, { cause: err });
    throw err;
  }
  return out;
}

async function isGzip(file: string): Promise<boolean> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** A readable stream of the file's text, gunzipped when it is gzip (by its magic bytes, not its name). */
export async function openText(file: string, stats: SourceStats, start = 0): Promise<NodeJS.ReadableStream> {
  const gz = await isGzip(file);
  const raw = fs.createReadStream(file, { start: gz ? 0 : start });
  raw.on('data', (chunk: Buffer | string) => {
    stats.bytesRead += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
  });
  if (!gz) return raw;
  const gunzip = zlib.createGunzip();
  raw.on('error', (err) => gunzip.destroy(err));
  return raw.pipe(gunzip);
}

/** The lines of a text file (gzip or not), lazily, stopping when `signal` aborts. */
export async function* readLines(file: string, stats: SourceStats, signal: AbortSignal, start = 0): AsyncGenerator<{ line: string; lineNo: number }> {
  const stream = await openText(file, stats, start);
  const rl = readline.createInterface({ input: stream, crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (const line of rl) {
      if (signal.aborted) return;
      lineNo += 1;
      yield { line, lineNo };
    }
  } finally {
    rl.close();
    (stream as unknown as { destroy?: () => void }).destroy?.();
  }
}

/** The whole text of a (possibly gzipped) file. */
export async function readText(file: string, stats: SourceStats): Promise<string> {
  const buf = await fs.promises.readFile(file);
  stats.bytesRead += buf.length;
  const text = buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b ? zlib.gunzipSync(buf) : buf;
  return text.toString('utf8');
}
