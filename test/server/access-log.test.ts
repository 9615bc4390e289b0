import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GENESIS, lineHash, trailFilesInOrder } from '../../src/access-log/chain';
import { verifyTrail } from '../../src/access-log/verify';
import { ConfigError } from '../../src/config/errors';
import { configFromDocument } from '../../src/config/load';
import { testDeps } from '../helpers/deps';
import { DemoServer } from '../e2e/harness';
import { FakeIdp, makeKey } from './auth/fake-idp';

const SIEM_KEY = 'ag_test_5iem-key-Zq0v8b4k1mXc2';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const EVENTS = 'query DayEvents($first: Int) { events(window: { day: "demo" }, first: $first) { edges { node { id source { id } } } } }';

interface Line {
  time: string;
  caller: { method: string; subject: string; email?: string; apiKeyId?: string; roles: string[] } | null;
  clientIp: string;
  operation: { name: string | null; type: string | null; documentSha256: string | null; variables: Record<string, unknown> | null } | null;
  sources: { id: string; eventsReturned: number }[];
  eventsReturned: number;
  durationMs: number;
  outcome: 'ok' | 'error';
  errorCodes: string[];
  status: number;
  prev: string;
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'access-log-'));
const readLines = (file: string): string[] => trailFilesInOrder(file).flatMap((f) => fs.readFileSync(f, 'utf8').split('\n').filter(Boolean));
const parsed = (file: string) => readLines(file).map((l) => JSON.parse(l) as Line);

function auth() {
  return {
    oidc: { issuer: idp.issuer, audience: 'auditgraph', jwksCooldownSeconds: 0 },
    apiKeys: [{ id: 'siem-job', sha256: sha256(SIEM_KEY), roles: ['okta-reader'] }],
    roles: [
      { name: 'okta-reader', sources: ['okta'], raw: false },
      { name: 'responder', sources: ['*'], raw: true, claims: { groups: ['security'] } },
    ],
  };
}

async function post(url: string, headers: Record<string, string>, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, body: (await res.json()) as { data?: { events?: { edges: { node: { id: string; source: { id: string } } }[] } }; errors?: unknown[] } };
}

let idp: FakeIdp;
beforeAll(async () => {
  idp = await FakeIdp.start();
  idp.published = [await makeKey('k1')];
}, 60_000);
afterAll(async () => {
  await idp?.stop();
});

