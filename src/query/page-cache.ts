import type { UpstreamPageCache, UpstreamPageLoad } from '../domain';

export interface PageCacheOptions {
  /** what the cached pages may weigh in all, in bytes of their JSON (0: no cache) */
  maxBytes: number;
  /** how long a page of a window that is still open (it may still grow) is served again */
  openTtlMs: number;
  /** a page heavier than this is not kept (it would push everything else out) */
  maxEntryBytes?: number;
  /** what an entry weighs, in bytes (default: the length of its JSON); undefined: not kept */
  weigh?: (value: unknown) => number | undefined;
  now?: () => number;
}

export const DEFAULT_PAGE_CACHE: PageCacheOptions = { maxBytes: 32 * 1024 * 1024, openTtlMs: 10_000 };

interface Entry {
  value: unknown;
  bytes: number;
  /** epoch ms; Infinity for a settled window's page */
  expiresAt: number;
}

/**
 * Upstream pages by the exact request that fetched them: a cache, never the source of truth. A page of a window that
 * has settled (its end is older than the source's delivery lag) cannot change and is kept until the least recently
 * used pages must make room; a page of an open window is kept a few seconds. Concurrent identical requests share one
 * upstream call. Every page served without a request is counted by the caller (`SourceStatus.cacheHits`).
 */
export class PageCache implements UpstreamPageCache {
  /** insertion order is recency order: a hit moves its entry to the end */
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<unknown>>();
  private readonly now: () => number;
  private bytes = 0;
  hits = 0;
  misses = 0;
  evictions = 0;

  constructor(private readonly opts: PageCacheOptions = DEFAULT_PAGE_CACHE) {
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get weight(): number {
    return this.bytes;
  }

  async load<T>(key: string, settled: boolean, signal: AbortSignal, fetch: () => Promise<T>, keep?: (page: T) => boolean): Promise<UpstreamPageLoad<T>> {
    if (this.opts.maxBytes <= 0) return { value: await fetch(), hit: false };
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > this.now()) {
      this.entries.delete(key);
      this.entries.set(key, entry);
      this.hits += 1;
      return { value: entry.value as T, hit: true };
    }
    if (entry) this.remove(key, entry);
    const pending = this.inflight.get(key);
    if (pending) {
      try {
        const value = (await pending) as T;
        this.hits += 1;
        return { value, hit: true };
      } catch (err) {
        // the other caller's failure is its own (it was cancelled, its budget ran out): ask for ourselves
        if (signal.aborted) throw err;
      }
    }
    this.misses += 1;
    const call = fetch();
    this.inflight.set(key, call);
    try {
      const value = await call;
      if (!keep || keep(value)) this.store(key, value, settled);
      return { value, hit: false };
    } finally {
      if (this.inflight.get(key) === call) this.inflight.delete(key);
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private store(key: string, value: unknown, settled: boolean): void {
    const bytes = (this.opts.weigh ?? weigh)(value);
    if (bytes === undefined || bytes > (this.opts.maxEntryBytes ?? this.opts.maxBytes / 4)) return;
    const old = this.entries.get(key);
    if (old) this.remove(key, old);
    this.entries.set(key, { value, bytes, expiresAt: settled ? Infinity : this.now() + this.opts.openTtlMs });
    this.bytes += bytes;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.opts.maxBytes) break;
      this.remove(k, e);
      this.evictions += 1;
    }
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}

/** A page's weight: the length of its JSON (undefined when it has none: not cached). */
function weigh(value: unknown): number | undefined {
  try {
    const text = JSON.stringify(value);
    return typeof text === 'string' ? text.length * 2 : undefined;
  } catch {
    return undefined;
  }
}
