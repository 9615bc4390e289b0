import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import type { DemoDay } from './clock';
import type { PlannedRun } from './runs';
import type { Rng } from './prng';

/** One file of the demo, relative to its root with `/` separators. */
export interface DemoFile {
  path: string;
  content: string;
  /** gzip it (the path says `.gz` or, for CloudTrail, `.json.gz`) */
  gzip?: boolean;
}

/** What every writer is given. */
export interface WriterContext {
  rng: Rng;
  /** the day every record is placed on */
  day: DemoDay;
  /** multiplies background traffic; the incident is the same at every scale */
  scale: number;
  runs: PlannedRun[];
  /** write Flyte's node and task executions beside the execution list (false: the execution list only) */
  flyteNodeExecutions: boolean;
}

/** How many background items to write for a base count at scale 1. */
export function scaled(ctx: WriterContext, base: number): number {
  return Math.max(0, Math.round(base * ctx.scale));
}

const GZIP_OPTIONS: zlib.ZlibOptions = { level: 6, memLevel: 8, strategy: zlib.constants.Z_DEFAULT_STRATEGY };
const gzipAsync = promisify(zlib.gzip);

/**
 * gzip with fixed options: Node writes no file name and a zero mtime in the header, so the same text always
 * gives the same bytes. It runs on libuv's thread pool, so that files compress side by side and beside the writes.
 */
export function gzip(text: string): Promise<Buffer> {
  return gzipAsync(Buffer.from(text, 'utf8'), GZIP_OPTIONS);
}

/** Writes the files (a few at a time: most of the cost is waiting on the disk and zlib) and returns the bytes written. */
export async function writeDemoFiles(root: string, files: readonly DemoFile[]): Promise<number> {
  const targets = files.map((f) => path.join(root, ...f.path.split('/')));
  for (const dir of [...new Set(targets.map((t) => path.dirname(t)))].sort()) await fs.promises.mkdir(dir, { recursive: true });
  let bytes = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      const f = files[i];
      const data = f.gzip ? await gzip(f.content) : Buffer.from(f.content, 'utf8');
      bytes += data.length;
      await fs.promises.writeFile(targets[i], data);
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, files.length) }, worker));
  return bytes;
}

/** Newline-terminated JSON lines. */
export function ndjson(records: readonly unknown[]): string {
  let out = '';
  for (const r of records) out += `${JSON.stringify(r)}\n`;
  return out;
}
