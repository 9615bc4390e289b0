import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigNode } from '../../../src/config/fields';
import { ConfigError } from '../../../src/config/errors';
import { Outcome, SortOrder, SourceError, newSourceStats, type AuditEvent, type PushedFilter, type Source, type SourceQuery } from '../../../src/domain';
import { QueryEngine } from '../../../src/query/engine';
import { PageCache } from '../../../src/query/page-cache';
import { ScanParking } from '../../../src/query/resume';
import { azureActivityDefinition } from '../../../src/sources/azure-activity';
import { CachedTokenCredential } from '../../../src/sources/azure-activity/credentials';
import { normalizeRestEvent } from '../../../src/sources/azure-activity/normalize';
import { collect, defineSourceContract } from '../../contract/source-contract';
import { testDeps } from '../../helpers/deps';
import { FakeArm, type ArmRecord, type FakeArmOptions } from './fake-arm';
import { ALICE, DEPLOYER_SP, SUBSCRIPTION, restEvent, servicePrincipalClaims } from './fixtures';
import { selfSignedCert, type SelfSignedCert } from './tls';

const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.fake-arm-token.signature';

let tmpDir: string;
let tls: SelfSignedCert;

beforeAll(() => {
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'auditgraph-azure-api-'));
  tls = selfSignedCert();
});
afterAll(() => {
  fs.rmSync(tmpDir, { recursive: true, force: true });
  tls.dispose();
});

function tokenFile(token: string): string {
  const file = path.join(tmpDir, `token-${Buffer.from(token).toString('hex').slice(0, 16)}-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(file, `${token}\n`);
  return file;
}

function apiSource(endpoint: string, extra: Record<string, unknown> = {}, id = 'azure-prod'): Source {
  const config = { id, type: 'azure-activity', mode: 'api', subscriptionId: SUBSCRIPTION, endpoint, tokenFile: tokenFile(TOKEN), caFile: tls.certFile, requestsPerSecond: 100, ...extra };
  return azureActivityDefinition.create(ConfigNode.of(config, 'sources[2]'), { id, mode: 'api' }, testDeps());
}

function query(from: string, to: string, order = SortOrder.OLDEST_FIRST, filter: PushedFilter = {}, pageSizeHint = 100): SourceQuery {
  return { window: { from: new Date(from), to: new Date(to) }, order, filter, pageSizeHint };
}

const iso = (e: AuditEvent) => e.time.toISOString();
const sliceFilter = (from: string, to: string, extra = '') => `eventTimestamp ge '${from}' and eventTimestamp le '${to}'${extra}`;
/** the distinct $filter values the fake received, in order */
const filtersSent = (fake: FakeArm) => [...new Set(fake.requests.map((r) => r.filters[0]))];

/** A morning of activity: alice (some failed), the deployer service principal, events on slice edges. */
function morning(): ArmRecord[] {
  const sp = { caller: DEPLOYER_SP.oid, claims: servicePrincipalClaims(DEPLOYER_SP.oid, DEPLOYER_SP.appId), operation: 'Microsoft.Compute/virtualMachines/write', resourceId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/ml/providers/Microsoft.Compute/virtualMachines/trainer` };
  return [
    restEvent({ eventDataId: 'ev-0601', eventTimestamp: '2026-03-14T06:01:00.0000000Z' }),
    restEvent({ eventDataId: 'ev-0615', eventTimestamp: '2026-03-14T06:15:00.5000000Z', ...sp }),
    restEvent({ eventDataId: 'ev-0659', eventTimestamp: '2026-03-14T06:59:59.9999999Z', status: 'Failed', subStatus: 'Forbidden' }),
    // exactly on the 07:00 slice edge: asked for by two slices (le is inclusive), returned once
    restEvent({ eventDataId: 'ev-0700', eventTimestamp: '2026-03-14T07:00:00.0000000Z', ...sp }),
    restEvent({ eventDataId: 'ev-0730', eventTimestamp: '2026-03-14T07:30:00Z' }),
    restEvent({ eventDataId: 'ev-0810', eventTimestamp: '2026-03-14T08:10:00Z', status: 'Started' }),
    restEvent({ eventDataId: 'ev-0811', eventTimestamp: '2026-03-14T08:11:00Z', status: 'Failed', subStatus: 'Conflict' }),
    restEvent({ eventDataId: 'ev-0925', eventTimestamp: '2026-03-14T09:25:03.1234567Z', caller: "o'brien@example.com" }),
    restEvent({ eventDataId: 'ev-0950', eventTimestamp: '2026-03-14T09:50:00Z', ...sp }),
    // on the window's end: the API includes it, the half-open window does not
    restEvent({ eventDataId: 'ev-1000', eventTimestamp: '2026-03-14T10:00:00.0000000Z' }),
  ];
}

