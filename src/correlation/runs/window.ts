import { AuditgraphError, ErrorCode, type TimeWindow } from '../../domain';
import { parseDuration, type TimeWindowRequest } from '../../query/window';
import type { FlyteRun } from '../../sources/flyte/runs';

export const DEFAULT_MARGIN = 'PT5M';
/** A wider margin reads more of every trail for every page; a day is already a lot. */
const MAX_MARGIN_MS = 86_400_000;
const ZERO = /^P(?:T0+(?:\.0+)?[HMS]|0+[DW])$/;

/** A timeline margin (ISO-8601 duration, PT0S allowed) in milliseconds. */
export function parseMargin(text: string | null | undefined): number {
  const value = (text ?? DEFAULT_MARGIN).trim().toUpperCase();
  if (ZERO.test(value)) return 0;
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch {
    throw new AuditgraphError(ErrorCode.BAD_WINDOW, `margin: expected an ISO-8601 duration such as PT5M, PT1H or PT0S, got ${JSON.stringify(text)}`);
  }
  if (ms > MAX_MARGIN_MS) throw new AuditgraphError(ErrorCode.BAD_WINDOW, `margin: at most P1D, got ${JSON.stringify(text)}`);
  return ms;
}

/**
 * The run's window with the margin on both sides, as the engine is asked for it (a running run's ends at
 * "now", left open so that its cursors stay valid from page to page) and as resolved now.
 */
export function runWindow(run: FlyteRun, marginMs: number, now: Date): { request: TimeWindowRequest; resolved: TimeWindow } {
  const from = new Date(run.createdAt.getTime() - marginMs);
  if (run.endedAt) {
    // half-open: one millisecond past the end, so that the run's terminal event is in it even with no margin
    const to = new Date(run.endedAt.getTime() + marginMs + 1);
    return { request: { from, to }, resolved: { from, to } };
  }
  return { request: { from, to: null }, resolved: { from, to: new Date(Math.max(now.getTime(), from.getTime() + 1)) } };
}
