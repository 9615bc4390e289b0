import type { EventFilterField, PushedFilter } from '../../domain';

/**
 * A byte prefilter for archive records: the strings a record's text must contain for its event to be able to match
 * the filter the engine checks on it, so that a record containing none of them is skipped before it is parsed and
 * normalized. It must never skip a record that could match:
 *
 * - Only fields whose values the source's normalizer copies from the record's JSON strings unchanged (it declares
 *   them) give needles: an identity's aliases, a source IP, a run's execution name.
 * - The engine compares identities without regard to case (src/query/match.ts): the text is searched without
 *   regard to case too (see `searchable`). A needle that is not printable ASCII, or holds a quote or a backslash, is not used
 *   (its field then skips nothing): lower-casing and JSON escapes are only simple for those.
 * - JSON may write any character as `\uXXXX` and `/` as `\/`: a text holding either is decoded before it is
 *   searched. Other escapes (`\"`, `\\`, `\n`…) only stand for characters no needle holds.
 *
 * Each field is one group of alternatives (any of its needles will do); a record must satisfy every group.
 */
export interface Prefilter {
  /** false only when the text cannot hold a record that matches */
  mayMatch(text: string): boolean;
  /**
   * The same for a record already parsed, given every string the fields the filter reads are made from (decoded
   * values, so no escapes): false only when none of them can hold a value of some field.
   */
  mayMatchStrings(strings: readonly string[]): boolean;
  /** for `explain`: what is looked for */
  readonly describe: string;
}

/** How one filter field's values become the strings a matching record's text must contain. */
type NeedleRule = (value: string) => string | undefined;

const RULES: Partial<Record<EventFilterField, NeedleRule>> = {
  // an event matches when one of its actor's names equals the value (lower-cased)
  identity: (v) => v,
  // an event matches when its source IP is the value
  sourceIp: (v) => v,
  // `project/domain/name` and a bare `name` match each other: the execution name is what any form holds
  runId: (v) => v.slice(v.lastIndexOf('/') + 1),
};

export type PrefilterField = 'identity' | 'sourceIp' | 'runId';

const SAFE = /^[\x20-\x7e]+$/;

function usable(needle: string | undefined): needle is string {
  return needle !== undefined && needle !== '' && SAFE.test(needle) && !needle.includes('"') && !needle.includes('\\');
}

/**
 * The prefilter for `filter` over the fields a source's records hold literally, or undefined when none of the
 * filter's fields gives needles (every record must then be read). `madeUpNames` are the actor names the source's
 * normalizer writes when a record names nobody (lower-cased): an identity filter asking for one skips nothing.
 */
export function prefilterFor(
  filter: PushedFilter | undefined,
  literal: readonly PrefilterField[],
  madeUpNames: readonly string[] | ((lowerCased: string) => boolean) = [],
): Prefilter | undefined {
  const madeUp = typeof madeUpNames === 'function' ? madeUpNames : (v: string) => madeUpNames.includes(v);
  if (!filter) return undefined;
  const groups: { field: string; needles: string[] }[] = [];
  for (const field of literal) {
    const values = filter[field];
    if (!values?.length) continue;
    // a name the normalizer gives an actor the record does not name (`unknown`) is in no record's text
    if (field === 'identity' && values.some((v) => madeUp(v.toLowerCase()))) continue;
    const needles = values.map(RULES[field]!);
    // one value that cannot be searched for makes the whole field unusable: its records could match by it
    if (!needles.every(usable)) continue;
    groups.push({ field, needles: [...new Set(needles.map((n) => n.toLowerCase()))] });
  }
  if (groups.length === 0) return undefined;
  const patterns = groups.map((g) => new RegExp(g.needles.map(escapeRegExp).join('|'), 'iu'));
  return {
    describe: groups.map((g) => `${g.field}: ${g.needles.length === 1 ? JSON.stringify(g.needles[0]) : `one of ${g.needles.length} strings`}`).join('; '),
    mayMatch(text: string): boolean {
      const hay = searchable(text);
      for (const p of patterns) if (!p.test(hay)) return false;
      return true;
    },
    mayMatchStrings(strings: readonly string[]): boolean {
      // a string may hold JSON of its own (claims copied as text): its escapes are read too
      for (const p of patterns) if (!strings.some((v) => p.test(v) || (v.includes('\\') && p.test(decodeEscapes(v))))) return false;
      return true;
    },
  };
}

/** One archive source's declaration for the prefilter: what its records hold literally, and what it skips. */
export interface PrefilterSpec {
  /** the filter fields its normalizer copies from the record's strings unchanged (or as parts of them) */
  fields: readonly PrefilterField[];
  /** the actor names its normalizer makes up (lower-cased): asking for one skips nothing */
  madeUpNames: readonly string[] | ((lowerCased: string) => boolean);
  /** what is skipped, for `explain`, up to `none of these`: `a line that holds`, `a record whose caller and identity hold` */
  skips: string;
  /** when: before the record is parsed, or parsed but before it is normalized */
  stage: 'unparsed' | 'before it is normalized';
}

/** The prefilter a source declared by `spec` applies to a query (undefined: it reads every record). */
export function prefilterOf(spec: PrefilterSpec, query: { prefilter?: PushedFilter }): Prefilter | undefined {
  return prefilterFor(query.prefilter, spec.fields, spec.madeUpNames);
}

/** What `explain` says of it: nothing when the query gives it nothing to look for. */
export function prefilterNotes(spec: PrefilterSpec, query: { prefilter?: PushedFilter }): string[] {
  const prefilter = prefilterOf(spec, query);
  if (!prefilter) return [];
  const how = spec.stage === 'unparsed' ? ' (without regard to case, JSON escapes decoded)' : '';
  return [`prefilter: ${spec.skips} none of these${how}: skipped ${spec.stage}, counted as prefiltered: ${prefilter.describe}`];
}

/** Every string inside `values` (objects and arrays walked), for `Prefilter.mayMatchStrings`. */
export function stringsOf(...values: unknown[]): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  values.forEach(walk);
  return out;
}

/**
 * The text as its JSON strings read: escapes that can stand for a needle's characters decoded. It is searched
 * without regard to case by a `/iu` pattern (Unicode simple case folding), which finds an ASCII needle wherever
 * the engine's lower-casing would: the only characters `toLowerCase` turns into ASCII are A-Z and the Kelvin sign
 * (U+212A, to `k`), and case folding folds them the same way. It does so without copying the text lower-cased.
 */
export function searchable(text: string): string {
  return text.includes('\\u') || text.includes('\\/') ? decodeEscapes(text) : text;
}

/** `s` as a pattern that matches it literally (a `u` pattern allows escapes of syntax characters only). */
function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Every JSON escape of `text` replaced by the character it stands for. Outside strings JSON has no backslashes, so
 * this reads each string value as `JSON.parse` would (an invalid escape is left as it is: the line is malformed
 * and is parsed, and counted, if it gets that far).
 */
export function decodeEscapes(text: string): string {
  let out = '';
  let from = 0;
  for (let i = text.indexOf('\\'); i >= 0 && i < text.length - 1; i = text.indexOf('\\', from)) {
    out += text.slice(from, i);
    const c = text[i + 1];
    if (c === 'u') {
      const hex = text.slice(i + 2, i + 6);
      if (/^[0-9a-fA-F]{4}$/.test(hex)) {
        out += String.fromCharCode(parseInt(hex, 16));
        from = i + 6;
        continue;
      }
      out += '\\u';
    } else {
      out += SIMPLE[c] ?? `\\${c}`;
    }
    from = i + 2;
  }
  return out + text.slice(from);
}

const SIMPLE: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
