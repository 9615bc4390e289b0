/**
 * Time in the demo is kept as integer microseconds since the epoch (exact in a double until year 2255), the
 * finest unit any of the six services prints; each writer formats it the way its service does.
 */
export const SECOND = 1_000_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The demo day, 2026-03-14 UTC, as [DAY_START, DAY_END). */
export const DAY_START = Date.UTC(2026, 2, 14) * 1000;
export const DAY_END = DAY_START + DAY;

/** `HH:MM[:SS[.ffffff]]` on the demo day, in microseconds. */
export function at(clock: string): number {
  const m = /^(\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,6}))?)?$/.exec(clock);
  if (!m) throw new Error(`bad clock time ${clock}`);
  const [, hh, mm, ss = '0', frac = ''] = m;
  return DAY_START + Number(hh) * HOUR + Number(mm) * MINUTE + Number(ss) * SECOND + Number(frac.padEnd(6, '0'));
}

function base(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString().slice(0, 19);
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
