import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { configFromDocument } from '../../src/config/load';
import { startServer } from '../../src/server/app';
import { testDeps } from '../helpers/deps';
import { rawRequest } from '../helpers/http';
import { quietLogger } from '../helpers/logs';
import { FakeOkta } from '../sources/okta/fake-okta';
import { eventSeries } from '../sources/okta/fixtures';

const TOKEN = '00aTracingTokenNeverInASpan0123456789abcd';
process.env.AUDITGRAPH_TEST_TRACING_OKTA_TOKEN = TOKEN;
const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const QUERY = `query WhoDidWhat($f: EventFilterInput) { events(window: {last: "PT1H"}, filter: $f, first: 5) { edges { cursor } } }`;

function configDoc(tracing: Record<string, unknown>, oktaUrl: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracing-k8s-'));
  return {
    sources: [
      { id: 'okta', type: 'okta', mode: 'api', orgUrl: oktaUrl, tokenEnv: 'AUDITGRAPH_TEST_TRACING_OKTA_TOKEN', rateLimitPerMinute: 6000 },
      { id: 'k8s', type: 'k8s-audit', mode: 'file', path: dir },
    ],
    tracing,
  };
}

describe('OpenTelemetry traces through the HTTP server', () => {
  let okta: FakeOkta;
  beforeAll(async () => {
    okta = await FakeOkta.start({ token: TOKEN, events: eventSeries(new Date(Date.now() - 30 * 60_000).toISOString(), 10, 60_000) });
  });
  afterAll(async () => {
    await okta?.close();
  });

  it('makes a span per request, per operation, per source and per upstream call, in one trace continuing the caller\'s', async () => {
    const exporter = new InMemorySpanExporter();
    const server = await startServer(configFromDocument(configDoc({ enabled: true }, okta.url), 'test', testDeps(), {}), { port: 0, host: '127.0.0.1', logger: quietLogger(), spanExporter: exporter });
    let spans: ReadableSpan[];
    try {
      const reply = await rawRequest(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: `00-${CALLER_TRACE}-00f067aa0ba902b7-01`, authorization: 'Bearer should-not-appear' },
        body: JSON.stringify({ query: QUERY, variables: { f: { identity: ['alice@example.com'], action: ['user.session.start'] } } }),
      });
      expect(reply.status).toBe(200);
      spans = exporter.getFinishedSpans();
    } finally {
      await server.close();
    }
    const byName = (name: string) => spans.filter((s) => s.name === name);
    const [http] = byName('POST /graphql');
    const [operation] = byName('query WhoDidWhat');
    const [oktaSource] = byName('source okta');
    const [k8sSource] = byName('source k8s');
    const upstream = byName('upstream okta');
    expect([http, operation, oktaSource, k8sSource].every(Boolean)).toBe(true);
    expect(upstream.length).toBeGreaterThanOrEqual(1);
    // one trace, the caller's, and each span the child of the one above it
    for (const s of spans) expect(s.spanContext().traceId).toBe(CALLER_TRACE);
    const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
    expect(parentOf(http)).toBe('00f067aa0ba902b7');
    expect(parentOf(operation)).toBe(http.spanContext().spanId);
    expect(parentOf(oktaSource)).toBe(operation.spanContext().spanId);
    expect(parentOf(k8sSource)).toBe(operation.spanContext().spanId);
    for (const u of upstream) expect(parentOf(u)).toBe(oktaSource.spanContext().spanId);
    expect(http.kind).toBe(SpanKind.SERVER);
    expect(upstream[0].kind).toBe(SpanKind.CLIENT);
    expect(http.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/graphql', 'http.response.status_code': 200 });
    expect(operation.attributes).toMatchObject({ 'graphql.operation.type': 'query', 'graphql.operation.name': 'WhoDidWhat', 'auditgraph.graphql.root_fields': ['events'] });
    expect(oktaSource.attributes).toMatchObject({ 'auditgraph.source.id': 'okta', 'auditgraph.source.type': 'okta', 'auditgraph.source.mode': 'api', 'auditgraph.query.order': 'NEWEST_FIRST', 'auditgraph.source.state': 'OK' });
    expect(oktaSource.attributes['auditgraph.query.pushed_down']).toEqual(expect.arrayContaining(['identity']));
    expect(upstream[0].attributes).toMatchObject({ 'auditgraph.source.id': 'okta', 'auditgraph.upstream.operation': 'GET /api/v1/logs', 'auditgraph.upstream.attempt': 1, 'auditgraph.upstream.outcome': 'ok' });
    // the shape of the request, never its values or a secret
    const everything = JSON.stringify(spans.map((s) => [s.name, s.attributes, s.events]));
    for (const secret of [TOKEN, 'should-not-appear', 'alice@example.com', 'user.session.start']) expect(everything).not.toContain(secret);
  });

  it('exports over OTLP/HTTP to the configured collector, flushed at shutdown (the compiled server)', async () => {
    const received: { path: string; type?: string; body: Buffer }[] = [];
    const collector = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', type: req.headers['content-type'], body: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/traces`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracing-otlp-'));
    const file = path.join(dir, 'auditgraph.json');
    fs.writeFileSync(file, JSON.stringify(configDoc({ enabled: true, endpoint, serviceName: 'auditgraph-test' }, okta.url)));
    // jest's module sandbox cannot run the exporter's dynamic imports: the real server runs in its own process
    const child = spawn(process.execPath, [path.join(__dirname, '../../dist/src/server/main.js'), '--config', file], {
      env: { PATH: process.env.PATH, HOME: os.tmpdir(), PORT: '0', AUDITGRAPH_TEST_TRACING_OKTA_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /GraphQL at (http:\/\/[^\s,"]+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
      });
      await rawRequest(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY }) });
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(received.length).toBeGreaterThanOrEqual(1);
      expect(received[0].path).toBe('/v1/traces');
      // OTLP/HTTP with the JSON encoding (what @opentelemetry/exporter-trace-otlp-http sends)
      expect(received[0].type).toBe('application/json');
      const all = Buffer.concat(received.map((r) => r.body)).toString('latin1');
      for (const name of ['auditgraph-test', 'POST /graphql', 'query WhoDidWhat', 'source okta', 'upstream okta']) expect(all).toContain(name);
    } finally {
      child.kill('SIGKILL');
      collector.close();
    }
  }, 60_000);

  it('is off by default: no span is made', async () => {
    const exporter = new InMemorySpanExporter();
    const server = await startServer(configFromDocument(configDoc({}, okta.url), 'test', testDeps(), {}), { port: 0, host: '127.0.0.1', logger: quietLogger(), spanExporter: exporter });
    try {
      await rawRequest(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY }) });
    } finally {
      await server.close();
    }
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('refuses a tracing endpoint that is not an OTLP/HTTP traces URL, naming the key', () => {
    expect(() => configFromDocument(configDoc({ enabled: true, endpoint: 'http://collector:4318' }, okta.url), 'test', testDeps(), {})).toThrow('config tracing.endpoint: expected the OTLP/HTTP traces URL, ending in /v1/traces');
  });
});
