import type { AuditEvent, JsonValue } from '../../../domain';
import { isReferenceMember, normalKey, secretKey, type KeyRules } from './keys';
import { isObject, isSecretAudit, isSecretObject, redactSecret } from './kubernetes';
import { BUILTIN_TEXT_RULES, marker, mayHoldBuiltin, redactText, type TextRule } from './text';

type JsonObject = { [key: string]: JsonValue };

/** The redaction the configuration asks for (`redaction:`); see docs/security.md. */
export interface RedactionRules {
  enabled: boolean;
  /** further key names whose values are secrets (compared in normal form: case, `-`, `_`, `.` ignored) */
  keys: string[];
  /** key names never redacted by their name (a field a built-in word would catch that is not a secret here) */
  allowKeys: string[];
  /** further text patterns redacted wherever they appear in a string of a raw record */
  patterns: { name: string; pattern: string }[];
}

export const DEFAULT_REDACTION: RedactionRules = { enabled: true, keys: [], allowKeys: [], patterns: [] };

/** A value with what was redacted in it: `count` values or text spans replaced by a marker. */
export interface Redacted<T> {
  value: T;
  count: number;
}

/** Values that are already masked by the upstream: left as they are and not counted. */
const MASKED = new Set(['HIDDEN_DUE_TO_SECURITY_REASONS', '[REDACTED]', '***', '']);
const isMarker = (s: string) => s.startsWith('[redacted: ');

const MAX_DEPTH = 64;

