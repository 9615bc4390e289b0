import type { Logger } from 'pino';
import type { Source } from '../domain';

export interface SourceReadinessResult {
  id: string;
  healthy: boolean;
  /** why not, for the log (it can name paths and endpoints: never shown to unauthenticated callers) */
  message: string;
}

export interface ReadinessOptions {
  /** a health check answered within this long is reused (probes come every few seconds; upstreams have rate limits) */
  cacheMs?: number;
  /** a source that has not answered its health check by then is unhealthy */
  timeoutMs?: number;
}

/**
 * Which sources are healthy now: each source's `health()`, at most one round at a time and reused for `cacheMs`,
 * each bounded by `timeoutMs`. A source turning unhealthy (or healthy again) is logged with its message.
 */
export class SourceReadiness {
  private readonly last = new Map<string, boolean>();
  private cached?: { at: number; results: SourceReadinessResult[] };
  private inFlight?: Promise<SourceReadinessResult[]>;
  private readonly cacheMs: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly sources: readonly Source[],
    private readonly log: Logger,
    opts: ReadinessOptions = {},
  ) {
    this.cacheMs = opts.cacheMs ?? 5_000;
    this.timeoutMs = opts.timeoutMs ?? 5_000;
  }

  /** the last known health of each source checked so far */
  known(): ReadonlyMap<string, boolean> {
    return this.last;
  }

  check(): Promise<SourceReadinessResult[]> {
    if (this.cached && performance.now() - this.cached.at < this.cacheMs) return Promise.resolve(this.cached.results);
    this.inFlight ??= this.round().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async round(): Promise<SourceReadinessResult[]> {
    const results = await Promise.all(this.sources.map((s) => this.one(s)));
    for (const r of results) {
      const before = this.last.get(r.id);
      if (before !== r.healthy) {
        if (!r.healthy) this.log.warn({ source: r.id, health: r.message }, `source ${r.id} is not healthy`);
        else if (before === false) this.log.info({ source: r.id }, `source ${r.id} is healthy again`);
      }
      this.last.set(r.id, r.healthy);
    }
    this.cached = { at: performance.now(), results };
    return results;
  }

  private async one(source: Source): Promise<SourceReadinessResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<SourceReadinessResult>((resolve) => {
      timer = setTimeout(() => resolve({ id: source.id, healthy: false, message: `no answer to the health check within ${this.timeoutMs} ms` }), this.timeoutMs);
    });
    try {
      return await Promise.race([
        source.health().then(
          (h) => ({ id: source.id, healthy: h.ok, message: h.message }),
          (err: unknown) => ({ id: source.id, healthy: false, message: `health check failed: ${(err as Error)?.message ?? String(err)}` }),
        ),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}
