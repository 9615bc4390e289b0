import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigNode } from '../../../src/config/fields';
import { gcpAuditDefinition } from '../../../src/sources/gcp-audit';
import { defineArchiveFaults, noise, writePartition, type ArchivePartition } from '../../contract/archive-faults';
import { testDeps } from '../../helpers/deps';
import { auditEntry, idOf, type JsonObject } from './fixtures';
import { sinkPath } from './sink-writer';

function entry(insertId: string, timestamp: string, requestBytes = 256): JsonObject {
  return auditEntry({
    insertId,
    timestamp,
    payload: {
      authenticationInfo: { principalEmail: 'alice@example.com' },
      requestMetadata: { callerIp: '203.0.113.7' },
      serviceName: 'storage.googleapis.com',
      methodName: 'storage.buckets.update',
      resourceName: 'projects/_/buckets/ml-artifacts',
      request: { '@type': 'type.googleapis.com/google.storage.v1.Bucket', fingerprint: noise(insertId, requestBytes) },
    },
  });
}

/** An hour's entries, one a few minutes, as the sink writes them: one JSON line each. */
function hour(start: string, count: number, prefix: string): { key: string; text: string }[] {
  const t = Date.parse(start);
  return Array.from({ length: count }, (_, i) => {
    const e = entry(`${prefix}${String(i).padStart(4, '0')}`, new Date(t + 60_000 + i * 4 * 60_000).toISOString());
    return { key: idOf(e), text: JSON.stringify(e) };
  });
}

defineArchiveFaults('gcp-audit archive', {
  source: (root, extra = {}) =>
    gcpAuditDefinition.create(ConfigNode.of({ id: 'gcp-sink', type: 'gcp-audit', mode: 'archive', path: root, ...extra }, 'sources[0]'), { id: 'gcp-sink', mode: 'archive' }, testDeps()),
  write(root, gzip) {
    const gz = gzip ? '.gz' : '';
    const parts: ArchivePartition[] = [
      { rel: `${sinkPath('activity', '2026-03-14T22:00:00Z')}${gz}`, records: hour('2026-03-14T22:00:00Z', 12, 'h22-'), gzip },
      { rel: `${sinkPath('activity', '2026-03-14T23:00:00Z')}${gz}`, records: hour('2026-03-14T23:00:00Z', 12, 'h23-'), gzip },
      { rel: `${sinkPath('activity', '2026-03-15T00:00:00Z')}${gz}`, records: hour('2026-03-15T00:00:00Z', 12, 'h00-'), gzip },
    ];
    for (const p of parts) writePartition(root, p.rel, `${p.records.map((r) => r.text).join('\n')}\n`, gzip);
    return parts;
  },
  keyOf: (e) => e.id,
  window: { from: new Date('2026-03-14T22:00:00Z'), to: new Date('2026-03-15T01:00:00Z') },
  unrecognized: [
    { rel: 'cloudaudit.googleapis.com/activity/2026/03/14/unexpected.json', text: '{}\n' },
    { rel: 'cloudaudit.googleapis.com/activity/2026/03/14/23:00:00_23:59:59_S0.json.tmp', text: '' },
    { rel: 'cloudaudit.googleapis.com/activity/2026/03/15/notes.txt', text: 'sink notes\n' },
  ],
  loopAt: 'cloudaudit.googleapis.com/data_access',
  skeleton: (root) => fs.mkdirSync(path.join(root, 'cloudaudit.googleapis.com'), { recursive: true }),
  huge(root, bytes) {
    const e = entry('huge0001', '2026-03-14T23:30:00Z', bytes);
    writePartition(root, sinkPath('activity', '2026-03-14T23:30:00Z', 'S1'), `${JSON.stringify(e)}\n`, false);
    return idOf(e);
  },
});
