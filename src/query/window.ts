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
