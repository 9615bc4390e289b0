import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigNode } from '../../../src/config/fields';
import { ConfigError } from '../../../src/config/errors';
import { SortOrder, SourceError, type Source, type SourceQuery } from '../../../src/domain';
import { azureActivityDefinition } from '../../../src/sources/azure-activity';
import { normalizeExportRecord } from '../../../src/sources/azure-activity/normalize';
import { collect, defineSourceContract } from '../../contract/source-contract';
import { testDeps } from '../../helpers/deps';
import { exportPath, restEvent, toExport, type Json } from './fixtures';

const tmpRoots: string[] = [];
afterAll(() => {
  for (const dir of tmpRoots) fs.rmSync(dir, { recursive: true, force: true });
});

function tmpRoot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auditgraph-azure-archive-'));
  tmpRoots.push(dir);
  return dir;
}

/** Appends lines to the hour file a diagnostic setting would write (records as JSON, strings as they are). */
function writeHour(root: string, hour: string, lines: (Json | string)[]): void {
  const file = path.join(root, exportPath(new Date(hour)));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
}

function exportAt(id: string, time: string, extra: Partial<Parameters<typeof restEvent>[0]> = {}): Json {
  return toExport(restEvent({ eventDataId: id, eventTimestamp: time, ...extra }));
}

function archiveSource(root: string, extra: Record<string, unknown> = {}, id = 'azure-archive'): Source {
  return azureActivityDefinition.create(ConfigNode.of({ id, type: 'azure-activity', mode: 'archive', path: root, ...extra }, 'sources[0]'), { id, mode: 'archive' }, testDeps());
}

function query(from: string, to: string, order = SortOrder.OLDEST_FIRST): SourceQuery {
  return { window: { from: new Date(from), to: new Date(to) }, order, filter: {}, pageSizeHint: 100 };
}

const times = (events: { time: Date }[]) => events.map((e) => e.time.toISOString());

