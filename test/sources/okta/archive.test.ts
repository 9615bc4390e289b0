import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { ConfigError } from '../../../src/config/errors';
import { ConfigNode } from '../../../src/config/fields';
import { SortOrder, SourceError, type Source, type SourceQuery } from '../../../src/domain';
import { oktaDefinition } from '../../../src/sources/okta';
import { dayOfFile } from '../../../src/sources/okta/reader';
import { collect, defineSourceContract } from '../../contract/source-contract';
import { testDeps } from '../../helpers/deps';
import { eventSeries, logEvent } from './fixtures';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

function tempRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-archive-'));
  roots.push(root);
  return root;
}

const ndjson = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

function archiveSource(root: string, extra: Record<string, unknown> = {}): Source {
  const node = ConfigNode.of({ id: 'okta-archive', type: 'okta', mode: 'archive', path: root, ...extra }, 'sources[1]');
  return oktaDefinition.create(node, { id: 'okta-archive', mode: 'archive' }, testDeps());
}

function query(from: string, to: string, order = SortOrder.OLDEST_FIRST): SourceQuery {
  return { window: { from: new Date(from), to: new Date(to) }, order, filter: {}, pageSizeHint: 100 };
}

/**
 * Three day files (plain NDJSON, gzipped NDJSON, `.jsonl`), an undated JSON-array export overlapping them,
 * a non-export file, one broken line and one record without `published`.
 */
function writeArchive(root: string) {
  const day13 = eventSeries('2026-03-13T22:00:00.000Z', 4, 1_800_000, 'd13');
  const day14 = eventSeries('2026-03-14T08:50:00.000Z', 6, 120_000, 'd14');
  const day15 = eventSeries('2026-03-15T00:10:00.000Z', 3, 3_600_000, 'd15');
  // its events fall between the day files' events, on both days
  const undated = [
    logEvent({ uuid: 'exp-1', published: '2026-03-14T08:55:30.000Z', eventType: 'system.api_token.create' }),
    logEvent({ uuid: 'exp-2', published: '2026-03-15T00:30:00.000Z', eventType: 'user.lifecycle.suspend' }),
  ];
  const noPublished = logEvent({ uuid: 'd15-broken', published: 'x', eventType: 'user.session.start' });
  delete noPublished.published;
  fs.writeFileSync(path.join(root, 'system-log-2026-03-13.ndjson'), ndjson(day13).replace('\n', '\n{"uuid": "truncated", "published": \n'));
  fs.writeFileSync(path.join(root, 'system-log-2026-03-14.ndjson.gz'), zlib.gzipSync(ndjson(day14)));
  fs.writeFileSync(path.join(root, 'system-log-2026-03-15.jsonl'), ndjson([...day15.slice(0, 2), noPublished, day15[2]]));
  fs.writeFileSync(path.join(root, 'okta-export.json'), JSON.stringify(undated, null, 2));
  fs.writeFileSync(path.join(root, 'README.txt'), 'System Log exports\n');
  return { all: [...day13, ...day14, ...day15, ...undated], day14, undated };
}

defineSourceContract('okta archive', async () => {
  const root = tempRoot();
  const { all } = writeArchive(root);
  const gone = tempRoot();
  let failing: Source | undefined;
  return {
    source: archiveSource(root),
    expected: all.map((e) => ({ id: String(e.uuid), time: Date.parse(String(e.published)) })),
    window: { from: new Date('2026-03-13T00:00:00.000Z'), to: new Date('2026-03-16T00:00:00.000Z') },
    malformed: 2,
    // configured while the folder existed, then the folder went away
    failing: () => {
      if (!failing) {
        failing = archiveSource(gone);
        fs.rmSync(gone, { recursive: true, force: true });
      }
      return failing;
    },
    // three day files and the undated export
    minRequests: 4,
  };
});

