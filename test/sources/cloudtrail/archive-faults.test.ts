import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigNode } from '../../../src/config/fields';
import { cloudtrailDefinition } from '../../../src/sources/cloudtrail';
import { defineArchiveFaults, noise, writePartition, type ArchivePartition } from '../../contract/archive-faults';
import { testDeps } from '../../helpers/deps';
import { rec } from './archive-fixture';
import { ACCOUNT, REGION } from './records';

const DIR = `AWSLogs/${ACCOUNT}/CloudTrail/${REGION}`;

/** `<dir>/YYYY/MM/DD/<account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<unique>.json[.gz]` for a delivery time. */
function trailPath(delivered: string, unique: string, gzip: boolean): string {
  const iso = new Date(delivered).toISOString();
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
  return `${DIR}/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${ACCOUNT}_CloudTrail_${REGION}_${stamp}_${unique}.json${gzip ? '.gz' : ''}`;
}

/** Records made in the ten minutes before their file's delivery, in no particular order. */
function records(delivered: string, count: number, prefix: string): { key: string; text: string }[] {
  const t = Date.parse(delivered);
  return Array.from({ length: count }, (_, i) => {
    const r = rec(`${prefix}-${String(i).padStart(3, '0')}`, new Date(t - 60_000 - ((i * 7) % count) * 45_000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    r.requestParameters = { secretId: `prod/${noise(String(r.eventID), 256)}` };
    return { key: String(r.eventID), text: JSON.stringify(r) };
  });
}

defineArchiveFaults('cloudtrail archive', {
  source: (root, extra = {}) =>
    cloudtrailDefinition.create(ConfigNode.of({ id: 'trail-archive', type: 'cloudtrail', mode: 'archive', path: root, ...extra }, 'sources[0]'), { id: 'trail-archive', mode: 'archive' }, testDeps()),
  write(root, gzip) {
    const parts: ArchivePartition[] = [
      { rel: trailPath('2026-03-14T23:40:00Z', 'Mu0KsOhtH1ar15ZZ', gzip), records: records('2026-03-14T23:40:00Z', 12, 'a'), gzip },
      { rel: trailPath('2026-03-14T23:55:00Z', 'Xq9LpWe2Rt5Yu8Io', gzip), records: records('2026-03-14T23:55:00Z', 12, 'b'), gzip },
      { rel: trailPath('2026-03-15T00:12:00Z', 'Zc3VbNm6Kl1Jh4Gf', gzip), records: records('2026-03-15T00:12:00Z', 12, 'c'), gzip },
    ];
    for (const p of parts) writePartition(root, p.rel, `{"Records":[${p.records.map((r) => r.text).join(',')}]}`, gzip);
    return parts;
  },
  keyOf: (e) => e.id,
  window: { from: new Date('2026-03-14T23:00:00Z'), to: new Date('2026-03-15T01:00:00Z') },
  unrecognized: [
    { rel: `${DIR}/2026/03/14/manifest.txt`, text: 'copied with aws s3 sync\n' },
    { rel: `${DIR}/notes.txt`, text: 'region notes\n' },
    // a digest file in the log folder: another record shape, never read as events
    { rel: `${DIR}/2026/03/15/${ACCOUNT}_CloudTrail-Digest_${REGION}_20260315T0010Z.json.gz`, text: '{}' },
  ],
  loopAt: 'AWSLogs/o-loop000000',
  skeleton: (root) => fs.mkdirSync(path.join(root, 'AWSLogs'), { recursive: true }),
  huge(root, bytes) {
    const r = rec('huge-001', '2026-03-14T23:44:00Z');
    r.requestParameters = { secretId: 'x'.repeat(bytes) };
    writePartition(root, trailPath('2026-03-14T23:45:00Z', 'Hg5TfRd4EsWa3QzX', false), JSON.stringify({ Records: [r] }), false);
    return 'huge-001';
  },
});
