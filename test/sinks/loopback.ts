import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Loopback {
  url: string;
  close(): Promise<void>;
}

export async function listen(handler: (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void): Promise<Loopback> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/**
 * Splunk's HTTP Event Collector as it answers: `Authorization: Splunk <token>` (403 code 4 otherwise), a channel
 * header required with acknowledgement on (400 code 10), events as concatenated JSON objects, an ackId per batch,
 * and `/services/collector/ack` reporting an ack true only after it has been polled `indexDelay` times. The first
 * `busyFirst` requests get 503 (server busy, code 9).
 */
export async function fakeHec(token: string, opts: { busyFirst?: number; indexDelay?: number } = {}) {
  const events: Record<string, unknown>[] = [];
  const pendingAcks = new Map<number, { polls: number; batch: Record<string, unknown>[] }>();
  let nextAck = 0;
  let busy = opts.busyFirst ?? 0;
  const server = await listen((req, body, res) => {
    if (req.headers.authorization !== `Splunk ${token}`) return json(res, 403, { text: 'Invalid token', code: 4 });
    if (!req.headers['x-splunk-request-channel']) return json(res, 400, { text: 'Data channel is missing', code: 10 });
    if (busy > 0) {
      busy -= 1;
      return json(res, 503, { text: 'Server is busy', code: 9 });
    }
    if (req.url === '/services/collector/event') {
      const batch = body
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      if (batch.some((e) => e.event === undefined || typeof e.time !== 'number')) return json(res, 400, { text: 'Event field is required', code: 12 });
      const ackId = nextAck++;
      pendingAcks.set(ackId, { polls: 0, batch });
      return json(res, 200, { text: 'Success', code: 0, ackId });
    }
    if (req.url === '/services/collector/ack') {
      const { acks } = JSON.parse(body) as { acks: number[] };
      const out: Record<string, boolean> = {};
      for (const id of acks) {
        const p = pendingAcks.get(id);
        if (!p) {
          out[id] = false;
          continue;
        }
        p.polls += 1;
        out[id] = p.polls > (opts.indexDelay ?? 1);
        if (out[id]) {
          events.push(...p.batch);
          pendingAcks.delete(id);
        }
      }
      return json(res, 200, { acks: out });
    }
    json(res, 404, { text: 'not found', code: 404 });
  });
  return { ...server, events };
}

/**
 * Elasticsearch's `_bulk`: NDJSON action and source lines, `create` with `_id`; per item 201, 409 when the id
 * exists, 429 for ids in `throttleOnce` the first time, 400 mapper_parsing_exception for documents whose
 * `event.action` is in `badActions`. `errors` is true when any item failed.
 */
export async function fakeElasticsearch(opts: { apiKey: string; throttleOnce?: Set<string>; badActions?: Set<string> }) {
  const docs = new Map<string, Record<string, unknown>>();
  const requests: number[] = [];
  const server = await listen((req, body, res) => {
    if (req.headers.authorization !== `ApiKey ${opts.apiKey}`) return json(res, 401, { error: { type: 'security_exception' }, status: 401 });
    if (req.url !== '/_bulk' || req.headers['content-type'] !== 'application/x-ndjson') return json(res, 400, { error: 'bad request' });
    const lines = body.split('\n').filter(Boolean);
    const items: unknown[] = [];
    for (let i = 0; i < lines.length; i += 2) {
      const action = JSON.parse(lines[i]!) as { create: { _index: string; _id: string } };
      const doc = JSON.parse(lines[i + 1]!) as { event: { action: string; id: string } };
      const id = action.create._id;
      let status = 201;
      let error: unknown;
      if (opts.throttleOnce?.has(doc.event.id)) {
        opts.throttleOnce.delete(doc.event.id);
        status = 429;
        error = { type: 'es_rejected_execution_exception', reason: 'rejected execution' };
      } else if (opts.badActions?.has(doc.event.action)) {
        status = 400;
        error = { type: 'mapper_parsing_exception', reason: 'failed to parse field [event.action]' };
      } else if (docs.has(id)) {
        status = 409;
        error = { type: 'version_conflict_engine_exception', reason: 'document already exists' };
      } else docs.set(id, doc as unknown as Record<string, unknown>);
      items.push({ create: { _index: action.create._index, _id: id, status, ...(error ? { error } : {}) } });
    }
    requests.push(items.length);
    json(res, 200, { took: 1, errors: items.some((i) => (i as { create: { status: number } }).create.status >= 300), items });
  });
  return { ...server, docs, requests };
}
