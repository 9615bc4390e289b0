import { recordDamaged, type SourceStats } from '../../domain';

/** One record of a JSON list document: its value, or why it could not be parsed; `bytes` is the size of its text (or a bound on it). */
export type ListRecord = { where: string; value: unknown; bytes: number } | { where: string; error: string; bytes: number };

/** characters scanned between two turns of the event loop: a 50 MB document must not hold up the other sources */
const SCAN_SLICE = 4 * 1024 * 1024;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

type Step = 'done' | 'more' | 'eof' | 'bad';

/**
 * Finds where JSON values end without building them, so that a document can be split into its records and each
 * parsed on its own. Strings are skipped with `indexOf`, so records made mostly of strings scan fast. Resumable:
 * `skipValue` stops after about `SCAN_SLICE` characters and goes on where it stopped when called again.
 */
class Scanner {
  i = 0;
  private depth = 0;
  private inValue = false;

  constructor(readonly s: string) {
    if (s.charCodeAt(0) === 0xfeff) this.i = 1;
  }

  get atEnd(): boolean {
    return this.i >= this.s.length;
  }

  /** the character code at the scan position (NaN past the end) */
  at(): number {
    return this.s.charCodeAt(this.i);
  }

  ws(): void {
    const s = this.s;
    for (let c = s.charCodeAt(this.i); c === 32 || c === 10 || c === 13 || c === 9; c = s.charCodeAt(++this.i));
  }

  /** Skips the string starting at `i`; false when the text ends inside it. */
  private skipString(): boolean {
    const s = this.s;
    const open = this.i;
    for (let j = open + 1; ; ) {
      const q = s.indexOf('"', j);
      if (q < 0) {
        this.i = s.length;
        return false;
      }
      let slashes = 0;
      for (let k = q - 1; k > open && s.charCodeAt(k) === 92; k--) slashes++;
      if (slashes % 2 === 0) {
        this.i = q + 1;
        return true;
      }
      j = q + 1;
    }
  }

  /** Skips one value starting at `i` (whitespace already skipped). */
  skipValue(): Step {
    const s = this.s;
    const n = s.length;
    if (!this.inValue) {
      this.inValue = true;
      this.depth = 0;
    }
    const stop = this.i + SCAN_SLICE;
    while (this.i < n) {
      if (this.i > stop) return 'more';
      const c = s.charCodeAt(this.i);
      if (c === 34) {
        if (!this.skipString()) return this.end('eof');
        if (this.depth === 0) return this.end('done');
        continue;
      }
      if (c === 123 || c === 91) {
        this.depth += 1;
        this.i += 1;
        continue;
      }
      if (c === 125 || c === 93) {
        if (this.depth === 0) return this.end('bad');
        this.depth -= 1;
        this.i += 1;
        if (this.depth === 0) return this.end('done');
        continue;
      }
      if (this.depth === 0) {
        // a number, true, false or null: up to the next delimiter
        if (c === 44 || c === 58) return this.end('bad');
        let j = this.i;
        for (let d = s.charCodeAt(j); j < n && d !== 44 && d !== 93 && d !== 125 && d !== 32 && d !== 10 && d !== 13 && d !== 9; d = s.charCodeAt(++j));
        this.i = j;
        return this.end(j < n ? 'done' : 'eof');
      }
      this.i += 1;
    }
    return this.end('eof');
  }

  private end(step: Step): Step {
    this.inValue = false;
    return step;
  }
}

async function skip(sc: Scanner): Promise<Step> {
  for (;;) {
    const step = sc.skipValue();
    if (step !== 'more') return step;
    await yieldToLoop();
  }
}

/** Where the list document went wrong outside its records, if it did. */
type ListEnd = { ok: true } | { ok: false; damage: string } | { ok: false; notAList: string };

/**
 * The records of a JSON document that holds a list of them: the array itself, or the array under a top-level
 * `key` (`{"Records": [...]}`, `{"executions": [...]}`), in document order.
 *
 * A well-formed document is parsed at once. One that does not parse is read record by record, so that damage
 * costs only what it touches: every element that parses is returned, an element that does not is returned as
 * an error (the caller counts it malformed), and a document cut short, with garbage after its end, or broken
 * between records is recorded in `stats` as damaged under `where`. Returns false, having yielded nothing, when
 * the text is not such a list at all (no array, or no `key`).
 */
