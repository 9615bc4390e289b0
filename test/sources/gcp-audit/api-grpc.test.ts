import { ConfigNode } from '../../../src/config/fields';
import { ConfigError } from '../../../src/config/errors';
import { Outcome, SortOrder, SourceError, type SourceQuery } from '../../../src/domain';
import { gcpAuditDefinition } from '../../../src/sources/gcp-audit';
import type { GcpAuditApiSource } from '../../../src/sources/gcp-audit/client';
import { collect, defineSourceContract } from '../../contract/source-contract';
import { testDeps } from '../../helpers/deps';
import { CORRUPT_PAYLOAD_MARKER, FakeLogging, NO_ROLE_TOKEN, startGrpc, VALID_TOKEN, type FakeLoggingOptions } from './fake-logging';
import { ATTACKER_IP, AUDIT_LOG, auditEntry, dataset, idOf, loopbackApiConfig, PROJECT, timeOf, type JsonObject } from './fixtures';

/**
 * The api mode through the real @google-cloud/logging client over gRPC, against a loopback
 * google.logging.v2.LoggingServiceV2 server (plaintext, the token in the call's metadata).
 */

const TOKEN_ENV = 'GCP_AUDIT_TEST_TOKEN';
const NO_ROLE_ENV = 'GCP_AUDIT_TEST_TOKEN_NO_ROLE';
const BAD_ENV = 'GCP_AUDIT_TEST_TOKEN_BAD';
process.env[TOKEN_ENV] = VALID_TOKEN;
process.env[NO_ROLE_ENV] = NO_ROLE_TOKEN;
process.env[BAD_ENV] = 'ya29.expired';

const WINDOW = { from: new Date('2026-03-14T08:00:00Z'), to: new Date('2026-03-14T11:00:00Z') };
const LOG_NAMES = `logName=("projects/${PROJECT}/logs/cloudaudit.googleapis.com%2Factivity" OR "projects/${PROJECT}/logs/cloudaudit.googleapis.com%2Fdata_access")`;

/** an entry whose AuditLog bytes are corrupted: decoded, it must be counted as malformed */
const corrupt = auditEntry({ insertId: 'corrupt-1', timestamp: '2026-03-14T09:45:00Z', payload: { [CORRUPT_PAYLOAD_MARKER]: true } });

interface Served {
  fake: FakeLogging;
  port: number;
  close: () => Promise<void>;
}

const servers: Served[] = [];
const sources: GcpAuditApiSource[] = [];

async function serve(entries: JsonObject[], options: FakeLoggingOptions = {}): Promise<Served> {
  const fake = new FakeLogging(entries, options);
  const server = await startGrpc(fake);
  const served = { fake, port: server.port, close: server.close };
  servers.push(served);
  return served;
}

function source(port: number, extra: Record<string, unknown> = {}): GcpAuditApiSource {
  const config = loopbackApiConfig('gcp-prod', port, TOKEN_ENV, extra);
  const s = gcpAuditDefinition.create(ConfigNode.of(config, 'sources[0]'), { id: 'gcp-prod', mode: 'api' }, testDeps()) as GcpAuditApiSource;
  sources.push(s);
  return s;
}

function query(overrides: Partial<SourceQuery> = {}): SourceQuery {
  return { window: WINDOW, order: SortOrder.OLDEST_FIRST, filter: {}, pageSizeHint: 100, ...overrides };
}

afterAll(async () => {
  for (const s of sources) await s.close();
  for (const s of servers) await s.close();
});

defineSourceContract('gcp-audit api (gRPC)', async () => {
  const entries = dataset();
  const { port } = await serve([...entries, corrupt], { emptyPages: true });
  return {
    source: source(port),
    expected: entries.map((e) => ({ id: idOf(e), time: timeOf(e) })),
    window: WINDOW,
    malformed: 1,
    failing: () => source(port, { accessTokenEnv: NO_ROLE_ENV }),
    // 14 entries at page size 3: 5 pages (and the empty pages between them)
    minRequests: 5,
  };
});

