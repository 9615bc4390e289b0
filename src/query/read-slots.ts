/**
 * How many pages the engine reads at once, and who goes next. Fifty page reads at once do not finish sooner than
 * eight (the process has one thread for them), but they hold fifty sets of buffers and decoders at once; beyond
 * `max` a read waits for a slot. Slots are handed out in turn between callers, not in arrival order: a caller with
 * many reads queued (a script paging an export, a UI firing requests) does not hold back another caller's first
 * page.
 */
/** the server's default (`query.maxConcurrentReads`): a few reads per core keep both cores busy while one waits on I/O */
export const DEFAULT_CONCURRENT_READS = 8;

export class ReadSlots {
  private running = 0;
  /** waiting reads by caller, callers in the order they are served next (a Map keeps insertion order) */
  private readonly waiting = new Map<string, Array<() => void>>();
  /** reads that had to wait for a slot, since start */
  queued = 0;

  constructor(readonly max: number) {}

  get active(): number {
    return this.running;
  }

  get pending(): number {
    let n = 0;
    for (const q of this.waiting.values()) n += q.length;
    return n;
  }

  /** Runs `read` once a slot is free for `caller`; a read whose signal aborts while it waits runs at once, slotless (it ends at once). */
  async run<T>(caller: string, signal: AbortSignal | undefined, read: () => Promise<T>): Promise<T> {
    // a read let go without a slot (its caller went away) takes none and gives none back
    let slotless = false;
    if (this.max <= 0 || this.running < this.max) {
      this.running += 1;
    } else {
      this.queued += 1;
      await new Promise<void>((resolve) => {
        const start = () => {
          signal?.removeEventListener('abort', giveUp);
          resolve();
        };
        const giveUp = () => {
          const q = this.waiting.get(caller);
          const i = q?.indexOf(start) ?? -1;
          if (q && i >= 0) {
            q.splice(i, 1);
            if (q.length === 0) this.waiting.delete(caller);
          }
          // its read ends at once: it runs beside the others without taking a slot from them
          slotless = true;
          resolve();
        };
        const q = this.waiting.get(caller);
        if (q) q.push(start);
        else this.waiting.set(caller, [start]);
        if (signal?.aborted) giveUp();
        else signal?.addEventListener('abort', giveUp, { once: true });
      });
    }
    try {
      return await read();
    } finally {
      if (!slotless) this.release();
    }
  }

  private release(): void {
    // the caller served longest ago goes first; after its read it goes to the back of the line
    for (const [caller, q] of this.waiting) {
      const next = q.shift()!;
      this.waiting.delete(caller);
      if (q.length > 0) this.waiting.set(caller, q);
      // the slot passes from the read that ended to this one
      next();
      return;
    }
    this.running -= 1;
  }
}
