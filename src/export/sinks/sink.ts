/** A batch the sink could not take now (429, 5xx, a network error): send it again later. */
export class RetryableSinkError extends Error {
  constructor(
    message: string,
    /** the sink's Retry-After, when it gave one */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RetryableSinkError';
  }
}

/** A batch the sink refused for good (bad credentials, a malformed request): retrying would not help. */
export class SinkRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SinkRefusedError';
  }
}

/** An event as a sink receives it: the NDJSON export's record (src/export/record.ts). */
export type SinkRecord = Record<string, unknown> & { id: string; time: string; source: string };

export interface SinkResult {
  /** records the sink took (or already had: a retried record it recognized) */
  accepted: number;
  /** records the sink refused for good (e.g. Elasticsearch mapping errors), with why: never silently dropped */
  rejected: { id: string; source: string; reason: string }[];
}

/** One SIEM endpoint. `send` resolves when the sink has taken the batch (acknowledged), or throws one of the errors above. */
export interface Sink {
  readonly name: string;
  send(batch: readonly SinkRecord[], signal: AbortSignal): Promise<SinkResult>;
}

export function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const s = Number(header);
  if (Number.isFinite(s)) return s * 1000;
  const t = Date.parse(header);
  return Number.isNaN(t) ? undefined : Math.max(0, t - Date.now());
}

/** What an HTTP status means for a batch: fine, retry, or refused. */
export async function checkStatus(res: Response, what: string): Promise<void> {
  if (res.ok) return;
  const body = (await res.text().catch(() => '')).slice(0, 300);
  if (res.status === 429 || res.status >= 500) throw new RetryableSinkError(`${what}: HTTP ${res.status} ${body}`, retryAfter(res.headers.get('retry-after')));
  throw new SinkRefusedError(`${what}: HTTP ${res.status} ${body}`);
}

export async function post(url: string, init: RequestInit, what: string): Promise<Response> {
  try {
    return await fetch(url, { ...init, method: 'POST' });
  } catch (err) {
    if ((init.signal as AbortSignal | undefined)?.aborted) throw err;
    throw new RetryableSinkError(`${what}: ${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}`);
  }
}
