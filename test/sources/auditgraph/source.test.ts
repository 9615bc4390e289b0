import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TrailWriter } from '../../../src/access-log/writer';
import { ConfigError } from '../../../src/config/errors';
import { ConfigNode } from '../../../src/config/fields';
import { ActorType, AliasKind, Outcome, SortOrder, type Source, type SourceQuery } from '../../../src/domain';
import { auditgraphDefinition, normalizeAccessLogLine } from '../../../src/sources/auditgraph';
import { lineHash } from '../../../src/sources/auditgraph/trail';
import { collect, defineSourceContract } from '../../contract/source-contract';
import { testDeps } from '../../helpers/deps';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

function tempRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'access-log-source-'));
  roots.push(root);
  return root;
}

function source(p: string, id = 'access'): Source {
  return auditgraphDefinition.create(ConfigNode.of({ id, type: 'auditgraph', mode: 'file', path: p }, 'sources[0]'), { id, mode: 'file' }, testDeps());
}

const T0 = Date.parse('2026-03-14T09:00:00.000Z');
const MIN = 60_000;

/** A line as the server writes it (src/server/plugins/use-access-log.ts), at `T0 + i` minutes. */
function line(i: number, caller: Record<string, unknown> | null = { method: 'api-key', subject: 'api-key:siem-job', apiKeyId: 'siem-job', roles: ['responder'] }) {
  return {
    time: new Date(T0 + i * MIN).toISOString(),
    reqId: `req-${i}`,
    caller,
    clientIp: '::ffff:10.0.0.9',
    userAgent: 'curl/8.5.0',
    method: 'POST',
    path: '/graphql',
    status: 200,
    sources: [{ id: 'okta', pages: 1, eventsReturned: 3, states: ['OK'] }],
    eventsReturned: 3,
    operation: { name: `Op${i}`, type: 'query', documentSha256: 'ab'.repeat(32), variables: null },
    durationMs: 12.5,
    outcome: i % 4 === 3 ? 'error' : 'ok',
    errorCodes: i % 4 === 3 ? ['BAD_FILTER'] : [],
  };
}

/** A trail of `n` lines written by the real writer, rotated every few lines. */
function writeTrail(root: string, n: number, maxBytes = 4096): string {
  const file = path.join(root, 'access.ndjson');
  const w = new TrailWriter(file, maxBytes);
  for (let i = 0; i < n; i++) w.append(line(i));
  w.close();
  return file;
}

/** A source whose folder existed when it was configured and is gone since. */
function gone(root: string): Source {
  const dir = path.join(root, `removed-${Math.random().toString(36).slice(2)}`);
  fs.mkdirSync(dir);
  const s = source(path.join(dir, 'access.ndjson'));
  fs.rmSync(dir, { recursive: true });
  return s;
}

const q = (from: number, to: number, order = SortOrder.OLDEST_FIRST): SourceQuery => ({ window: { from: new Date(from), to: new Date(to) }, order, filter: {}, pageSizeHint: 100 });

defineSourceContract('auditgraph access log', async () => {
  const root = tempRoot();
  const file = writeTrail(root, 20);
  // a line that is not the server's: counted as malformed, the trail goes on
  fs.appendFileSync(file, 'not json at all\n');
  const events = await collect(source(file), q(T0, T0 + 60 * MIN));
  return {
    source: source(file),
    expected: events.events.map((e) => ({ id: e.id, time: e.time.getTime() })),
    window: { from: new Date(T0), to: new Date(T0 + 60 * MIN) },
    malformed: 1,
    failing: () => gone(root),
    minRequests: 2,
  };
});

