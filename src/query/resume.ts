import { newSourceStats, type SourceStats } from '../domain';
import type { Matched, SourceRun } from './run';

/**
 * A source's read that outlives its page. A page ends with each source's next event waiting in the merge and its
 * stream suspended where it stood; the next page of the same cursor continues that stream instead of reading the
 * source again from the cursor's position (a gzip file decoded again from its start, an upstream listed again).
 * Paging through a day then costs one read of the day, not one per page.
 *
 * The stream is bound to the page that reads it through this link: its events are counted on that page's run, its
 * upstream calls end when that page's run is cut or aborted, and its counters are that page's.
 */
export class ScanLink {
  /** ends the stream itself (not just a page of it): a cut, a cancelled request, an eviction */
  readonly controller = new AbortController();
  /** the one counters object the stream's source writes to; each page that continues the stream takes it over */
  readonly stats: SourceStats;
  private unbind?: () => void;

  constructor(
    public run: SourceRun,
    stats: SourceStats,
  ) {
    this.stats = stats;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** How much longer the page reading the stream now waits for its next event. */
  remainingMs = (): number => this.run.remainingMs();

  /** Binds the stream to a page: a cut of `run` or the end of the page (`pageSignal`) aborts it, unless it is parked first. */
  bind(run: SourceRun, pageSignal: AbortSignal): void {
    this.unbind?.();
    this.run = run;
    const abort = (signal: AbortSignal) => () => this.controller.abort(signal.reason);
    const onRun = abort(run.controller.signal);
    const onPage = abort(pageSignal);
    if (run.controller.signal.aborted) onRun();
    else run.controller.signal.addEventListener('abort', onRun, { once: true });
    if (pageSignal.aborted) onPage();
    else pageSignal.addEventListener('abort', onPage, { once: true });
    this.unbind = () => {
      run.controller.signal.removeEventListener('abort', onRun);
      pageSignal.removeEventListener('abort', onPage);
    };
  }

  /** Frees the stream from its page, which is over, so that the page's end does not abort it. */
  release(): void {
    this.unbind?.();
    this.unbind = undefined;
  }
}

/**
 * The counters a new page starts with when it continues a stream: the flow (records scanned, bytes, requests) starts
 * again at zero, as on a fresh read; what the stream lost for good (files unreadable or read only up to damage)
 * stays, so that no later page of the read says it holds everything.
 */
export function continuedStats(stats: SourceStats): void {
  const lost = {
    partitionsDamaged: stats.partitionsDamaged,
    damagedSamples: stats.damagedSamples,
    partitionsUnreadable: stats.partitionsUnreadable,
    unreadableSamples: stats.unreadableSamples,
  };
  Object.assign(stats, newSourceStats(), lost);
}

/** One suspended stream: its iterator, the event it had produced for the merge, and when it is given up. */
export interface ParkedScan {
  iterator: AsyncIterator<Matched>;
  head: Matched;
  link: ScanLink;
  expiresAt: number;
}

export interface ScanParkingOptions {
  /** streams kept suspended at once; the oldest is ended to make room */
  max: number;
  /** how long a suspended stream waits for its next page */
  ttlMs: number;
  now?: () => number;
}

export const DEFAULT_SCAN_PARKING: ScanParkingOptions = { max: 16, ttlMs: 60_000 };

/**
 * The suspended streams, by the cursor that continues them and the source. A cache, not state: a stream that is
 * not here (another replica, expired, evicted, two clients on one cursor) is read again from the cursor, which
 * gives the same events. Ending a stream returns its iterator, so that its files and connections close.
 */
export class ScanParking {
  private readonly scans = new Map<string, ParkedScan>();
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;
  /** streams continued by a later page, and streams ended unused (expired or evicted), since start */
  continued = 0;
  dropped = 0;

  constructor(private readonly opts: ScanParkingOptions = DEFAULT_SCAN_PARKING) {
    this.now = opts.now ?? Date.now;
  }

  static key(cursor: string, sourceId: string): string {
    return `${sourceId}\u0000${cursor}`;
  }

  get size(): number {
    return this.scans.size;
  }

  park(key: string, scan: Omit<ParkedScan, 'expiresAt'>): void {
    if (this.opts.max <= 0) return end(scan);
    this.drop(this.scans.get(key));
    this.scans.delete(key);
    while (this.scans.size >= this.opts.max) {
      const oldest = this.scans.keys().next().value as string;
      this.drop(this.scans.get(oldest));
      this.scans.delete(oldest);
    }
    this.scans.set(key, { ...scan, expiresAt: this.now() + this.opts.ttlMs });
    this.schedule();
  }

  /** The stream this cursor's page of this source continues, taken out (one page continues it). */
  take(key: string): ParkedScan | undefined {
    this.sweep();
    const scan = this.scans.get(key);
    if (!scan) return undefined;
    this.scans.delete(key);
    this.continued += 1;
    return scan;
  }

  /** Ends every suspended stream (server shutdown). */
  close(): void {
    for (const scan of this.scans.values()) this.drop(scan);
    this.scans.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, scan] of this.scans) {
      if (scan.expiresAt > now) continue;
      this.drop(scan);
      this.scans.delete(key);
    }
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sweep();
      if (this.scans.size > 0) this.schedule();
    }, this.opts.ttlMs);
    this.timer.unref();
  }

  private drop(scan: ParkedScan | undefined): void {
    if (!scan) return;
    this.dropped += 1;
    end(scan);
  }
}

function end(scan: Omit<ParkedScan, 'expiresAt'>): void {
  scan.link.controller.abort(new Error('suspended read ended'));
  void scan.iterator.return?.(undefined)?.catch(() => undefined);
}
