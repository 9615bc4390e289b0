import { createHash } from 'node:crypto';
import { checkStatus, post, RetryableSinkError, type Sink, type SinkRecord, type SinkResult } from './sink';

const OUTCOME: Record<string, string> = { SUCCESS: 'success', FAILURE: 'failure', UNKNOWN: 'unknown' };
const CATEGORY: Record<string, string[]> = {
  AUTHENTICATION: ['authentication'],
  ACCOUNT_CHANGE: ['iam'],
  USER_ACCESS: ['iam'],
  AUTHORIZE_SESSION: ['iam', 'session'],
  GROUP_MANAGEMENT: ['iam'],
  ENTITY_MANAGEMENT: ['configuration'],
  SCHEDULED_JOB: ['process'],
  API_ACTIVITY: ['configuration'],
};

/** An event in Elastic Common Schema field names (what Kibana's SIEM views read); the normalized record under `auditgraph`. */
export function toEcs(r: SinkRecord): Record<string, unknown> {
  const actor = r.actor as { name: string; uid?: string } | undefined;
  const cloud = r.cloud as { provider: string; account?: string; region?: string } | undefined;
  return {
    '@timestamp': r.time,
    event: { id: r.id, kind: 'event', action: r.action, category: CATEGORY[String(r.category)] ?? ['configuration'], outcome: OUTCOME[String(r.outcome)] ?? 'unknown', reason: r.outcomeReason, provider: r.sourceType, dataset: `auditgraph.${r.source}`, module: 'auditgraph' },
    user: actor ? { name: actor.name, id: actor.uid } : undefined,
    source: r.sourceIp ? { ip: r.sourceIp } : undefined,
    user_agent: r.userAgent ? { original: r.userAgent } : undefined,
    cloud: cloud ? { provider: cloud.provider, account: cloud.account ? { id: cloud.account } : undefined, region: cloud.region } : undefined,
    related: { user: actor ? [actor.name] : [], ip: r.sourceIp ? [r.sourceIp] : [] },
    labels: r.runId ? { run_id: r.runId } : undefined,
    trace: r.correlationId ? { id: r.correlationId } : undefined,
    auditgraph: r,
  };
}

/** The document id: one per event, so that a batch sent twice is indexed once (409 on the second `create`). */
export function docId(r: SinkRecord): string {
  return createHash('sha256').update(`${r.source}\u0000${r.id}\u0000${r.time}`).digest('base64url').slice(0, 32);
}

/**
 * Elasticsearch's `_bulk` API: one `create` action and document per event into `index`, `Authorization: ApiKey
 * <token>`. The reply says per item what happened: created (201) or already there (409: a retried batch) is
 * taken; 429 and 5xx items are sent again; other item errors (a mapping conflict) are refused for good and
 * reported, never dropped in silence.
 */
export class ElasticsearchSink implements Sink {
  readonly name: string;

  constructor(
    private readonly base: string,
    private readonly index: string,
    private readonly token: string | undefined,
  ) {
    this.name = `elasticsearch ${base}/${index}`;
  }

  async send(batch: readonly SinkRecord[], signal: AbortSignal): Promise<SinkResult> {
    let pending = [...batch];
    const rejected: SinkResult['rejected'] = [];
    let accepted = 0;
    for (let round = 0; pending.length > 0; round++) {
      const body = `${pending.map((r) => `${JSON.stringify({ create: { _index: this.index, _id: docId(r) } })}\n${JSON.stringify(toEcs(r))}`).join('\n')}\n`;
      const res = await post(`${this.base}/_bulk`, { headers: { 'content-type': 'application/x-ndjson', ...(this.token ? { authorization: `ApiKey ${this.token}` } : {}) }, body, signal }, 'elasticsearch _bulk');
      await checkStatus(res, 'elasticsearch _bulk');
      const reply = (await res.json()) as { errors: boolean; items: { create?: { status: number; error?: { type?: string; reason?: string } } }[] };
      const retry: SinkRecord[] = [];
      reply.items.forEach((item, i) => {
        const r = pending[i]!;
        const status = item.create?.status ?? 500;
        if (status < 300 || status === 409) accepted += 1;
        else if (status === 429 || status >= 500) retry.push(r);
        else rejected.push({ id: r.id, source: r.source, reason: `${status} ${item.create?.error?.type ?? ''}: ${item.create?.error?.reason ?? ''}` });
      });
      if (retry.length && round >= 5) throw new RetryableSinkError(`elasticsearch _bulk: ${retry.length} item(s) still refused with 429/5xx after ${round + 1} rounds`);
      if (retry.length) await new Promise((r) => setTimeout(r, 200 * 2 ** round));
      pending = retry;
    }
    return { accepted, rejected };
  }
}
