/** A half-open time window [from, to). */
export interface TimeWindow {
  from: Date;
  to: Date;
}

export enum SortOrder {
  NEWEST_FIRST = 'NEWEST_FIRST',
  OLDEST_FIRST = 'OLDEST_FIRST',
}

export function inWindow(window: TimeWindow, time: Date): boolean {
  const t = time.getTime();
  return t >= window.from.getTime() && t < window.to.getTime();
}

export function overlaps(window: TimeWindow, from: Date, to: Date): boolean {
  return from.getTime() < window.to.getTime() && to.getTime() > window.from.getTime();
}
