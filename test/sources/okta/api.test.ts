import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../../../src/config/errors';
import { ConfigNode } from '../../../src/config/fields';
import { Outcome, SortOrder, SourceError, newSourceStats, type Source, type SourceQuery } from '../../../src/domain';
import { QueryEngine } from '../../../src/query/engine';
import { PageCache } from '../../../src/query/page-cache';
import { ScanParking } from '../../../src/query/resume';
import { throttleVerdict } from '../../../src/sources/okta/client';
import { oktaDefinition } from '../../../src/sources/okta';
import { collect, defineSourceContract } from '../../contract/source-contract';
import { testDeps } from '../../helpers/deps';
import { FakeOkta, type FakeOktaOptions } from './fake-okta';
import { ALICE, ATTACKER_IP, BOB, eventSeries, logEvent } from './fixtures';

const TOKEN = '00aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcd';
const TOKEN_ENV = 'AUDITGRAPH_TEST_OKTA_TOKEN';
process.env[TOKEN_ENV] = TOKEN;
process.env.AUDITGRAPH_TEST_OKTA_BAD_TOKEN = 'not-the-token';

const fakes: FakeOkta[] = [];
async function startFake(options: Partial<FakeOktaOptions> & { events: Record<string, unknown>[] }): Promise<FakeOkta> {
  const fake = await FakeOkta.start({ token: TOKEN, ...options });
  fakes.push(fake);
  return fake;
}
afterAll(async () => {
  await Promise.all(fakes.map((f) => f.close()));
});

function apiSource(orgUrl: string, extra: Record<string, unknown> = {}): Source {
  const node = ConfigNode.of({ id: 'okta', type: 'okta', mode: 'api', orgUrl, tokenEnv: TOKEN_ENV, rateLimitPerMinute: 6000, ...extra }, 'sources[0]');
  return oktaDefinition.create(node, { id: 'okta', mode: 'api' }, testDeps());
}

function query(window: { from: string; to: string }, order = SortOrder.OLDEST_FIRST, filter: SourceQuery['filter'] = {}, pageSizeHint = 100): SourceQuery {
  return { window: { from: new Date(window.from), to: new Date(window.to) }, order, filter, pageSizeHint };
}

/** the clauses that bring back every event type written with a capital letter (Okta compares with case) */
const CAPITALS = Array.from({ length: 26 }, (_, i) => `eventType co "${String.fromCharCode(65 + i)}"`).join(' or ');

const HOUR = { from: '2026-03-14T09:00:00.000Z', to: '2026-03-14T10:00:00.000Z' };

async function failure(run: Promise<unknown>): Promise<SourceError> {
  try {
    await run;
  } catch (err) {
    expect(err).toBeInstanceOf(SourceError);
    return err as SourceError;
  }
  throw new Error('expected the query to fail');
}

defineSourceContract('okta api', async () => {
  // 12 events 5 minutes apart, two broken records inside the window, one event before it and one exactly at its end
  const series = eventSeries('2026-03-14T09:00:00.000Z', 12, 300_000, 'c');
  const noUuid = logEvent({ uuid: 'x', published: '2026-03-14T09:07:00.000Z', eventType: 'user.session.start' });
  delete noUuid.uuid;
  const noType = logEvent({ uuid: 'c-notype', published: '2026-03-14T09:31:00.000Z', eventType: 'x' });
  delete noType.eventType;
  const before = logEvent({ uuid: 'c-before', published: '2026-03-14T08:59:59.999Z', eventType: 'user.session.start' });
  const atEnd = logEvent({ uuid: 'c-at-end', published: '2026-03-14T10:00:00.000Z', eventType: 'user.session.start' });
  const fake = await startFake({ events: [before, ...series, noUuid, noType, atEnd] });
  const source = apiSource(fake.url);
  return {
    source,
    expected: series.map((e) => ({ id: String(e.uuid), time: Date.parse(String(e.published)) })),
    window: { from: new Date(HOUR.from), to: new Date(HOUR.to) },
    malformed: 2,
    failing: () => apiSource(fake.url, { tokenEnv: 'AUDITGRAPH_TEST_OKTA_BAD_TOKEN' }),
    // 12 events + 2 broken + the one at `until` (the fake's until is inclusive) = 15 records, 5 pages of 3
    minRequests: 5,
  };
});