describe('azure-activity archive', () => {
  it('prunes hour files by the y/m/d/h in their paths, widened by the late-arrival allowance', async () => {
    const root = tmpRoot();
    for (const hour of ['2026-03-13T22:00:00Z', '2026-03-13T23:00:00Z', '2026-03-14T00:00:00Z', '2026-03-14T07:00:00Z', '2026-03-14T08:00:00Z', '2026-03-14T09:00:00Z', '2026-03-14T10:00:00Z', '2026-03-14T11:00:00Z']) {
      const t = new Date(hour);
      writeHour(root, hour, [exportAt(`e-${t.getTime()}`, new Date(t.getTime() + 30 * 60_000).toISOString())]);
    }
    const q = query('2026-03-14T09:00:00Z', '2026-03-14T10:00:00Z');

    const widened = await collect(archiveSource(root), q);
    expect(times(widened.events)).toEqual(['2026-03-14T09:30:00.000Z']);
    // h=08 (its events may run 5 min past its hour) and h=10 (late arrivals of 09:xx) are read too
    expect(widened.stats.partitionsRead).toBe(3);
    expect(widened.stats.requests).toBe(3);
    // 2026-03-13 as a whole, then h=00 and h=07 of the 14th, then h=11
    expect(widened.stats.partitionsPruned).toBe(4);

    const strict = await collect(archiveSource(root, { lateArrivalMinutes: 0 }), q);
    expect(times(strict.events)).toEqual(['2026-03-14T09:30:00.000Z']);
    expect(strict.stats.partitionsRead).toBe(2);

    const plan = await archiveSource(root).plan(q);
    expect(plan.partitions).toEqual([
      exportPath(new Date('2026-03-14T08:00:00Z')),
      exportPath(new Date('2026-03-14T09:00:00Z')),
      exportPath(new Date('2026-03-14T10:00:00Z')),
    ]);
    expect(plan.partitionsTotal).toBe(8);
  });

  it('orders events across files although a late event is filed in the next hour', async () => {
    const root = tmpRoot();
    writeHour(root, '2026-03-14T09:00:00Z', [exportAt('a', '2026-03-14T09:10:00Z'), exportAt('c', '2026-03-14T09:59:30Z')]);
    // received at 10:0x, happened at 09:58
    writeHour(root, '2026-03-14T10:00:00Z', [exportAt('b', '2026-03-14T09:58:00Z'), exportAt('d', '2026-03-14T10:01:00Z')]);
    writeHour(root, '2026-03-14T11:00:00Z', [exportAt('e', '2026-03-14T11:20:00Z')]);
    const source = archiveSource(root);
    const want = ['2026-03-14T09:10:00.000Z', '2026-03-14T09:58:00.000Z', '2026-03-14T09:59:30.000Z', '2026-03-14T10:01:00.000Z', '2026-03-14T11:20:00.000Z'];

    const oldest = await collect(source, query('2026-03-14T09:00:00Z', '2026-03-14T12:00:00Z', SortOrder.OLDEST_FIRST));
    expect(times(oldest.events)).toEqual(want);
    const newest = await collect(source, query('2026-03-14T09:00:00Z', '2026-03-14T12:00:00Z', SortOrder.NEWEST_FIRST));
    expect(times(newest.events)).toEqual([...want].reverse());
  });

  it('skips, and says so, an event filed later than the allowance behind events already returned', async () => {
    const root = tmpRoot();
    writeHour(root, '2026-03-14T09:00:00Z', [exportAt('a', '2026-03-14T09:30:00Z')]);
    writeHour(root, '2026-03-14T10:00:00Z', [exportAt('b', '2026-03-14T10:15:00Z')]);
    // filed two hours after it happened, after 09:30 was returned
    writeHour(root, '2026-03-14T11:00:00Z', [exportAt('late', '2026-03-14T09:20:00Z'), exportAt('c', '2026-03-14T11:10:00Z')]);
    const { events, stats } = await collect(archiveSource(root), query('2026-03-14T09:00:00Z', '2026-03-14T12:00:00Z'));
    expect(times(events)).toEqual(['2026-03-14T09:30:00.000Z', '2026-03-14T10:15:00.000Z', '2026-03-14T11:10:00.000Z']);
    expect(stats.notes).toEqual([expect.stringMatching(/^1 event\(s\) filed more than 60 min .*raise lateArrivalMinutes/)]);

    // a larger allowance holds 09:30 back long enough to place the late event
    const patient = await collect(archiveSource(root, { lateArrivalMinutes: 180 }), query('2026-03-14T09:00:00Z', '2026-03-14T12:00:00Z'));
    expect(times(patient.events)).toEqual(['2026-03-14T09:20:00.000Z', '2026-03-14T09:30:00.000Z', '2026-03-14T10:15:00.000Z', '2026-03-14T11:10:00.000Z']);
    expect(patient.stats.notes).toEqual([]);
  });

  it('counts malformed lines with their file and line, and reads the older {"records":[…]} lines', async () => {
    const root = tmpRoot();
    writeHour(root, '2026-03-14T09:00:00Z', [
      exportAt('ok1', '2026-03-14T09:01:00Z'),
      '{"time": "2026-03-14T09:02:00Z", "operationName": ',
      { time: '2026-03-14T09:03:00Z', resultType: 'Success' },
      '',
      { records: [exportAt('w1', '2026-03-14T09:04:00Z'), exportAt('w2', '2026-03-14T09:05:00Z')] },
    ]);
    const { events, stats } = await collect(archiveSource(root), query('2026-03-14T09:00:00Z', '2026-03-14T10:00:00Z'));
    expect(times(events)).toEqual(['2026-03-14T09:01:00.000Z', '2026-03-14T09:04:00.000Z', '2026-03-14T09:05:00.000Z']);
    expect(stats.malformed).toBe(2);
    expect(stats.scanned).toBe(5);
    const file = exportPath(new Date('2026-03-14T09:00:00Z')).replace('insights-activity-logs/', '');
    expect(stats.malformedSamples).toEqual([expect.stringContaining(`${file}:2: not JSON`), `${file}:3: no operationName`]);
    expect(stats.bytesRead).toBeGreaterThan(0);
  });

  it('accepts the insights-activity-logs folder itself as path, and says so when the export is missing', async () => {
    const root = tmpRoot();
    writeHour(root, '2026-03-14T09:00:00Z', [exportAt('x', '2026-03-14T09:01:00Z')]);
    const direct = archiveSource(path.join(root, 'insights-activity-logs'));
    expect((await collect(direct, query('2026-03-14T09:00:00Z', '2026-03-14T10:00:00Z'))).events).toHaveLength(1);

    const empty = archiveSource(tmpRoot());
    await expect(collect(empty, query('2026-03-14T09:00:00Z', '2026-03-14T10:00:00Z'))).rejects.toMatchObject({ code: 'NOT_FOUND', sourceId: 'azure-archive' });
    const health = await empty.health();
    expect(health.ok).toBe(false);
    expect(health.message).toContain('insights-activity-logs');
  });

  it('validates its config: path must exist, api keys are refused', () => {
    expect(() => archiveSource('/nonexistent/azure-export')).toThrow(ConfigError);
    expect(() => archiveSource(tmpRoot(), { subscriptionId: '00000000-0000-0000-0000-000000000001' })).toThrow(/sources\[0\]\.subscriptionId: unknown key/);
    expect(() => archiveSource(tmpRoot(), { lateArrivalMinutes: -5 })).toThrow(/lateArrivalMinutes/);
  });
});