describe('gcp-audit api over gRPC', () => {
  let served: Served;
  let entries: JsonObject[];
  beforeAll(async () => {
    entries = dataset();
    served = await serve(entries);
  });
  beforeEach(() => {
    served.fake.requests.length = 0;
    served.fake.options = {};
  });

  it('sends the window, the log names and the pushed filters in one filter string, with the token', async () => {
    const s = source(served.port);
    const { events } = await collect(
      s,
      query({ filter: { identity: ['alice@example.com'], sourceIp: [ATTACKER_IP], action: ['SetIamPolicy', 'secrets.list'] }, pageSizeHint: 2, order: SortOrder.NEWEST_FIRST }),
    );
    const first = served.fake.requests[0];
    expect(first).toMatchObject({ transport: 'grpc', authorization: `Bearer ${VALID_TOKEN}`, resourceNames: [`projects/${PROJECT}`], orderBy: 'timestamp desc', pageSize: 2 });
    expect(first.pageToken).toBeUndefined();
    expect(first.filter).toBe(
      `timestamp>="2026-03-14T08:00:00.000Z" AND timestamp<"2026-03-14T11:00:00.000Z" AND ${LOG_NAMES} AND (` +
        'protoPayload.authenticationInfo.principalEmail="alice@example.com" OR protoPayload.authenticationInfo.principalSubject="alice@example.com" OR ' +
        'protoPayload.authenticationInfo.serviceAccountDelegationInfo.firstPartyPrincipal.principalEmail="alice@example.com" OR ' +
        'protoPayload.authenticationInfo.serviceAccountDelegationInfo.principalSubject="alice@example.com" OR protoPayload.serviceName="alice@example.com")' +
        ` AND protoPayload.requestMetadata.callerIp="${ATTACKER_IP}" AND protoPayload.methodName:("SetIamPolicy" OR "secrets.list")`,
    );
    // the server applied it: alice's SetIamPolicy and kubectl secrets list from the attacker's IP, newest first
    expect(events.map((e) => e.action)).toEqual(['cloudresourcemanager.googleapis.com:SetIamPolicy', 'secrets.list']);
    expect(served.fake.requests.every((r) => r.filter === first.filter && r.pageSize === 2)).toBe(true);
  });

  it('pages by nextPageToken, through empty pages that carry a token, each event once', async () => {
    served.fake.options = { emptyPages: true };
    const { events, stats } = await collect(source(served.port), query({ pageSizeHint: 4 }));
    expect(events.map((e) => e.id)).toEqual([...entries].sort((a, b) => timeOf(a) - timeOf(b) || (String(a.insertId) < String(b.insertId) ? -1 : 1)).map(idOf));
    const reqs = served.fake.requests;
    // 13 entries by 4: pages at offsets 0, 4, 8, 12, each after the first preceded by an empty page
    expect(reqs.map((r) => r.served)).toEqual([4, 0, 4, 0, 4, 0, 1]);
    expect(stats.requests).toBe(7);
    expect(reqs[0].pageToken).toBeUndefined();
    for (let i = 1; i < reqs.length; i++) expect(reqs[i].pageToken).toEqual(expect.any(String));
    expect(new Set(reqs.slice(1).map((r) => r.pageToken)).size).toBe(6);
  });

  it('asks for each order natively', async () => {
    const s = source(served.port);
    const asc = await collect(s, query({ order: SortOrder.OLDEST_FIRST }));
    const desc = await collect(s, query({ order: SortOrder.NEWEST_FIRST }));
    expect(served.fake.requests.map((r) => r.orderBy)).toEqual(['timestamp asc', 'timestamp desc']);
    expect(desc.events.map((e) => e.id)).toEqual(asc.events.map((e) => e.id).reverse());
    const times = asc.events.map((e) => e.time.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('clamps the page size to 1,000', async () => {
    await collect(source(served.port), query({ pageSizeHint: 5000 }));
    expect(served.fake.requests[0].pageSize).toBe(1000);
  });

  it('gives back the AuditLog payload fully decoded: the entry exactly as the REST API and a sink show it', async () => {
    const { events } = await collect(source(served.port), query());
    for (const entry of entries) {
      const event = events.find((e) => e.id === idOf(entry));
      expect(event?.raw).toEqual(entry);
    }
    const grant = events.find((e) => e.rawAction === 'SetIamPolicy' && e.category === 'USER_ACCESS')!;
    const payload = (grant.raw as JsonObject).protoPayload as JsonObject;
    expect(payload['@type']).toBe(AUDIT_LOG);
    expect(payload.serviceData).toEqual({
      '@type': 'type.googleapis.com/google.iam.v1.logging.AuditData',
      policyDelta: { bindingDeltas: [{ action: 'ADD', role: 'roles/owner', member: 'user:mallory.ext@gmail.com' }] },
    });
    expect((payload.request as JsonObject).policy).toEqual({ bindings: [{ role: 'roles/owner', members: ['user:alice@example.com', 'user:mallory.ext@gmail.com'] }], etag: 'BwYUmpyAH8I=' });
    expect(grant.actor.name).toBe('alice@example.com');
    expect(grant.sourceIp).toBe(ATTACKER_IP);
  });

  it('pushes outcome FAILURE as status.code>0', async () => {
    const { events } = await collect(source(served.port), query({ filter: { outcome: [Outcome.FAILURE] } }));
    expect(served.fake.requests[0].filter.endsWith(' AND protoPayload.status.code>0')).toBe(true);
    expect(events.map((e) => e.outcome)).toEqual([Outcome.FAILURE]);
  });

  it('waits and retries when throttled (RESOURCE_EXHAUSTED), then carries on', async () => {
    served.fake.options = { quota: { requests: 2, windowMs: 1500 } };
    const { events, stats } = await collect(source(served.port), query({ pageSizeHint: 5 }));
    expect(events).toHaveLength(entries.length);
    expect(stats.throttled).toBeGreaterThan(0);
    const refused = served.fake.requests.filter((r) => r.error === 8);
    expect(refused.length).toBe(stats.throttled);
    expect(stats.requests).toBe(served.fake.requests.length);
  });

  it('reports PERMISSION_DENIED as FORBIDDEN and a refused token as UNAUTHENTICATED, with the service text', async () => {
    const denied = collect(source(served.port, { accessTokenEnv: NO_ROLE_ENV }), query());
    await expect(denied).rejects.toBeInstanceOf(SourceError);
    await expect(denied).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: "Cloud Logging entries.list failed: PERMISSION_DENIED (7): Permission 'logging.privateLogEntries.list' denied on resource (or it may not exist).",
    });
    await expect(collect(source(served.port, { accessTokenEnv: BAD_ENV }), query())).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringContaining('UNAUTHENTICATED (16): Request had invalid authentication credentials') });
  });

  it('reports a closed endpoint as UNREACHABLE', async () => {
    const closed = await serve([]);
    await closed.close();
    const s = source(closed.port, { timeoutSeconds: 5 });
    await expect(collect(s, query())).rejects.toMatchObject({ code: 'UNREACHABLE' });
    const health = await s.health();
    expect(health.ok).toBe(false);
    expect(health.message).toContain('UNREACHABLE');
  });

  it('checks health with one 1-entry request', async () => {
    const h = await source(served.port).health();
    expect(h.ok).toBe(true);
    expect(served.fake.requests).toHaveLength(1);
    expect(served.fake.requests[0].pageSize).toBe(1);
  });

  it('plans the request without sending it', async () => {
    const plan = await source(served.port).plan(query({ filter: { sourceIp: [ATTACKER_IP] } }));
    expect(served.fake.requests).toHaveLength(0);
    expect(plan.request).toContain('orderBy="timestamp asc" pageSize=100 filter=timestamp>="2026-03-14T08:00:00.000Z"');
    expect(plan.request).toContain(`protoPayload.requestMetadata.callerIp="${ATTACKER_IP}"`);
  });

  it('declares both orders, a 1,000-entry page, the project quota and the shortest retention', () => {
    const caps = source(served.port).capabilities;
    expect(caps.orders).toEqual([SortOrder.NEWEST_FIRST, SortOrder.OLDEST_FIRST]);
    expect(caps.pageSize.max).toBe(1000);
    expect(caps.rateLimit).toEqual({ requests: 6000, perMs: 60_000, scope: `gcp:${PROJECT}` });
    expect(caps.retentionDays).toBe(30);
    expect(source(served.port, { logs: ['activity'], rateLimitPerMinute: undefined }).capabilities).toMatchObject({ retentionDays: 400, rateLimit: { requests: 60 } });
  });

  it('validates its config', () => {
    const make = (extra: Record<string, unknown>) => () => source(served.port, extra);
    expect(make({ projectId: 'Bad_Project' })).toThrow(ConfigError);
    expect(make({ apiEndpoint: 'http://127.0.0.1:1' })).toThrow('sources[0].apiEndpoint: expected host or host:port (no scheme)');
    expect(make({ resourceNames: ['projects/a/logs/x'] })).toThrow('sources[0].resourceNames[0]');
    expect(make({ accessToken: 'ya29.inline' })).toThrow('secrets are not written in the config');
    expect(make({ apiEndpoint: undefined })).toThrow('sources[0].protocol: http is only for an explicit apiEndpoint');
  });
});
