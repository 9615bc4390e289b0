import { SortOrder, type AuditEvent } from '../../domain';
import { Heap } from '../../lib/heap';

/**
 * The events read but not yet released, as a binary heap in the query's order. The reader releases an event
 * only once no file still to read can hold one that comes before it, so the heap holds about one delivery lag
 * of records, not the archive.
 */
export class SortBuffer extends Heap<AuditEvent> {
  constructor(order: SortOrder) {
    super(
      order === SortOrder.OLDEST_FIRST
        ? (a, b) => a.time.getTime() < b.time.getTime() || (a.time.getTime() === b.time.getTime() && a.id < b.id)
        : (a, b) => a.time.getTime() > b.time.getTime() || (a.time.getTime() === b.time.getTime() && a.id > b.id),
    );
  }
}
