/**
 * How the server marks what it redacted (`[redacted: what]`, a whole value or a span of a text such as
 * `Bearer [redacted: bearer credentials]`) or withheld (`[withheld: …]`, a raw record the caller's roles do not
 * show). Kept in one place so that the raw viewer, the tests and the server's redaction agree.
 */
const MARKERS = /\[(?:redacted|withheld)(?::[^\]]*)?\]/gi;

/** How many markers a text holds. */
export function markersIn(text: string): number {
  return text.match(MARKERS)?.length ?? 0;
}

export function isRedacted(value: unknown): boolean {
  return typeof value === 'string' && markersIn(value) > 0;
}

/** A text cut into its plain parts and its markers, in order. */
export function markerSpans(text: string): { text: string; marker: boolean }[] {
  const spans: { text: string; marker: boolean }[] = [];
  let at = 0;
  for (const m of text.matchAll(MARKERS)) {
    if (m.index > at) spans.push({ text: text.slice(at, m.index), marker: false });
    spans.push({ text: m[0], marker: true });
    at = m.index + m[0].length;
  }
  if (at < text.length) spans.push({ text: text.slice(at), marker: false });
  return spans;
}

/** How many values or text spans of a record are redacted (shown above the raw record, so that none goes unnoticed). */
export function countRedacted(value: unknown): number {
  if (typeof value === 'string') return markersIn(value);
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countRedacted(v), 0);
  if (value && typeof value === 'object') return Object.values(value).reduce((n: number, v) => n + countRedacted(v), 0);
  return 0;
}
