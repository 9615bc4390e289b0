/** Variable names whose values are never written: they look like credentials. */
const SECRET_NAME = /pass(word|phrase)?|secret|token|api[-_]?key|^key$|credential|authorization|cookie|session|private|signature|bearer/i;

export const REDACTED = '[REDACTED]';

/**
 * A copy of an operation's variables with the values under secret-looking names (at any depth) replaced by
 * `[REDACTED]`, and long strings cut (the log records what was asked, not a payload someone pasted).
 */
export function redactVariables(value: unknown, maxString = 1024, depth = 0): unknown {
  if (depth > 20) return REDACTED;
  if (typeof value === 'string') return value.length > maxString ? `${value.slice(0, maxString)}…(${value.length} chars)` : value;
  if (Array.isArray(value)) return value.map((v) => redactVariables(v, maxString, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_NAME.test(k) ? REDACTED : redactVariables(v, maxString, depth + 1);
    return out;
  }
  return value;
}