describe('okta archive', () => {
  it('reads NDJSON, gzipped NDJSON, .jsonl and a JSON array, merged in both orders', async () => {
    const root = tempRoot();
    const { all } = writeArchive(root);
    for (const order of [SortOrder.OLDEST_FIRST, SortOrder.NEWEST_FIRST]) {
      const { events } = await collect(archiveSource(root), query('2026-03-13T00:00:00.000Z', '2026-03-16T00:00:00.000Z', order));
      const want = [...all].sort((a, b) => Date.parse(String(a.published)) - Date.parse(String(b.published))).map((e) => e.uuid);
      expect(events.map((e) => e.id)).toEqual(order === SortOrder.OLDEST_FIRST ? want : [...want].reverse());
    }
  });

  it('prunes day files outside the window by the date in their names, never the undated ones', async () => {
    const root = tempRoot();
    const { day14, undated } = writeArchive(root);
    const source = archiveSource(root);
    const q = query('2026-03-14T08:00:00.000Z', '2026-03-14T10:00:00.000Z', SortOrder.NEWEST_FIRST);
    const { events, stats } = await collect(source, q);
    expect(events.map((e) => e.id).sort()).toEqual([...day14.map((e) => e.uuid), undated[0].uuid].sort());
    expect(stats.partitionsPruned).toBe(2);
    expect(stats.partitionsRead).toBe(2);
    expect(stats.requests).toBe(2);
    expect(stats.scanned).toBe(day14.length + undated.length);
    expect(stats.bytesRead).toBeGreaterThan(0);
    const plan = await source.plan(q);
    expect(plan.partitions?.sort()).toEqual(['okta-export.json', 'system-log-2026-03-14.ndjson.gz']);
    expect(plan.partitionsTotal).toBe(4);
    expect(plan.notes.join('\n')).toMatch(/1 file\(s\) without a YYYY-MM-DD day/);
  });

  it('counts a broken line and a record without published as malformed, with where they are', async () => {
    const root = tempRoot();
    writeArchive(root);
    const { stats } = await collect(archiveSource(root), query('2026-03-13T00:00:00.000Z', '2026-03-16T00:00:00.000Z'));
    expect(stats.malformed).toBe(2);
    expect(stats.malformedSamples).toEqual(
      expect.arrayContaining([expect.stringMatching(/^system-log-2026-03-13\.ndjson:2: not JSON/), expect.stringMatching(/^system-log-2026-03-15\.jsonl:3: event d15-broken: missing or invalid published/)]),
    );
  });

  it('reads a .json file that holds NDJSON, a single object, and a gzipped JSON array', async () => {
    const root = tempRoot();
    const a = logEvent({ uuid: 'nd-1', published: '2026-03-14T01:00:00.000Z', eventType: 'user.session.start' });
    const b = logEvent({ uuid: 'nd-2', published: '2026-03-14T02:00:00.000Z', eventType: 'user.session.end' });
    const c = logEvent({ uuid: 'one', published: '2026-03-14T03:00:00.000Z', eventType: 'user.session.start' });
    const d = logEvent({ uuid: 'gz-1', published: '2026-03-14T04:00:00.000Z', eventType: 'user.session.start' });
    fs.writeFileSync(path.join(root, 'lines.json'), ndjson([a, b]));
    fs.writeFileSync(path.join(root, 'single.json'), JSON.stringify(c));
    fs.mkdirSync(path.join(root, 'older'));
    fs.writeFileSync(path.join(root, 'older', 'logs-2026-03-14.json.gz'), zlib.gzipSync(JSON.stringify([d])));
    const { events, stats } = await collect(archiveSource(root, { orgUrl: 'https://example.okta.com' }), query('2026-03-14T00:00:00.000Z', '2026-03-15T00:00:00.000Z'));
    expect(events.map((e) => e.id)).toEqual(['nd-1', 'nd-2', 'one', 'gz-1']);
    expect(stats.malformed).toBe(0);
    expect(events[0].cloud).toEqual({ provider: 'okta', account: 'example.okta.com' });
    expect(events[3].raw).toEqual(d);
  });

  it('counts a truncated gzip file as damaged, keeps what it could decode, and reads the other files', async () => {
    const root = tempRoot();
    const good = eventSeries('2026-03-14T01:00:00.000Z', 3, 60_000);
    fs.writeFileSync(path.join(root, 'system-log-2026-03-14.ndjson'), ndjson(good));
    const lost = eventSeries('2026-03-13T01:00:00.000Z', 50, 60_000, 'lost');
    const gz = zlib.gzipSync(ndjson(lost));
    fs.writeFileSync(path.join(root, 'system-log-2026-03-13.ndjson.gz'), gz.subarray(0, gz.length / 2));
    const { events, stats } = await collect(archiveSource(root), query('2026-03-13T00:00:00.000Z', '2026-03-15T00:00:00.000Z'));
    const ids = events.map((e) => e.id);
    expect(ids.slice(-3)).toEqual(good.map((e) => e.uuid));
    // the decodable start of the truncated file, whole lines only, in order
    const prefix = ids.slice(0, -3);
    expect(prefix.length).toBeLessThan(lost.length);
    expect(prefix).toEqual(lost.slice(0, prefix.length).map((e) => e.uuid));
    expect(stats.partitionsDamaged).toBe(1);
    expect(stats.damagedSamples[0]).toMatch(/^system-log-2026-03-13\.ndjson\.gz: truncated gzip/);
    // the line the cut went through
    expect(stats.malformed).toBe(1);
    expect(stats.malformedSamples[0]).toMatch(/^system-log-2026-03-13\.ndjson\.gz:\d+: not JSON/);
  });

  it('fails with NOT_FOUND when the folder disappears, and reports an empty folder as unhealthy', async () => {
    const root = tempRoot();
    const source = archiveSource(root);
    const empty = await source.health();
    expect(empty.ok).toBe(false);
    expect(empty.message).toMatch(/no System Log export files/);
    fs.rmSync(root, { recursive: true });
    const run = collect(source, query('2026-03-14T00:00:00.000Z', '2026-03-15T00:00:00.000Z'));
    await expect(run).rejects.toBeInstanceOf(SourceError);
    await run.catch((err: SourceError) => {
      expect(err.code).toBe('NOT_FOUND');
      expect(err.sourceId).toBe('okta-archive');
      expect(err.message).toContain(root);
    });
  });

  it('validates its config: the folder must exist, unknown keys are refused', () => {
    const create = (entry: Record<string, unknown>) =>
      oktaDefinition.create(ConfigNode.of({ id: 'a', type: 'okta', mode: 'archive', ...entry }, 'sources[1]'), { id: 'a', mode: 'archive' }, testDeps());
    expect(() => create({ path: path.join(os.tmpdir(), 'no-such-okta-archive') })).toThrow(/sources\[1\]\.path/);
    expect(() => create({ path: os.tmpdir(), tokenEnv: 'X' })).toThrow(ConfigError);
    const source = create({ path: os.tmpdir() });
    expect(source.mode).toBe('archive');
    expect(source.capabilities.partitionPruning).toBe(true);
    expect(source.capabilities.orders).toEqual(expect.arrayContaining([SortOrder.NEWEST_FIRST, SortOrder.OLDEST_FIRST]));
  });

  it('reads the day from a file name, refusing days that do not exist', () => {
    expect(dayOfFile('system-log-2026-03-14.ndjson')?.toISOString()).toBe('2026-03-14T00:00:00.000Z');
    expect(dayOfFile('2025/okta-2025-12-31.json.gz')?.toISOString()).toBe('2025-12-31T00:00:00.000Z');
    expect(dayOfFile('system-log-2026-02-30.ndjson')).toBeUndefined();
    expect(dayOfFile('export.ndjson')).toBeUndefined();
  });
});
