import * as fs from 'node:fs';
import { defineSourceContract } from '../../contract/source-contract';
import { archiveSource, rec, tempRoot, writeTrailFile } from './archive-fixture';

defineSourceContract('cloudtrail (archive)', async () => {
  const root = tempRoot();
  const expected: { id: string; time: number }[] = [];
  // a file every 5 minutes from 09:05 to 10:00; records unsorted inside, up to 4 minutes older than the name
  let n = 0;
  for (let m = 5; m <= 60; m += 5) {
    const delivered = new Date(Date.UTC(2026, 2, 14, 9, m));
    const records = [200, 20, 110].map((s) => {
      const id = `c${String(++n).padStart(3, '0')}`;
      const time = delivered.getTime() - s * 1000;
      expected.push({ id, time });
      return rec(id, new Date(time).toISOString());
    });
    if (m === 30) records.push({ ...rec('broken', '2026-03-14T09:28:00Z'), eventSource: undefined } as never);
    writeTrailFile(root, { delivered: delivered.toISOString().slice(0, 16) + 'Z', records });
  }
  // the window is the 14th 09:00-10:00; files outside it exist and are pruned
  writeTrailFile(root, { delivered: '2026-03-13T09:05Z', records: [rec('day-before', '2026-03-13T09:04:00Z')] });
  writeTrailFile(root, { delivered: '2026-03-14T13:30Z', records: [rec('later', '2026-03-14T13:28:00Z')] });

  // twelve delivery files in the window (what minRequests counts on), three records each
  expect(expected).toHaveLength(36);

  const gone = tempRoot();
  const failing = archiveSource(gone);
  fs.rmSync(gone, { recursive: true, force: true });
  return {
    source: archiveSource(root),
    expected,
    window: { from: new Date('2026-03-14T09:00:00Z'), to: new Date('2026-03-14T10:00:00Z') },
    malformed: 1,
    failing: () => failing,
    minRequests: 12,
    teardown: async () => fs.rmSync(root, { recursive: true, force: true }),
  };
});
