/**
 * The SCIM filter subset the fake Okta evaluates (RFC 7644 §3.4.2.2): attribute paths with eq, ne, co, sw, ew,
 * gt, ge, lt, le, pr; `and`, `or`, `not (…)` and parentheses; JSON string, number, boolean and null values.
 * String values compare with case, as Okta documents for its filters ("the attribute and operator values must be
 * identical for a match"; attribute names are case-sensitive, operators are not): the RFC's case-insensitive
 * default does not hold here. Only the keyword search `q` ignores case (`matchesKeywords`).
 */

type Token = { kind: 'lparen' | 'rparen' } | { kind: 'word'; text: string } | { kind: 'value'; value: string | number | boolean | null };

export class ScimSyntaxError extends Error {}

const OPERATORS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr'] as const;
type Operator = (typeof OPERATORS)[number];

export type ScimNode =
  | { kind: 'and' | 'or'; left: ScimNode; right: ScimNode }
  | { kind: 'not'; inner: ScimNode }
  | { kind: 'compare'; path: string; op: Operator; value?: string | number | boolean | null };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(') {
      tokens.push({ kind: 'lparen' });
      i++;
    } else if (c === ')') {
      tokens.push({ kind: 'rparen' });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) throw new ScimSyntaxError(`Unterminated string at position ${i}`);
      tokens.push({ kind: 'value', value: JSON.parse(src.slice(i, j + 1)) as string });
      i = j + 1;
    } else {
      let j = i;
      while (j < src.length && !/[\s()"]/.test(src[j])) j++;
      const text = src.slice(i, j);
      if (/^-?\d+(\.\d+)?$/.test(text)) tokens.push({ kind: 'value', value: Number(text) });
      else if (text === 'true' || text === 'false') tokens.push({ kind: 'value', value: text === 'true' });
      else if (text === 'null') tokens.push({ kind: 'value', value: null });
      else tokens.push({ kind: 'word', text });
      i = j;
    }
  }
  return tokens;
}

export function parseScim(src: string): ScimNode {
  const tokens = tokenize(src);
  let pos = 0;
  const peekWord = (w: string) => {
    const t = tokens[pos];
    return t?.kind === 'word' && t.text.toLowerCase() === w;
  };
  function expr(): ScimNode {
    let left = conj();
    while (peekWord('or')) {
      pos++;
      left = { kind: 'or', left, right: conj() };
    }
    return left;
  }
  function conj(): ScimNode {
    let left = unary();
    while (peekWord('and')) {
      pos++;
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  }
  function group(): ScimNode {
    if (tokens[pos]?.kind !== 'lparen') throw new ScimSyntaxError(`Expected '(' at token ${pos}`);
    pos++;
    const inner = expr();
    if (tokens[pos]?.kind !== 'rparen') throw new ScimSyntaxError(`Expected ')' at token ${pos}`);
    pos++;
    return inner;
  }
  function unary(): ScimNode {
    if (peekWord('not')) {
      pos++;
      return { kind: 'not', inner: group() };
    }
    if (tokens[pos]?.kind === 'lparen') return group();
    const attr = tokens[pos];
    if (attr?.kind !== 'word') throw new ScimSyntaxError(`Expected an attribute at token ${pos}`);
    pos++;
    const opTok = tokens[pos];
    const op = opTok?.kind === 'word' ? opTok.text.toLowerCase() : '';
    if (!(OPERATORS as readonly string[]).includes(op)) {
      throw new ScimSyntaxError(`Unrecognized attribute operator '${opTok?.kind === 'word' ? opTok.text : '?'}' at token ${pos}. Expected: ${OPERATORS.join(',')}`);
    }
    pos++;
    if (op === 'pr') return { kind: 'compare', path: attr.text, op: 'pr' };
    const v = tokens[pos];
    if (v?.kind !== 'value') throw new ScimSyntaxError(`Expected a value at token ${pos}`);
    pos++;
    return { kind: 'compare', path: attr.text, op: op as Operator, value: v.value };
  }
  const node = expr();
  if (pos !== tokens.length) throw new ScimSyntaxError(`Unexpected token at ${pos}`);
  return node;
}

/** Every value at a dotted path; arrays on the way (such as `target`) are multi-valued. */
function valuesAt(obj: unknown, path: string[]): unknown[] {
  if (path.length === 0) return Array.isArray(obj) ? obj : [obj];
  if (Array.isArray(obj)) return obj.flatMap((o) => valuesAt(o, path));
  if (obj === null || typeof obj !== 'object') return [];
  return valuesAt((obj as Record<string, unknown>)[path[0]], path.slice(1));
}

function compare(actual: unknown, op: Operator, expected: string | number | boolean | null | undefined): boolean {
  if (op === 'pr') return actual !== undefined && actual !== null;
  if (typeof actual === 'string' && typeof expected === 'string') {
    const a = actual;
    const e = expected;
    switch (op) {
      case 'eq': return a === e;
      case 'ne': return a !== e;
      case 'co': return a.includes(e);
      case 'sw': return a.startsWith(e);
      case 'ew': return a.endsWith(e);
      case 'gt': return a > e;
      case 'ge': return a >= e;
      case 'lt': return a < e;
      case 'le': return a <= e;
    }
  }
  if (op === 'eq') return actual === expected;
  if (op === 'ne') return actual !== expected;
  if (typeof actual === 'number' && typeof expected === 'number') {
    return op === 'gt' ? actual > expected : op === 'ge' ? actual >= expected : op === 'lt' ? actual < expected : op === 'le' ? actual <= expected : false;
  }
  return false;
}

export function matchesScim(node: ScimNode, record: unknown): boolean {
  switch (node.kind) {
    case 'and': return matchesScim(node.left, record) && matchesScim(node.right, record);
    case 'or': return matchesScim(node.left, record) || matchesScim(node.right, record);
    case 'not': return !matchesScim(node.inner, record);
    case 'compare': {
      const values = valuesAt(record, node.path.split('.'));
      if (node.op === 'ne') return values.every((v) => compare(v, 'ne', node.value));
      return values.some((v) => compare(v, node.op, node.value));
    }
  }
}

/** Attribute paths a filter names, to refuse the ones Okta refuses (`published`). */
export function pathsOf(node: ScimNode): string[] {
  switch (node.kind) {
    case 'and':
    case 'or': return [...pathsOf(node.left), ...pathsOf(node.right)];
    case 'not': return pathsOf(node.inner);
    case 'compare': return [node.path];
  }
}

/** Every string value anywhere in a record. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}

export class KeywordError extends Error {}

/**
 * The System Log's keyword search `q` as Okta documents it: keywords separated by spaces (at most 10, each at most
 * 40 characters) must all match an attribute value exactly, without case; a value is also matched by its words and,
 * when it holds hyphens, by its hyphen-separated parts.
 */
export function matchesKeywords(q: string, record: unknown): boolean {
  const keywords = q.split(/\s+/).filter(Boolean);
  if (keywords.length > 10) throw new KeywordError('at most 10 keywords');
  const long = keywords.find((k) => k.length > 40);
  if (long) throw new KeywordError(`keyword '${long}' is longer than 40 characters`);
  const candidates = new Set<string>();
  for (const value of stringsOf(record)) {
    for (const word of [value, ...value.split(/\s+/)]) {
      for (const part of [word, ...word.split('-')]) if (part) candidates.add(part.toLowerCase());
    }
  }
  return keywords.every((k) => candidates.has(k.toLowerCase()));
}
