import type { ConfigNode } from '../../config/fields';
import type { AuditEvent, SourceStats } from '../../domain';

/** Above this many bytes a record's `raw` is cut (config `maxRawBytes` on every archive source). */
export const DEFAULT_MAX_RAW_BYTES = 1024 * 1024;

/** The config key every archive source takes, and its reading. */
export const RAW_LIMIT_KEY = 'maxRawBytes';

export function rawLimitOf(node: ConfigNode): number {
  return node.number(RAW_LIMIT_KEY, DEFAULT_MAX_RAW_BYTES, { min: 1024, max: 1024 * 1024 * 1024, integer: true });
}

/**
 * Keeps a page of events bounded whatever the records hold: a record whose text is over `limitBytes` keeps its
 * normalized fields, and its `raw` becomes `{ truncated: { bytes, limitBytes }, head }` with the first bytes of the
 * text, so a client sees it was cut and by how much. `text` is the record as read (a line, an array element).
 */
export function capRaw(event: AuditEvent, text: string | (() => string), bytesHint: number, limitBytes: number, stats: SourceStats): AuditEvent {
  // UTF-16 length bounds UTF-8 bytes from below and a third of them from above: most records need no count
  if (bytesHint <= limitBytes) return event;
  const whole = typeof text === 'function' ? text() : text;
  if (whole.length * 3 <= limitBytes) return event;
  const bytes = Buffer.byteLength(whole);
  if (bytes <= limitBytes) return event;
  stats.rawTruncated += 1;
  const head = Buffer.from(whole.slice(0, limitBytes)).subarray(0, limitBytes).toString('utf8');
  event.raw = { truncated: { bytes, limitBytes }, head: head.length > limitBytes ? head.slice(0, limitBytes) : head };
  return event;
}
