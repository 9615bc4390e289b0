import { createHash } from 'node:crypto';
import * as net from 'node:net';
import { startServer, type RunningServer } from '../../src/server/app';
import { configFromDocument } from '../../src/config/load';
import { DemoServer } from '../e2e/harness';
import { testDeps } from '../helpers/deps';
import { rawRequest } from '../helpers/http';
import { quietLogger } from '../helpers/logs';
import { FakeOkta } from '../sources/okta/fake-okta';
import { eventSeries } from '../sources/okta/fixtures';

const TOKEN = '00aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcd';
process.env.AUDITGRAPH_TEST_METRICS_OKTA_TOKEN = TOKEN;
// the last hour: an Okta org keeps 90 days, and the test runs now
const WINDOW = '{last: "PT1H"}';
const HOUR_AGO = () => new Date(Date.now() - 50 * 60_000).toISOString();

/** The value of one series in Prometheus text (`name{a="b",…} value`), labels in any order. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-zA-Z_]+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

let okta: FakeOkta;
let server: RunningServer;
beforeAll(async () => {
  okta = await FakeOkta.start({ token: TOKEN, events: eventSeries(HOUR_AGO(), 30, 60_000) });
  const config = configFromDocument(
    { sources: [{ id: 'okta', type: 'okta', mode: 'api', orgUrl: okta.url, tokenEnv: 'AUDITGRAPH_TEST_METRICS_OKTA_TOKEN', rateLimitPerMinute: 6000 }] },
    'test',
    testDeps(),
    {},
  );
  server = await startServer(config, { port: 0, host: '127.0.0.1', logger: quietLogger() });
});
afterAll(async () => {
  await server?.close();
  await okta?.close();
});

const post = (query: string) => rawRequest(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
const metrics = async () => (await rawRequest(server.url.replace('/graphql', '/metrics'))).body;

describe('GET /metrics', () => {
  it('counts upstream requests, throttles, errors by code, latency, pages and events per source, and operations', async () => {
    // throttled once (Okta's 429 with the reset a second away), waited out, retried
    okta.failNext(429, { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.', errorLink: 'E0000047', errorId: 'oae4', errorCauses: [] }, { 'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + 1) });
    const page = await post(`{ events(window: ${WINDOW}, first: 25) { edges { cursor } sources { state requests throttled eventsScanned eventsReturned } } }`);
    const status = page.json<{ data: { events: { sources: { state: string; requests: number; throttled: number; eventsScanned: number; eventsReturned: number }[] } } }>().data.events.sources[0];
    expect(status.state).toBe('OK');
    expect(status.throttled).toBeGreaterThan(0);
    okta.failNext(401, { errorCode: 'E0000011', errorSummary: 'Invalid token provided', errorLink: 'E0000011', errorId: 'oae3', errorCauses: [] });
    const failed = await post(`{ events(window: ${WINDOW}, first: 5) { edges { cursor } } }`);
    expect(failed.json<{ errors: { extensions: { code: string } }[] }>().errors[0].extensions.code).toBe('ALL_SOURCES_FAILED');
    await post('{ nope }');

    const res = await rawRequest(server.url.replace('/graphql', '/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;
    const okCalls = sample(text, 'auditgraph_upstream_requests_total', { source: 'okta', outcome: 'ok' })!;
    const throttled = sample(text, 'auditgraph_upstream_requests_total', { source: 'okta', outcome: 'throttled' })!;
    // every request the status counted is an upstream call the metrics counted, and the fake saw each of them
    expect(okCalls + throttled).toBe(status.requests);
    expect(throttled).toBe(status.throttled);
    expect(sample(text, 'auditgraph_upstream_throttles_total', { source: 'okta' })).toBe(status.throttled);
    expect(sample(text, 'auditgraph_upstream_errors_total', { source: 'okta', code: 'UNAUTHENTICATED' })).toBe(1);
    expect(sample(text, 'auditgraph_upstream_requests_total', { source: 'okta', outcome: 'error' })).toBe(1);
    expect(sample(text, 'auditgraph_upstream_request_duration_seconds_count', { source: 'okta' })).toBe(okCalls + throttled + 1);
    expect(sample(text, 'auditgraph_source_pages_total', { source: 'okta', state: 'OK' })).toBe(1);
    expect(sample(text, 'auditgraph_source_pages_total', { source: 'okta', state: 'FAILED' })).toBe(1);
    expect(sample(text, 'auditgraph_source_events_scanned_total', { source: 'okta' })).toBe(status.eventsScanned);
    expect(sample(text, 'auditgraph_source_events_returned_total', { source: 'okta' })).toBe(25);
    expect(sample(text, 'auditgraph_source_page_duration_seconds_count', { source: 'okta' })).toBe(2);
    expect(sample(text, 'auditgraph_graphql_operations_total', { type: 'query', field: 'events', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'auditgraph_graphql_operations_total', { type: 'query', field: 'events', outcome: 'error' })).toBe(1);
    expect(sample(text, 'auditgraph_graphql_errors_total', { code: 'ALL_SOURCES_FAILED' })).toBe(1);
    expect(sample(text, 'auditgraph_graphql_errors_total', { code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(sample(text, 'auditgraph_graphql_operation_duration_seconds_count', { type: 'query', field: 'events' })).toBe(2);
    expect(sample(text, 'auditgraph_http_requests_total', { route: '/graphql', method: 'POST', status: '200' })).toBe(2);
    expect(sample(text, 'auditgraph_http_requests_total', { route: '/graphql', method: 'POST', status: '400' })).toBe(1);
    // the process's own
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'auditgraph_build_info', { node: process.version })).toBe(1);
  });

  it('shows the engine: read slots, shared and suspended reads, and the page cache serving a repeated query', async () => {
    const w = `{from: "${new Date(Date.now() - 55 * 60_000).toISOString()}", to: "${new Date(Date.now() - 60_000).toISOString()}"}`;
    const before = await metrics();
    const hits0 = sample(before, 'auditgraph_page_cache_hits_total') ?? 0;
    const misses0 = sample(before, 'auditgraph_page_cache_misses_total') ?? 0;
    const q = `{ events(window: ${w}, first: 5) { edges { cursor } sources { requests cacheHits } } }`;
    const first = (await post(q)).json<{ data: { events: { sources: { requests: number; cacheHits: number }[] } } }>().data.events.sources[0];
    // the same request seconds later (the window is still open: a page is kept 10 s) asks Okta nothing
    const again = (await post(q)).json<{ data: { events: { sources: { requests: number; cacheHits: number }[] } } }>().data.events.sources[0];
    expect(first.requests).toBeGreaterThan(0);
    expect(again).toEqual({ requests: 0, cacheHits: first.requests });
    const after = await metrics();
    expect(sample(after, 'auditgraph_page_cache_hits_total')).toBe(hits0 + first.requests);
    expect(sample(after, 'auditgraph_page_cache_misses_total')).toBe(misses0 + first.requests);
    expect(sample(after, 'auditgraph_page_cache_entries')).toBeGreaterThan(0);
    expect(sample(after, 'auditgraph_page_cache_bytes')).toBeGreaterThan(0);
    // nothing is being read while /metrics answers
    expect(sample(after, 'auditgraph_reads_active')).toBe(0);
    expect(sample(after, 'auditgraph_reads_waiting')).toBe(0);
    for (const name of ['auditgraph_reads_queued_total', 'auditgraph_reads_shared_total', 'auditgraph_suspended_reads', 'auditgraph_suspended_reads_continued_total', 'auditgraph_page_cache_evictions_total', 'auditgraph_file_cache_bytes', 'auditgraph_file_cache_entries', 'auditgraph_file_cache_hits_total', 'auditgraph_file_cache_misses_total']) {
      expect([name, typeof sample(after, name)]).toEqual([name, 'number']);
    }
  });

  it('labels only what the config and schema name, never what a caller sends', async () => {
    await rawRequest(server.url.replace('/graphql', '/evil-path-xyz'));
    await post('{ evilFieldXyz }');
    const text = await metrics();
    expect(text).not.toContain('evil');
    // the path fell to the UI's catch-all route: that is its label
    expect(sample(text, 'auditgraph_http_requests_total', { route: '/', method: 'GET' })).toBeGreaterThanOrEqual(1);
  });
});

describe('GET /readyz', () => {
  it('says which sources are healthy, and 503 when none is', async () => {
    const ready = await rawRequest(server.url.replace('/graphql', '/readyz'));
    expect(ready.status).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', healthy: 1, total: 1, sources: [{ id: 'okta', healthy: true }] });
    expect(sample(await metrics(), 'auditgraph_source_up', { source: 'okta' })).toBe(1);
  });

  it('is not ready while no source is healthy, and the log says why', async () => {
    const config = configFromDocument(
      { sources: [{ id: 'okta', type: 'okta', mode: 'api', orgUrl: 'http://127.0.0.1:1', tokenEnv: 'AUDITGRAPH_TEST_METRICS_OKTA_TOKEN' }] },
      'test',
      testDeps(),
      {},
    );
    const down = await startServer(config, { port: 0, host: '127.0.0.1', logger: quietLogger() });
    try {
      const res = await rawRequest(down.url.replace('/graphql', '/readyz'));
      expect(res.status).toBe(503);
      expect(res.json()).toMatchObject({ status: 'not ready', healthy: 0, total: 1, sources: [{ id: 'okta', healthy: false }] });
      // nothing of why (an endpoint, a path) is in the unauthenticated answer
      expect(res.body).not.toContain('127.0.0.1');
      const text = (await rawRequest(down.url.replace('/graphql', '/metrics'))).body;
      expect(sample(text, 'auditgraph_source_up', { source: 'okta' })).toBe(0);
    } finally {
      await down.close();
    }
  });

  it('says not ready as soon as a shutdown starts', async () => {
    const slowOkta = await FakeOkta.start({ token: TOKEN, events: eventSeries(HOUR_AGO(), 5, 60_000), delayMs: 400 });
    const config = configFromDocument({ sources: [{ id: 'okta', type: 'okta', mode: 'api', orgUrl: slowOkta.url, tokenEnv: 'AUDITGRAPH_TEST_METRICS_OKTA_TOKEN' }] }, 'test', testDeps(), {});
    const other = await startServer(config, { port: 0, host: '127.0.0.1', logger: quietLogger() });
    try {
      // a page in flight when the shutdown starts keeps its connection open: a probe sent on it then is answered
      const body = JSON.stringify({ query: `{ events(window: ${WINDOW}, first: 3) { edges { cursor } } }` });
      const socket = net.connect(other.port, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      let reply = '';
      socket.on('data', (c: Buffer) => (reply += c.toString()));
      const ended = new Promise((r) => socket.once('close', r));
      socket.write(`POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      await new Promise((r) => setTimeout(r, 150));
      const closing = other.close();
      socket.write('GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await closing;
      await ended;
      const [page, probe] = reply.split(/(?=HTTP\/1\.1 )/);
      expect(page).toMatch(/^HTTP\/1\.1 200/);
      expect(page).toContain('"cursor"');
      expect(probe).toMatch(/^HTTP\/1\.1 503/);
      expect(probe).toContain('"status":"not ready"');
      expect(probe).toContain('shutting down');
    } finally {
      await other.close();
      await slowOkta.close();
    }
  });
});

describe('GET /metrics when callers must authenticate', () => {
  it('needs an admin caller: the series name every source', async () => {
    const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
    const ADMIN = 'ag_test_metrics-admin-0123456789';
    const READER = 'ag_test_metrics-reader-012345678';
    const demo = await DemoServer.startWith({
      auth: {
        apiKeys: [{ id: 'prometheus', sha256: sha256(ADMIN), roles: ['ops'] }, { id: 'siem', sha256: sha256(READER), roles: ['okta-reader'] }],
        roles: [{ name: 'ops', sources: ['*'], raw: false, admin: true }, { name: 'okta-reader', sources: ['okta'], raw: false }],
      },
    });
    try {
      const url = demo.url.replace('/graphql', '/metrics');
      expect((await rawRequest(url)).status).toBe(401);
      expect((await rawRequest(url, { headers: { authorization: `Bearer ${READER}` } })).status).toBe(403);
      const admin = await rawRequest(url, { headers: { authorization: `Bearer ${ADMIN}` } });
      expect(admin.status).toBe(200);
      expect(sample(admin.body, 'auditgraph_source_events_scanned_total', { source: 'aws-trail' })).toBe(0);
      // the probes stay open, and say no more than counts
      const ready = await rawRequest(demo.url.replace('/graphql', '/readyz'));
      expect(ready.status).toBe(200);
      expect(ready.json()).toEqual({ status: 'ready', healthy: 6, total: 6 });
    } finally {
      await demo.stop();
    }
  });
});
