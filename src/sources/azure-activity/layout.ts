/**
 * The storage-account layout a diagnostic setting writes the activity log in:
 * `insights-activity-logs/resourceId=/SUBSCRIPTIONS/<ID>/y=YYYY/m=MM/d=DD/h=HH/m=00/PT1H.json`.
 * Paths here are relative to the `insights-activity-logs` folder.
 *
 * A `PT1H.json` holds the events *received* during its hour, appended as they arrive, whatever their own time:
 * an event is filed up to `lateMs` after it happened, and (clock skew) a little before. So the events of file hour
 * H have times in [H - lateMs, H + 1h + EARLY_MS).
 */

const HOUR_MS = 3_600_000;
/** how far an event's own time may run ahead of the hour it was filed in (clock skew between services) */
export const EARLY_MS = 5 * 60_000;

const FILE = /^resourceId=\/SUBSCRIPTIONS\/([^/]+)\/y=(\d{4})\/m=(\d{2})\/d=(\d{2})\/h=(\d{2})\/m=(\d{2})\/[^/]+\.json$/i;

export interface ExportPartition {
  relPath: string;
  subscriptionId: string;
  /** start of the hour the file's events were received in (epoch ms, UTC) */
  hourStart: number;
}

export function partitionOf(relPath: string): ExportPartition | undefined {
  const m = FILE.exec(relPath);
  if (!m) return undefined;
  const [, subscription, y, mo, d, h] = m;
  const hourStart = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h));
  if (Number.isNaN(hourStart)) return undefined;
  return { relPath, subscriptionId: subscription.toLowerCase(), hourStart };
}

/** The receipt times a folder of the layout covers, from its `y=`/`m=`/`d=`/`h=` segments; undefined above them. */
export function folderSpan(relDir: string): { from: number; to: number } | undefined {
  const parts: Record<'y' | 'mo' | 'd' | 'h', number | undefined> = { y: undefined, mo: undefined, d: undefined, h: undefined };
  for (const segment of relDir.split('/')) {
    const m = /^([ymdh])=(\d+)$/i.exec(segment);
    if (!m) continue;
    const key = m[1].toLowerCase();
    const value = Number(m[2]);
    if (key === 'y') parts.y = value;
    else if (key === 'm' && parts.y !== undefined && parts.mo === undefined) parts.mo = value;
    else if (key === 'd') parts.d = value;
    else if (key === 'h') parts.h = value;
    // the second `m=` (minute, always 00) narrows nothing
  }
  if (parts.y === undefined) return undefined;
  if (parts.mo === undefined) return { from: Date.UTC(parts.y, 0, 1), to: Date.UTC(parts.y + 1, 0, 1) };
  if (parts.d === undefined) return { from: Date.UTC(parts.y, parts.mo - 1, 1), to: Date.UTC(parts.y, parts.mo, 1) };
  if (parts.h === undefined) {
    const from = Date.UTC(parts.y, parts.mo - 1, parts.d);
    return { from, to: from + 24 * HOUR_MS };
  }
  const from = Date.UTC(parts.y, parts.mo - 1, parts.d, parts.h);
  return { from, to: from + HOUR_MS };
}

/** Event times a span of receipt hours can hold. */
export function eventTimesOf(span: { from: number; to: number }, lateMs: number): { from: number; to: number } {
  return { from: span.from - lateMs, to: span.to + EARLY_MS };
}

export function overlapsWindow(times: { from: number; to: number }, window: { from: Date; to: Date }): boolean {
  return times.from < window.to.getTime() && times.to > window.from.getTime();
}

export const PARTITION_HOUR_MS = HOUR_MS;

export const NOT_AN_EXPORT_FILE = 'not an activity-log export file: resourceId=/SUBSCRIPTIONS/<id>/y=YYYY/m=MM/d=DD/h=HH/m=00/PT1H.json';

/**
 * Whether a folder (relative to `insights-activity-logs`) is part of the export layout: `resourceId=`, `SUBSCRIPTIONS`,
 * a subscription id, then `y=`, `m=`, `d=`, `h=`, `m=` in that order. Undefined when it is; why not otherwise.
 */
export function folderOutsideLayout(relDir: string): string | undefined {
  const segments = relDir.split('/');
  if (!/^resourceId=$/i.test(segments[0])) return 'not resourceId=: not an activity-log export folder';
  if (segments.length > 1 && !/^SUBSCRIPTIONS$/i.test(segments[1])) return 'not SUBSCRIPTIONS: not the activity log of a subscription';
  const keys = ['y', 'm', 'd', 'h', 'm'];
  const parts = segments.slice(3);
  if (parts.length > keys.length) return 'a folder below the y=/m=/d=/h=/m= folders';
  for (let i = 0; i < parts.length; i++) {
    if (!new RegExp(`^${keys[i]}=\\d+$`, 'i').test(parts[i])) return `not a ${keys[i]}= folder (the layout is y=YYYY/m=MM/d=DD/h=HH/m=00)`;
  }
  return undefined;
}
