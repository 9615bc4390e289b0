/**
 * Timestamps of audit lines. The apiserver writes `metav1.MicroTime` as RFC 3339 UTC with microseconds
 * (`2026-03-14T09:06:12.123456Z`); events are ordered at millisecond precision, like every other source.
 */

/** Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function digits(s: string, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Epoch milliseconds of an RFC 3339 timestamp, or undefined when it is not one. `YYYY-MM-DDTHH:MM:SS[.frac]Z`
 * (what the apiserver writes) is read digit by digit: every line's two times go through here.
 */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const n = value.length;
  if (n >= 20 && value.charCodeAt(n - 1) === 90 /* Z */ && value.charCodeAt(4) === 45 && value.charCodeAt(7) === 45 && value.charCodeAt(10) === 84 && value.charCodeAt(13) === 58 && value.charCodeAt(16) === 58) {
    const year = digits(value, 0, 4);
    const month = digits(value, 5, 2);
    const day = digits(value, 8, 2);
    const hour = digits(value, 11, 2);
    const minute = digits(value, 14, 2);
    const second = digits(value, 17, 2);
    let ms = 0;
    if (n > 20) {
      if (value.charCodeAt(19) !== 46 /* . */ || n < 22) return undefined;
      const fracDigits = Math.min(3, n - 21);
      ms = digits(value, 20, fracDigits) * (fracDigits === 1 ? 100 : fracDigits === 2 ? 10 : 1);
      if (n - 21 > 3 && Number.isNaN(digits(value, 23, n - 24))) return undefined;
    }
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
    const t = ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + ms;
    return Number.isNaN(t) ? undefined : t;
  }
  // other offsets than Z: not what the apiserver writes, but valid RFC 3339
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

const RECEIVED_KEY = '"requestReceivedTimestamp":"';


/** The two times of one line, read without parsing the JSON. */
export interface LineTimes {
  stageMs: number;
  receivedMs: number;
}

const STAGE_AFTER_RECEIVED = ',"stageTimestamp":"';

/**
 * Reads a line's timestamps by substring, so that lines outside the window are skipped without a JSON.parse.
 * The apiserver writes `requestReceivedTimestamp` and `stageTimestamp` side by side, after the request and
 * response objects and before `annotations` (a map of strings): the last occurrence of the pair is the top-level
 * one, since inside string values quotes are escaped and cannot match. Returns undefined when the line is not
 * laid out that way; the caller then parses it in full.
 */
export function cheapLineTimes(line: string): LineTimes | undefined {
  const r = line.lastIndexOf(RECEIVED_KEY);
  if (r < 0) return undefined;
  const rStart = r + RECEIVED_KEY.length;
  const rEnd = line.indexOf('"', rStart);
  if (rEnd < 0 || !line.startsWith(STAGE_AFTER_RECEIVED, rEnd + 1)) return undefined;
  const sStart = rEnd + 1 + STAGE_AFTER_RECEIVED.length;
  const sEnd = line.indexOf('"', sStart);
  if (sEnd < 0) return undefined;
  const receivedMs = parseTimestamp(line.slice(rStart, rEnd));
  const stageMs = parseTimestamp(line.slice(sStart, sEnd));
  if (stageMs === undefined || receivedMs === undefined) return undefined;
  return { stageMs, receivedMs };
}

/** Only the stage time, for probing a file during a binary search: the same reading, the same layout check. */
export function cheapStageTime(line: string): number | undefined {
  return cheapLineTimes(line)?.stageMs;
}

const AUDIT_ID_KEY = '"auditID":"';
const STAGE_NAME_KEY = '"stage":"';

/**
 * A line's auditID and stage by substring. The apiserver writes them right after kind, apiVersion and level,
 * before any nested object; when a line is laid out otherwise (a `{` before either key, an escape in the value)
 * this returns undefined and the caller parses the line.
 */
export function cheapIdentity(line: string): { auditID: string; stage: string } | undefined {
  const a = line.indexOf(AUDIT_ID_KEY);
  if (a < 0) return undefined;
  const s = line.indexOf(STAGE_NAME_KEY, a);
  if (s < 0) return undefined;
  const nested = line.indexOf('{', 1);
  if (nested >= 0 && nested < s) return undefined;
  const aStart = a + AUDIT_ID_KEY.length;
  const aEnd = line.indexOf('"', aStart);
  const sStart = s + STAGE_NAME_KEY.length;
  const sEnd = line.indexOf('"', sStart);
  if (aEnd <= aStart || sEnd <= sStart) return undefined;
  const auditID = line.slice(aStart, aEnd);
  if (auditID.includes('\\')) return undefined;
  return { auditID, stage: line.slice(sStart, sEnd) };
}
