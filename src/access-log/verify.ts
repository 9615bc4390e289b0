import * as fs from 'node:fs';
import { GENESIS, lineHash, trailFilesInOrder } from './chain';

export interface TrailBreak {
  file: string;
  /** 1-based line number in `file` */
  line: number;
  reason: string;
}

export interface TrailVerification {
  ok: boolean;
  /** the files read, oldest first */
  files: string[];
  lines: number;
  /**
   * the sha256 of the last line: the chain cannot show an edited or removed last line, so compare this with the
   * head the server logged when it stopped (or a copy kept elsewhere)
   */
  head?: string;
  /** the first broken link, when there is one */
  broken?: TrailBreak;
  /** the first line links to a line no longer present (older rotated files removed): only with `allowMissingStart` */
  startsAfter?: string;
}

/**
 * Walks the trail at `file` (its rotated files oldest first, then `file`) and checks every link: each line must be
 * JSON whose `prev` is the sha256 of the line before it, the very first line's `prev` the genesis value (unless
 * `allowMissingStart`, for a trail whose oldest files were removed on purpose). Reports the first break.
 * An edited or deleted last line leaves no broken link: compare `head` with the one logged elsewhere.
 */
export function verifyTrail(file: string, opts: { allowMissingStart?: boolean } = {}): TrailVerification {
  const files = trailFilesInOrder(file);
  let prev: string | undefined;
  let lines = 0;
  let startsAfter: string | undefined;
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    if (text === '') continue;
    const rows = text.split('\n');
    const partial = rows.pop() !== '';
    for (let i = 0; i < rows.length; i++) {
      const at = { file: f, line: i + 1 };
      const row = rows[i]!;
      let link: unknown;
      try {
        link = (JSON.parse(row) as { prev?: unknown }).prev;
      } catch {
        return { ok: false, files, lines, broken: { ...at, reason: 'not a JSON line' } };
      }
      if (typeof link !== 'string') return { ok: false, files, lines, broken: { ...at, reason: 'no prev link' } };
      if (prev === undefined) {
        if (link !== GENESIS) {
          if (!opts.allowMissingStart) return { ok: false, files, lines, broken: { ...at, reason: 'the first line links to a line that is not there (lines or files before it removed)' } };
          startsAfter = link;
        }
      } else if (link !== prev) {
        return { ok: false, files, lines, broken: { ...at, reason: 'prev does not match the line before it (a line edited, removed or moved)' } };
      }
      prev = lineHash(row);
      lines++;
    }
    if (partial) return { ok: false, files, lines, broken: { file: f, line: rows.length + 1, reason: 'a cut line (no newline at the end)' } };
  }
  return { ok: true, files, lines, ...(prev ? { head: prev } : {}), ...(startsAfter ? { startsAfter } : {}) };
}
