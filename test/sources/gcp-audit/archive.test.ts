import { DEFAULT_MAX_RAW_BYTES } from '../../../src/sources/shared/raw';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigNode } from '../../../src/config/fields';
import { ConfigError } from '../../../src/config/errors';
import { SortOrder, SourceError, type Source, type SourceQuery } from '../../../src/domain';
import { gcpAuditDefinition } from '../../../src/sources/gcp-audit';
import { GcpAuditArchiveSource } from '../../../src/sources/gcp-audit/reader';
import { QueryEngine } from '../../../src/query/engine';
import { collect, defineSourceContract, merged } from '../../contract/source-contract';
import { testDeps } from '../../helpers/deps';
import { auditEntry, dataset, idOf, PROJECT, timeOf, type JsonObject } from './fixtures';
import { sinkPath, writeSink } from './sink-writer';

const ALL_LOGS = ['activity', 'data_access', 'system_event', 'policy'] as const;
const DAY_WINDOW = { from: new Date('2026-03-14T00:00:00Z'), to: new Date('2026-03-15T00:00:00Z') };

/** An entry of the day before, in its own day folder: a window on the 14th must not even list it. */
const dayBefore = auditEntry({
  insertId: 'day-before',
  timestamp: '2026-03-13T23:59:59.999Z',
  payload: { authenticationInfo: { principalEmail: 'bob@example.com' }, serviceName: 'iam.googleapis.com', methodName: 'google.iam.admin.v1.ListServiceAccounts' },
});
/** A policy-log entry: read only when the policy log is configured. */
const policyDenied = auditEntry({
  insertId: 'policy-1',
  timestamp: '2026-03-14T09:40:00Z',
  log: 'policy',
  payload: { status: { code: 7, message: 'Request is prohibited by organization policy' }, authenticationInfo: { principalEmail: 'alice@example.com' }, serviceName: 'storage.googleapis.com', methodName: 'storage.buckets.setIamPolicy' },
});

function query(window = DAY_WINDOW, order = SortOrder.OLDEST_FIRST, pageSizeHint = 100): SourceQuery {
  return { window, order, filter: {}, pageSizeHint };
}

function archive(root: string, logs: readonly (typeof ALL_LOGS)[number][] = ALL_LOGS, includeGke = true): GcpAuditArchiveSource {
  return new GcpAuditArchiveSource('gcp-archive', { path: root, logs: [...logs], includeGke, maxRawBytes: DEFAULT_MAX_RAW_BYTES }, testDeps());
}

/** The archive every test reads: the data set in reverse (a sink does not sort), plus odd files and lines. */
function writeFixtureSink(): { root: string; entries: JsonObject[] } {
  const entries = dataset();
  const dup = entries.find((e) => e.insertId === '1xq3f8cd2k9w')!;
  const root = writeSink([...entries].reverse(), [
    // a sink may write an entry twice, here in a second shard of the same hour
    { file: sinkPath('activity', String(dup.timestamp), 'S1'), lines: [JSON.stringify(dup)] },
    // a late shard (`A0`) of another hour, a broken line and an entry that is not an audit entry
    { file: sinkPath('activity', '2026-03-14T08:00:00Z', 'A0'), lines: ['{"logName": "projects/acme-ml-prod/logs/cloudaudit.googleapis.com%2Factivity", "insertId": "trunc', JSON.stringify({ logName: `projects/${PROJECT}/logs/cloudaudit.googleapis.com%2Factivity`, insertId: 'text-1', timestamp: '2026-03-14T08:10:00Z', textPayload: 'hello' })] },
    { file: sinkPath('activity', String(dayBefore.timestamp)), lines: [JSON.stringify(dayBefore)] },
    { file: sinkPath('policy', String(policyDenied.timestamp)), lines: [JSON.stringify(policyDenied)] },
    // not a sink file: ignored
    { file: 'cloudaudit.googleapis.com/activity/2026/03/14/README.txt', lines: ['notes'] },
  ]);
  return { root, entries };
}

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

defineSourceContract('gcp-audit archive', async () => {
  const { root, entries } = writeFixtureSink();
  roots.push(root);
  const source = archive(root, ['activity', 'data_access']);
  const window = { from: new Date('2026-03-14T08:00:00Z'), to: new Date('2026-03-14T11:00:00Z') };
  return {
    source,
    expected: entries.map((e) => ({ id: idOf(e), time: timeOf(e) })),
    window,
    malformed: 2,
    // the entry the sink wrote twice: handed on, merged by the engine
    duplicates: 1,
    failing: () => archive(path.join(root, 'missing')),
    // hours 08, 09 and 10 of activity and data_access, the A0 and S1 shards
    minRequests: 8,
  };
});