export async function* jsonList(text: string, where: string, stats: SourceStats, opts: { key?: string; maxRawBytes: number }): AsyncGenerator<ListRecord, boolean> {
  const label = (i: number) => (opts.key ? `${where} ${opts.key}[${i}]` : `${where}[${i}]`);
  // small enough that no record can be over the raw limit: one native parse, no scan
  if (text.length * 3 <= opts.maxRawBytes) {
    let whole: unknown;
    try {
      whole = JSON.parse(text);
    } catch {
      whole = undefined;
    }
    if (whole !== undefined) {
      const list = opts.key ? (whole !== null && typeof whole === 'object' && !Array.isArray(whole) ? (whole as Record<string, unknown>)[opts.key] : undefined) : whole;
      if (!Array.isArray(list)) return false;
      // the whole text bounds each record's
      for (let i = 0; i < list.length; i++) yield { where: label(i), value: list[i], bytes: text.length };
      return true;
    }
  }
  const sc = new Scanner(text);
  const end = yield* scanList(sc, label, opts.key);
  if (!end.ok && 'notAList' in end) return false;
  if (!end.ok) recordDamaged(stats, where, end.damage);
  return true;
}

async function* scanList(sc: Scanner, label: (i: number) => string, key: string | undefined): AsyncGenerator<ListRecord, ListEnd> {
  sc.ws();
  if (key !== undefined) {
    if (sc.at() !== 123) return { ok: false, notAList: `not a JSON object with "${key}"` };
    sc.i += 1;
    for (;;) {
      sc.ws();
      if (sc.atEnd) return { ok: false, notAList: `the document ends before "${key}"` };
      if (sc.at() === 125) return { ok: false, notAList: `no "${key}" in the document` };
      if (sc.at() !== 34) return { ok: false, notAList: `not a JSON object with "${key}"` };
      const keyStart = sc.i;
      if ((await skip(sc)) !== 'done') return { ok: false, notAList: `the document ends before "${key}"` };
      const name = safeParse(sc.s.slice(keyStart, sc.i));
      sc.ws();
      if (sc.at() !== 58) return { ok: false, notAList: `not a JSON object with "${key}"` };
      sc.i += 1;
      sc.ws();
      if (name === key && sc.at() === 91) break;
      const step = await skip(sc);
      if (step !== 'done') return { ok: false, notAList: `the document ends before "${key}"` };
      sc.ws();
      if (sc.at() === 44) sc.i += 1;
    }
  } else if (sc.at() !== 91) {
    return { ok: false, notAList: 'not a JSON array' };
  }
  // at '['
  sc.i += 1;
  for (let index = 0; ; index++) {
    sc.ws();
    if (sc.atEnd) return { ok: false, damage: `the document is cut short after ${index} record(s): every whole record before the cut was read` };
    if (sc.at() === 93) {
      sc.i += 1;
      break;
    }
    const start = sc.i;
    const step = await skip(sc);
    if (step === 'eof') return { ok: false, damage: `the document is cut short inside record ${index}: the ${index} whole record(s) before it were read` };
    if (step === 'bad') return { ok: false, damage: `the document is broken at character ${sc.i} (record ${index}); the ${index} record(s) before it were read` };
    const textOf = sc.s.slice(start, sc.i);
    const value = safeParse(textOf);
    yield value === BROKEN ? { where: label(index), error: 'not JSON', bytes: textOf.length } : { where: label(index), value, bytes: textOf.length };
    sc.ws();
    if (sc.atEnd) return { ok: false, damage: `the document is cut short after ${index + 1} record(s): every whole record before the cut was read` };
    if (sc.at() === 44) {
      sc.i += 1;
      continue;
    }
    if (sc.at() === 93) {
      sc.i += 1;
      break;
    }
    return { ok: false, damage: `the document is broken at character ${sc.i}, after record ${index}; the ${index + 1} record(s) before it were read` };
  }
  // the rest of the enclosing object, then nothing but whitespace
  if (key !== undefined) {
    for (;;) {
      sc.ws();
      if (sc.at() === 125) {
        sc.i += 1;
        break;
      }
      if (sc.at() === 44) {
        sc.i += 1;
        sc.ws();
        if ((await skip(sc)) !== 'done') return { ok: false, damage: 'the document is cut short after its records (every record was read)' };
        sc.ws();
        if (sc.at() !== 58) return { ok: false, damage: `the document is broken at character ${sc.i}, after its records (every record was read)` };
        sc.i += 1;
        sc.ws();
        if ((await skip(sc)) !== 'done') return { ok: false, damage: 'the document is cut short after its records (every record was read)' };
        continue;
      }
      return sc.atEnd
        ? { ok: false, damage: 'the document is cut short after its records (every record was read)' }
        : { ok: false, damage: `the document is broken at character ${sc.i}, after its records (every record was read)` };
    }
  }
  sc.ws();
  if (!sc.atEnd) return { ok: false, damage: `${sc.s.length - sc.i} character(s) after the end of the document are not JSON (garbage appended); every record was read` };
  return { ok: true };
}

const BROKEN = Symbol('broken');

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return BROKEN;
  }
}