describe('okta api: the wire', () => {
  it('sends a bounded request with the SSWS token, since/until, sortOrder and limit, and follows the next links', async () => {
    const fake = await startFake({ events: eventSeries('2026-03-14T09:00:00.000Z', 7, 60_000) });
    const source = apiSource(fake.url);
    for (const [order, sortOrder] of [[SortOrder.OLDEST_FIRST, 'ASCENDING'], [SortOrder.NEWEST_FIRST, 'DESCENDING']] as const) {
      fake.requests.length = 0;
      const { events, stats } = await collect(source, query(HOUR, order, {}, 3));
      const times = events.map((e) => e.time.getTime());
      expect(times).toEqual([...times].sort((a, b) => (order === SortOrder.OLDEST_FIRST ? a - b : b - a)));
      expect(events).toHaveLength(7);
      const sent = fake.logRequests();
      expect(sent).toHaveLength(3);
      expect(stats.requests).toBe(3);
      for (const r of sent) {
        expect(r.headers.authorization).toBe(`SSWS ${TOKEN}`);
        expect(r.headers['user-agent']).toMatch(/okta-sdk-nodejs/);
        expect(r.query.get('since')).toBe(HOUR.from);
        expect(r.query.get('until')).toBe(HOUR.to);
        expect(r.query.get('sortOrder')).toBe(sortOrder);
        expect(r.query.get('limit')).toBe('3');
        expect(r.query.has('filter')).toBe(false);
      }
      expect(sent[0].query.has('after')).toBe(false);
      expect(sent[1].query.get('after')).toBeTruthy();
      expect(sent[2].query.get('after')).not.toBe(sent[1].query.get('after'));
    }
  });

  it('keeps every field of the record in raw, as Okta sent it', async () => {
    const event = { ...logEvent({ uuid: 'raw-1', published: '2026-03-14T09:10:00.123Z', eventType: 'user.session.start' }), someFutureField: { nested: [1, 2] } };
    const fake = await startFake({ events: [event] });
    const { events } = await collect(apiSource(fake.url), query(HOUR));
    expect(events).toHaveLength(1);
    // the SDK's LogEvent model would drop the unknown field and turn published into a Date
    expect(events[0].raw).toEqual(JSON.parse(JSON.stringify(event)));
    expect(events[0].cloud).toEqual({ provider: 'okta', account: new URL(fake.url).host });
  });

  it('clamps the page size to 1..1000', async () => {
    const fake = await startFake({ events: eventSeries('2026-03-14T09:00:00.000Z', 2, 60_000) });
    const source = apiSource(fake.url);
    await collect(source, query(HOUR, SortOrder.OLDEST_FIRST, {}, 5000));
    await collect(source, query(HOUR, SortOrder.OLDEST_FIRST, {}, 0));
    expect(fake.logRequests().map((r) => r.query.get('limit'))).toEqual(['1000', '1', '1']);
  });

  it('pushes identity as a q keyword and action, source IP and outcome as one SCIM filter, and gets only the matching events', async () => {
    const events = [
      logEvent({ uuid: 'f1', published: '2026-03-14T09:01:00.000Z', eventType: 'user.session.start', actor: ALICE, ip: ATTACKER_IP, result: 'FAILURE', reason: 'INVALID_CREDENTIALS' }),
      logEvent({ uuid: 'f2', published: '2026-03-14T09:02:00.000Z', eventType: 'user.session.start', actor: ALICE, ip: ATTACKER_IP, result: 'SUCCESS' }),
      logEvent({ uuid: 'f3', published: '2026-03-14T09:03:00.000Z', eventType: 'user.session.start', actor: BOB, ip: ATTACKER_IP, result: 'FAILURE' }),
      logEvent({ uuid: 'f4', published: '2026-03-14T09:04:00.000Z', eventType: 'user.authentication.sso', actor: ALICE, ip: ATTACKER_IP, result: 'FAILURE' }),
      logEvent({ uuid: 'f5', published: '2026-03-14T09:05:00.000Z', eventType: 'user.session.start', actor: ALICE, ip: '203.0.113.7', result: 'FAILURE' }),
      logEvent({ uuid: 'f6', published: '2026-03-14T09:06:00.000Z', eventType: 'user.mfa.okta_verify.deny_push', actor: ALICE, ip: ATTACKER_IP, result: 'DENY' }),
      // an event type written with capitals (Okta has some, e.g. mim.checkOSXAccessEligibility.true): the engine
      // matches actions without case, Okta's filter with case
      logEvent({ uuid: 'f7', published: '2026-03-14T09:07:00.000Z', eventType: 'User.Session.Start', actor: ALICE, ip: ATTACKER_IP, result: 'FAILURE' }),
    ];
    const fake = await startFake({ events });
    const filter = {
      identity: ['00U1ALICE00000000001'],
      action: ['user.session.start', 'user.mfa.okta_verify.deny_push'],
      sourceIp: [ATTACKER_IP],
      outcome: [Outcome.FAILURE],
    };
    const { events: got } = await collect(apiSource(fake.url), query(HOUR, SortOrder.OLDEST_FIRST, filter));
    expect(got.map((e) => e.id)).toEqual(['f1', 'f6', 'f7']);
    const sent = fake.logRequests()[0].query;
    expect(sent.get('q')).toBe('00U1ALICE00000000001');
    expect(sent.get('filter')).toBe(
      `(eventType eq "user.session.start" or eventType eq "user.mfa.okta_verify.deny_push" or ${CAPITALS})` +
        ` and client.ipAddress eq "${ATTACKER_IP}"` +
        ' and (outcome.result eq "FAILURE" or outcome.result eq "DENY")',
    );
  });

  it('sends a wildcard as sw/ew/co of its literal parts, in lower case, and finds what the engine matches', async () => {
    const events = [
      logEvent({ uuid: 'w1', published: '2026-03-14T09:01:00.000Z', eventType: 'user.session.start' }),
      logEvent({ uuid: 'w2', published: '2026-03-14T09:02:00.000Z', eventType: 'user.session.end' }),
      logEvent({ uuid: 'w3', published: '2026-03-14T09:03:00.000Z', eventType: 'system.api_token.create' }),
      logEvent({ uuid: 'w4', published: '2026-03-14T09:04:00.000Z', eventType: 'mim.checkOSXAccessEligibility.true' }),
    ];
    const fake = await startFake({ events });
    const { events: got } = await collect(apiSource(fake.url), query(HOUR, SortOrder.OLDEST_FIRST, { action: ['User.Session.*', 'mim.checkosx*.true', '*token*'] }));
    expect(got.map((e) => e.id)).toEqual(['w1', 'w2', 'w3', 'w4']);
    expect(fake.logRequests()[0].query.get('filter')).toBe(
      `(eventType sw "user.session." or (eventType sw "mim.checkosx" and eventType ew ".true") or eventType co "token" or ${CAPITALS})`,
    );
  });

  it('sends one identity as a q keyword, which ignores case, and keeps several identities local', async () => {
    const fake = await startFake({ events: [logEvent({ uuid: 'i1', published: '2026-03-14T09:01:00.000Z', eventType: 'user.session.start', actor: ALICE })] });
    const one = await collect(apiSource(fake.url), query(HOUR, SortOrder.OLDEST_FIRST, { identity: ['Alice@Example.COM'] }));
    expect(one.events.map((e) => e.id)).toEqual(['i1']);
    expect(fake.logRequests()[0].query.get('q')).toBe('Alice@Example.COM');
    expect(fake.logRequests()[0].query.get('filter')).toBeNull();
    // the SCIM filter compares with case: an eq on the login as typed would miss alice@example.com
    const several = await collect(apiSource(fake.url), query(HOUR, SortOrder.OLDEST_FIRST, { identity: ['Alice@Example.com', 'we"ird\\name'] }));
    expect(several.events).toHaveLength(1);
    expect(fake.logRequests()[1].query.get('q')).toBeNull();
    expect(fake.logRequests()[1].query.get('filter')).toBeNull();
  });

  it('does not push outcome UNKNOWN (any other result), and says so in the plan', async () => {
    const fake = await startFake({
      events: [
        logEvent({ uuid: 'u1', published: '2026-03-14T09:01:00.000Z', eventType: 'policy.evaluate_sign_on', result: 'CHALLENGE' }),
        logEvent({ uuid: 'u2', published: '2026-03-14T09:02:00.000Z', eventType: 'user.session.start', result: 'SUCCESS' }),
      ],
    });
    const source = apiSource(fake.url);
    const q = query(HOUR, SortOrder.OLDEST_FIRST, { outcome: [Outcome.UNKNOWN, Outcome.FAILURE], action: ['policy.evaluate_sign_on'] });
    const { events } = await collect(source, q);
    expect(events.map((e) => e.id)).toEqual(['u1']);
    expect(fake.logRequests()[0].query.get('filter')).toBe(`(eventType eq "policy.evaluate_sign_on" or ${CAPITALS})`);
    const plan = await source.plan(q);
    expect(plan.request).toContain('filter=(eventType eq "policy.evaluate_sign_on" or eventType co "A"');
    expect(plan.request).toContain(`since=${HOUR.from}`);
    expect(plan.notes.join('\n')).toMatch(/outcome not sent upstream: UNKNOWN is any other result/);
    expect(fake.logRequests()).toHaveLength(1);
  });

  it('drops events published exactly at the window end, which Okta may include', async () => {
    const fake = await startFake({
      events: [
        logEvent({ uuid: 'w1', published: HOUR.from, eventType: 'user.session.start' }),
        logEvent({ uuid: 'w2', published: HOUR.to, eventType: 'user.session.start' }),
      ],
    });
    for (const order of [SortOrder.OLDEST_FIRST, SortOrder.NEWEST_FIRST]) {
      const { events, stats } = await collect(apiSource(fake.url), query(HOUR, order));
      expect(events.map((e) => e.id)).toEqual(['w1']);
      expect(stats.scanned).toBe(2);
    }
  });

  it('stops on an empty page even when it carries a next link', async () => {
    const fake = await startFake({ events: eventSeries('2026-03-14T09:00:00.000Z', 4, 60_000), emptyPageWithNext: true });
    const { events, stats } = await collect(apiSource(fake.url), query(HOUR, SortOrder.OLDEST_FIRST, {}, 2));
    expect(events).toHaveLength(4);
    // two full pages, then the empty one that still links to a next
    expect(stats.requests).toBe(3);
    expect(fake.logRequests()).toHaveLength(3);
  });
});

