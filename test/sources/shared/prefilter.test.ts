import fc from 'fast-check';
import { decodeEscapes, prefilterFor, searchable } from '../../../src/sources/shared/prefilter';

/** A JSON string literal of `s` with every `every`-th character written as `\uXXXX` (and some `/` as `\/`), as other writers do. */
function escapedString(s: string, every: number): string {
  let i = 0;
  return JSON.stringify(s).slice(1, -1).replace(/\\u[0-9a-f]{4}|\\.|[^\\]/g, (c) => {
    i += 1;
    if (c.length > 1 || i % every !== 0) return c;
    return c === '/' && i % 2 === 0 ? '\\/' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }).replace(/^/, '"').replace(/$/, '"');
}

/** JSON text of an object whose string values are written by `escapedString`. */
function escapedJson(value: unknown, every: number): string {
  if (typeof value === 'string') return escapedString(value, every);
  if (Array.isArray(value)) return `[${value.map((v) => escapedJson(v, every)).join(',')}]`;
  if (value && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${escapedJson(v, every)}`).join(',')}}`;
  return JSON.stringify(value);
}

describe('decodeEscapes', () => {
  it('reads every string of a JSON text as JSON.parse does, whatever is escaped', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 5 }), fc.integer({ min: 1, max: 7 }), (strings, every) => {
        const text = escapedJson(strings, every);
        const decoded = decodeEscapes(text);
        for (const s of JSON.parse(text) as string[]) expect(decoded).toContain(s);
      }),
    );
  });

  it('leaves an escaped backslash before a u as two characters, not an escape', () => {
    expect(decodeEscapes(JSON.stringify('\\u0041x'))).toBe('"\\u0041x"');
  });
});

describe('prefilterFor', () => {
  const printable = fc.string({ unit: fc.constantFrom(...'abcXYZ09@.:-_/ '.split('')), minLength: 1, maxLength: 12 });

  it('never says a record cannot match when one of its strings equals a value (any case, any escapes)', () => {
    fc.assert(
      fc.property(printable, fc.boolean(), fc.integer({ min: 1, max: 5 }), fc.array(printable, { maxLength: 3 }), (name, upper, every, others) => {
        const stored = upper ? name.toUpperCase() : name;
        const text = escapedJson({ user: { username: stored }, other: others }, every);
        const p = prefilterFor({ identity: [...others.map((o) => `${o}!`), name.toLowerCase()] }, ['identity']);
        expect(p?.mayMatch(text)).toBe(true);
      }),
    );
  });

  it('finds a run by its execution name whatever form the value takes', () => {
    const p = prefilterFor({ runId: ['ml/production/fz3k9q2m1x'] }, ['runId'])!;
    expect(p.mayMatch('{"labels":{"execution-id":"fz3k9q2m1x"}}')).toBe(true);
    expect(p.mayMatch('{"labels":{"execution-id":"a8f2k1m9q0"}}')).toBe(false);
  });

  it('skips a record only when a searched field holds none of its values, every field being required', () => {
    const p = prefilterFor({ identity: ['alice@example.com', 'arn:aws:iam::1:user/alice'], sourceIp: ['10.0.0.5'] }, ['identity', 'sourceIp'])!;
    expect(p.mayMatch('{"u":"ALICE@example.com","ip":"10.0.0.5"}')).toBe(true);
    expect(p.mayMatch('{"u":"arn:aws:iam::1:user\\/alice","ip":"10.0.0.5"}')).toBe(true);
    expect(p.mayMatch('{"u":"alice@example.com","ip":"10.0.0.6"}')).toBe(false);
    expect(p.mayMatch('{"u":"bob@example.com","ip":"10.0.0.5"}')).toBe(false);
  });

  it('does not search for what lower-casing or escapes could hide, nor for fields the source did not declare', () => {
    // a non-ASCII value, a quote, a backslash: the field gives no needle, so nothing is skipped by it
    expect(prefilterFor({ identity: ['ålice@example.com'] }, ['identity'])).toBeUndefined();
    expect(prefilterFor({ identity: ['a"b'] }, ['identity'])).toBeUndefined();
    expect(prefilterFor({ identity: ['alice', 'a\\b'] }, ['identity'])).toBeUndefined();
    expect(prefilterFor({ action: ['pods.get'] }, ['identity', 'sourceIp', 'runId'])).toBeUndefined();
    expect(prefilterFor({ runId: ['ml/production/'] }, ['runId'])).toBeUndefined();
    // one usable field still prefilters
    expect(prefilterFor({ identity: ['ålice'], sourceIp: ['10.0.0.5'] }, ['identity', 'sourceIp'])?.describe).toBe('sourceIp: "10.0.0.5"');
  });

  it('searches the text after decoding its escapes', () => {
    expect(searchable('{"a":"X\\u0040Y\\/Z"}')).toBe('{"a":"X@Y/Z"}');
  });

  it('agrees with the engine\'s lower-casing for every character that lower-cases to ASCII (the Kelvin sign too)', () => {
    // every UTF-16 unit whose lower case is one ASCII character can stand in a name that matches an ASCII value
    for (let code = 0; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const c = String.fromCharCode(code);
      const lower = c.toLowerCase();
      if (lower.length !== 1 || lower.charCodeAt(0) > 0x7e || lower.charCodeAt(0) < 0x20 || lower === '"' || lower === '\\') continue;
      const p = prefilterFor({ identity: [`a${lower}b`] }, ['identity'])!;
      expect([c, p.mayMatch(`{"u":"a${c}b"}`)]).toEqual([c, true]);
    }
    expect(prefilterFor({ identity: ['kate'] }, ['identity'])!.mayMatch('{"u":"\u212Aate"}')).toBe(true);
    expect(prefilterFor({ identity: ['a-b/c.d+e'] }, ['identity'])!.mayMatch('{"u":"A-B\\/C.D+E"}')).toBe(true);
    expect(prefilterFor({ identity: ['a-b/c.d+e'] }, ['identity'])!.mayMatch('{"u":"A-B/CxD+E"}')).toBe(false);
  });
});
