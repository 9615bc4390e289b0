/**
 * How the server marks a value it withheld from this caller. Kept in one place so that the raw viewer, the tests
 * and the server's redaction agree.
 */
const MARKER = /^\[redacted(?:[:\s][^\]]*)?\]$/i;

export function isRedacted(value: unknown): boolean {
  return typeof value === 'string' && MARKER.test(value.trim());
}

/** How many values of a record are redacted (shown above the raw record, so that none goes unnoticed). */
export function countRedacted(value: unknown): number {
  if (isRedacted(value)) return 1;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countRedacted(v), 0);
  if (value && typeof value === 'object') return Object.values(value).reduce((n: number, v) => n + countRedacted(v), 0);
  return 0;
}