function expectedIds(records: ArmRecord[], keep: (e: AuditEvent) => boolean): string[] {
  return records.map((r) => normalizeRestEvent(r, { sourceId: 'x' })).filter(keep).map((e) => e.id);
}

describe('azure-activity api over the real SDK and a loopback ARM', () => {
  let fake: FakeArm;
  let base: FakeArmOptions;

  beforeAll(async () => {
    base = { subscriptionId: SUBSCRIPTION, token: TOKEN, events: morning(), pageSize: 2 };
    fake = await FakeArm.start(tls, base);
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.options = { ...base };
    fake.reset();
  });

  it('asks slice by slice, oldest first, pages each slice by nextLink with the bearer token, and keeps the window half-open', async () => {
    const source = apiSource(fake.url);
    const { events, stats } = await collect(source, query('2026-03-14T06:00:00Z', '2026-03-14T10:00:00Z'));

    expect(events.map((e) => e.id)).toEqual(['ev-0601', 'ev-0615', 'ev-0659', 'ev-0700', 'ev-0730', 'ev-0810', 'ev-0811', 'ev-0925', 'ev-0950']);
    // every record the API sent was scanned: 07:00:00 twice (both slices' bounds include it), 10:00:00 once (le is
    // inclusive), and both were kept only where the half-open slices put them
    expect(stats.scanned).toBe(fake.served.reduce((n, r) => n + r.returned, 0));
    expect(stats.scanned).toBe(events.length + 2);
    expect(events.some((e) => iso(e) === '2026-03-14T10:00:00.000Z')).toBe(false);

    // a sparse slice (fewer events than wanted) doubles the next one
    expect(filtersSent(fake)).toEqual([
      sliceFilter('2026-03-14T06:00:00.000Z', '2026-03-14T07:00:00.000Z'),
      sliceFilter('2026-03-14T07:00:00.000Z', '2026-03-14T09:00:00.000Z'),
      sliceFilter('2026-03-14T09:00:00.000Z', '2026-03-14T10:00:00.000Z'),
    ]);
    for (const r of fake.requests) {
      expect(r.authorization).toBe(`Bearer ${TOKEN}`);
      expect(r.apiVersions).toEqual(['2015-04-01']);
      expect(r.path).toMatch(new RegExp(`^/subscriptions/${SUBSCRIPTION}/providers/microsoft\\.insights/eventtypes/management/values$`, 'i'));
    }
    // pages of 2: every slice with more than 2 events was followed through its nextLink
    const followed = fake.requests.filter((r) => r.skipToken);
    expect(followed.length).toBeGreaterThanOrEqual(2);
    expect(stats.requests).toBe(fake.requests.length);
    expect(stats.throttled).toBe(0);
  });

  it('asks the newest slice first for NEWEST_FIRST and sorts what the API returns in any order', async () => {
    fake.options = { ...base, order: 'shuffled' };
    const { events } = await collect(apiSource(fake.url), query('2026-03-14T06:00:00Z', '2026-03-14T10:00:00Z', SortOrder.NEWEST_FIRST));
    expect(events.map((e) => e.id)).toEqual(['ev-0950', 'ev-0925', 'ev-0811', 'ev-0810', 'ev-0730', 'ev-0700', 'ev-0659', 'ev-0615', 'ev-0601']);
    expect(fake.requests[0].filters[0]).toBe(sliceFilter('2026-03-14T09:00:00.000Z', '2026-03-14T10:00:00.000Z'));
  });

  it('keeps identity local: caller eq is not documented to ignore case, and auditgraph matches identities without it', async () => {
    const source = apiSource(fake.url);
    const upper = query('2026-03-14T06:00:00Z', '2026-03-14T10:00:00Z', SortOrder.OLDEST_FIRST, { identity: [ALICE.upn.toUpperCase()] });
    const alice = await collect(source, upper);
    expect(fake.requests.length).toBeGreaterThan(0);
    for (const r of fake.requests) expect(r.filters[0]).not.toContain('caller');
    // the whole slice comes back for the engine to match: `caller eq 'ALICE@EXAMPLE.COM'` would have found nothing
    expect(alice.events.map((e) => e.id)).toEqual(expectedIds(morning(), (e) => iso(e) < '2026-03-14T10:00:00.000Z'));
    const plan = await source.plan(upper);
    expect(plan.request).not.toContain('caller');
    expect(plan.notes.join(' ')).toMatch(/identity not sent upstream: caller eq is not documented to ignore case/);
  });

  it('pushes one outcome as status eq, and does not push UNKNOWN', async () => {
    const failed = await collect(apiSource(fake.url), query('2026-03-14T06:00:00Z', '2026-03-14T10:00:00Z', SortOrder.OLDEST_FIRST, { outcome: [Outcome.FAILURE] }));
    for (const r of fake.requests) expect(r.filters[0]).toMatch(/ and status eq 'Failed'$/);
    expect(failed.events.map((e) => e.id)).toEqual(['ev-0659', 'ev-0811']);
    expect(failed.events.every((e) => e.outcome === Outcome.FAILURE)).toBe(true);

    fake.reset();
    await collect(apiSource(fake.url), query('2026-03-14T08:00:00Z', '2026-03-14T09:00:00Z', SortOrder.OLDEST_FIRST, { outcome: [Outcome.UNKNOWN] }));
    expect(fake.requests.map((r) => r.filters[0])).toEqual([sliceFilter('2026-03-14T08:00:00.000Z', '2026-03-14T09:00:00.000Z')]);
  });

  it('plans the request it would send, with the pushed status', async () => {
    const plan = await apiSource(fake.url).plan(query('2026-03-14T06:00:00Z', '2026-03-14T10:00:00Z', SortOrder.NEWEST_FIRST, { outcome: [Outcome.SUCCESS] }));
    expect(plan.request).toBe(
      `GET ${fake.url}/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01&$filter=${sliceFilter('2026-03-14T06:00:00.000Z', '2026-03-14T10:00:00.000Z', " and status eq 'Succeeded'")}`,
    );
    expect(fake.requests).toHaveLength(0);
  });

  it('follows an encoded nextLink as the server sent it (v8 no longer appends its own $filter to it)', async () => {
    fake.options = { ...base, nextLinkStyle: 'encoded' };
    const { events } = await collect(apiSource(fake.url), query('2026-03-14T06:00:00Z', '2026-03-14T07:00:00Z'));
    expect(events.map((e) => e.id)).toEqual(['ev-0601', 'ev-0615', 'ev-0659']);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0].filters).toHaveLength(1);
    expect(fake.requests[1].filters).toEqual([fake.requests[0].filters[0]]);
    expect(fake.requests[1].skipToken).toBeDefined();
  });

  it('slows down on 429 + Retry-After and still returns everything', async () => {
    fake.options = { ...base, rateLimit: { requests: 2, perMs: 1000 } };
    const { events, stats } = await collect(apiSource(fake.url), query('2026-03-14T06:00:00Z', '2026-03-14T08:00:00Z', SortOrder.OLDEST_FIRST, {}, 3));
    expect(events.map((e) => e.id)).toEqual(['ev-0601', 'ev-0615', 'ev-0659', 'ev-0700', 'ev-0730']);
    const throttled = fake.requests.filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    expect(stats.throttled).toBe(throttled.length);
    expect(stats.requests).toBe(fake.requests.length);
    // each throttled request was sent again as it was
    for (const t of throttled) {
      const i = fake.requests.indexOf(t);
      expect(fake.requests.slice(i + 1).some((r) => r.status === 200 && r.filters[0] === t.filters[0] && r.skipToken === t.skipToken)).toBe(true);
    }
  });

  it('gives up on throttling after its retry budget with THROTTLED, not an empty answer', async () => {
    fake.options = { ...base, rateLimit: { requests: 0, perMs: 1000 }, retryAfterSeconds: 0 };
    const err = await collect(apiSource(fake.url), query('2026-03-14T06:00:00Z', '2026-03-14T07:00:00Z')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).code).toBe('THROTTLED');
    // callUpstream's budget: the first try and five retries
    expect(fake.requests.map((r) => r.status)).toEqual([429, 429, 429, 429, 429, 429]);
  });

  it.each([
    [403, 'AuthorizationFailed', 'FORBIDDEN', "The client 'alice@example.com' with object id '3e2f4a10-6c1b-4d7e-9a8b-0c1d2e3f4a5b' does not have authorization to perform action 'Microsoft.Insights/eventtypes/values/read' over scope '/subscriptions/00000000-0000-0000-0000-000000000001' or the scope is invalid."],
    [400, 'BadRequest', 'INVALID_REQUEST', "The filter 'eventTimestamp ge' is invalid."],
    [404, 'SubscriptionNotFound', 'NOT_FOUND', "The subscription '00000000-0000-0000-0000-000000000001' could not be found."],
    [500, 'InternalServerError', 'UPSTREAM_ERROR', 'Encountered internal server error. Diagnostic information: timestamp 20260314T092500Z.'],
  ])('turns HTTP %i %s into a SourceError %s carrying the ARM message', async (status, code, sourceCode, message) => {
    fake.options = { ...base, fail: { status, code, message } };
    const err = await collect(apiSource(fake.url), query('2026-03-14T06:00:00Z', '2026-03-14T07:00:00Z')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).code).toBe(sourceCode);
    expect((err as SourceError).sourceId).toBe('azure-prod');
    expect((err as SourceError).message).toContain(`HTTP ${status} ${code}: ${message}`);
    // the SDK's own retry policy is off: one request, no hidden retries
    expect(fake.requests).toHaveLength(1);
  });

  it('says UNAUTHENTICATED when ARM refuses the token', async () => {
    const source = apiSource(fake.url, { tokenFile: tokenFile('expired-token') });
    const err = await collect(source, query('2026-03-14T06:00:00Z', '2026-03-14T07:00:00Z')).catch((e: unknown) => e);
    expect((err as SourceError).code).toBe('UNAUTHENTICATED');
    expect((err as SourceError).message).toContain('InvalidAuthenticationToken');
    expect(fake.requests[0].authorization).toBe('Bearer expired-token');
    expect((await source.health()).ok).toBe(false);
  });

  it('says UNREACHABLE when nothing listens, and when the server certificate is not trusted', async () => {
    const port = await closedPort();
    const refused = await collect(apiSource(`https://127.0.0.1:${port}`), query('2026-03-14T06:00:00Z', '2026-03-14T07:00:00Z')).catch((e: unknown) => e);
    expect((refused as SourceError).code).toBe('UNREACHABLE');
    expect((refused as SourceError).message).toContain('ECONNREFUSED');

    // without caFile the self-signed loopback certificate is refused: TLS is real, nothing is made insecure
    const config = { id: 'azure-untrusted', type: 'azure-activity', mode: 'api', subscriptionId: SUBSCRIPTION, endpoint: fake.url, tokenFile: tokenFile(TOKEN) };
    const untrusted = azureActivityDefinition.create(ConfigNode.of(config, 'sources[0]'), { id: 'azure-untrusted', mode: 'api' }, testDeps());
    const err = await collect(untrusted, query('2026-03-14T06:00:00Z', '2026-03-14T07:00:00Z')).catch((e: unknown) => e);
    expect((err as SourceError).code).toBe('UNREACHABLE');
    expect(fake.requests).toHaveLength(0);
  });

  it('counts a record it cannot normalize and keeps the rest', async () => {
    fake.options = { ...base, events: [...morning(), { eventTimestamp: '2026-03-14T06:30:00Z', caller: ALICE.upn, operationName: { value: 'Microsoft.Resources/deployments/write' } }] };
    const { events, stats } = await collect(apiSource(fake.url), query('2026-03-14T06:00:00Z', '2026-03-14T07:00:00Z'));
    expect(events.map((e) => e.id)).toEqual(['ev-0601', 'ev-0615', 'ev-0659']);
    expect(stats.malformed).toBe(1);
    expect(stats.malformedSamples[0]).toMatch(/no eventDataId/);
  });

  it('stops asking when the consumer stops, and asks for no page after abort', async () => {
    const stats = newSourceStats();
    const it = apiSource(fake.url).events(query('2026-03-14T06:00:00Z', '2026-03-14T10:00:00Z'), { signal: new AbortController().signal, stats })[Symbol.asyncIterator]();
    const first = await it.next();
    expect((first.value as AuditEvent).id).toBe('ev-0601');
    // only the first slice's two pages
    expect(stats.requests).toBe(2);
    await it.return?.(undefined);
    expect(fake.requests).toHaveLength(2);
  });

  it('checks health with one small request', async () => {
    const h = await apiSource(fake.url).health();
    expect(h.ok).toBe(true);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0].filters[0]).toMatch(/^eventTimestamp ge '.+' and eventTimestamp le '.+'$/);
  });

  describe('through the upstream page cache', () => {
    const window = { from: new Date('2026-03-14T06:00:00Z'), to: new Date('2026-03-14T10:00:00Z') };
    const engineOf = (now: () => Date, cache: PageCache) =>
      new QueryEngine([apiSource(fake.url)], { cursorSecret: 'azure-page-cache-test', now, pageCache: cache, parking: new ScanParking({ max: 0, ttlMs: 1 }) });
    const lists = () => fake.requests.filter((r) => r.status === 200).length;

    it('asks ARM nothing the second time for a settled window: every page, nextLinks too, comes from the cache', async () => {
      const engine = engineOf(() => new Date('2026-03-20T00:00:00Z'), new PageCache({ maxBytes: 1e7, openTtlMs: 10_000 }));
      const first = await engine.events({ window, first: 100 });
      const sent = lists();
      // two records a page: the slices are paged by nextLink
      expect(sent).toBeGreaterThanOrEqual(5);
      const again = await engine.events({ window, first: 100 });
      expect(lists()).toBe(sent);
      expect(again.edges.map((e) => e.event.id)).toEqual(first.edges.map((e) => e.event.id));
      expect(again.edges).toHaveLength(9);
      expect(again.statuses[0].requests).toBe(0);
      expect(again.statuses[0].cacheHits).toBe(first.statuses[0].requests);
    });

    it('never keeps an error reply: the next query asks again and gets the events', async () => {
      const engine = engineOf(() => new Date('2026-03-20T00:00:00Z'), new PageCache({ maxBytes: 1e7, openTtlMs: 10_000 }));
      fake.options = { ...base, fail: { status: 403, code: 'AuthorizationFailed', message: 'The client does not have authorization.' } };
      await expect(engine.events({ window, first: 100 })).rejects.toThrow(/AuthorizationFailed|authorization/i);
      fake.options = { ...base };
      const ok = await engine.events({ window, first: 100 });
      expect(ok.edges).toHaveLength(9);
      expect(ok.statuses[0].cacheHits).toBe(0);
    });
  });
});

