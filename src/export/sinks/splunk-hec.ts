import { randomUUID } from 'node:crypto';
import { checkStatus, post, RetryableSinkError, SinkRefusedError, type Sink, type SinkRecord, type SinkResult } from './sink';

/**
 * Splunk's HTTP Event Collector: `POST /services/collector/event` with `Authorization: Splunk <token>`, one JSON
 * object per event (`time` in epoch seconds, `source`, `sourcetype`, `event`). With indexer acknowledgement on,
 * HEC answers an `ackId`; the batch counts as taken only once `/services/collector/ack` says it is indexed
 * (a channel id is sent on every request, as HEC requires then).
 */
export class SplunkHecSink implements Sink {
  readonly name: string;
  private readonly channel = randomUUID();

  constructor(
    private readonly base: string,
    private readonly token: string,
    private readonly opts: { ackTimeoutMs?: number; ackPollMs?: number } = {},
  ) {
    this.name = `splunk-hec ${base}`;
  }

  private headers(): Record<string, string> {
    return { authorization: `Splunk ${this.token}`, 'x-splunk-request-channel': this.channel, 'content-type': 'application/json' };
  }

  async send(batch: readonly SinkRecord[], signal: AbortSignal): Promise<SinkResult> {
    const body = batch
      .map((r) => JSON.stringify({ time: Date.parse(r.time) / 1000, host: 'auditgraph', source: r.source, sourcetype: `auditgraph:${String(r.sourceType ?? 'event')}`, event: r }))
      .join('\n');
    const res = await post(`${this.base}/services/collector/event`, { headers: this.headers(), body, signal }, 'splunk-hec');
    await checkStatus(res, 'splunk-hec');
    const reply = (await res.json().catch(() => ({}))) as { code?: number; text?: string; ackId?: number };
    if (reply.code !== undefined && reply.code !== 0) throw new SinkRefusedError(`splunk-hec: code ${reply.code}: ${reply.text ?? ''}`);
    if (reply.ackId !== undefined) await this.awaitAck(reply.ackId, signal);
    return { accepted: batch.length, rejected: [] };
  }

  private async awaitAck(ackId: number, signal: AbortSignal): Promise<void> {
    const deadline = Date.now() + (this.opts.ackTimeoutMs ?? 60_000);
    while (Date.now() < deadline) {
      const res = await post(`${this.base}/services/collector/ack`, { headers: this.headers(), body: JSON.stringify({ acks: [ackId] }), signal }, 'splunk-hec ack');
      await checkStatus(res, 'splunk-hec ack');
      const reply = (await res.json()) as { acks?: Record<string, boolean> };
      if (reply.acks?.[String(ackId)]) return;
      await new Promise((r) => setTimeout(r, this.opts.ackPollMs ?? 1000));
    }
    // not indexed in time: HEC may or may not have it; sending again is the at-least-once choice
    throw new RetryableSinkError(`splunk-hec: ack ${ackId} not confirmed within ${this.opts.ackTimeoutMs ?? 60_000} ms`);
  }
}