describe('okta api: throttling and errors', () => {
  it('waits out a 429 (X-Rate-Limit-Reset) and finishes the query', async () => {
    const fake = await startFake({ events: eventSeries('2026-03-14T09:00:00.000Z', 7, 60_000), rateLimit: { limit: 2, windowMs: 1000 } });
    const { events, stats } = await collect(apiSource(fake.url), query(HOUR, SortOrder.NEWEST_FIRST, {}, 3));
    expect(events).toHaveLength(7);
    expect(new Set(events.map((e) => e.id)).size).toBe(7);
    expect(stats.throttled).toBeGreaterThan(0);
    const throttled = fake.logRequests().filter((r) => r.status === 429);
    expect(throttled.length).toBe(stats.throttled);
    // the retried page is the same request again
    const ok = fake.logRequests().filter((r) => r.status === 200);
    expect(ok).toHaveLength(3);
  });

  it('reads the wait from X-Rate-Limit-Reset against the reply Date, plus a second', () => {
    const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name.toLowerCase()] ?? null });
    const err = { status: 429, errorCode: 'E0000047', headers: headers({ 'x-rate-limit-reset': '1773480060', date: 'Sat, 14 Mar 2026 09:20:00 GMT' }) };
    expect(Date.parse('Sat, 14 Mar 2026 09:20:00 GMT')).toBe(1773480000_000);
    expect(throttleVerdict(err)).toEqual({ retryAfterMs: 61_000 });
    expect(throttleVerdict({ ...err, headers: headers({}) })).toEqual({});
    expect(throttleVerdict({ status: 500, headers: headers({}) })).toBeUndefined();
    expect(throttleVerdict(new Error('boom'))).toBeUndefined();
  });

  it('turns a 500 into UPSTREAM_ERROR naming the status and Okta error', async () => {
    const fake = await startFake({ events: eventSeries('2026-03-14T09:00:00.000Z', 2, 60_000) });
    fake.failNext(500, { errorCode: 'E0000009', errorSummary: 'Internal Server Error', errorLink: 'E0000009', errorId: 'oaeX', errorCauses: [] });
    const err = await failure(collect(apiSource(fake.url), query(HOUR)));
    expect(err.code).toBe('UPSTREAM_ERROR');
    expect(err.message).toContain('HTTP 500');
    expect(err.message).toContain('E0000009');
    expect(err.message).toContain('Internal Server Error');
    expect(err.sourceId).toBe('okta');
  });

  it('turns a refused token (401 E0000011) into UNAUTHENTICATED', async () => {
    const fake = await startFake({ events: [] });
    const err = await failure(collect(apiSource(fake.url, { tokenEnv: 'AUDITGRAPH_TEST_OKTA_BAD_TOKEN' }), query(HOUR)));
    expect(err.code).toBe('UNAUTHENTICATED');
    expect(err.message).toContain('E0000011');
    expect(err.message).toContain('Invalid token provided');
    expect(fake.logRequests()[0].headers.authorization).toBe('SSWS not-the-token');
  });

  it('turns 403 into FORBIDDEN and 400 (invalid filter) into INVALID_REQUEST', async () => {
    const fake = await startFake({ events: [] });
    fake.failNext(403, { errorCode: 'E0000006', errorSummary: 'You do not have permission to perform the requested action', errorLink: 'E0000006', errorId: 'oae1', errorCauses: [] });
    const forbidden = await failure(collect(apiSource(fake.url), query(HOUR)));
    expect(forbidden.code).toBe('FORBIDDEN');
    expect(forbidden.message).toContain('E0000006');
    fake.failNext(400, { errorCode: 'E0000031', errorSummary: 'The supplied combination of operator and field is not currently supported.', errorLink: 'E0000031', errorId: 'oae2', errorCauses: [] });
    const invalid = await failure(collect(apiSource(fake.url), query(HOUR, SortOrder.OLDEST_FIRST, { action: ['user.session.start'] })));
    expect(invalid.code).toBe('INVALID_REQUEST');
    expect(invalid.message).toContain('E0000031');
  });

  it("surfaces the fake's own validation error for an out-of-range limit sent by hand", async () => {
    // guards the fake itself: it refuses what Okta refuses, so the tests above would catch a bad limit
    const fake = await startFake({ events: [] });
    const status = await new Promise<{ status?: number; body: string }>((resolve) => {
      http.get(`${fake.url}/api/v1/logs?limit=1001&since=${HOUR.from}&until=${HOUR.to}`, { headers: { Authorization: `SSWS ${TOKEN}` } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      });
    });
    expect(status.status).toBe(400);
    expect(JSON.parse(status.body)).toMatchObject({ errorCode: 'E0000001' });
  });

  it('turns a non-JSON gateway error into UPSTREAM_ERROR and a closed port into UNREACHABLE', async () => {
    const fake = await startFake({ events: [] });
    fake.failNext(502, '<html><body>502 Bad Gateway</body></html>', { 'Content-Type': 'text/html' });
    const gateway = await failure(collect(apiSource(fake.url), query(HOUR)));
    expect(gateway.code).toBe('UPSTREAM_ERROR');
    expect(gateway.message).toContain('502');

    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = await failure(collect(apiSource(`http://127.0.0.1:${port}`), query(HOUR)));
    expect(unreachable.code).toBe('UNREACHABLE');
    expect(unreachable.message).toContain(`127.0.0.1:${port}`);
  });

  it('aborts the request in flight when the signal fires', async () => {
    const fake = await startFake({ events: eventSeries('2026-03-14T09:00:00.000Z', 2, 60_000), delayMs: 5_000 });
    const controller = new AbortController();
    const stats = newSourceStats();
    const it = apiSource(fake.url).events(query(HOUR), { signal: controller.signal, stats })[Symbol.asyncIterator]();
    const pending = it.next();
    await waitFor(() => fake.logRequests().length === 1);
    controller.abort();
    const err = await failure(pending);
    expect(err.code).toBe('ABORTED');
    await waitFor(() => fake.logRequests()[0].clientGaveUp);
    expect(fake.logRequests()[0].status).toBe(0);
  });
});

