import { AuditgraphError, ErrorCode, type TimeWindow } from '../domain';

/** A window as a client states it: absolute bounds, or `last` (an ISO-8601 duration) up to `to` or now. */
export interface TimeWindowRequest {
  from?: Date | null;
  to?: Date | null;
  last?: string | null;
}

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Milliseconds of an ISO-8601 duration such as `PT1H`, `P7D`, `P1DT12H`, `PT90S` (no years or months: they have no fixed length). */
export function parseDuration(text: string): number {
  const m = DURATION.exec(text.trim().toUpperCase());
  if (!m || text.trim().toUpperCase() === 'P' || /T$/.test(text.trim().toUpperCase())) {
    throw new AuditgraphError(ErrorCode.BAD_WINDOW, `window.last: expected an ISO-8601 duration such as PT1H, P7D or P1DT12H (weeks, days, hours, minutes, seconds), got ${JSON.stringify(text)}`);
  }
  const [, w, d, h, min, s] = m;
  const ms = ((Number(w ?? 0) * 7 + Number(d ?? 0)) * 24 * 3600 + Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0)) * 1000;
  if (ms <= 0) throw new AuditgraphError(ErrorCode.BAD_WINDOW, `window.last: the duration must be longer than zero, got ${JSON.stringify(text)}`);
  return ms;
}

/** The name `window.day` accepts for the bundled demo's day. */
export const DEMO_DAY = 'demo';

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_OF_DAY = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;
const DAY_MS = 86_400_000;

/** Milliseconds into the day of `HH:MM[:SS]` (24:00 is the day's end), or undefined when it is no such time. */
function timeOfDay(text: string): number | undefined {
  const m = TIME_OF_DAY.exec(text);
  if (!m) return undefined;
  const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h === 24 && min === 0 && s === 0) return DAY_MS;
  if (h > 23 || min > 59 || s > 59) return undefined;
  return ((h * 60 + min) * 60 + s) * 1000;
}

/**
 * A window named by a UTC calendar day: `day` is `YYYY-MM-DD`, or `demo` for the day of the demo this server
 * serves (`demoDate`); `time`, when given, is a part of that day written as an ISO-8601 interval of times of
 * day, `HH:MM[:SS]/HH:MM[:SS]` (half-open; `24:00` ends the day). Without `time`, the whole day.
 */
export function dayWindow(day: string, time: string | null | undefined, demoDate: string | undefined): { from: Date; to: Date } {
  let date = day.trim();
  if (date === DEMO_DAY) {
    if (!demoDate) throw new AuditgraphError(ErrorCode.BAD_WINDOW, `window.day: "${DEMO_DAY}" names the bundled demo's day, and this server does not serve the demo (it runs on a config file): give a date YYYY-MM-DD`);
    date = demoDate;
  }
  const m = CALENDAR_DATE.exec(date);
  const start = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== date) {
    throw new AuditgraphError(ErrorCode.BAD_WINDOW, `window.day: expected a calendar date YYYY-MM-DD (UTC) or "${DEMO_DAY}", got ${JSON.stringify(day)}`);
  }
  if (time == null) return { from: new Date(start), to: new Date(start + DAY_MS) };
  const [a, b, extra] = time.trim().split('/');
  const from = a === undefined ? undefined : timeOfDay(a);
  const to = b === undefined ? undefined : timeOfDay(b);
  if (extra !== undefined || from === undefined || to === undefined) {
    throw new AuditgraphError(ErrorCode.BAD_WINDOW, `window.time: expected a span of the day HH:MM[:SS]/HH:MM[:SS] (UTC, half-open, 24:00 for the day's end), such as 08:45/10:00, got ${JSON.stringify(time)}`);
  }
  if (from >= to) throw new AuditgraphError(ErrorCode.BAD_WINDOW, `window.time: the start (${a}) must be before the end (${b}); the window is half-open [start, end)`);
  return { from: new Date(start + from), to: new Date(start + to) };
}

function validDate(d: Date, key: string): Date {
  if (Number.isNaN(d.getTime())) throw new AuditgraphError(ErrorCode.BAD_WINDOW, `window.${key}: not a valid date-time`);
  return d;
}

/** Resolves a requested window against `now`, refusing anything ambiguous or empty. */
export function resolveWindow(req: TimeWindowRequest, now: Date): TimeWindow {
  const to = req.to ? validDate(req.to, 'to') : now;
  if (req.last != null && req.from != null) {
    throw new AuditgraphError(ErrorCode.BAD_WINDOW, 'window: give either `from` or `last`, not both');
  }
  let from: Date;
  if (req.last != null) {
    from = new Date(to.getTime() - parseDuration(req.last));
  } else if (req.from != null) {
    from = validDate(req.from, 'from');
  } else {
    throw new AuditgraphError(ErrorCode.BAD_WINDOW, 'window: give `from` (and optionally `to`), or `last` (an ISO-8601 duration such as PT1H)');
  }
  if (from.getTime() >= to.getTime()) {
    throw new AuditgraphError(ErrorCode.BAD_WINDOW, `window: \`from\` (${from.toISOString()}) must be before \`to\` (${to.toISOString()}); the window is half-open [from, to)`);
  }
  return { from, to };
}
