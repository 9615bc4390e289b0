import { ConfigNode } from '../../../src/config/fields';
import { SortOrder, SourceError, type SourceQuery } from '../../../src/domain';
import { gcpAuditDefinition } from '../../../src/sources/gcp-audit';
import type { GcpAuditApiSource } from '../../../src/sources/gcp-audit/client';
import { collect, defineSourceContract } from '../../contract/source-contract';
import { testDeps } from '../../helpers/deps';
import { FakeLogging, NO_ROLE_TOKEN, startRest, VALID_TOKEN } from './fake-logging';
import { ATTACKER_IP, dataset, idOf, loopbackApiConfig, PROJECT, timeOf, type JsonObject } from './fixtures';

/**
 * The api mode through the real client's REST transport (`fallback: true`): `POST /v2/entries:list` with
 * proto3 JSON. The library parses `protoPayload` itself here, which only works once the AuditLog types are
 * registered in its protobuf root.
 */

const TOKEN_ENV = 'GCP_AUDIT_REST_TOKEN';
const NO_ROLE_ENV = 'GCP_AUDIT_REST_TOKEN_NO_ROLE';
process.env[TOKEN_ENV] = VALID_TOKEN;
process.env[NO_ROLE_ENV] = NO_ROLE_TOKEN;

const WINDOW = { from: new Date('2026-03-14T08:00:00Z'), to: new Date('2026-03-14T11:00:00Z') };

const fake = new FakeLogging(dataset());
let port = 0;
let closeServer: () => Promise<void> = async () => undefined;
const sources: GcpAuditApiSource[] = [];

function source(extra: Record<string, unknown> = {}): GcpAuditApiSource {
  const config = loopbackApiConfig('gcp-rest', port, TOKEN_ENV, { fallback: true, ...extra });
  const s = gcpAuditDefinition.create(ConfigNode.of(config, 'sources[0]'), { id: 'gcp-rest', mode: 'api' }, testDeps()) as GcpAuditApiSource;
  sources.push(s);
  return s;
}

function query(overrides: Partial<SourceQuery> = {}): SourceQuery {
  return { window: WINDOW, order: SortOrder.OLDEST_FIRST, filter: {}, pageSizeHint: 100, ...overrides };
}

beforeAll(async () => {
  const server = await startRest(fake);
  port = server.port;
  closeServer = server.close;
});

afterAll(async () => {
  for (const s of sources) await s.close();
  await closeServer();
});

defineSourceContract('gcp-audit api (REST)', async () => {
  const entries = dataset();
  return {
    source: source(),
    expected: entries.map((e) => ({ id: idOf(e), time: timeOf(e) })),
    window: WINDOW,
    malformed: 0,
    failing: () => source({ accessTokenEnv: NO_ROLE_ENV }),
    minRequests: 5,
  };
});

describe('gcp-audit api over REST', () => {
  beforeEach(() => {
    fake.requests.length = 0;
    fake.options = {};
  });

  it('posts the filter, order and page size with the bearer token, and pages through empty pages', async () => {
    fake.options = { emptyPages: true };
    const { events, stats } = await collect(source(), query({ filter: { sourceIp: [ATTACKER_IP] }, order: SortOrder.NEWEST_FIRST, pageSizeHint: 3 }));
    const first = fake.requests[0];
    expect(first).toMatchObject({ transport: 'rest', authorization: `Bearer ${VALID_TOKEN}`, orderBy: 'timestamp desc', pageSize: 3, resourceNames: [`projects/${PROJECT}`] });
    expect(first.filter).toBe(
      'timestamp>="2026-03-14T08:00:00.000Z" AND timestamp<"2026-03-14T11:00:00.000Z" AND ' +
        `logName=("projects/${PROJECT}/logs/cloudaudit.googleapis.com%2Factivity" OR "projects/${PROJECT}/logs/cloudaudit.googleapis.com%2Fdata_access") AND ` +
        `protoPayload.requestMetadata.callerIp="${ATTACKER_IP}"`,
    );
    const fromAttacker = dataset().filter((e) => ((e.protoPayload as JsonObject).requestMetadata as JsonObject | undefined)?.callerIp === ATTACKER_IP);
    expect(events.map((e) => e.id).sort()).toEqual(fromAttacker.map(idOf).sort());
    expect(events.every((e) => e.sourceIp === ATTACKER_IP)).toBe(true);
    // 5 entries by 3: a full page, an empty page with a token, the last page
    expect(fromAttacker).toHaveLength(5);
    expect(fake.requests.map((r) => r.served)).toEqual([3, 0, 2]);
    expect(stats.requests).toBe(3);
  });

  it('decodes the AuditLog payload, serviceData included, through the types it registered', async () => {
    const { events } = await collect(source(), query());
    for (const entry of dataset()) expect(events.find((e) => e.id === idOf(entry))?.raw).toEqual(entry);
  });

  it('retries after 429 RESOURCE_EXHAUSTED', async () => {
    fake.options = { quota: { requests: 1, windowMs: 1200 } };
    const { events, stats } = await collect(source(), query({ pageSizeHint: 7 }));
    expect(events).toHaveLength(dataset().length);
    expect(stats.throttled).toBeGreaterThan(0);
    expect(fake.requests.filter((r) => r.error === 8)).toHaveLength(stats.throttled);
  });

  it('reports 403 PERMISSION_DENIED as FORBIDDEN', async () => {
    const run = collect(source({ accessTokenEnv: NO_ROLE_ENV }), query());
    await expect(run).rejects.toBeInstanceOf(SourceError);
    await expect(run).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining("PERMISSION_DENIED (7): Permission 'logging.privateLogEntries.list' denied") });
  });
});