describe('azure-activity api config', () => {
  const node = (extra: Record<string, unknown>) => ConfigNode.of({ id: 'az', type: 'azure-activity', mode: 'api', subscriptionId: SUBSCRIPTION, tokenFile: tokenFile(TOKEN), ...extra }, 'sources[1]');
  const create = (extra: Record<string, unknown>) => azureActivityDefinition.create(node(extra), { id: 'az', mode: 'api' }, testDeps());

  it('names the key at fault', () => {
    expect(() => create({ subscriptionId: undefined })).toThrow(/sources\[1\]\.subscriptionId/);
    expect(() => create({ subscriptionId: 'prod' })).toThrow(/subscription id \(a GUID\)/);
    expect(() => create({ endpoint: 'http://management.azure.com' })).toThrow(/sources\[1\]\.endpoint: expected an https URL/);
    expect(() => create({ path: '/tmp' })).toThrow(/sources\[1\]\.path: unknown key/);
    expect(() => create({ token: 'abc' })).toThrow(/secrets are not written in the config/);
    expect(() => create({ caFile: '/nonexistent.pem' })).toThrow(ConfigError);
    expect(() => create({ sliceMinutes: 0 })).toThrow(/sliceMinutes/);
  });

  it('declares what it pushes, its orders, retention and rate limit', () => {
    const source = create({ requestsPerSecond: 0.5 });
    expect(source.capabilities.orders).toEqual([SortOrder.NEWEST_FIRST, SortOrder.OLDEST_FIRST]);
    expect(source.capabilities.pushdown.map((p) => [p.field, p.maxValues])).toEqual([['outcome', 1]]);
    expect(source.capabilities.maxPushedFields).toBe(1);
    expect(source.capabilities.retentionDays).toBe(90);
    expect(source.capabilities.rateLimit).toEqual({ requests: 1, perMs: 2000, scope: `azure:${SUBSCRIPTION}` });
    expect(source.location).toBe(`https://management.azure.com subscription ${SUBSCRIPTION}`);
  });
});

