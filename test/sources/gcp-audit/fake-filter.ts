import type { Json, JsonObject } from './fixtures';

/**
 * The part of the Logging query language the fake Cloud Logging applies: comparisons (`=`, `!=`, `:`, `<`,
 * `<=`, `>`, `>=`, and the regular expression matches `=~`, `!~`) of a field path with a value or a parenthesized
 * `OR` of values, combined with AND, OR, NOT and parentheses. As upstream: string comparisons ignore case, `:` means
 * "contains", regular expressions (RE2; run here as JavaScript's, which agree on what auditgraph sends) are
 * case-sensitive unless they start with `(?i)`, a path through a repeated field matches when any element does, and
 * a comparison on a missing field is false.
 * Anything else is a syntax error, reported like the service does (INVALID_ARGUMENT, "Unparseable filter").
 */

export class FilterSyntaxError extends Error {}

type Token = { kind: 'str'; value: string } | { kind: 'word'; value: string } | { kind: 'op'; value: string } | { kind: 'paren'; value: '(' | ')' };

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < filter.length) {
    const c = filter[i];
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '"') {
      let value = '';
      i += 1;
      while (i < filter.length && filter[i] !== '"') {
        if (filter[i] === '\\') {
          i += 1;
          if (i >= filter.length) throw new FilterSyntaxError('unterminated escape');
        }
        value += filter[i];
        i += 1;
      }
      if (filter[i] !== '"') throw new FilterSyntaxError(`unterminated string at column ${i}`);
      i += 1;
      tokens.push({ kind: 'str', value });
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: 'paren', value: c });
      i += 1;
    } else if ('=:<>!'.includes(c)) {
      const two = filter.slice(i, i + 2);
      if (['>=', '<=', '!=', '=~', '!~'].includes(two)) {
        tokens.push({ kind: 'op', value: two });
        i += 2;
      } else if (c === '!') {
        throw new FilterSyntaxError(`unexpected '!' at column ${i + 1}`);
      } else {
        tokens.push({ kind: 'op', value: c });
        i += 1;
      }
    } else {
      const m = /^[A-Za-z0-9_.@%\-+]+/.exec(filter.slice(i));
      if (!m) throw new FilterSyntaxError(`syntax error at column ${i + 1}, token '${c}'`);
      tokens.push({ kind: 'word', value: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

type Node =
  | { type: 'and' | 'or'; items: Node[] }
  | { type: 'not'; item: Node }
  | { type: 'cmp'; field: string; op: string; values: string[] };

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.or();
    if (this.at < this.tokens.length) throw new FilterSyntaxError(`unexpected '${this.tokens[this.at].value}'`);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private isWord(value: string): boolean {
    const t = this.peek();
    return t?.kind === 'word' && t.value === value;
  }

  private or(): Node {
    const items = [this.and()];
    while (this.isWord('OR')) {
      this.at += 1;
      items.push(this.and());
    }
    return items.length === 1 ? items[0] : { type: 'or', items };
  }

  private and(): Node {
    const items = [this.unary()];
    while (this.isWord('AND')) {
      this.at += 1;
      items.push(this.unary());
    }
    return items.length === 1 ? items[0] : { type: 'and', items };
  }

  private unary(): Node {
    if (this.isWord('NOT')) {
      this.at += 1;
      return { type: 'not', item: this.unary() };
    }
    const t = this.peek();
    if (t?.kind === 'paren' && t.value === '(') {
      this.at += 1;
      const node = this.or();
      this.expectClose();
      return node;
    }
    if (t?.kind !== 'word') throw new FilterSyntaxError(`expected a field, got '${t?.value ?? 'end of filter'}'`);
    this.at += 1;
    const op = this.peek();
    if (op?.kind !== 'op') throw new FilterSyntaxError(`expected an operator after ${t.value}`);
    this.at += 1;
    return { type: 'cmp', field: t.value, op: op.value, values: this.values() };
  }

  private values(): string[] {
    const t = this.peek();
    if (t?.kind === 'paren' && t.value === '(') {
      this.at += 1;
      const values = [this.value()];
      while (this.isWord('OR')) {
        this.at += 1;
        values.push(this.value());
      }
      this.expectClose();
      return values;
    }
    return [this.value()];
  }

  private value(): string {
    const t = this.peek();
    if (t?.kind !== 'str' && t?.kind !== 'word') throw new FilterSyntaxError(`expected a value, got '${t?.value ?? 'end of filter'}'`);
    this.at += 1;
    return t.value;
  }

  private expectClose(): void {
    const t = this.peek();
    if (t?.kind !== 'paren' || t.value !== ')') throw new FilterSyntaxError(`expected ')', got '${t?.value ?? 'end of filter'}'`);
    this.at += 1;
  }
}

/** Every value a dotted path reaches, descending through arrays (repeated fields). */
function valuesAt(entry: Json, path: string[]): Json[] {
  if (path.length === 0) return Array.isArray(entry) ? entry : [entry];
  if (Array.isArray(entry)) return entry.flatMap((e) => valuesAt(e, path));
  if (entry === null || typeof entry !== 'object') return [];
  const next = (entry as JsonObject)[path[0]];
  return next === undefined ? [] : valuesAt(next, path.slice(1));
}

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/;

/** A sortable key for an RFC 3339 UTC time with up to nanoseconds, or undefined. */
export function timeKey(s: string): string | undefined {
  const m = RFC3339.exec(s);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}` : undefined;
}

/** An RE2 pattern as a JavaScript RegExp: a leading `(?i)` becomes the `i` flag (JavaScript has no inline flags). */
function regexOf(pattern: string): RegExp {
  try {
    return pattern.startsWith('(?i)') ? new RegExp(pattern.slice(4), 'i') : new RegExp(pattern);
  } catch (err) {
    throw new FilterSyntaxError(`invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`);
  }
}

function compareOne(actual: Json, op: string, expected: string): boolean {
  if (actual === null || typeof actual === 'object') return op === ':' && expected === '*';
  if (op === '=~' || op === '!~') return regexOf(expected).test(String(actual)) === (op === '=~');
  if (op === ':') return expected === '*' || String(actual).toLowerCase().includes(expected.toLowerCase());
  if (op === '=' || op === '!=') {
    const equal = typeof actual === 'number' ? actual === Number(expected) : String(actual).toLowerCase() === expected.toLowerCase();
    return op === '=' ? equal : !equal;
  }
  let cmp: number;
  const a = typeof actual === 'string' ? timeKey(actual) : undefined;
  const b = timeKey(expected);
  if (a !== undefined && b !== undefined) cmp = a < b ? -1 : a > b ? 1 : 0;
  else if (typeof actual === 'number' || !Number.isNaN(Number(actual))) cmp = Number(actual) - Number(expected);
  else cmp = String(actual) < expected ? -1 : String(actual) > expected ? 1 : 0;
  return op === '<' ? cmp < 0 : op === '<=' ? cmp <= 0 : op === '>' ? cmp > 0 : cmp >= 0;
}

function evaluate(node: Node, entry: JsonObject): boolean {
  switch (node.type) {
    case 'and':
      return node.items.every((n) => evaluate(n, entry));
    case 'or':
      return node.items.some((n) => evaluate(n, entry));
    case 'not':
      return !evaluate(node.item, entry);
    case 'cmp': {
      const actual = valuesAt(entry, node.field.split('.'));
      return actual.some((a) => node.values.some((v) => compareOne(a, node.op, v)));
    }
  }
}

export type EntryPredicate = (entry: JsonObject) => boolean;

/** Compiles a filter; throws FilterSyntaxError with the service's kind of message. */
export function compileFilter(filter: string): EntryPredicate {
  if (filter.trim() === '') return () => true;
  const ast = new Parser(tokenize(filter)).parse();
  // the service refuses a bad regular expression when it reads the filter, not entry by entry
  const check = (n: Node): void => {
    if (n.type === 'cmp') {
      if (n.op === '=~' || n.op === '!~') n.values.forEach(regexOf);
    } else if (n.type === 'not') check(n.item);
    else n.items.forEach(check);
  };
  check(ast);
  return (entry) => evaluate(ast, entry);
}