describe('gcp-audit archive', () => {
  let root: string;
  let entries: JsonObject[];
  beforeAll(() => {
    ({ root, entries } = writeFixtureSink());
    roots.push(root);
  });

  it('reads every log folder present, sorts each hour, and hands on an entry written twice for the engine to merge', async () => {
    const { events: copies, stats } = await collect(archive(root), query());
    const events = merged(copies);
    expect(copies.length - events.length).toBe(1);
    const expected = [...entries, policyDenied].sort((a, b) => timeOf(a) - timeOf(b) || (idOf(a) < idOf(b) ? -1 : 1)).map(idOf);
    expect(events.map((e) => e.id)).toEqual(expected);
    expect(events.find((e) => e.id === idOf(policyDenied))?.outcome).toBe('FAILURE');
    expect(stats.malformed).toBe(2);
    expect(stats.malformedSamples).toEqual([
      'cloudaudit.googleapis.com/activity/2026/03/14/08:00:00_08:59:59_A0.json:1: not a JSON line',
      'cloudaudit.googleapis.com/activity/2026/03/14/08:00:00_08:59:59_A0.json:2: no protoPayload: not a Cloud Audit Logs entry',
    ]);
    expect(stats.scanned).toBe(entries.length + 1 /* policy */ + 1 /* duplicate */ + 2 /* malformed */);
  });

  it('merges the copy in the engine: one event, counted as a duplicate, the same on every page size', async () => {
    const engine = new QueryEngine([archive(root)], { cursorSecret: 'test-secret', now: () => DAY_WINDOW.to });
    const page = await engine.events({ window: DAY_WINDOW, first: 1000 });
    expect(page.edges.filter((e) => e.event.id.endsWith('/1xq3f8cd2k9w'))).toMatchObject([{ duplicates: 1 }]);
    expect(page.statuses[0].duplicates).toBe(1);
    const ids: string[] = [];
    for (let after: string | undefined, more = true; more; ) {
      const p = await engine.events({ window: DAY_WINDOW, first: 1, after });
      ids.push(...p.edges.map((e) => e.event.id));
      [after, more] = [p.endCursor, p.hasNextPage];
    }
    expect(ids).toEqual(page.edges.map((e) => e.event.id));
  });

  it('newest first: hours backwards, ties by id', async () => {
    const events = merged((await collect(archive(root, ['activity', 'data_access']), query(DAY_WINDOW, SortOrder.NEWEST_FIRST))).events);
    const expected = [...entries].sort((a, b) => timeOf(b) - timeOf(a) || (idOf(a) < idOf(b) ? 1 : -1)).map(idOf);
    expect(events.map((e) => e.id)).toEqual(expected);
  });

  it('prunes by the hour in the file name and skips other days without listing them', async () => {
    const source = archive(root, ['activity', 'data_access']);
    const window = { from: new Date('2026-03-14T09:00:00Z'), to: new Date('2026-03-14T10:00:00Z') };
    const { events: copies, stats } = await collect(source, query(window));
    const events = merged(copies);
    expect(events.map((e) => e.time.getUTCHours())).toEqual(events.map(() => 9));
    expect(events).toHaveLength(entries.filter((e) => String(e.timestamp).startsWith('2026-03-14T09')).length);
    // hour 09: activity S0 + S1 (the duplicate's shard) and data_access S0
    expect(stats.partitionsRead).toBe(3);
    expect(stats.requests).toBe(3);
    // listed on the 14th but outside the hour: activity 08 (S0, A0) and 10, data_access 08 and 10
    expect(stats.partitionsPruned).toBe(5);
    const plan = await source.plan(query(window));
    expect(plan.partitions).toEqual([
      'cloudaudit.googleapis.com/activity/2026/03/14/09:00:00_09:59:59_S0.json',
      'cloudaudit.googleapis.com/activity/2026/03/14/09:00:00_09:59:59_S1.json',
      'cloudaudit.googleapis.com/data_access/2026/03/14/09:00:00_09:59:59_S0.json',
    ]);
    // every sink file of the configured logs, the 13th included
    expect(plan.partitionsTotal).toBe(9);
  });

  it('reads only the configured logs', async () => {
    const { events } = await collect(archive(root, ['data_access']), query());
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.id.includes('/data_access/'))).toBe(true);
  });

  it('leaves GKE entries out when includeGke is false', async () => {
    const all = await collect(archive(root, ['activity', 'data_access']), query());
    const noGke = await collect(archive(root, ['activity', 'data_access'], false), query());
    const gke = all.events.filter((e) => e.rawAction.startsWith('io.k8s.'));
    expect(gke.map((e) => e.action).sort()).toEqual(['pods.create', 'secrets.list']);
    expect(noGke.events.map((e) => e.id)).toEqual(all.events.filter((e) => !e.rawAction.startsWith('io.k8s.')).map((e) => e.id));
  });

  it('fails with NOT_FOUND when the folder holds no cloudaudit.googleapis.com/', async () => {
    const source = archive(path.join(root, 'cloudaudit.googleapis.com', 'activity'));
    await expect(collect(source, query())).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(collect(source, query())).rejects.toBeInstanceOf(SourceError);
    expect((await source.health()).ok).toBe(false);
  });

  it('is built from config: path may name the cloudaudit.googleapis.com folder itself; unknown keys are refused', async () => {
    const viaSinkFolder = gcpAuditDefinition.create(
      ConfigNode.of({ id: 'g', type: 'gcp-audit', mode: 'archive', path: path.join(root, 'cloudaudit.googleapis.com'), logs: ['activity'] }, 'sources[0]'),
      { id: 'g', mode: 'archive' },
      testDeps(),
    ) as Source;
    expect(viaSinkFolder.mode).toBe('archive');
    const events = merged((await collect(viaSinkFolder, query())).events);
    expect(events.length).toBe(entries.filter((e) => String(e.logName).endsWith('%2Factivity')).length);
    expect(() =>
      gcpAuditDefinition.create(ConfigNode.of({ id: 'g', type: 'gcp-audit', mode: 'archive', path: root, bucket: 'x' }, 'sources[0]'), { id: 'g', mode: 'archive' }, testDeps()),
    ).toThrow(ConfigError);
    expect(() =>
      gcpAuditDefinition.create(ConfigNode.of({ id: 'g', type: 'gcp-audit', mode: 'archive', path: root, logs: ['admin_activity'] }, 'sources[0]'), { id: 'g', mode: 'archive' }, testDeps()),
    ).toThrow('sources[0].logs[0]: expected one of activity, data_access, system_event, policy');
  });
});