defineSourceContract('azure-activity archive', async () => {
  const root = tmpRoot();
  const hours = ['06', '07', '08', '09', '10'];
  const records: Json[] = [];
  hours.forEach((h, i) => {
    const hourRecords = [
      exportAt(`${h}-a`, `2026-03-14T${h}:05:00.1234567Z`, { status: 'Started', correlationId: `corr-${h}` }),
      exportAt(`${h}-b`, `2026-03-14T${h}:05:02.5Z`, { status: 'Succeeded', correlationId: `corr-${h}` }),
      exportAt(`${h}-c`, `2026-03-14T${h}:40:00Z`, { status: 'Failed', subStatus: 'Forbidden' }),
    ];
    // one event of each hour but the first arrives late, in the next hour's file
    const late = i > 0 ? [exportAt(`${hours[i - 1]}-late`, `2026-03-14T${hours[i - 1]}:59:59.9Z`)] : [];
    records.push(...hourRecords, ...late);
    writeHour(root, `2026-03-14T${h}:00:00Z`, [...hourRecords, ...late, ...(h === '08' ? ['not json at all'] : [])]);
  });
  const source = archiveSource(root);
  const failingRoot = tmpRoot();
  const failing = archiveSource(failingRoot, {}, 'azure-archive-gone');
  fs.rmSync(failingRoot, { recursive: true, force: true });
  return {
    source,
    expected: records.map((r) => {
      const e = normalizeExportRecord(r, { sourceId: 'azure-archive' });
      return { id: e.id, time: e.time.getTime() };
    }),
    window: { from: new Date('2026-03-14T06:00:00Z'), to: new Date('2026-03-14T11:00:00Z') },
    malformed: 1,
    failing: () => failing,
    minRequests: 5,
  };
});

describe('azure-activity archive errors', () => {
  it('is a SourceError with the source id when the folder disappears', async () => {
    const root = tmpRoot();
    writeHour(root, '2026-03-14T09:00:00Z', [exportAt('x', '2026-03-14T09:01:00Z')]);
    const source = archiveSource(root);
    fs.rmSync(root, { recursive: true, force: true });
    const err = await collect(source, query('2026-03-14T09:00:00Z', '2026-03-14T10:00:00Z')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).sourceId).toBe('azure-archive');
  });
});