describe('okta api: config, plan and health', () => {
  it('declares both orders, the pushdown, 1000 a page, 90 days and the per-org rate limit', async () => {
    const fake = await startFake({ events: [] });
    const source = apiSource(fake.url, { rateLimitPerMinute: 20 });
    expect(source.capabilities.orders).toEqual(expect.arrayContaining([SortOrder.NEWEST_FIRST, SortOrder.OLDEST_FIRST]));
    expect(source.capabilities.pushdown.map((p) => p.field)).toEqual(['identity', 'action', 'sourceIp', 'outcome']);
    expect(source.capabilities.pageSize.max).toBe(1000);
    expect(source.capabilities.retentionDays).toBe(90);
    expect(source.capabilities.rateLimit).toEqual({ requests: 20, perMs: 60_000, scope: `okta:${new URL(fake.url).host}` });
    expect(apiSource(fake.url, { rateLimitPerMinute: undefined }).capabilities.rateLimit?.requests).toBe(50);
    expect(source.location).toBe(fake.url);
  });

  it('refuses unknown keys, a token written in the config, and a missing token', () => {
    const create = (entry: Record<string, unknown>) =>
      oktaDefinition.create(ConfigNode.of({ id: 'o', type: 'okta', mode: 'api', ...entry }, 'sources[0]'), { id: 'o', mode: 'api' }, testDeps());
    expect(() => create({ orgUrl: 'https://example.okta.com', tokenEnv: TOKEN_ENV, limit: 5 })).toThrow(ConfigError);
    expect(() => create({ orgUrl: 'https://example.okta.com', token: 'x' })).toThrow(/tokenEnv/);
    expect(() => create({ orgUrl: 'https://example.okta.com' })).toThrow(/sources\[0\]\.tokenEnv/);
    expect(() => create({ orgUrl: 'ftp://example.okta.com', tokenEnv: TOKEN_ENV })).toThrow(/orgUrl/);
    expect(() => create({ orgUrl: 'https://example.okta.com', tokenEnv: TOKEN_ENV, clientId: 'x' })).toThrow(/PrivateKey/);
    expect(() => create({ orgUrl: 'https://example.okta.com', tokenEnv: TOKEN_ENV, rateLimitPerMinute: 0 })).toThrow(/rateLimitPerMinute/);
  });

  it('checks health with one 1-event request, and reports a refused token without throwing', async () => {
    const fake = await startFake({ events: [] });
    const good = await apiSource(fake.url).health();
    expect(good.ok).toBe(true);
    expect(fake.logRequests()).toHaveLength(1);
    expect(fake.logRequests()[0].query.get('limit')).toBe('1');
    expect(fake.logRequests()[0].query.get('until')).toBeTruthy();
    const bad = await apiSource(fake.url, { tokenEnv: 'AUDITGRAPH_TEST_OKTA_BAD_TOKEN' }).health();
    expect(bad.ok).toBe(false);
    expect(bad.message).toContain('E0000011');
  });
});

