/**
 * One read for identical requests in flight at once. Fifty responders opening the same investigation ask the same
 * page within the same second; each would read the same files and upstream pages again. A request that arrives
 * while an identical one is being answered waits for that answer instead (nothing is kept once it is given: this
 * is not a cache, and a request made after the answer reads afresh).
 *
 * The shared read stops early only when every caller waiting for it has gone away; one caller leaving does not cut
 * the page short for the others.
 */
export class SharedPages<T> {
  private readonly inFlight = new Map<string, Flight<T>>();
  /** requests answered by a read another request started, since start */
  joined = 0;

  get size(): number {
    return this.inFlight.size;
  }

  /** The answer of `read` for `key`, from the read in flight for the same key when there is one. */
  run(key: string, signal: AbortSignal | undefined, read: (signal: AbortSignal) => Promise<T>): Promise<T> {
    let flight = this.inFlight.get(key);
    if (flight) this.joined += 1;
    else {
      const controller = new AbortController();
      const created: Flight<T> = { controller, waiting: 0, result: Promise.resolve() as unknown as Promise<T> };
      created.result = read(controller.signal).finally(() => {
        if (this.inFlight.get(key) === created) this.inFlight.delete(key);
      });
      this.inFlight.set(key, created);
      flight = created;
    }
    const joined = flight;
    joined.waiting += 1;
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      joined.waiting -= 1;
      if (joined.waiting === 0) {
        // nobody waits for it any more: stop reading, and let a later request start afresh
        if (this.inFlight.get(key) === joined) this.inFlight.delete(key);
        joined.controller.abort(signal?.reason);
      }
    };
    if (signal?.aborted) leave();
    else signal?.addEventListener('abort', leave, { once: true });
    return joined.result.finally(() => {
      signal?.removeEventListener('abort', leave);
      left = true;
    });
  }
}

interface Flight<T> {
  controller: AbortController;
  waiting: number;
  result: Promise<T>;
}
