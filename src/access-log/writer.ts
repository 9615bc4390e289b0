import * as fs from 'node:fs';
import * as path from 'node:path';
import { GENESIS, lastLine, lineHash, rotatedName, timeOfLine, trailFiles } from './chain';

/**
 * Appends records to a hash-chained NDJSON trail: each line carries `prev`, the sha256 of the line before it (across
 * rotated files and restarts), so that an edited, deleted or reordered line breaks the chain (`verifyTrail`).
 * Lines are written synchronously, whole, with `O_APPEND`: once `append` returns the line is the kernel's, so a
 * graceful shutdown (or a crash of the process) loses none. When the next line would take the file past
 * `maxBytes` it is renamed to `<path>.<n>` (n one above the newest) and a new file begun.
 */
export class TrailWriter {
  private fd: number;
  private size: number;
  private prev: string;
  private nextSeq: number;
  private closed = false;
  /** lines written since it opened */
  written = 0;
  /** the time of the last line (epoch ms): the trail's times never go back, whatever the clock does */
  private lastTime = 0;

  constructor(
    readonly file: string,
    readonly maxBytes: number,
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const { rotated } = trailFiles(file);
    this.nextSeq = (rotated.at(-1)?.seq ?? 0) + 1;
    const last = lastLine(file) ?? (rotated.length ? lastLine(rotated.at(-1)!.file) : undefined);
    if (last?.partial) {
      throw new Error(`the access log ${file} ends with a cut line (a write did not finish): check it with verify-log and move it aside before starting`);
    }
    this.prev = last ? lineHash(last.line) : GENESIS;
    if (last) this.lastTime = timeOfLine(last.line) ?? 0;
    this.fd = fs.openSync(file, 'a', 0o600);
    this.size = fs.fstatSync(this.fd).size;
  }

  /** the sha256 of the last line written (the next line's `prev`) */
  get head(): string {
    return this.prev;
  }

  /**
   * The time for the next line, ISO 8601: now, or the last line's time when the clock has gone back since (so a
   * reader can rely on the trail being in time order, across rotations and restarts).
   */
  stamp(now = Date.now()): string {
    this.lastTime = Math.max(now, this.lastTime);
    return new Date(this.lastTime).toISOString();
  }

  /** Writes one record as a line with its `prev` link; returns the line's own hash. */
  append(record: Record<string, unknown>): string {
    if (this.closed) throw new Error(`the access log ${this.file} is closed`);
    const line = JSON.stringify({ ...record, prev: this.prev });
    const bytes = Buffer.from(`${line}\n`, 'utf8');
    if (this.size > 0 && this.size + bytes.length > this.maxBytes) this.rotate();
    let off = 0;
    while (off < bytes.length) off += fs.writeSync(this.fd, bytes, off);
    this.size += bytes.length;
    this.prev = lineHash(line);
    this.written++;
    return this.prev;
  }

  private rotate(): void {
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    fs.renameSync(this.file, rotatedName(this.file, this.nextSeq++));
    this.fd = fs.openSync(this.file, 'a', 0o600);
    this.size = 0;
  }

  /** Flushes to disk and closes; later appends throw. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
  }
}

