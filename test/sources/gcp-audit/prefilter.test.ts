import fc from 'fast-check';
import { expectPrefilterExact, expectPrefilteredPage } from '../../helpers/prefilter';
import * as fs from 'node:fs';
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
          await expectPrefilterExact(source, window, { ...(identity.length ? { identity } : {}), ...(sourceIp.length ? { sourceIp } : {}) });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('skips, through the engine, what cannot match, and says so in the status and in explain', async () => {
    const source = archive(Array.from({ length: 12 }, (_, i) => entry(i, i % 3 === 0 ? 0 : 1, 0)));
    await expectPrefilteredPage(source, window, 'ALICE@example.com', { returned: 4, prefiltered: 8, scanned: 12 });
  });
});
