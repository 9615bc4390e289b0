import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../../src/config/errors';
import { configFromDocument } from '../../src/config/load';
import { startServer, type RunningServer } from '../../src/server/app';
import { testDeps } from '../helpers/deps';
import { rawRequest } from '../helpers/http';
import { quietLogger } from '../helpers/logs';
import WebSocket from 'ws';
import { selfSignedCert, type SelfSignedCert } from '../sources/azure-activity/tls';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-tls-'));
const config = (server: Record<string, unknown>) => configFromDocument({ sources: [{ id: 'cluster', type: 'k8s-audit', mode: 'file', path: dir }], server }, 'test', testDeps(), {});
const SOURCES = JSON.stringify({ query: '{ sources { id } }' });
const json = { 'content-type': 'application/json' };

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('CORS allow-list (server.cors.origins)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(config({ cors: { origins: ['https://siem.corp.example'] } }), { port: 0, host: '127.0.0.1', logger: quietLogger() });
  });
  afterAll(() => server?.close());

  it('serves an allowed origin, naming it in Access-Control-Allow-Origin', async () => {
    const r = await rawRequest(server.url, { method: 'POST', headers: { ...json, origin: 'https://siem.corp.example' }, body: SOURCES });
    expect(r.status).toBe(200);
    expect(r.headers['access-control-allow-origin']).toBe('https://siem.corp.example');
    expect(r.headers.vary).toContain('Origin');
    expect(r.headers['access-control-expose-headers']).toContain('x-request-id');
  });

  it("answers an allowed origin's preflight with the methods and headers the route takes", async () => {
    const r = await rawRequest(server.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://siem.corp.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-methods']).toBe('GET, POST');
    expect(r.headers['access-control-allow-headers']).toContain('authorization');
    expect(r.headers['access-control-allow-origin']).toBe('https://siem.corp.example');
  });

  it.each([['https://evil.example'], ['https://siem.corp.example.evil.example'], ['http://siem.corp.example'], ['null']])(
    'refuses %s with 403 ORIGIN_NOT_ALLOWED before anything runs, preflight, GraphQL and export alike',
    async (origin) => {
      const pre = await rawRequest(server.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
      const post = await rawRequest(server.url, { method: 'POST', headers: { ...json, origin }, body: SOURCES });
      const exp = await rawRequest(server.url.replace(/\/graphql$/, '/export?format=ndjson&last=PT1H'), { headers: { origin } });
      for (const r of [pre, post, exp]) {
        expect(r.status).toBe(403);
        expect(r.json<{ errors: { extensions: { code: string } }[] }>().errors[0].extensions.code).toBe('ORIGIN_NOT_ALLOWED');
        expect(r.headers['access-control-allow-origin']).toBeUndefined();
      }
    },
  );

  it("serves its own origin (the UI's requests) and requests without an Origin, with no CORS headers", async () => {
    const own = await rawRequest(server.url, { method: 'POST', headers: { ...json, origin: `http://127.0.0.1:${server.port}` }, body: SOURCES });
    expect(own.status).toBe(200);
    expect(own.headers['access-control-allow-origin']).toBeUndefined();
    const none = await rawRequest(server.url, { method: 'POST', headers: json, body: SOURCES });
    expect(none.status).toBe(200);
  });

  /** How a WebSocket upgrade to /graphql is answered: opened, or the HTTP status it was refused with. */
  const upgrade = (headers: Record<string, string>) =>
    new Promise<number | 'open'>((resolve, reject) => {
      const ws = new WebSocket(server.url.replace(/^http/, 'ws'), 'graphql-transport-ws', { headers });
      ws.on('open', () => {
        ws.close();
        resolve('open');
      });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', (err) => (err.message.includes('Unexpected server response') ? undefined : reject(err)));
    });

  it('refuses a WebSocket upgrade from a foreign page (cross-site WebSocket hijacking) or for a foreign Host, as HTTP requests', async () => {
    expect(await upgrade({ origin: 'https://evil.example' })).toBe(403);
    expect(await upgrade({ host: 'evil.example' })).toBe(403);
    expect(await upgrade({ origin: 'https://siem.corp.example' })).toBe('open');
    expect(await upgrade({ origin: `http://127.0.0.1:${server.port}` })).toBe('open');
    expect(await upgrade({})).toBe('open');
  });

  it('names the config key at fault', () => {
    expect(() => config({ cors: { origins: ['https://siem.corp.example/path'] } })).toThrow(ConfigError);
    expect(() => config({ cors: { origins: ['siem.corp.example'] } })).toThrow(/server\.cors\.origins\[0\]: expected an origin/);
    expect(() => config({ cors: { origin: ['https://a.example'] } })).toThrow(/server\.cors\.origin: unknown key/);
    expect(config({ cors: { origins: '*' } }).server.corsOrigins).toBe('*');
  });
});

describe('TLS (server.tls)', () => {
  let cert: SelfSignedCert;
  let server: RunningServer;
  beforeAll(async () => {
    cert = selfSignedCert();
    const keyFile = path.join(path.dirname(cert.certFile), 'key.pem');
    server = await startServer(config({ tls: { certFile: cert.certFile, keyFile } }), { port: 0, host: '127.0.0.1', logger: quietLogger() });
  });
  afterAll(async () => {
    await server?.close();
    cert?.dispose();
  });

  it('serves HTTPS with the configured certificate, and says so', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(server.notices).toContain(`tls: serving HTTPS with the certificate in ${cert.certFile}`);
    const body = await new Promise<string>((resolve, reject) => {
      const req = https.request(server.url, { method: 'POST', headers: json, ca: cert.cert }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end(SOURCES);
    });
    expect(JSON.parse(body)).toEqual({ data: { sources: [{ id: 'cluster' }] } });
  });

  it('does not answer plain HTTP on the TLS port', async () => {
    const r = await rawRequest(server.url.replace('https:', 'http:'), { method: 'POST', headers: json, body: SOURCES }).catch((err: Error) => err);
    if (r instanceof Error) expect(r.message).toMatch(/socket hang up|ECONNRESET|parse/i);
    else expect(r.status).not.toBe(200);
  });

  it('names the key at fault for a missing or non-PEM file', () => {
    expect(() => config({ tls: { certFile: path.join(dir, 'nope.pem'), keyFile: path.join(dir, 'nope.pem') } })).toThrow(/server\.tls\.certFile: cannot read/);
    const notPem = path.join(dir, 'not.pem');
    fs.writeFileSync(notPem, 'hello');
    expect(() => config({ tls: { certFile: cert.certFile, keyFile: notPem } })).toThrow(/server\.tls\.keyFile: .* is not a PEM private key/);
    expect(() => config({ tls: { cert: 'x' } })).toThrow(/server\.tls\.cert: unknown key/);
  });
});