describe('CachedTokenCredential', () => {
  it('asks the underlying credential once per scope until the token nears expiry, and does not keep failures', async () => {
    const calls: string[] = [];
    let expiresIn = 3_600_000;
    let fail = false;
    const inner = {
      getToken: async (scopes: string | string[]) => {
        calls.push(([] as string[]).concat(scopes).join(' '));
        if (fail) throw new Error('az login required');
        return { token: `t${calls.length}`, expiresOnTimestamp: Date.now() + expiresIn };
      },
    };
    const cached = new CachedTokenCredential(inner);
    expect((await cached.getToken('https://management.azure.com/.default'))?.token).toBe('t1');
    expect((await cached.getToken(['https://management.azure.com/.default']))?.token).toBe('t1');
    expect((await cached.getToken('https://management.usgovcloudapi.net/.default'))?.token).toBe('t2');
    expect(calls).toHaveLength(2);

    expiresIn = 60_000; // inside the refresh margin: asked again every time
    expect((await cached.getToken('https://x/.default'))?.token).toBe('t3');
    expect((await cached.getToken('https://x/.default'))?.token).toBe('t4');

    fail = true;
    await expect(cached.getToken('https://y/.default')).rejects.toThrow('az login required');
    fail = false;
    expect((await cached.getToken('https://y/.default'))?.token).toBe('t6');
  });
});

