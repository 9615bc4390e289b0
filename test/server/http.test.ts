import { DemoServer } from '../e2e/harness';
import { rawRequest } from '../helpers/http';
import { capturedLogger } from '../helpers/logs';

const SOURCES = JSON.stringify({ query: '{ sources { id } }' });
const json = { 'content-type': 'application/json' };

let demo: DemoServer;
const log = capturedLogger('debug');
beforeAll(async () => {
  demo = await DemoServer.startWith({ server: { allowedHosts: ['auditgraph.corp.example', '.ops.example'] } }, {}, {}, { logger: log.logger });
}, 120_000);
afterAll(async () => {
  await demo?.stop();
});

describe('the Host header allow-list (DNS-rebinding protection)', () => {
  it.each(['evil.example', 'evil.example:4000', 'localhost.evil.example', 'auditgraph.corp.example.evil.example', 'ops.example.evil', 'EVIL.example.'])(
    'refuses Host %s with 403 HOST_NOT_ALLOWED before anything runs',
    async (host) => {
      const reply = await rawRequest(demo.url, { method: 'POST', headers: { ...json, host }, body: SOURCES });
      expect(reply.status).toBe(403);
      expect(reply.json<{ errors: { message: string; extensions: { code: string } }[] }>().errors[0]).toMatchObject({
        extensions: { code: 'HOST_NOT_ALLOWED' },
        message: expect.stringContaining('server.allowedHosts'),
      });
    },
  );

  it('refuses it on every route, health included', async () => {
    expect((await rawRequest(demo.url.replace('/graphql', '/healthz'), { headers: { host: 'evil.example' } })).status).toBe(403);
  });

  it.each(['127.0.0.1:4000', 'localhost:4000', 'LOCALHOST', 'app.localhost', '[::1]:4000', '10.1.2.3', 'auditgraph.corp.example', 'AUDITGRAPH.corp.example.', 'ops.example', 'a.b.ops.example:443'])(
    'serves Host %s (addresses, localhost, configured names)',
    async (host) => {
      const reply = await rawRequest(demo.url, { method: 'POST', headers: { ...json, host }, body: SOURCES });
      expect(reply.status).toBe(200);
      expect(reply.json<{ data: { sources: unknown[] } }>().data.sources).toHaveLength(6);
    },
  );
});

describe('the request body limit', () => {
  it('answers a 10 MB body with 413 and a GraphQL error body, not a connection reset, with memory flat', async () => {
    const before = process.memoryUsage().rss;
    const huge = JSON.stringify({ query: '{ sources { id } }', variables: { pad: 'x'.repeat(10_000_000) } });
    const reply = await rawRequest(demo.url, { method: 'POST', headers: json, body: huge });
    expect(reply.status).toBe(413);
    expect(reply.headers.connection).toBe('close');
    expect(reply.json<{ errors: { extensions: { code: string; max: number } }[] }>().errors[0].extensions).toEqual({ code: 'PAYLOAD_TOO_LARGE', limit: 'maxBodyBytes', max: 1_000_000 });
    // the body was dropped as it came, not held (the 10 MB string of the test itself is ~20 MB of heap)
    expect(process.memoryUsage().rss - before).toBeLessThan(150 * 1024 * 1024);
  });

  it('answers fetch too (a client that sends the whole body before it reads)', async () => {
    const res = await fetch(demo.url, { method: 'POST', headers: json, body: 'x'.repeat(3_000_000) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('still serves a body under the limit', async () => {
    const reply = await rawRequest(demo.url, { method: 'POST', headers: json, body: JSON.stringify({ query: `{ sources { id } }\n# ${'x'.repeat(900_000)}` }) });
    expect(reply.status).toBe(200);
  });
});

describe('request ids and the request log', () => {
  it('echoes a sane x-request-id and makes one up otherwise', async () => {
    const given = await rawRequest(demo.url, { method: 'POST', headers: { ...json, 'x-request-id': 'siem-job-42' }, body: SOURCES });
    expect(given.headers['x-request-id']).toBe('siem-job-42');
    const made = await rawRequest(demo.url, { method: 'POST', headers: { ...json, 'x-request-id': 'bad id\twith "quotes"' }, body: SOURCES });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs one JSON line per request with its id, never a header value or the query string', async () => {
    await rawRequest(`${demo.url}?query=%7Bsources%7Bid%7D%7D&variables=%7B%22token%22%3A%22hunter2%22%7D`, {
      headers: { 'x-request-id': 'log-check-1', authorization: 'Bearer sekrit-token-value', 'apollo-require-preflight': 'true' },
    });
    await new Promise((r) => setTimeout(r, 50));
    const line = log.lines().find((l) => l.reqId === 'log-check-1' && l.msg === 'request');
    expect(line).toMatchObject({ method: 'GET', path: '/graphql', status: 200, clientIp: expect.any(String), durationMs: expect.any(Number), service: 'auditgraph' });
    expect(log.text()).not.toContain('sekrit-token-value');
    expect(log.text()).not.toContain('hunter2');
  });

  it('answers a GET query with the CSRF header (docs/api.md), and refuses one without it', async () => {
    const url = `${demo.url}?query=${encodeURIComponent('{ sources { id } }')}`;
    const refused = await rawRequest(url);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatch(/CSRF|preflight/i);
    const ok = await rawRequest(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(ok.status).toBe(200);
    expect(ok.json<{ data: { sources: { id: string }[] } }>().data.sources.length).toBeGreaterThan(0);
  });

  it('answers unknown routes with 404 and wrong methods with 405', async () => {
    expect((await rawRequest(demo.url.replace('/graphql', '/nope'))).status).toBe(404);
    const put = await rawRequest(demo.url, { method: 'PUT', headers: json, body: SOURCES });
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('GET, POST');
  });
});
