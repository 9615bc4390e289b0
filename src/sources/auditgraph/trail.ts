import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The `prev` of the very first line of a trail: no line came before it. */
export const GENESIS = '0'.repeat(64);

/** sha256 (hex) of one line as written, without its newline: the next line's `prev`. */
export function lineHash(line: string): string {
  return createHash('sha256').update(line, 'utf8').digest('hex');
}

const ROTATED = /^\.(\d{6,})$/;

/**
 * The trail's files, oldest first: the rotated ones (`<path>.000001`, `<path>.000002`, ...; numbers only grow, so
 * a rotation never renames an older file) and then `<path>` itself, the one being written.
 */
export function trailFiles(file: string): { rotated: { file: string; seq: number }[]; current: string } {
  const dir = path.dirname(file);
  const base = path.basename(file);
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const rotated = names
    .filter((n) => n.startsWith(base) && ROTATED.test(n.slice(base.length)))
    .map((n) => ({ file: path.join(dir, n), seq: Number(ROTATED.exec(n.slice(base.length))![1]) }))
    .sort((a, b) => a.seq - b.seq);
  return { rotated, current: file };
}

/** The files to read in order, the current one only when it exists. */
export function trailFilesInOrder(file: string): string[] {
  const { rotated, current } = trailFiles(file);
  return [...rotated.map((r) => r.file), ...(fs.existsSync(current) ? [current] : [])];
}

/** The file name a rotation moves the current file to. */
export function rotatedName(file: string, seq: number): string {
  return `${file}.${String(seq).padStart(6, '0')}`;
}

/**
 * The last line of a file (without its newline), or undefined when the file is absent or empty. `partial` is set
 * when the file does not end with a newline: a write was cut (a crash, a full disk).
 */
export function lastLine(file: string): { line: string; partial: boolean } | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) return undefined;
    // read backwards in growing chunks until the newline before the last line is in view
    for (let chunk = 64 * 1024; ; chunk *= 4) {
      const start = Math.max(0, size - chunk);
      const buf = Buffer.alloc(size - start);
      fs.readSync(fd, buf, 0, buf.length, start);
      const text = buf.toString('utf8');
      const partial = !text.endsWith('\n');
      const body = partial ? text : text.slice(0, -1);
      const nl = body.lastIndexOf('\n');
      if (nl >= 0 || start === 0) return { line: body.slice(nl + 1), partial };
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** The `time` of an access-log line (epoch ms), undefined when the line has none that parses. */
export function timeOfLine(line: string): number | undefined {
  try {
    const t = Date.parse((JSON.parse(line) as { time?: unknown }).time as string);
    return Number.isNaN(t) ? undefined : t;
  } catch {
    return undefined;
  }
}
