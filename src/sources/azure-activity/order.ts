import { SortOrder, type AuditEvent } from '../../domain';

/** Sorts in place by time in `order`, ties by id, so that a slice or an hour always comes out the same way. */
export function sortByTime(events: AuditEvent[], order: SortOrder): AuditEvent[] {
  const sign = order === SortOrder.NEWEST_FIRST ? -1 : 1;
  return events.sort((a, b) => {
    const dt = a.time.getTime() - b.time.getTime();
    if (dt !== 0) return sign * dt;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}
