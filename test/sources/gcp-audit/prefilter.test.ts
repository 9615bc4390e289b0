import fc from 'fast-check';
import * as fs from 'node:fs';
import { newSourceStats, SortOrder, type AuditEvent, type EventFilter, type SourceQuery } from '../../../src/domain';
import { matches } from '../../../src/query/match';
import { QueryEngine } from '../../../src/query/engine';
import { GcpAuditArchiveSource } from '../../../src/sources/gcp-audit/reader';
import { DEFAULT_MAX_RAW_BYTES } from '../../../src/sources/shared/raw';
import { testDeps } from '../../helpers/deps';
import { auditEntry, type JsonObject } from './fixtures';
import { writeSink } from './sink-writer';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

function archive(entries: JsonObject[]): GcpAuditArchiveSource {
  const root = writeSink(entries);
  roots.push(root);
  return new GcpAuditArchiveSource('gcp', { path: root, logs: ['activity', 'data_access', 'system_event', 'policy'], includeGke: true, maxRawBytes: DEFAULT_MAX_RAW_BYTES }, testDeps());
}

async function read(source: GcpAuditArchiveSource, q: SourceQuery): Promise<{ events: AuditEvent[]; prefiltered: number; scanned: number }> {
  const stats = newSourceStats();
  const events: AuditEvent[] = [];
  for await (const e of source.events(q, { signal: new AbortController().signal, stats })) events.push(e);
  return { events, prefiltered: stats.prefiltered, scanned: stats.scanned };
}

/** Who a LogEntry says called: people (odd case), service accounts, a delegation chain, Workload Identity, nobody. */
const CALLERS: JsonObject[] = [
  { authenticationInfo: { principalEmail: 'alice@example.com', principalSubject: 'user:alice@example.com' } },
  { authenticationInfo: { principalEmail: 'Bob@Example.com' } },
  {
    authenticationInfo: {
      principalEmail: 'trainer@acme-ml-prod.iam.gserviceaccount.com',
      serviceAccountDelegationInfo: [{ firstPartyPrincipal: { principalEmail: 'carol@example.com' } }],
    },
  },
  // legacy Workload Identity: the normalizer builds the Kubernetes service account's name from it
  { authenticationInfo: { principalSubject: 'serviceAccount:acme-ml-prod.svc.id.goog[flyte/trainer]' } },
  { authenticationInfo: { principalEmail: 'system:serviceaccount:kube-system:gke-agent' } },
  // Google on its own: the service name is the actor
  {},
  // nor a service
  { authenticationInfo: {}, noService: true },
];
const WANTED = ['alice@example.com', 'bob@example.com', 'carol@example.com', 'system:serviceaccount:flyte:trainer', 'compute.googleapis.com', 'unknown', 'user:alice@example.com', 'system:serviceaccount:kube-system:gke-agent'];
const IPS = ['198.51.100.23', '10.0.0.8', 'private'];
const window = { from: new Date('2026-03-14T09:00:00Z'), to: new Date('2026-03-14T10:00:00Z') };

function entry(i: number, who: number, ip: number): JsonObject {
  const caller = CALLERS[who];
  const payload: JsonObject = { serviceName: 'compute.googleapis.com', methodName: 'v1.compute.instances.list', requestMetadata: { callerIp: IPS[ip] }, ...caller };
  if (caller.noService) {
    delete payload.serviceName;
    delete payload.noService;
  }
  return auditEntry({ insertId: `e${i}`, timestamp: `2026-03-14T09:${String(10 + i).padStart(2, '0')}:00Z`, payload });
}

describe('the GCP audit archive prefilter', () => {
  it('returns exactly the events the engine matches with it off (property: people, delegation, Workload Identity, no caller, IPs)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ who: fc.integer({ min: 0, max: CALLERS.length - 1 }), ip: fc.integer({ min: 0, max: IPS.length - 1 }) }), { minLength: 1, maxLength: 15 }),
        fc.subarray(WANTED, { maxLength: 3 }),
        fc.subarray(IPS.slice(0, 2), { maxLength: 2 }),
        async (specs, identity, sourceIp) => {
          const source = archive(specs.map((s, i) => entry(i, s.who, s.ip)));
          const filter: EventFilter = { ...(identity.length ? { identity } : {}), ...(sourceIp.length ? { sourceIp } : {}) };
          const q: SourceQuery = { window, order: SortOrder.OLDEST_FIRST, filter: {}, pageSizeHint: 100 };
          const on = await read(source, { ...q, prefilter: filter });
          const off = await read(source, q);
          const kept = (events: AuditEvent[]) => events.filter((e) => matches(e, filter, ['identity', 'sourceIp'])).map((e) => e.id);
          expect(kept(on.events)).toEqual(kept(off.events));
          expect(on.scanned).toBe(off.scanned);
          expect(on.events.length + on.prefiltered).toBe(off.events.length);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('skips, through the engine, what cannot match, and says so in the status and in explain', async () => {
    const source = archive(Array.from({ length: 12 }, (_, i) => entry(i, i % 3 === 0 ? 0 : 1, 0)));
    const engine = new QueryEngine([source], { cursorSecret: 'gcp-prefilter-secret', now: () => new Date('2026-04-01T00:00:00Z') });
    const page = await engine.events({ window, filter: { identity: ['ALICE@example.com'] }, first: 100 });
    expect(page.edges).toHaveLength(4);
    expect(page.statuses[0].prefiltered).toBe(8);
    expect(page.statuses[0].eventsScanned).toBe(12);
    const explain = await engine.explain({ window, filter: { identity: ['ALICE@example.com'] }, first: 100 });
    expect(explain.sources[0].notes.join('\n')).toContain('prefilter: ');
  });
});
