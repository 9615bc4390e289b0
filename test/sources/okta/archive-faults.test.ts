import { ConfigNode } from '../../../src/config/fields';
import { oktaDefinition } from '../../../src/sources/okta';
import { defineArchiveFaults, noise, writePartition, type ArchivePartition } from '../../contract/archive-faults';
import { testDeps } from '../../helpers/deps';
import { eventSeries } from './fixtures';

function records(start: string, count: number, prefix: string): { key: string; text: string }[] {
  return eventSeries(start, count, 300_000, prefix).map((e) => {
    (e.debugContext as { debugData: Record<string, string> }).debugData.deviceFingerprint = noise(String(e.uuid), 256);
    return { key: String(e.uuid), text: JSON.stringify(e) };
  });
}

defineArchiveFaults('okta archive', {
  source: (root, extra = {}) =>
    oktaDefinition.create(ConfigNode.of({ id: 'okta-archive', type: 'okta', mode: 'archive', path: root, ...extra }, 'sources[0]'), { id: 'okta-archive', mode: 'archive' }, testDeps()),
  write(root, gzip) {
    const gz = gzip ? '.gz' : '';
    const parts: ArchivePartition[] = [
      { rel: `system-log-2026-03-14.ndjson${gz}`, records: records('2026-03-14T08:00:00.000Z', 12, 'd14'), gzip },
      // an undated JSON-array export (as the Admin Console's CSV-less download or a script writes it)
      { rel: `okta-export.json${gz}`, records: records('2026-03-14T09:02:00.000Z', 12, 'arr'), gzip },
      { rel: `archive/system-log-2026-03-15.ndjson${gz}`, records: records('2026-03-15T01:00:00.000Z', 12, 'd15'), gzip },
    ];
    for (const p of parts) {
      const texts = p.records.map((r) => r.text);
      writePartition(root, p.rel, p.rel.includes('.json') && !p.rel.includes('.ndjson') ? `[\n${texts.join(',\n')}\n]\n` : `${texts.join('\n')}\n`, gzip);
    }
    return parts;
  },
  keyOf: (e) => e.id,
  window: { from: new Date('2026-03-14T00:00:00.000Z'), to: new Date('2026-03-16T00:00:00.000Z') },
  unrecognized: [
    { rel: 'notes.txt', text: 'exported by hand\n' },
    { rel: 'archive/export-2026-03-15.csv', text: 'uuid,published\n' },
    // an export that is neither NDJSON nor a JSON array: the HTML error page a failed download saves
    { rel: 'okta-export-failed.json', text: '<!DOCTYPE html><html><body>429 Too Many Requests</body></html>\n' },
  ],
  loopAt: 'loop',
  skeleton: () => undefined,
  huge(root, bytes) {
    const [e] = eventSeries('2026-03-14T10:30:00.000Z', 1, 1, 'huge');
    e.displayMessage = 'x'.repeat(bytes);
    writePartition(root, 'system-log-2026-03-14-big.ndjson', `${JSON.stringify(e)}\n`, false);
    return String(e.uuid);
  },
});
