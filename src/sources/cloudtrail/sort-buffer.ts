import { SortOrder, type AuditEvent } from '../../domain';

/**
 * The events read but not yet released, as a binary heap in the query's order. The reader releases an event
 * only once no file still to read can hold one that comes before it, so the heap holds about one delivery lag
 * of records, not the archive.
 */
export class SortBuffer {
  private readonly heap: AuditEvent[] = [];
  private readonly before: (a: AuditEvent, b: AuditEvent) => boolean;

  constructor(order: SortOrder) {
    this.before =
      order === SortOrder.OLDEST_FIRST
        ? (a, b) => a.time.getTime() < b.time.getTime() || (a.time.getTime() === b.time.getTime() && a.id < b.id)
        : (a, b) => a.time.getTime() > b.time.getTime() || (a.time.getTime() === b.time.getTime() && a.id > b.id);
  }

  get size(): number {
    return this.heap.length;
  }

  peek(): AuditEvent | undefined {
    return this.heap[0];
  }

  push(event: AuditEvent): void {
    const h = this.heap;
    h.push(event);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  pop(): AuditEvent | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < h.length && this.before(h[l], h[best])) best = l;
        if (r < h.length && this.before(h[r], h[best])) best = r;
        if (best === i) break;
        [h[i], h[best]] = [h[best], h[i]];
        i = best;
      }
    }
    return top;
  }
}
