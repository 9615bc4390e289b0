import fc from 'fast-check';
import { expectPrefilterExact, expectPrefilteredPage } from '../../helpers/prefilter';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigNode } from '../../../src/config/fields';
import type { Source } from '../../../src/domain';
import { azureActivityDefinition } from '../../../src/sources/azure-activity';
import { testDeps } from '../../helpers/deps';
import { ALICE, DEPLOYER_SP, exportPath, restEvent, servicePrincipalClaims, toExport, userClaims, type Json } from './fixtures';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

function archive(lines: string[]): Source {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'azure-prefilter-'));
  roots.push(root);
  const file = path.join(root, exportPath(new Date('2026-03-14T09:00:00Z')));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return azureActivityDefinition.create(ConfigNode.of({ id: 'azure', type: 'azure-activity', mode: 'archive', path: root }, 'sources[0]'), { id: 'azure', mode: 'archive' }, testDeps());
}

/** Who an export record says acted: a user (odd cases, padded), an app, a caller copied in, or nobody. */
const WHO: ((r: Json) => Json)[] = [
  (r) => r,
  (r) => ({ ...r, identity: { ...(r.identity as Json), claims: userClaims('  Bob@Example.COM ', '9b8a7c6d-0000-4000-8000-000000000002', '203.0.113.9') } }),
  (r) => ({ ...r, identity: { ...(r.identity as Json), claims: servicePrincipalClaims(DEPLOYER_SP.oid, DEPLOYER_SP.appId) } }),
  (r) => ({ ...r, caller: 'carol@example.com' }),
  (r) => ({ ...r, identity: {} }),
];
const WANTED = [ALICE.upn, 'bob@example.com', DEPLOYER_SP.oid, DEPLOYER_SP.appId, 'carol@example.com', 'Unknown', ALICE.oid];
const IPS = [ALICE.ip, '203.0.113.9', '10.1.2.3'];
const window = { from: new Date('2026-03-14T09:00:00Z'), to: new Date('2026-03-14T10:00:00Z') };

describe('the Azure activity-log archive prefilter', () => {
  it('returns exactly the events the engine matches with it off (property: users, apps, copied callers, nobody, IPs, one line of many records)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ who: fc.integer({ min: 0, max: WHO.length - 1 }), ip: fc.integer({ min: 0, max: IPS.length - 1 }) }), { minLength: 1, maxLength: 15 }),
        fc.boolean(),
        fc.subarray(WANTED, { maxLength: 3 }),
        fc.subarray(IPS, { maxLength: 2 }),
        async (specs, wrapped, identity, sourceIp) => {
          const records = specs.map((s, i) => {
            const base = toExport(restEvent({ eventDataId: `ev-${i}`, eventTimestamp: `2026-03-14T09:${String(10 + i).padStart(2, '0')}:00.0000000Z`, correlationId: `c0ffee00-0000-4000-8000-${String(i).padStart(12, '0')}` }));
            return { ...WHO[s.who](base), callerIpAddress: IPS[s.ip] };
          });
          // the older format: one line holding `{"records": [...]}`
          const lines = wrapped ? [JSON.stringify({ records })] : records.map((r) => JSON.stringify(r));
          const source = archive(lines);
          await expectPrefilterExact(source, window, { ...(identity.length ? { identity } : {}), ...(sourceIp.length ? { sourceIp } : {}) });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('skips, through the engine, what cannot match, and says so in the status and in explain', async () => {
    const lines = Array.from({ length: 12 }, (_, i) => {
      const base = toExport(restEvent({ eventDataId: `ev-${i}`, eventTimestamp: `2026-03-14T09:${String(10 + i).padStart(2, '0')}:00.0000000Z`, correlationId: `c0ffee00-0000-4000-8000-${String(i).padStart(12, '0')}` }));
      return JSON.stringify(i % 4 === 0 ? base : WHO[2](base));
    });
    await expectPrefilteredPage(archive(lines), window, 'ALICE@example.com', { returned: 3, prefiltered: 9, scanned: 12 });
  });
});
