import * as fs from 'node:fs';
import * as path from 'node:path';
import { RetryableSinkError, type Sink, type SinkRecord } from './sink';

/** Where shipping stands, written after every batch the sink acknowledged: a restart resumes from here. */
export interface Checkpoint {
  version: 1;
  sink: string;
  /** the query it ships, so that a checkpoint is never applied to another one */
  query: string;
  mode: 'export' | 'follow';
  /** export: the window fixed on the first run */
  window?: { from: string; to: string };
  /** export: the last event shipped, in the export's order (oldest first) */
  last?: { time: string; source: string; id: string };
  /** follow: the tail's resume token after the last event shipped */
  token?: string;
  shipped: number;
  rejected: number;
  updatedAt: string;
}

export function readCheckpoint(file: string): Checkpoint | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Checkpoint;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`--checkpoint ${file}: not a checkpoint this command wrote (${(err as Error).message})`);
  }
}

/** Written to a sibling file and renamed into place: a crash leaves the old checkpoint or the new, never half of one. */
export function writeCheckpoint(file: string, cp: Checkpoint): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, `${JSON.stringify(cp, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

export interface ShipperOptions {
  batchSize?: number;
  /** a batch is sent after this long even when not full (default 1 s) */
  flushMs?: number;
  /** attempts per batch on 429/5xx/network errors before giving up (default 8) */
  maxAttempts?: number;
  /** the first backoff (doubling, with jitter, at most 30 s; a Retry-After wins) */
  backoffMs?: number;
  onRetry?: (err: Error, attempt: number, waitMs: number) => void;
}

/**
 * Batches records to a sink, at least once: a batch is retried with backoff on 429, 5xx and network errors,
 * and the position after it is saved (`onAcked`) only once the sink has taken it. A restart therefore repeats
 * at most the batch in flight, never skips one.
 */
export class Shipper<P> {
  private batch: { record: SinkRecord; position: P }[] = [];
  private timer?: NodeJS.Timeout;
  private sending: Promise<void> = Promise.resolve();
  private failure?: Error;
  shipped = 0;
  rejected: { id: string; source: string; reason: string }[] = [];

  constructor(
    private readonly sink: Sink,
    private readonly onAcked: (position: P, shipped: number, rejected: number) => void,
    private readonly signal: AbortSignal,
    private readonly opts: ShipperOptions = {},
  ) {}

  /** Adds a record; resolves when it may be followed by another (a full batch waits for the one before it). */
  async add(record: SinkRecord, position: P): Promise<void> {
    if (this.failure) throw this.failure;
    this.batch.push({ record, position });
    if (this.batch.length >= (this.opts.batchSize ?? 500)) await this.flush();
    else if (!this.timer) this.timer = setTimeout(() => void this.flush().catch(() => undefined), this.opts.flushMs ?? 1000);
  }

  /** Sends what is gathered and waits for every batch so far to be acknowledged. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.batch;
    this.batch = [];
    if (batch.length) this.sending = this.sending.then(() => this.sendWithRetries(batch));
    try {
      await this.sending;
    } catch (err) {
      this.failure = err as Error;
      throw err;
    }
  }

  private async sendWithRetries(batch: { record: SinkRecord; position: P }[]): Promise<void> {
    const records = batch.map((b) => b.record);
    const max = this.opts.maxAttempts ?? 8;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.sink.send(records, this.signal);
        this.shipped += result.accepted;
        this.rejected.push(...result.rejected);
        this.onAcked(batch[batch.length - 1]!.position, this.shipped, this.rejected.length);
        return;
      } catch (err) {
        if (!(err instanceof RetryableSinkError) || attempt >= max || this.signal.aborted) throw err;
        const base = Math.min(30_000, (this.opts.backoffMs ?? 500) * 2 ** (attempt - 1));
        const wait = err.retryAfterMs ?? Math.round(base / 2 + (Math.random() * base) / 2);
        this.opts.onRetry?.(err, attempt, wait);
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }
}
