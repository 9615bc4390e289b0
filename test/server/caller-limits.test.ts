import { createHash } from 'node:crypto';
import { DemoServer } from '../e2e/harness';
import { rawRequest } from '../helpers/http';

const KEY_A = 'ag_test_caller-a-0123456789abcdef';
const KEY_B = 'ag_test_caller-b-0123456789abcdef';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const SOURCES = JSON.stringify({ query: '{ sources { id } }' });
const SLOW = JSON.stringify({ query: '{ events(window: {from: "2026-03-14T00:00:00Z", to: "2026-03-15T00:00:00Z"}, filter: {resource: "nothing-matches-this"}, first: 1) { edges { cursor } } }' });

type Reply = { errors?: { extensions: Record<string, unknown> }[] };

describe('per-caller limits through the HTTP server', () => {
  it('refuses a caller over its requests per minute with 429 and Retry-After, and counts each caller apart', async () => {
    const server = await DemoServer.startWith({
      limits: { perCaller: { requestsPerMinute: 3, maxConcurrent: 8 } },
      auth: { apiKeys: [{ id: 'a', sha256: sha256(KEY_A), roles: ['all'] }, { id: 'b', sha256: sha256(KEY_B), roles: ['all'] }], roles: [{ name: 'all', sources: ['*'], raw: true }] },
    });
    try {
      const as = (key: string) => rawRequest(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: SOURCES });
      const a = [await as(KEY_A), await as(KEY_A), await as(KEY_A), await as(KEY_A)];
      expect(a.map((r) => r.status)).toEqual([200, 200, 200, 429]);
      expect(Number(a[3].headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(a[3].json<Reply>().errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'perCaller.requestsPerMinute', max: 3 });
      // another key is another caller
      expect((await as(KEY_B)).status).toBe(200);
      // probes are not limited
      expect((await rawRequest(server.url.replace('/graphql', '/healthz'))).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('refuses a caller over its concurrent requests, and frees the slot when a request ends', async () => {
    const server = await DemoServer.startWith({ limits: { perCaller: { maxConcurrent: 2, requestsPerMinute: 1000 } } });
    try {
      const post = (body: string) => rawRequest(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      // a day-long scan for nothing keeps two requests running while a third arrives
      const slow = [post(SLOW), post(SLOW)];
      await new Promise((r) => setTimeout(r, 100));
      const third = await post(SOURCES);
      expect(third.status).toBe(429);
      expect(third.json<Reply>().errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'perCaller.maxConcurrent', max: 2 });
      expect((await Promise.all(slow)).map((r) => r.status)).toEqual([200, 200]);
      expect((await post(SOURCES)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
