import { ConfigNode } from '../../../src/config/fields';
import { k8sAuditDefinition } from '../../../src/sources/k8s-audit';
import { defineArchiveFaults, noise, writePartition, type ArchivePartition } from '../../contract/archive-faults';
import { testDeps } from '../../helpers/deps';
import { HOUR, MINUTE, T0, auditId, backupName, stageRecord, type RequestSpec } from './fixtures';

/** One line per request (its ResponseComplete stage), with a request body gzip cannot squeeze. */
function line(spec: RequestSpec, bodyBytes = 256): string {
  return JSON.stringify(stageRecord({ ...spec, requestObject: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: noise(spec.auditID, bodyBytes) } } }, 'ResponseComplete', 20));
}

function requests(salt: number, from: number, to: number, stepMs: number): { receivedMs: number; key: string; text: string }[] {
  const out = [];
  for (let t = from, n = 1; t < to; t += stepMs, n++) {
    const auditID = auditId(n, salt);
    out.push({ receivedMs: t, key: auditID, text: line({ auditID, receivedMs: t }) });
  }
  return out;
}

defineArchiveFaults('k8s-audit file', {
  source: (root, extra = {}) =>
    k8sAuditDefinition.create(ConfigNode.of({ id: 'prod-audit', type: 'k8s-audit', mode: 'file', path: root, cluster: 'prod', ...extra }, 'sources[0]'), { id: 'prod-audit', mode: 'file' }, testDeps()),
  write(root, gzip) {
    // apiserver-a: two backups (rotated at 01:00 and 02:00) and its live file; apiserver-b: a live file only
    const a = requests(1, T0 + 10 * MINUTE, T0 + 3 * HOUR + 50 * MINUTE, 4 * MINUTE);
    const b = requests(2, T0 + 7 * MINUTE, T0 + 3 * HOUR + 50 * MINUTE, 5 * MINUTE);
    const rotations = [T0 + HOUR, T0 + 2 * HOUR];
    const gz = gzip ? '.gz' : '';
    const parts: ArchivePartition[] = [
      { rel: `apiserver-a/${backupName(rotations[0])}${gz}`, records: a.filter((r) => r.receivedMs + 20 <= rotations[0]), gzip },
      { rel: `apiserver-a/${backupName(rotations[1])}${gz}`, records: a.filter((r) => r.receivedMs + 20 > rotations[0] && r.receivedMs + 20 <= rotations[1]), gzip },
      { rel: 'apiserver-a/audit.log', records: a.filter((r) => r.receivedMs + 20 > rotations[1]), gzip: false },
      { rel: 'apiserver-b/audit.log', records: b, gzip: false },
    ];
    for (const p of parts) writePartition(root, p.rel, p.records.map((r) => `${r.text}\n`).join(''), p.gzip);
    return parts.map((p) => ({ rel: p.rel, gzip: p.gzip, records: p.records.map(({ key, text }) => ({ key, text })) }));
  },
  keyOf: (e) => e.id,
  window: { from: new Date(T0), to: new Date(T0 + 4 * HOUR) },
  unrecognized: [
    { rel: 'notes.txt', text: 'copied from the control plane\n' },
    // logrotate's numbering, not the apiserver's own backup names
    { rel: 'apiserver-a/audit.log.1', text: '' },
    { rel: 'apiserver-b/audit.json', text: '' },
  ],
  loopAt: 'apiserver-a/loop',
  skeleton: () => undefined,
  huge(root, bytes) {
    const auditID = auditId(1, 9);
    writePartition(root, 'apiserver-c/audit.log', `${line({ auditID, receivedMs: T0 + 2 * HOUR + 30 * MINUTE }, bytes)}\n`, false);
    return auditID;
  },
});