/** A text that holds JSON members (`"key": "value"`). */
const JSON_TEXT = /^\s*[[{]|"\s*:\s*"/;
/** One `"key": "string value"` member of JSON text (the value may hold escapes). */
const JSON_PAIR = /"([^"\\]{1,128})"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
/** A member whose string value runs to the end of the text (cut there). */
const CUT_PAIR = /"([^"\\]{1,128})"\s*:\s*"(?!\[redacted)(?:[^"\\]|\\.)*$/;
/** JSON text of a Secret, or of an audit record about Secrets. */
const SECRET_IN_TEXT = /"kind"\s*:\s*"Secret"|"resource"\s*:\s*"secrets"/;
/** A Secret's `data`/`stringData` member in JSON text, to its end or to where the text was cut. */
const SECRET_DATA_TEXT = /"(data|stringData)"\s*:\s*\{([^{}]*)(\}|$)/g;

/**
 * Replaces the secrets in raw records by markers that keep the record's shape and say what was removed:
 * Kubernetes Secret `data`/`stringData`, values under keys that name secrets (headers such as Authorization and
 * Cookie, password, token, client secret, private key…), and credentials recognizable in any text (bearer tokens,
 * JWTs, private-key blocks, passwords in URLs). Records are copied where something changes, never mutated.
 * Redacting a redacted record changes nothing.
 */
export class Redactor {
  private readonly keyRules: KeyRules;
  private readonly customText: readonly TextRule[];

  constructor(readonly rules: RedactionRules = DEFAULT_REDACTION) {
    this.keyRules = { extra: new Set(rules.keys.map(normalKey)), allowed: new Set(rules.allowKeys.map(normalKey)) };
    this.customText = rules.patterns.map((p) => ({ name: p.name, pattern: new RegExp(p.pattern, 'g'), replace: () => marker(p.name) }));
  }

  get enabled(): boolean {
    return this.rules.enabled;
  }

  /** The event with its raw record redacted (the same object when nothing was), and how many values were. */
  event(event: AuditEvent): Redacted<AuditEvent> {
    if (!this.rules.enabled) return { value: event, count: 0 };
    const r = this.raw(event.raw);
    return { value: r.count > 0 ? { ...event, raw: r.value } : event, count: r.count };
  }

  /** A raw record redacted. */
  raw(raw: JsonValue): Redacted<JsonValue> {
    if (!this.rules.enabled) return { value: raw, count: 0 };
    let count = 0;
    const counter = () => {
      count += 1;
    };
    let value = raw;
    if (isSecretAudit(raw)) {
      const copy: JsonObject = { ...raw };
      for (const field of ['requestObject', 'responseObject'] as const) {
        const obj = raw[field];
        if (!isObject(obj)) continue;
        copy[field] = Array.isArray(obj.items)
          ? { ...obj, items: obj.items.map((item) => (isObject(item) ? redactSecret(item, marker, counter) : item)) }
          : redactSecret(obj, marker, counter);
      }
      value = copy;
    }
    value = this.walk(value, undefined, false, counter, 0);
    return { value, count };
  }

  /** A line of text (a malformed record's sample, a log line) with the credentials it shows redacted. */
  text(line: string): Redacted<string> {
    if (!this.rules.enabled) return { value: line, count: 0 };
    let count = 0;
    const value = this.string(line, () => {
      count += 1;
    });
    return { value, count };
  }

  private string(s: string, count: () => void): string {
    if (isMarker(s)) return s;
    let out = s;
    // JSON inside a text (a record cut at maxRawBytes keeps its head as text, annotations hold whole objects)
    if (JSON_TEXT.test(s)) out = this.jsonText(out, count);
    if (mayHoldBuiltin(s)) {
      const r = redactText(out, BUILTIN_TEXT_RULES);
      for (let i = 0; i < r.count; i++) count();
      out = r.text;
    }
    if (this.customText.length > 0) {
      const r = redactText(out, this.customText);
      for (let i = 0; i < r.count; i++) count();
      out = r.text;
    }
    return out;
  }

  /**
   * The secrets of a JSON document held as text, found by the same rules as in a parsed record: string values under
   * secret-named keys, and a Secret's `data`/`stringData` values when the text is about a Secret. The text may be
   * cut anywhere (a truncated record), so this works on the text, not on a parse of it.
   */
  private jsonText(text: string, count: () => void): string {
    let out = text;
    if (SECRET_IN_TEXT.test(out)) {
      out = out.replace(SECRET_DATA_TEXT, (whole: string, field: string, body: string, close: string) => {
        const values = body.replace(JSON_PAIR, (pair: string, key: string, value: string) => {
          if (value.startsWith('[redacted')) return pair;
          count();
          return `"${key}":"${marker(`Kubernetes Secret ${field}`)}"`;
        });
        // the text cut inside the last value
        const cut = close === '' ? values.replace(CUT_PAIR, (_pair: string, key: string) => (count(), `"${key}":"${marker(`Kubernetes Secret ${field}`)}"`)) : values;
        return `"${field}":{${cut}${close}`;
      });
    }
    return out.replace(JSON_PAIR, (pair: string, key: string, value: string) => {
      if (!secretKey(key, this.keyRules) || MASKED.has(value) || value.startsWith('[redacted')) return pair;
      count();
      return `"${key}":"${marker(`value of ${key}`)}"`;
    });
  }

  /**
   * `secretKey`: the value sits under a key that names a secret (or inside such a value, for the strong secret
   * words), so its strings and numbers are replaced whole.
   */
  private walk(v: JsonValue, key: string | undefined, secret: boolean, count: () => void, depth: number): JsonValue {
    if (typeof v === 'string') {
      if (secret) {
        if (MASKED.has(v) || isMarker(v)) return v;
        count();
        return marker(`value of ${key ? JSON.stringify(key) : 'a secret-named key'}`);
      }
      return this.string(v, count);
    }
    if (typeof v === 'number') {
      if (!secret) return v;
      count();
      return marker(`value of ${key ? JSON.stringify(key) : 'a secret-named key'}`);
    }
    if (v === null || typeof v === 'boolean') return v;
    if (depth >= MAX_DEPTH) return v;
    if (Array.isArray(v)) {
      let out: JsonValue[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const r = this.walk(v[i], key, secret, count, depth + 1);
        if (r !== v[i]) (out ??= v.slice())[i] = r;
      }
      return out ?? v;
    }
    let obj: JsonObject = v;
    if (isSecretObject(obj)) obj = redactSecret(obj, marker, count);
    let out: JsonObject | undefined;
    for (const k of Object.keys(obj)) {
      const child = obj[k];
      const named = secretKey(k, this.keyRules);
      // a text under a secret-named key is secret; inside an object under a secret word, so is everything but the
      // members that only name or describe it (`secretName`, `key`, `path`)
      const inner = named === 'word' || (secret && !isReferenceMember(k));
      const own = named === 'header' && !isObject(child);
      const r = this.walk(child, named ? k : key, inner || own, count, depth + 1);
      if (r !== child) (out ??= { ...obj })[k] = r;
    }
    return out ?? obj;
  }
}

/** What the server uses when redaction is off: records go out as the source returned them. */
export const NO_REDACTION = new Redactor({ ...DEFAULT_REDACTION, enabled: false });
