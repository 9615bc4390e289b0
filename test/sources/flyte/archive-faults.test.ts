import { ConfigNode } from '../../../src/config/fields';
import { flyteDefinition } from '../../../src/sources/flyte';
import { defineArchiveFaults, noise, writePartition, type ArchivePartition, type ArchiveRecord } from '../../contract/archive-faults';
import { testDeps } from '../../helpers/deps';
import { restExecution, toUctl, type JsonObject } from './fixtures';

const DAY = Date.parse('2026-03-14T00:00:00.000Z');
const MIN = 60_000;

function execution(name: string, at: number, uctl: boolean, labelBytes = 256): { record: JsonObject; key: string } {
  const iso = (ms: number) => new Date(ms).toISOString();
  const rest = restExecution({ project: 'ml', domain: 'production', name, principal: 'alice@example.com', created: iso(at), started: iso(at + MIN), updated: iso(at + 5 * MIN), duration: '240s', phase: 'SUCCEEDED' });
  ((rest.spec as JsonObject).labels as { values: JsonObject }).values.fingerprint = noise(name, labelBytes);
  return { record: uctl ? (toUctl(rest) as JsonObject) : rest, key: `ml/production/${name}` };
}

function runs(prefix: string, start: number, count: number, uctl: boolean): ArchiveRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const { record, key } = execution(`${prefix}${String(i).padStart(3, '0')}`, start + i * 7 * MIN, uctl);
    return { key, text: JSON.stringify(record) };
  });
}

defineArchiveFaults('flyte archive', {
  source: (root, extra = {}) =>
    flyteDefinition.create(ConfigNode.of({ id: 'flyte-export', type: 'flyte', mode: 'archive', path: root, ...extra }, 'sources[0]'), { id: 'flyte-export', mode: 'archive' }, testDeps()),
  write(root, gzip) {
    const gz = gzip ? '.gz' : '';
    const parts: ArchivePartition[] = [
      // `uctl get execution -o json`: an array
      { rel: `executions.json${gz}`, records: runs('u', DAY + 6 * 3_600_000, 10, true), gzip },
      // REST ExecutionList pages
      { rel: `exports/list-a.json${gz}`, records: runs('a', DAY + 9 * 3_600_000, 10, false), gzip },
      { rel: `more/list-b.json${gz}`, records: runs('b', DAY + 12 * 3_600_000, 10, false), gzip },
    ];
    for (const p of parts) {
      const texts = p.records.map((r) => r.text).join(',');
      writePartition(root, p.rel, p.rel.startsWith('executions') ? `[${texts}]` : `{"executions":[${texts}],"token":""}`, gzip);
    }
    return parts;
  },
  keyOf: (e) => e.runId ?? e.id,
  window: { from: new Date(DAY), to: new Date(DAY + 86_400_000) },
  unrecognized: [
    { rel: 'notes.txt', text: 'exported with uctl\n' },
    { rel: 'exports/runs.csv', text: 'name,phase\n' },
    // JSON, but neither an execution list nor an execution
    { rel: 'exports/settings.json', text: '{"theme":"dark"}\n' },
  ],
  loopAt: 'loop',
  skeleton: () => undefined,
  huge(root, bytes) {
    const { record, key } = execution('huge001', DAY + 15 * 3_600_000, false, bytes);
    writePartition(root, 'huge.json', JSON.stringify({ executions: [record] }), false);
    return key;
  },
});