defineSourceContract('azure-activity api', async () => {
  const records: ArmRecord[] = [];
  for (const h of ['06', '07', '08', '09']) {
    records.push(
      restEvent({ eventDataId: `c-${h}-1`, eventTimestamp: `2026-03-14T${h}:00:00.0000000Z` }),
      restEvent({ eventDataId: `c-${h}-2`, eventTimestamp: `2026-03-14T${h}:12:30.1234567Z`, status: 'Started', correlationId: `corr-${h}` }),
      restEvent({ eventDataId: `c-${h}-3`, eventTimestamp: `2026-03-14T${h}:12:31.5Z`, status: 'Succeeded', correlationId: `corr-${h}` }),
      restEvent({ eventDataId: `c-${h}-4`, eventTimestamp: `2026-03-14T${h}:48:00Z`, caller: DEPLOYER_SP.oid, claims: servicePrincipalClaims(DEPLOYER_SP.oid, DEPLOYER_SP.appId) }),
    );
  }
  const malformed = { eventTimestamp: '2026-03-14T07:30:00Z', operationName: { value: 'Microsoft.Resources/deployments/write' } };
  const fake = await FakeArm.start(tls, { subscriptionId: SUBSCRIPTION, token: TOKEN, events: [...records, malformed], pageSize: 2, order: 'shuffled' });
  return {
    source: apiSource(fake.url, {}, 'azure-contract'),
    expected: records.map((r) => {
      const e = normalizeRestEvent(r, { sourceId: 'azure-contract' });
      return { id: e.id, time: e.time.getTime() };
    }),
    window: { from: new Date('2026-03-14T06:00:00Z'), to: new Date('2026-03-14T10:00:00Z') },
    malformed: 1,
    failing: () => apiSource(fake.url, { tokenFile: tokenFile('not-the-token') }, 'azure-contract'),
    // four hourly slices of 4 events (5 with the malformed one), pages of 2
    minRequests: 8,
    teardown: () => fake.close(),
  };
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
