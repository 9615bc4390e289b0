import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../../../src/config/errors';
import { SortOrder, SourceError, newSourceStats, type AuditEvent, type Source, type SourceQuery, type SourceStats } from '../../../src/domain';
import { collect } from '../../contract/source-contract';
import { archiveSource, rec, tempRoot, writeTrailFile } from './archive-fixture';
import { ACCOUNT, createAccessKey } from './records';

const roots: string[] = [];
function newRoot(): string {
  const r = tempRoot();
  roots.push(r);
  return r;
}
afterAll(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

function q(from: string, to: string, order = SortOrder.OLDEST_FIRST): SourceQuery {
  return { window: { from: new Date(from), to: new Date(to) }, order, filter: {}, pageSizeHint: 100 };
}

function ids(events: AuditEvent[]): string[] {
  return events.map((e) => e.id);
}

async function run(source: Source, query: SourceQuery): Promise<{ events: AuditEvent[]; stats: SourceStats }> {
  return collect(source, query);
}

describe('CloudTrail archive: pruning by path and name', () => {
  let root: string;
  beforeAll(() => {
    root = newRoot();
    // three days; on the 14th a file every 10 minutes from 08:30 to 10:00, each record 2 minutes older than its file
    for (const day of ['2026-03-13', '2026-03-15']) writeTrailFile(root, { delivered: `${day}T09:10Z`, records: [rec(`other-${day}`, `${day}T09:08:00Z`)] });
    for (let m = 8 * 60 + 30; m <= 10 * 60; m += 10) {
      const hh = String(Math.floor(m / 60)).padStart(2, '0');
      const mm = String(m % 60).padStart(2, '0');
      const t = new Date(Date.UTC(2026, 2, 14, 0, m - 2)).toISOString();
      writeTrailFile(root, { delivered: `2026-03-14T${hh}:${mm}Z`, records: [rec(`r${hh}${mm}`, t)] });
    }
    // a straggler: delivered at 09:40 but made at 09:25, fifteen minutes earlier
    writeTrailFile(root, { delivered: '2026-03-14T09:40Z', records: [rec('straggler', '2026-03-14T09:25:00Z')] });
  });

  it('reads only the files whose delivery time can hold the window, lag included, and lists only that day', async () => {
    const { events, stats } = await run(archiveSource(root), q('2026-03-14T09:00:00Z', '2026-03-14T09:30:00Z'));
    expect(ids(events)).toEqual(['r0910', 'r0920', 'straggler', 'r0930']);
    // files named in (08:59, 09:45): 09:00 .. 09:40 every 10 minutes, and the straggler's file
    expect(stats.partitionsRead).toBe(6);
    expect(stats.requests).toBe(6);
    // the 14th holds 11 files: 5 skipped by name; the other days were never listed
    expect(stats.partitionsPruned).toBe(5);
  });

  it('a record made before its file name within the lag is found; a smaller lag trades it for fewer files', async () => {
    const { events, stats } = await run(archiveSource(root, { deliveryLagMinutes: 5 }), q('2026-03-14T09:00:00Z', '2026-03-14T09:30:00Z'));
    expect(ids(events)).not.toContain('straggler');
    expect(stats.partitionsRead).toBe(4); // 09:00, 09:10, 09:20, 09:30
  });

  it('looks into the next day for records of the last minutes of a day', async () => {
    const r = newRoot();
    writeTrailFile(r, { delivered: '2026-03-15T00:05Z', records: [rec('late-night', '2026-03-14T23:58:00Z')] });
    writeTrailFile(r, { delivered: '2026-03-16T00:05Z', records: [rec('next-day', '2026-03-15T23:58:00Z')] });
    const { events, stats } = await run(archiveSource(r), q('2026-03-14T23:50:00Z', '2026-03-15T00:00:00Z'));
    expect(ids(events)).toEqual(['late-night']);
    expect(stats.partitionsRead).toBe(1);
  });

  it('plans the partitions the window selects, out of all of them, without reading', async () => {
    const detail = await archiveSource(root).plan(q('2026-03-14T09:00:00Z', '2026-03-14T09:30:00Z'));
    expect(detail.partitionsTotal).toBe(13);
    expect(detail.partitions).toHaveLength(6);
    for (const p of detail.partitions!) expect(p).toMatch(/^AWSLogs\/111122223333\/CloudTrail\/us-east-1\/2026\/03\/14\/111122223333_CloudTrail_us-east-1_20260314T09[0-4]0Z_\w+\.json\.gz$/);
  });

  it('accepts the AWSLogs folder itself as the path', async () => {
    const { events } = await run(archiveSource(path.join(root, 'AWSLogs')), q('2026-03-14T09:00:00Z', '2026-03-14T09:30:00Z'));
    expect(ids(events)).toEqual(['r0910', 'r0920', 'straggler', 'r0930']);
  });
});

describe('CloudTrail archive: order across unsorted, overlapping files', () => {
  let root: string;
  const all: string[] = [];
  beforeAll(() => {
    root = newRoot();
    // files every 5 minutes; inside each, records in no order and up to 4 minutes older than the name, so
    // consecutive files overlap in time
    let n = 0;
    for (let m = 0; m <= 60; m += 5) {
      const delivered = new Date(Date.UTC(2026, 2, 14, 9, m));
      const offsets = [240, 10, 130, 60].slice(0, 2 + (m % 3));
      const records = offsets.map((s) => {
        const id = `o${String(++n).padStart(3, '0')}`;
        all.push(id);
        return rec(id, new Date(delivered.getTime() - s * 1000).toISOString());
      });
      writeTrailFile(root, { delivered: delivered.toISOString().slice(0, 16) + 'Z', records });
    }
  });

  it.each([SortOrder.OLDEST_FIRST, SortOrder.NEWEST_FIRST])('returns every record once, sorted, %s', async (order) => {
    const { events } = await run(archiveSource(root), q('2026-03-14T08:00:00Z', '2026-03-14T11:00:00Z', order));
    expect([...ids(events)].sort()).toEqual([...all].sort());
    const times = events.map((e) => e.time.getTime());
    const sorted = [...times].sort((a, b) => (order === SortOrder.OLDEST_FIRST ? a - b : b - a));
    expect(times).toEqual(sorted);
  });

  it('releases the first events before reading the whole window', async () => {
    for (const order of [SortOrder.OLDEST_FIRST, SortOrder.NEWEST_FIRST]) {
      const stats = newSourceStats();
      const it = archiveSource(root).events(q('2026-03-14T08:00:00Z', '2026-03-14T11:00:00Z', order), { signal: new AbortController().signal, stats })[Symbol.asyncIterator]();
      const first = await it.next();
      expect(first.done).toBe(false);
      // the lag is 15 minutes and files come every 5: a few files, not the 13 of the window
      expect(stats.partitionsRead).toBeLessThanOrEqual(5);
      await it.return?.(undefined);
    }
  });

  it('skips, and says so, a record older than the lag allows once later events are out', async () => {
    const r = newRoot();
    writeTrailFile(r, { delivered: '2026-03-14T09:30Z', records: [rec('on-time', '2026-03-14T09:28:00Z')] });
    writeTrailFile(r, { delivered: '2026-03-14T09:50Z', records: [rec('very-late', '2026-03-14T09:10:00Z'), rec('fine', '2026-03-14T09:48:00Z')] });
    const { events, stats } = await run(archiveSource(r), q('2026-03-14T09:00:00Z', '2026-03-14T10:00:00Z'));
    expect(ids(events)).toEqual(['on-time', 'fine']);
    expect(stats.notes.join(' ')).toMatch(/1 record\(s\) were older than deliveryLagMinutes \(15\)/);
    // with a lag that covers it, it comes back in order
    const wide = await run(archiveSource(r, { deliveryLagMinutes: 45 }), q('2026-03-14T09:00:00Z', '2026-03-14T10:00:00Z'));
    expect(ids(wide.events)).toEqual(['very-late', 'on-time', 'fine']);
    expect(wide.stats.notes).toEqual([]);
  });
});

describe('CloudTrail archive: organization trails, accounts and regions', () => {
  let root: string;
  beforeAll(() => {
    root = newRoot();
    const org = 'o-a1b2c3d4e5';
    writeTrailFile(root, { orgId: org, account: ACCOUNT, region: 'us-east-1', delivered: '2026-03-14T09:05Z', records: [rec('prod-use1', '2026-03-14T09:03:00Z')] });
    writeTrailFile(root, { orgId: org, account: ACCOUNT, region: 'eu-west-1', delivered: '2026-03-14T09:05Z', records: [{ ...rec('prod-euw1', '2026-03-14T09:04:00Z'), awsRegion: 'eu-west-1' }] });
    writeTrailFile(root, { orgId: org, account: '444455556666', region: 'us-east-1', delivered: '2026-03-14T09:10Z', records: [{ ...rec('dev-use1', '2026-03-14T09:06:00Z'), recipientAccountId: '444455556666' }] });
    // a digest file lives beside the logs; it is not a log file and must not be read
    const digest = path.join(root, 'AWSLogs', org, ACCOUNT, 'CloudTrail-Digest', 'us-east-1', '2026', '03', '14');
    fs.mkdirSync(digest, { recursive: true });
    fs.writeFileSync(path.join(digest, `${ACCOUNT}_CloudTrail-Digest_us-east-1_trail_us-east-1_20260314T090500Z.json.gz`), 'not gzip');
  });

  const window = q('2026-03-14T09:00:00Z', '2026-03-14T09:30:00Z');

  it('reads every account and region below the organization folder', async () => {
    const { events, stats } = await run(archiveSource(root), window);
    expect(ids(events)).toEqual(['prod-use1', 'prod-euw1', 'dev-use1']);
    expect(events.find((e) => e.id === 'dev-use1')?.cloud).toEqual({ provider: 'aws', account: '444455556666', region: 'us-east-1' });
    expect(stats.malformed).toBe(0);
    expect(stats.partitionsRead).toBe(3);
  });

  it('keeps to the configured accounts and regions', async () => {
    const byAccount = await run(archiveSource(root, { accounts: ['444455556666'] }), window);
    expect(ids(byAccount.events)).toEqual(['dev-use1']);
    const byRegion = await run(archiveSource(root, { regions: ['eu-west-1'] }), window);
    expect(ids(byRegion.events)).toEqual(['prod-euw1']);
    expect(byRegion.stats.partitionsRead).toBe(1);
  });
});

describe('CloudTrail archive: malformed files and records', () => {
  it('counts a corrupt file, a cut file, a file that is not a trail file, and a bad record, each with where it was', async () => {
    const root = newRoot();
    const good = writeTrailFile(root, { delivered: '2026-03-14T09:05Z', records: [rec('a', '2026-03-14T09:01:00Z'), { eventID: 'no-time' }, rec('b', '2026-03-14T09:02:00Z')] });
    writeTrailFile(root, { delivered: '2026-03-14T09:10Z', text: '{"Records": [ {"eventID": "cut' });
    writeTrailFile(root, { delivered: '2026-03-14T09:15Z', text: '{"records": []}' });
    // gzip magic followed by garbage
    const corrupt = writeTrailFile(root, { delivered: '2026-03-14T09:20Z', gzip: false });
    fs.writeFileSync(path.join(root, corrupt), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02, 0x03]));
    writeTrailFile(root, { delivered: '2026-03-14T09:25Z', records: [rec('c', '2026-03-14T09:22:00Z')], gzip: false });
    const { events, stats } = await run(archiveSource(root), q('2026-03-14T09:00:00Z', '2026-03-14T09:30:00Z'));
    expect(ids(events)).toEqual(['a', 'b', 'c']);
    expect(stats.malformed).toBe(2);
    expect(stats.malformedSamples).toEqual(
      expect.arrayContaining([expect.stringContaining(`${good} Records[1]: missing eventTime`), expect.stringMatching(/20260314T0915Z.*expected \{"Records"/)]),
    );
    // a document cut inside its first record, and gzip magic followed by garbage: damaged files, read up to the damage
    expect(stats.partitionsDamaged).toBe(2);
    expect(stats.damagedSamples).toEqual(
      expect.arrayContaining([expect.stringMatching(/20260314T0910Z.*cut short inside record 0/), expect.stringMatching(/20260314T0920Z.*(corrupt|truncated) gzip/)]),
    );
    expect(stats.scanned).toBe(4);
  });

  it('normalizes archive records like API ones', async () => {
    const root = newRoot();
    writeTrailFile(root, { delivered: '2026-03-14T09:05Z', records: [createAccessKey()] });
    const { events } = await run(archiveSource(root), q('2026-03-14T09:00:00Z', '2026-03-14T09:30:00Z'));
    expect(events[0]).toMatchObject({ id: 'e-create-key', sourceId: 'trail-archive', action: 'iam:CreateAccessKey', targets: expect.arrayContaining([{ type: 'AccessKey', name: 'AKIAEXAMPLECIBOT0001', uid: 'AKIAEXAMPLECIBOT0001' }]) });
  });
});

