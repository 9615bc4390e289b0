import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigNode } from '../../../src/config/fields';
import { azureActivityDefinition } from '../../../src/sources/azure-activity';
import { defineArchiveFaults, noise, writePartition, type ArchivePartition } from '../../contract/archive-faults';
import { testDeps } from '../../helpers/deps';
import { SUBSCRIPTION, exportPath, restEvent, toExport } from './fixtures';

/** One export record; its correlationId identifies it (export records carry no eventDataId). */
function record(n: string, time: string, messageBytes = 256): { key: string; record: Record<string, unknown> } {
  const eventDataId = `${n.replace(/[^0-9a-f]/g, '').padStart(12, '0')}`;
  const r = toExport(restEvent({ eventDataId, eventTimestamp: time })) as Record<string, unknown>;
  (r.properties as Record<string, unknown>).requestbody = noise(n, messageBytes);
  return { key: String(r.correlationId), record: r };
}

function hour(start: string, count: number, salt: string): { key: string; text: string }[] {
  const t = Date.parse(start);
  return Array.from({ length: count }, (_, i) => {
    const { key, record: r } = record(`${salt}${String(i).padStart(4, '0')}`, new Date(t + 90_000 + i * 4 * 60_000).toISOString());
    return { key, text: JSON.stringify(r) };
  });
}

const SUB = `insights-activity-logs/resourceId=/SUBSCRIPTIONS/${SUBSCRIPTION.toUpperCase()}`;

defineArchiveFaults('azure-activity archive', {
  source: (root, extra = {}) =>
    azureActivityDefinition.create(ConfigNode.of({ id: 'azure-archive', type: 'azure-activity', mode: 'archive', path: root, ...extra }, 'sources[0]'), { id: 'azure-archive', mode: 'archive' }, testDeps()),
  write(root, gzip) {
    // diagnostic settings write plain JSON lines; a copy may have been gzipped in place (read by its magic bytes)
    const parts: ArchivePartition[] = [
      { rel: exportPath(new Date('2026-03-14T22:00:00Z')), records: hour('2026-03-14T22:00:00Z', 12, 'a1'), gzip },
      { rel: exportPath(new Date('2026-03-14T23:00:00Z')), records: hour('2026-03-14T23:00:00Z', 12, 'b2'), gzip },
      { rel: exportPath(new Date('2026-03-15T00:00:00Z')), records: hour('2026-03-15T00:00:00Z', 12, 'c3'), gzip },
    ];
    for (const p of parts) writePartition(root, p.rel, `${p.records.map((r) => r.text).join('\n')}\n`, gzip);
    return parts;
  },
  keyOf: (e) => String(e.correlationId),
  window: { from: new Date('2026-03-14T22:00:00Z'), to: new Date('2026-03-15T01:00:00Z') },
  unrecognized: [
    { rel: `${SUB}/y=2026/m=03/d=14/h=22/m=00/PT1H.csv`, text: 'time,operationName\n' },
    { rel: 'insights-activity-logs/notes.txt', text: 'exported by the diagnostic setting\n' },
    { rel: `${SUB}/y=2026/m=03/d=14/h=23/m=00/PT1H.json.bak`, text: '' },
  ],
  loopAt: `${SUB}/loop`,
  skeleton: (root) => fs.mkdirSync(path.join(root, 'insights-activity-logs'), { recursive: true }),
  huge(root, bytes) {
    const { key, record: r } = record('d4huge', '2026-03-14T23:31:00Z', bytes);
    writePartition(root, exportPath(new Date('2026-03-14T23:00:00Z')).replace('PT1H.json', 'PT1H-big.json'), `${JSON.stringify(r)}\n`, false);
    return key;
  },
});
