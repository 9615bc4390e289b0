import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { ConfigNode } from '../../../src/config/fields';
import { SortOrder, SourceError, newSourceStats, type SourceQuery, type TimeWindow } from '../../../src/domain';
import { flyteDefinition } from '../../../src/sources/flyte';
import type { FlyteSource } from '../../../src/sources/flyte/runs';
import { collect, defineSourceContract } from '../../contract/source-contract';
import { testDeps } from '../../helpers/deps';
import { restExecution, uctlExecution } from './fixtures';
import { ALL_SPECS, ARCHIVED, DATA_RUNS, DAY, FZ3, ML_RUNS, NOW, expectedIn, fz3Nodes } from './scenario';

/**
 * The export folder as /tmp/layout.md describes it:
 *   early.json                       uctl, one result: a single object (r01)
 *   executions.json                  uctl array: data/development's runs, the archived run, fz3 seen while running, one broken entry
 *   exports/ml-list.json             REST ExecutionList: the rest of ml/production (fz3 finished)
 *   exports/data-0900.json.gz        REST ExecutionList, gzipped: f0900
 *   node_executions/..., task_executions/...   fz3's nodes and tasks
 */
function writeArchive(root: string): void {
  const write = (rel: string, body: unknown, gzip = false) => {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const text = JSON.stringify(body, null, 2);
    fs.writeFileSync(file, gzip ? zlib.gzipSync(text) : text);
  };
  const [r01, r02, , long01, run05] = ML_RUNS;
  const [f0800, f0900, t01] = DATA_RUNS;
  const broken = uctlExecution({ ...t01, name: 'broken1' });
  delete broken.closure;
  const fz3Running = uctlExecution({ ...FZ3, phase: 'RUNNING', updated: FZ3.started, abort: undefined, duration: undefined });
  write('early.json', uctlExecution(r01));
  write('executions.json', [uctlExecution(f0800), uctlExecution(t01), uctlExecution(ARCHIVED), fz3Running, broken]);
  write('exports/ml-list.json', { executions: [restExecution(r02), restExecution(FZ3), restExecution(long01), restExecution(run05)], token: '' });
  write('exports/data-0900.json.gz', { executions: [restExecution(f0900)], token: '' }, true);
  const { nodes, tasks } = fz3Nodes();
  write(`node_executions/ml/production/${FZ3.name}.json`, { node_executions: nodes.filter((n) => !n.parent).map((n) => n.record), token: '' });
  for (const [nodeId, list] of Object.entries(tasks)) write(`task_executions/ml/production/${FZ3.name}/${nodeId}.json`, { task_executions: list, token: '' });
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'flyte-archive-'));
}

function archiveSource(root: string): FlyteSource {
  const node = ConfigNode.of({ id: 'flyte-export', type: 'flyte', mode: 'archive', path: root }, 'sources[1]');
  return flyteDefinition.create(node, { id: 'flyte-export', mode: 'archive' }, testDeps(() => NOW)) as FlyteSource;
}

function q(window: TimeWindow = DAY, order = SortOrder.OLDEST_FIRST): SourceQuery {
  return { window, order, filter: {}, pageSizeHint: 3 };
}

defineSourceContract('flyte archive', async () => {
  const root = tempDir();
  writeArchive(root);
  const source = archiveSource(root);
  // the archive has been queried before: the reader knows each file's span (a first query opens every file)
  await collect(source, q());
  const gone = tempDir();
  const failing = archiveSource(gone);
  fs.rmSync(gone, { recursive: true });
  return {
    source,
    expected: expectedIn(ALL_SPECS, DAY),
    window: DAY,
    malformed: 1,
    failing: () => failing,
    minRequests: 4,
    teardown: async () => fs.rmSync(root, { recursive: true, force: true }),
  };
});