describe('CloudTrail archive: health, missing folders and config', () => {
  it('is unhealthy, and fails with NOT_FOUND, when the folder holds no AWSLogs', async () => {
    const root = newRoot();
    const source = archiveSource(root);
    const health = await source.health();
    expect(health.ok).toBe(false);
    expect(health.message).toContain('AWSLogs');
    await expect(collect(source, q('2026-03-14T09:00:00Z', '2026-03-14T09:30:00Z'))).rejects.toMatchObject({ code: 'NOT_FOUND', sourceId: 'trail-archive' });
    await expect(collect(source, q('2026-03-14T09:00:00Z', '2026-03-14T09:30:00Z'))).rejects.toBeInstanceOf(SourceError);
  });

  it('is unhealthy when AWSLogs holds no trail files', async () => {
    const root = newRoot();
    fs.mkdirSync(path.join(root, 'AWSLogs', ACCOUNT, 'CloudTrail'), { recursive: true });
    const health = await archiveSource(root).health();
    expect(health.ok).toBe(false);
    expect(health.message).toMatch(/no CloudTrail log files/);
  });

  it.each([
    [{ deliveryLagMinutes: -1 }, 'sources[1].deliveryLagMinutes'],
    [{ deliveryLagMinutes: 2.5 }, 'sources[1].deliveryLagMinutes'],
    [{ accounts: ['prod'] }, 'sources[1].accounts[0]'],
    [{ regions: ['us-east-1', 'mars'] }, 'sources[1].regions[1]'],
    [{ region: 'us-east-1' }, 'sources[1].region'],
    [{ path: '/nonexistent/auditgraph/trail' }, 'sources[1].path'],
  ])('refuses %j naming %s', (over, key) => {
    let thrown: unknown;
    try {
      archiveSource(newRoot(), over);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).key).toBe(key);
  });
});