describe('the access log through the HTTP server', () => {
  it('records every operation: caller, client, operation, hash, redacted variables, sources, events, outcome; refused ones too', async () => {
    const file = path.join(tmp(), 'access.ndjson');
    const demo = await DemoServer.startWith({ auth: auth(), accessLog: { path: file } });
    expect(demo.server.notices.join('\n')).toContain(`access log: every API request is recorded in ${file}`);
    const key = await makeKey('k1');
    idp.published = [key];
    const token = await idp.token(key, { groups: ['security'], email: 'alice@example.com' });

    const byKey = await post(demo.url, { authorization: `Bearer ${SIEM_KEY}` }, EVENTS, { first: 7, apiToken: 'do-not-log-me', nested: { password: 'hunter2', ok: 'kept' } });
    expect(byKey.status).toBe(200);
    const byToken = await post(demo.url, { authorization: `Bearer ${token}` }, EVENTS, { first: 3 });
    expect(byToken.status).toBe(200);
    const refused = await post(demo.url, {}, EVENTS);
    expect(refused.status).toBe(401);
    const bad = await post(demo.url, { authorization: `Bearer ${SIEM_KEY}` }, '{ events(window: { last: "forever" }) { edges { cursor } } }');
    expect(bad.body.errors?.length).toBeGreaterThan(0);
    await demo.stop();

    const lines = parsed(file);
    expect(lines).toHaveLength(4);
    const [k, t, r, b] = lines;
    expect(k.caller).toEqual({ method: 'api-key', subject: 'siem-job', apiKeyId: 'siem-job', roles: ['okta-reader'] });
    expect(k.clientIp).toMatch(/127\.0\.0\.1/);
    expect(k.operation).toEqual({ name: 'DayEvents', type: 'query', documentSha256: sha256(EVENTS), variables: { first: 7, apiToken: '[REDACTED]', nested: { password: '[REDACTED]', ok: 'kept' } } });
    expect(JSON.stringify(lines)).not.toContain('do-not-log-me');
    expect(JSON.stringify(lines)).not.toContain('hunter2');
    expect(k.sources.map((s) => s.id)).toEqual(['okta']);
    expect(k.eventsReturned).toBe(byKey.body.data!.events!.edges.length);
    expect(k.eventsReturned).toBe(7);
    expect(k).toMatchObject({ outcome: 'ok', errorCodes: [], status: 200 });
    expect(k.durationMs).toBeGreaterThan(0);

    expect(t.caller).toMatchObject({ method: 'oidc', email: 'alice@example.com', roles: ['responder'] });
    expect(t.eventsReturned).toBe(3);
    const perSource = new Map<string, number>();
    for (const e of byToken.body.data!.events!.edges) perSource.set(e.node.source.id, (perSource.get(e.node.source.id) ?? 0) + 1);
    for (const s of t.sources) expect(s.eventsReturned).toBe(perSource.get(s.id) ?? 0);
    expect(t.sources.length).toBeGreaterThan(1);

    expect(r).toMatchObject({ caller: null, operation: null, outcome: 'error', errorCodes: ['HTTP_401'], status: 401 });
    expect(b).toMatchObject({ outcome: 'error', errorCodes: ['BAD_WINDOW'] });

    expect(lines[0].prev).toBe(GENESIS);
    const raw = readLines(file);
    for (let i = 1; i < raw.length; i++) expect(lines[i].prev).toBe(lineHash(raw[i - 1]));
    expect(verifyTrail(file)).toMatchObject({ ok: true, lines: 4 });
  }, 120_000);

  it('is itself a source (type: auditgraph): who looked at what, queryable and correlated by the caller', async () => {
    const file = path.join(tmp(), 'access.ndjson');
    const demo = await DemoServer.startWith({
      auth: auth(),
      accessLog: { path: file },
      sources: (d) => [...d, { id: 'access', type: 'auditgraph', mode: 'file', path: file }],
    });
    try {
      const key = await makeKey('k1');
      idp.published = [key];
      const alice = { authorization: `Bearer ${await idp.token(key, { groups: ['security'], email: 'alice@example.com' })}` };
      expect((await post(demo.url, { authorization: `Bearer ${SIEM_KEY}` }, EVENTS, { first: 2 })).status).toBe(200);
      expect((await post(demo.url, alice, EVENTS, { first: 4 })).status).toBe(200);
      const exported = await fetch(`${demo.url.replace(/\/graphql$/, '/export')}?format=ndjson&sources=okta&from=2026-03-14T00:00:00Z&to=2026-03-15T00:00:00Z&limit=3`, { headers: alice });
      expect(exported.status).toBe(200);
      await exported.text();

      type Who = { data: { events: { edges: { node: { actor: { name: string }; action: string; rawAction: string; outcome: string; targets: { type: string; name: string }[]; raw: { params?: Record<string, unknown> } } }[]; sources: { source: { id: string }; state: string }[] } } };
      const who = (await fetch(demo.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...alice },
        body: JSON.stringify({ query: '{ events(window: { last: "PT1H" }, filter: { sources: ["access"] }, order: OLDEST_FIRST) { edges { node { actor { name } action rawAction outcome targets { type name } raw } } sources { source { id } state } } }' }),
      }).then((r) => r.json())) as Who;
      const seen = who.data.events.edges.map((e) => e.node);
      expect(who.data.events.sources).toEqual([{ source: { id: 'access' }, state: 'OK' }]);
      expect(seen.map((e) => [e.actor.name, e.action, e.rawAction])).toEqual([
        ['siem-job', 'graphql.query', 'DayEvents'],
        ['alice@example.com', 'graphql.query', 'DayEvents'],
        ['alice@example.com', 'http.export', 'GET /export'],
      ]);
      expect(seen[0].targets).toEqual([{ type: 'source', name: 'okta' }]);
      expect(seen[1].targets.length).toBeGreaterThan(1);
      expect(seen[2].raw.params).toMatchObject({ format: 'ndjson', sources: 'okta', from: '2026-03-14T00:00:00Z', limit: '3' });

      // alice's identity finds her own looking, beside what she did in the other trails
      type Ident = { data: { identity: { events: { edges: { node: { source: { id: string }; action: string } }[] } } } };
      const ident = (await fetch(demo.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...alice },
        body: JSON.stringify({ query: '{ identity(ref: "alice@example.com") { events(window: { last: "PT1H" }, filter: { sources: ["access"] }) { edges { node { source { id } action } } } } }' }),
      }).then((r) => r.json())) as Ident;
      const mine = ident.data.identity.events.edges.map((e) => e.node);
      expect(mine.length).toBeGreaterThanOrEqual(3);
      expect(new Set(mine.map((e) => e.source.id))).toEqual(new Set(['access']));
    } finally {
      await demo.stop();
    }
  }, 120_000);

  it('rotates at maxBytes and keeps the chain across files and restarts', async () => {
    const file = path.join(tmp(), 'trail', 'access.ndjson');
    for (let run = 0; run < 2; run++) {
      const demo = await DemoServer.startWith({ accessLog: { path: file, maxBytes: 4096 } });
      for (let i = 0; i < 15; i++) expect((await post(demo.url, {}, '{ sources { id } }')).status).toBe(200);
      await demo.stop();
    }
    const files = trailFilesInOrder(file);
    expect(files.length).toBeGreaterThan(2);
    expect(files.at(-1)).toBe(file);
    for (const f of files) expect(fs.statSync(f).size).toBeLessThanOrEqual(4096);
    expect(readLines(file)).toHaveLength(30);
    expect(verifyTrail(file)).toMatchObject({ ok: true, lines: 30, files });
  }, 120_000);

  it('is off without accessLog:, and says so at start-up', async () => {
    const demo = await DemoServer.startWith({});
    try {
      expect(demo.server.notices).toContain('access log: off (no accessLog: in the config), requests are not recorded');
    } finally {
      await demo.stop();
    }
  }, 60_000);

  it('names the config key at fault', () => {
    const doc = (accessLog: unknown) => ({ sources: [{ id: 'k', type: 'k8s-audit', mode: 'file', path: tmp() }], accessLog });
    expect(() => configFromDocument(doc({ path: 'x', rotate: 1 }), 't', testDeps(), {})).toThrow(ConfigError);
    expect(() => configFromDocument(doc({ maxBytes: 10_000 }), 't', testDeps(), {})).toThrow(/accessLog\.path/);
    expect(() => configFromDocument(doc({ path: 'x', maxBytes: 10 }), 't', testDeps(), {})).toThrow(/accessLog\.maxBytes/);
  });
});
