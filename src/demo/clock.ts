/**
 * Time in the demo is kept as integer microseconds since the epoch (exact in a double until year 2255), the
 * finest unit any of the six services prints; each writer formats it the way its service does.
 */
export const SECOND = 1_000_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The day the demo was anchored to by default before it followed the calendar, and the README's pinned day. */
export const REFERENCE_DATE = '2026-03-14';

/**
 * The demo's day: a UTC calendar date and its [start, end) in microseconds. Every writer places its records by
 * it, so one generator writes the same story on any day.
 */
export interface DemoDay {
  /** `YYYY-MM-DD` */
  readonly date: string;
  readonly start: number;
  readonly end: number;
  /** `HH:MM[:SS[.ffffff]]` on this day, in microseconds */
  at(clock: string): number;
  /** the calendar date `days` away (negative: before), `YYYY-MM-DD` */
  shifted(days: number): string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` is a real calendar date written `YYYY-MM-DD` (no 2026-02-30). */
export function isCalendarDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [, y, mo, d] = m.map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

export function demoDay(date: string): DemoDay {
  if (!isCalendarDate(date)) throw new RangeError(`demo date must be a calendar date YYYY-MM-DD, got ${JSON.stringify(date)}`);
  const start = Date.parse(`${date}T00:00:00Z`) * 1000;
  return {
    date,
    start,
    end: start + DAY,
    at(clock: string): number {
      const m = /^(\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,6}))?)?$/.exec(clock);
      if (!m) throw new Error(`bad clock time ${clock}`);
      const [, hh, mm, ss = '0', frac = ''] = m;
      return start + Number(hh) * HOUR + Number(mm) * MINUTE + Number(ss) * SECOND + Number(frac.padEnd(6, '0'));
    },
    shifted(days: number): string {
      return new Date(start / 1000 + days * 86_400_000).toISOString().slice(0, 10);
    },
  };
}

/** The day before `now`'s UTC day: the demo's default, as Kibana's sample data is anchored to the present. */
export function yesterday(now: Date): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1)).toISOString().slice(0, 10);
}

// `YYYY-MM-DD` by day number: a demo spans a few days, and Date#toISOString per record was a tenth of the
// generator's time
const dates = new Map<number, string>();

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `YYYY-MM-DDTHH:MM:SS` (UTC) of an instant. */
function base(us: number): string {
  const second = Math.floor(us / SECOND);
  const dayNumber = Math.floor(second / 86_400);
  let date = dates.get(dayNumber);
  if (date === undefined) {
    date = new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);
    dates.set(dayNumber, date);
  }
  const inDay = second - dayNumber * 86_400;
  return `${date}T${two(Math.floor(inDay / 3600))}:${two(Math.floor(inDay / 60) % 60)}:${two(inDay % 60)}`;
}

function micros(us: number): string {
  return String(((us % SECOND) + SECOND) % SECOND).padStart(6, '0');
}

/** `2026-03-14T09:03:12Z` (CloudTrail) */
export function isoSeconds(us: number): string {
  return `${base(us)}Z`;
}

/** `2026-03-14T09:03:12.345Z` (Okta, JavaScript) */
export function isoMillis(us: number): string {
  return `${base(us)}.${micros(us).slice(0, 3)}Z`;
}

/** `2026-03-14T09:03:12.345678Z` (Kubernetes MicroTime, GCP) */
export function isoMicros(us: number): string {
  return `${base(us)}.${micros(us)}Z`;
}

/** seven fractional digits, as .NET prints them (Azure) */
export function isoTicks(us: number, extraDigit: number): string {
  return `${base(us)}.${micros(us)}${extraDigit % 10}Z`;
}

/** nine fractional digits (GCP receiveTimestamp) */
export function isoNanos(us: number, extraDigits: string): string {
  return `${base(us)}.${micros(us)}${extraDigits.padEnd(3, '0').slice(0, 3)}Z`;
}

/**
 * Go's protobuf JSON form of a Timestamp: 0, 3, 6 or 9 fractional digits, the fewest that hold the value
 * (Flyte's REST and flytectl/uctl output).
 */
export function protoTimestamp(us: number): string {
  const frac = micros(us);
  if (frac === '000000') return `${base(us)}Z`;
  if (frac.endsWith('000')) return `${base(us)}.${frac.slice(0, 3)}Z`;
  return `${base(us)}.${frac}Z`;
}

/** Go's protobuf JSON form of a Duration, e.g. `2211.041s`. */
export function protoDuration(us: number): string {
  const secs = Math.floor(us / SECOND);
  const frac = String(us % SECOND).padStart(6, '0');
  if (frac === '000000') return `${secs}s`;
  if (frac.endsWith('000')) return `${secs}.${frac.slice(0, 3)}s`;
  return `${secs}.${frac}s`;
}

/** UTC calendar parts of an instant, zero-padded. */
export function parts(us: number): { y: string; m: string; d: string; hh: string; mm: string; ss: string; ms: string } {
  const iso = new Date(Math.floor(us / 1000)).toISOString();
  return {
    y: iso.slice(0, 4),
    m: iso.slice(5, 7),
    d: iso.slice(8, 10),
    hh: iso.slice(11, 13),
    mm: iso.slice(14, 16),
    ss: iso.slice(17, 19),
    ms: iso.slice(20, 23),
  };
}

export function floorTo(us: number, unit: number): number {
  return Math.floor(us / unit) * unit;
}
