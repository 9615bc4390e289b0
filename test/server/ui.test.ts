import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { configFromDocument } from '../../src/config/load';
import { startServer, type RunningServer } from '../../src/server/app';
import { testDeps } from '../helpers/deps';

/** The UI's files as the server serves them, from a folder laid out like dist/web. */
let dir: string;
let server: RunningServer;
let base: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ui-dist-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>auditgraph</title><div id="root"></div>');
  fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  fs.writeFileSync(path.join(os.tmpdir(), 'outside.txt'), 'secret');
  const archive = fs.mkdtempSync(path.join(os.tmpdir(), 'ui-okta-'));
  const config = configFromDocument({ sources: [{ id: 'okta', type: 'okta', mode: 'archive', path: archive }] }, 'test', testDeps(), {});
  server = await startServer(config, { port: 0, host: '127.0.0.1', uiDir: dir });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server?.close();
});

describe('the UI at /', () => {
  it.each(['/', '/search', '/identity/alice%40example.com', '/run/ml/production/fz3k9q2m1x', '/event'])('%s serves the app with a strict CSP', async (route) => {
    const res = await fetch(`${base}${route}?identity=x`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(await res.text()).toContain('<div id="root">');
  });

  it('serves hashed assets for a year and the rest without caching', async () => {
    const js = await fetch(`${base}/assets/index-abc123.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await js.text()).toBe('console.log(1)');
    const icon = await fetch(`${base}/favicon.svg`);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    const head = await fetch(`${base}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('never serves a file outside its folder, and says which asset is missing', async () => {
    for (const p of ['/assets/..%2f..%2foutside.txt', '/assets/%2e%2e/%2e%2e/outside.txt', '/assets/%E0%A4%A']) {
      const res = await fetch(`${base}${p}`);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('secret');
    }
    const missing = await fetch(`${base}/assets/nope.js`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('no asset assets/nope.js');
  });

  it('leaves other paths and methods to the API', async () => {
    const res = await fetch(`${base}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'no route /nope; the API is at /graphql, the UI at /' });
    expect((await fetch(`${base}/`, { method: 'POST', body: '{}' })).status).toBe(405);
  });

  it('tells the app what it needs first: no demo here, no sign-in, and that /export and /tail are served', async () => {
    const res = await fetch(`${base}/ui/config.json`);
    expect(await res.json()).toEqual({ demo: null, auth: null, features: { export: true, tail: true } });
  });

  it('answers 503 with what to do when the UI is not built', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'ui-none-'));
    const config = configFromDocument({ sources: [{ id: 'okta', type: 'okta', mode: 'archive', path: empty }] }, 'test', testDeps(), {});
    const other = await startServer(config, { port: 0, host: '127.0.0.1', uiDir: empty });
    try {
      const res = await fetch(`http://127.0.0.1:${other.port}/`);
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('run `npm run build`');
    } finally {
      await other.close();
    }
  });
});