describe('okta api: OAuth service app (private key JWT)', () => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const keyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'okta-key-')), 'service-app.pem');
  fs.writeFileSync(keyFile, privateKey);
  afterAll(() => fs.rmSync(path.dirname(keyFile), { recursive: true, force: true }));

  function oauthSource(url: string): Source {
    return apiSource(url, { tokenEnv: undefined, authorizationMode: 'PrivateKey', clientId: '0oa1auditgraph000001', privateKeyFile: keyFile, keyId: 'kid-1' });
  }

  it('gets a token for okta.logs.read with a signed client assertion and sends it as Bearer', async () => {
    const fake = await startFake({
      events: eventSeries('2026-03-14T09:00:00.000Z', 4, 60_000),
      oauthClient: { clientId: '0oa1auditgraph000001', publicKeyPem: publicKey, grantedScopes: ['okta.logs.read'] },
    });
    const { events } = await collect(oauthSource(fake.url), query(HOUR, SortOrder.OLDEST_FIRST, {}, 2));
    expect(events).toHaveLength(4);
    const tokenRequests = fake.requests.filter((r) => r.path === '/oauth2/v1/token');
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests.every((r) => r.status === 200)).toBe(true);
    for (const r of fake.logRequests()) expect(r.headers.authorization).toMatch(/^Bearer /);
  });

  it('reports a service app that is not granted okta.logs.read as UNAUTHENTICATED', async () => {
    const fake = await startFake({
      events: [],
      oauthClient: { clientId: '0oa1auditgraph000001', publicKeyPem: publicKey, grantedScopes: ['okta.users.read'] },
    });
    const err = await failure(collect(oauthSource(fake.url), query(HOUR)));
    expect(err.code).toBe('UNAUTHENTICATED');
    // the token endpoint's own words, not the 401 the SDK would get by sending `Bearer undefined`
    expect(err.message).toContain('invalid_scope');
    expect(fake.logRequests()).toHaveLength(0);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}

describe('okta api through the upstream page cache', () => {
  const window = { from: new Date(HOUR.from), to: new Date(HOUR.to) };
  const engineOf = (source: Source, now: Date) =>
    new QueryEngine([source], { cursorSecret: 'okta-page-cache-test', now: () => now, pageCache: new PageCache({ maxBytes: 1e7, openTtlMs: 10_000 }), parking: new ScanParking({ max: 0, ttlMs: 1 }) });

  it('asks Okta nothing the second time for a settled window: each page and its next link come from the cache', async () => {
    const events = eventSeries(HOUR.from, 12, 300_000, 'pc');
    // the last event's target is the only one a resource filter on `dave` matches
    events[11].target = [{ id: '00u1dave000000000004', type: 'User', alternateId: 'dave@example.com', displayName: 'Dave Target', detailEntry: null }];
    const fake = await startFake({ events });
    const engine = engineOf(apiSource(fake.url), new Date('2026-03-20T00:00:00Z'));
    const req = { window, order: SortOrder.OLDEST_FIRST, first: 100 };
    const logs = () => fake.requests.filter((r) => r.path === '/api/v1/logs').length;
    // a page of 3 asks Okta for 4 records at a time, and a resource filter (never pushed) matches only the last
    // event: the answer takes several requests, each following the last one's next link
    const paged = { ...req, first: 3, filter: { resource: 'dave' } };
    const first = await engine.events(paged);
    const sent = logs();
    expect(sent).toBeGreaterThanOrEqual(3);
    expect(first.statuses[0].requests).toBe(sent);
    const again = await engine.events(paged);
    expect(logs()).toBe(sent);
    expect(again.edges.map((e) => e.event.id)).toEqual(first.edges.map((e) => e.event.id));
    expect(again.edges.length).toBeGreaterThan(0);
    expect(again.statuses[0].requests).toBe(0);
    expect(again.statuses[0].cacheHits).toBe(sent);
    // another request is another key: it is sent
    await engine.events(req);
    expect(logs()).toBe(sent + 1);
  });

  it('asks again for a window within the delivery lag once its pages are seconds old, and never keeps a failure', async () => {
    const fake = await startFake({ events: eventSeries(HOUR.from, 6, 300_000, 'pf') });
    let now = new Date('2026-03-14T10:00:30Z');
    const cache = new PageCache({ maxBytes: 1e7, openTtlMs: 10_000, now: () => now.getTime() });
    const engine = new QueryEngine([apiSource(fake.url)], { cursorSecret: 'okta-page-cache-test', now: () => now, pageCache: cache });
    const logs = () => fake.requests.filter((r) => r.path === '/api/v1/logs').length;
    fake.failNext(500, { errorCode: 'E0000009', errorSummary: 'Internal Server Error' });
    await expect(engine.events({ window, first: 100 })).rejects.toThrow(/E0000009/);
    const ok = await engine.events({ window, first: 100 });
    expect(ok.edges).toHaveLength(6);
    const sent = logs();
    await engine.events({ window, first: 100 });
    expect(logs()).toBe(sent);
    now = new Date(now.getTime() + 11_000);
    await engine.events({ window, first: 100 });
    expect(logs()).toBeGreaterThan(sent);
  });
});