describe('flyte archive: reading the exports', () => {
  let root: string;
  let source: FlyteSource;
  beforeEach(() => {
    root = tempDir();
    writeArchive(root);
    source = archiveSource(root);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reads uctl arrays, a single uctl object, REST ExecutionLists and gzip, each event once', async () => {
    const { events, stats } = await collect(source, q());
    const ids = events.map((e) => e.id);
    expect(ids.sort()).toEqual(expectedIn(ALL_SPECS, DAY).map((e) => e.id).sort());
    expect(stats.requests).toBe(4);
    expect(stats.partitionsRead).toBe(4);
    expect(stats.scanned).toBe(29); // the stages of the 10 readable records (fz3 twice, run05 and its running copy 2 each) + the broken one
    expect(stats.malformed).toBe(1);
    expect(stats.malformedSamples[0]).toMatch(/^executions\.json\[4\]: .*no closure/);
    expect(stats.bytesRead).toBeGreaterThan(0);
    // fz3 sits in two files: started once (from either copy), aborted from the later one
    expect(ids.filter((id) => id.startsWith('ml/production/fz3k9q2m1x#'))).toEqual(['ml/production/fz3k9q2m1x#aborted', 'ml/production/fz3k9q2m1x#created', 'ml/production/fz3k9q2m1x#started']);
    // ...each from the latest copy (the REST list, read after the uctl array or before it), counted and said
    for (const stage of ['created', 'started']) expect(events.find((e) => e.id === `ml/production/fz3k9q2m1x#${stage}`)?.raw).toHaveProperty('closure.created_at');
    expect(stats.duplicates).toBe(2);
    const newest = await collect(source, q(DAY, SortOrder.NEWEST_FIRST));
    for (const stage of ['created', 'started']) expect(newest.events.find((e) => e.id === `ml/production/fz3k9q2m1x#${stage}`)?.raw).toHaveProperty('closure.created_at');
    expect(newest.stats.duplicates).toBe(2);
    expect(stats.notes).toContain("2 lifecycle event(s) came from more than one export of the same run: merged into one each, taken from the run's latest copy (closure.updated_at)");
    // raw is the record as read: camelCase from uctl, snake_case from the REST list
    const early = events.find((e) => e.id === 'ml/production/r01#created');
    expect(early?.raw).toHaveProperty('closure.createdAt');
    expect(events.find((e) => e.id === 'ml/production/r02#created')?.raw).toHaveProperty('closure.created_at');
    expect(early?.cloud).toEqual({ provider: 'flyte', account: path.basename(root) });
  });

  it('learns each file’s time span on the first read and skips files outside the window afterwards', async () => {
    const narrow = { from: new Date('2026-03-14T07:00:00Z'), to: new Date('2026-03-14T07:55:00Z') };
    const cold = await collect(source, q(narrow));
    expect(cold.stats.requests).toBe(4);
    expect(cold.events.map((e) => e.id)).toEqual(['ml/production/r01#created', 'ml/production/r01#started']);
    const plan = await source.plan(q(narrow));
    // exports/ml-list.json spans from long01 (the evening before) to 09:47, so it cannot be skipped
    expect(plan.partitions).toEqual(['exports/ml-list.json', 'early.json']);
    expect(plan.partitionsTotal).toBe(4);
    const warm = await collect(source, q(narrow));
    expect(warm.events.map((e) => e.id)).toEqual(cold.events.map((e) => e.id));
    expect(warm.stats.requests).toBe(2);
    expect(warm.stats.partitionsPruned).toBe(2);
  });

  it('reads a file again once it changed', async () => {
    const late = { from: new Date('2026-03-14T10:00:00Z'), to: new Date('2026-03-14T12:00:00Z') };
    await collect(source, q());
    expect((await collect(source, q(late))).events).toEqual([]);
    const extra = restExecution({ project: 'data', domain: 'development', name: 'f1000', mode: 'SCHEDULED', created: '2026-03-14T10:00:00Z', started: '2026-03-14T10:00:02Z', updated: '2026-03-14T10:03:00Z', phase: 'SUCCEEDED' });
    fs.writeFileSync(path.join(root, 'exports/data-0900.json.gz'), zlib.gzipSync(JSON.stringify({ executions: [restExecution(DATA_RUNS[1]), extra] })));
    const after = await collect(source, q(late, SortOrder.NEWEST_FIRST));
    expect(after.events.map((e) => e.id)).toEqual(['data/development/f1000#succeeded', 'data/development/f1000#started', 'data/development/f1000#created']);
  });

  it('reports a JSON file that is no export as not recognized, and a cut one as damaged, each time it is read', async () => {
    fs.writeFileSync(path.join(root, 'notes.json'), JSON.stringify({ owner: 'platform-team' }));
    fs.writeFileSync(path.join(root, 'truncated.json'), '[{"id": {"project": "ml"');
    for (let i = 0; i < 2; i++) {
      const { events, stats } = await collect(source, q());
      expect(events.length).toBe(expectedIn(ALL_SPECS, DAY).length);
      // the broken entry of executions.json
      expect(stats.malformed).toBe(1);
      expect(stats.partitionsIgnored).toBe(1);
      expect(stats.ignoredSamples).toEqual([expect.stringMatching(/^notes\.json \(neither a uctl execution list/)]);
      expect(stats.partitionsDamaged).toBe(1);
      expect(stats.damagedSamples).toEqual([expect.stringMatching(/^truncated\.json: the document is cut short inside record 0/)]);
    }
  });

  it('merges files whose spans overlap, in both orders', async () => {
    for (const order of [SortOrder.OLDEST_FIRST, SortOrder.NEWEST_FIRST]) {
      await collect(source, q(DAY, order));
      const { events } = await collect(source, q(DAY, order));
      const times = events.map((e) => e.time.getTime());
      expect(times).toEqual([...times].sort((a, b) => (order === SortOrder.OLDEST_FIRST ? a - b : b - a)));
      expect(events.length).toBe(expectedIn(ALL_SPECS, DAY).length);
    }
  });

  it('is healthy with execution files, unhealthy with none, and fails typed when the folder is gone', async () => {
    expect((await source.health()).ok).toBe(true);
    const empty = tempDir();
    try {
      const bad = await archiveSource(empty).health();
      expect(bad.ok).toBe(false);
      expect(bad.message).toContain('no Flyte execution exports');
    } finally {
      fs.rmSync(empty, { recursive: true });
    }
    fs.rmSync(root, { recursive: true });
    const err = (await collect(source, q()).catch((e: unknown) => e)) as SourceError;
    expect(err).toBeInstanceOf(SourceError);
    expect(err.code).toBe('NOT_FOUND');
  });
});

describe('flyte archive: runs', () => {
  let root: string;
  let source: FlyteSource;
  beforeAll(() => {
    root = tempDir();
    writeArchive(root);
    source = archiveSource(root);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('gets one run, its latest copy, with the pods of its task files', async () => {
    const stats = newSourceStats();
    const run = await source.runs.getRun('ml', 'production', FZ3.name, { stats });
    expect(run).toMatchObject({ runId: 'ml/production/fz3k9q2m1x', phase: 'ABORTED', principal: 'alice@example.com', abort: { cause: 'suspicious activity', principal: 'bob@example.com' }, podsResolved: true });
    expect(run?.pods.sort()).toEqual(['fz3k9q2m1x-n0-0', 'fz3k9q2m1x-n0-1', 'fz3k9q2m1x-n1-0', 'fz3k9q2m1x-n1-0-dn0-0']);
    expect(stats.malformed).toBe(1); // executions.json's broken entry was read on the way
    expect(await source.runs.getRun('ml', 'production', 'nosuchrun')).toBeNull();
  });

  it('reads node and task execution files, and answers empty for a run without them', async () => {
    const nodes = await source.runs.nodeExecutions({ project: 'ml', domain: 'production', name: FZ3.name });
    expect(nodes.map((n) => n.nodeId)).toEqual(['n0', 'n1', 'n2']);
    expect(nodes[2].childRun?.name).toBe('childrun1');
    const tasks = await source.runs.taskExecutions({ project: 'ml', domain: 'production', name: FZ3.name }, 'n1-0-dn0');
    expect(tasks.map((t) => t.pods)).toEqual([['fz3k9q2m1x-n1-0-dn0-0']]);
    expect(await source.runs.nodeExecutions({ project: 'ml', domain: 'production', name: 'r01' })).toEqual([]);
  });

  it('counts a broken node file as malformed instead of failing', async () => {
    const file = path.join(root, 'node_executions/ml/production/r02.json');
    fs.writeFileSync(file, JSON.stringify({ nodes: [] }));
    const stats = newSourceStats();
    expect(await source.runs.nodeExecutions({ project: 'ml', domain: 'production', name: 'r02' }, { stats })).toEqual([]);
    expect(stats.malformed).toBe(1);
    fs.rmSync(file);
  });

  it('lists runs created in a window, oldest first, by principal and phase', async () => {
    const alice: string[] = [];
    for await (const r of source.runs.listRuns(DAY, { principal: ['alice@example.com'] })) alice.push(r.runId);
    expect(alice).toEqual(['ml/production/r01', 'ml/production/fz3k9q2m1x', 'ml/production/run05']);
    const failed: string[] = [];
    for await (const r of source.runs.listRuns(DAY, { phase: ['FAILED', 'TIMED_OUT'] })) failed.push(r.runId);
    expect(failed).toEqual(['ml/production/r02', 'data/development/t01']);
    const fz3 = [];
    for await (const r of source.runs.listRuns(DAY)) if (r.runId.endsWith(FZ3.name)) fz3.push(r.phase);
    expect(fz3).toEqual(['ABORTED']);
  });
});
