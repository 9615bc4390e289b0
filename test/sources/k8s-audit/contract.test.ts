import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigNode } from '../../../src/config/fields';
import { k8sAuditDefinition } from '../../../src/sources/k8s-audit';
import { testDeps } from '../../helpers/deps';
import { defineSourceContract } from '../../contract/source-contract';
import { HOUR, MINUTE, T0, auditId, linesOf, rmDir, rotate, stageRecord, tmpDir, writeArchive, type RequestSpec } from './fixtures';

/**
 * 13 hours of requests (23:00 the day before to 12:20), rotated at 03:00 and 06:00 (gzipped) and 09:00 (plain),
 * the rest in the live file; the window is [00:00, 12:00). Two malformed lines sit inside the window.
 */
function fixtureSpecs(): RequestSpec[] {
  const specs: RequestSpec[] = [];
  let n = 0;
  for (let t = T0 - HOUR; t < T0 + 12 * HOUR; t += 7 * MINUTE + 13_000) {
    n += 1;
    specs.push({ auditID: auditId(n, 1), receivedMs: t, durationMs: 5 + (n % 40) });
  }
  // a request in flight across the 03:00 rotation: received in one file, completed in the next
  specs.push({ auditID: auditId(9001, 1), receivedMs: T0 + 3 * HOUR - 20, durationMs: 250 });
  // two after the window
  specs.push({ auditID: auditId(9002, 1), receivedMs: T0 + 12 * HOUR + 10 * MINUTE });
  specs.push({ auditID: auditId(9003, 1), receivedMs: T0 + 12 * HOUR + 20 * MINUTE });
  return specs;
}

defineSourceContract('k8s-audit file', async () => {
  const dir = tmpDir('contract');
  const specs = fixtureSpecs();
  const lines = linesOf(specs);
  // malformed: a truncated line and one without auditID, both stamped inside the window (07:00)
  const noAuditId = stageRecord({ auditID: 'x', receivedMs: T0 + 7 * HOUR }, 'ResponseComplete', 3);
  delete noAuditId.auditID;
  lines.push({ stageMs: T0 + 7 * HOUR, text: '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"trunc' });
  lines.push({ stageMs: T0 + 7 * HOUR + 3, text: JSON.stringify(noAuditId) });
  lines.sort((a, b) => a.stageMs - b.stageMs);
  writeArchive(dir, rotate(lines, [T0 + 3 * HOUR, T0 + 6 * HOUR, T0 + 9 * HOUR], (i) => i < 2));
  // the layout minRequests counts on: two gzipped backups, one plain backup, the live file
  expect(fs.readdirSync(dir).sort()).toEqual([
    expect.stringMatching(/^audit-.*\.log\.gz$/),
    expect.stringMatching(/^audit-.*\.log\.gz$/),
    expect.stringMatching(/^audit-.*\.log$/),
    'audit.log',
  ]);

  const window = { from: new Date(T0), to: new Date(T0 + 12 * HOUR) };
  const expected = specs
    .filter((s) => s.receivedMs >= window.from.getTime() && s.receivedMs < window.to.getTime())
    .map((s) => ({ id: s.auditID, time: s.receivedMs }));
  const make = (p: string) => k8sAuditDefinition.create(ConfigNode.of({ id: 'prod-audit', type: 'k8s-audit', mode: 'file', path: p, cluster: 'prod-eks' }, 'sources[0]'), { id: 'prod-audit', mode: 'file' }, testDeps());
  const source = make(dir);
  const goneDir = tmpDir('contract-gone');
  fs.writeFileSync(path.join(goneDir, 'audit.log'), '');
  const failingSource = make(goneDir);
  rmDir(goneDir);
  return {
    source,
    expected,
    window,
    malformed: 2,
    failing: () => failingSource,
    // the window spans the two gzipped backups, the plain one and the live file
    minRequests: 4,
    teardown: async () => rmDir(dir),
  };
});
