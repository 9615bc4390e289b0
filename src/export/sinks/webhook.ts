import { checkStatus, post, type Sink, type SinkRecord, type SinkResult } from './sink';

/** A generic webhook: each batch POSTed as NDJSON (the export's event records), `Authorization: Bearer <token>`; any 2xx takes it. */
export class WebhookSink implements Sink {
  readonly name: string;

  constructor(
    private readonly url: string,
    private readonly token: string | undefined,
  ) {
    this.name = `webhook ${new URL(url).origin}`;
  }

  async send(batch: readonly SinkRecord[], signal: AbortSignal): Promise<SinkResult> {
    const body = `${batch.map((r) => JSON.stringify(r)).join('\n')}\n`;
    const res = await post(this.url, { headers: { 'content-type': 'application/x-ndjson', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) }, body, signal }, 'webhook');
    await checkStatus(res, 'webhook');
    return { accepted: batch.length, rejected: [] };
  }
}