describe('auditgraph access log source', () => {
  it('reads every line of the trail and its rotated files, once, as the server wrote them', async () => {
    const root = tempRoot();
    const file = writeTrail(root, 30);
    const rotated = fs.readdirSync(root).filter((n) => n !== 'access.ndjson');
    expect(rotated.length).toBeGreaterThan(2);
    const { events, stats } = await collect(source(file), q(T0, T0 + 60 * MIN));
    expect(events.map((e) => e.rawAction)).toEqual(Array.from({ length: 30 }, (_, i) => `Op${i}`));
    expect(stats.requests).toBe(rotated.length + 1);
    expect(stats.notes.join(' ')).not.toContain('chain');
    // a folder holding the trail reads the same
    const fromFolder = await collect(source(root), q(T0, T0 + 60 * MIN));
    expect(fromFolder.events.map((e) => e.id)).toEqual(events.map((e) => e.id));
  });

  it('merges the trails of a folder (one per server) into one time order, in both orders', async () => {
    const root = tempRoot();
    const a = new TrailWriter(path.join(root, 'a.ndjson'), 2048);
    const b = new TrailWriter(path.join(root, 'b.ndjson'), 2048);
    for (let i = 0; i < 16; i++) (i % 3 === 0 ? b : a).append(line(i));
    a.close();
    b.close();
    const names = Array.from({ length: 16 }, (_, i) => `Op${i}`);
    const up = await collect(source(root), q(T0, T0 + 60 * MIN));
    expect(up.events.map((e) => e.rawAction)).toEqual(names);
    const down = await collect(source(root), q(T0, T0 + 60 * MIN, SortOrder.NEWEST_FIRST));
    expect(down.events.map((e) => e.rawAction)).toEqual([...names].reverse());
    expect(down.stats.notes.join(' ')).not.toContain('chain');
  });

  it('does not open rotated files that end before the window, and still checks the chain where it starts', async () => {
    const root = tempRoot();
    const file = writeTrail(root, 30);
    const all = await collect(source(file), q(T0, T0 + 60 * MIN));
    const late = await collect(source(file), q(T0 + 25 * MIN, T0 + 60 * MIN, SortOrder.NEWEST_FIRST));
    expect(late.events.map((e) => e.rawAction)).toEqual(['Op29', 'Op28', 'Op27', 'Op26', 'Op25']);
    expect(late.stats.partitionsPruned).toBeGreaterThan(0);
    expect(late.stats.requests).toBeLessThan(all.stats.requests);
    expect(late.stats.notes.join(' ')).not.toContain('chain');
  });

  it('reports a broken hash chain (a line edited in place) and still returns the events', async () => {
    const root = tempRoot();
    const file = writeTrail(root, 12, 1 << 20);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines[5] = lines[5].replace('"eventsReturned":3}', '"eventsReturned":0}').replace('"Op5"', '"Op5-edited"');
    fs.writeFileSync(file, lines.join('\n'));
    const { events, stats } = await collect(source(file), q(T0, T0 + 60 * MIN));
    expect(events).toHaveLength(12);
    expect(stats.notes.join(' ')).toMatch(/hash chain is broken at 1 line\(s\): access\.ndjson:7 /);
  });

  it('an access log not written yet is empty, not an error; its folder missing is NOT_FOUND', async () => {
    const root = tempRoot();
    const { events, stats } = await collect(source(path.join(root, 'access.ndjson')), q(T0, T0 + MIN));
    expect(events).toEqual([]);
    expect(stats.empty).toContain('no access log');
    await expect(collect(gone(root), q(T0, T0 + MIN))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a config whose path and its folder do not exist, naming the key', () => {
    expect(() => source('/no/such/folder/access.ndjson')).toThrow(ConfigError);
    expect(() => source('/no/such/folder/access.ndjson')).toThrow(/sources\[0\]\.path/);
  });
});

describe('normalizeAccessLogLine', () => {
  const ctx = { sourceId: 'access', lineHash: 'h'.repeat(64) };

  it('an API key is the actor by its id; the sources asked are the targets; an error carries its codes', () => {
    const e = normalizeAccessLogLine({ ...line(3), prev: '0'.repeat(64) }, ctx);
    expect(e.actor).toMatchObject({ name: 'siem-job', type: ActorType.SERVICE_ACCOUNT, aliases: [] });
    expect(e.targets).toEqual([{ type: 'source', name: 'okta' }]);
    expect(e).toMatchObject({ action: 'graphql.query', rawAction: 'Op3', outcome: Outcome.FAILURE, outcomeReason: 'BAD_FILTER', sourceIp: '10.0.0.9', correlationId: 'req-3', id: ctx.lineHash });
  });

  it('an OIDC caller is named by email, with the email (and an Okta user id subject) as aliases the identity graph correlates on', () => {
    const e = normalizeAccessLogLine({ ...line(1, { method: 'oidc', subject: '00u1a2b3c4d5e6f7g8h9', email: 'alice@example.com', roles: ['responder'] }), prev: '0'.repeat(64) }, ctx);
    expect(e.actor.name).toBe('alice@example.com');
    expect(e.actor.aliases).toEqual([
      { kind: AliasKind.EMAIL, value: 'alice@example.com', field: 'caller.email' },
      { kind: AliasKind.OKTA_USER_ID, value: '00u1a2b3c4d5e6f7g8h9', field: 'caller.subject' },
    ]);
  });

  it('a request refused before it ran, and a plain-HTTP route, read as such', () => {
    const refused = normalizeAccessLogLine({ ...line(0, null), operation: null, path: '/export', method: 'GET', status: 401, sources: [], outcome: 'error', errorCodes: ['HTTP_401'], prev: '0'.repeat(64) }, ctx);
    expect(refused).toMatchObject({ action: 'http.export', rawAction: 'GET /export', outcome: Outcome.FAILURE, actor: { name: 'anonymous', type: ActorType.UNKNOWN } });
    expect(refused.targets).toEqual([{ type: 'route', name: '/export' }]);
  });

  it('a line of another file is malformed, with what is missing', () => {
    expect(() => normalizeAccessLogLine({ hello: 'world' }, ctx)).toThrow(/no time/);
    expect(() => normalizeAccessLogLine({ ...line(0), prev: 'x', time: 'yesterday' }, ctx)).toThrow(/not an ISO 8601 time/);
  });

  it('ids are the lines\' own hashes', async () => {
    const root = tempRoot();
    const file = writeTrail(root, 3, 1 << 20);
    const written = fs.readFileSync(file, 'utf8').trim().split('\n');
    const { events } = await collect(source(file), q(T0, T0 + 60 * MIN));
    expect(events.map((e) => e.id)).toEqual(written.map(lineHash));
  });
});
