import * as net from 'node:net';
import { ConfigNode } from '../../../src/config/fields';
import { EventCategory, Outcome, SortOrder, SourceError, newSourceStats, type PushedFilter, type SourceDeps, type SourceQuery } from '../../../src/domain';
import { FlyteAdminClient } from '../../../src/sources/flyte/client';
import { flyteDefinition } from '../../../src/sources/flyte';
import type { FlyteSource } from '../../../src/sources/flyte/runs';
import { collect, defineSourceContract } from '../../contract/source-contract';
import { testDeps } from '../../helpers/deps';
import { FakeFlyteAdmin } from './fake-flyteadmin';
import { restExecution, type RunSpec } from './fixtures';
import { ALL_SPECS, ARCHIVED, DATA_RUNS, DAY, FZ3, LONG_ERROR, ML, ML_RUNS, NOW, brokenRecord, expectedIn, fz3Nodes, specEvents } from './scenario';

const PROJECTS = [{ project: 'ml', domains: ['production'] }, { project: 'data', domains: ['development'] }];

function fixedDeps(): SourceDeps {
  return testDeps(() => NOW);
}

function apiSource(endpoint: string, extra: Record<string, unknown> = {}, deps = fixedDeps()): FlyteSource {
  const node = ConfigNode.of({ id: 'flyte', type: 'flyte', mode: 'api', endpoint, projects: PROJECTS, rateLimitPerSecond: 1000, ...extra }, 'sources[0]');
  return flyteDefinition.create(node, { id: 'flyte', mode: 'api' }, deps) as FlyteSource;
}

async function scenarioAdmin(options: ConstructorParameters<typeof FakeFlyteAdmin>[0] = {}): Promise<FakeFlyteAdmin> {
  const admin = await new FakeFlyteAdmin(options).start();
  for (const s of [...ML_RUNS, ...DATA_RUNS]) admin.addExecution(restExecution(s));
  admin.addExecution(restExecution(ARCHIVED), 1);
  admin.addExecution(brokenRecord(), 0, { execution_created_at: '2026-03-14T08:45:00Z' });
  const { nodes, tasks } = fz3Nodes();
  admin.addNodes(`ml/production/${FZ3.name}`, nodes);
  for (const [nodeId, list] of Object.entries(tasks)) admin.addTasks(`ml/production/${FZ3.name}`, nodeId, list);
  return admin;
}

function q(filter: PushedFilter = {}, order = SortOrder.OLDEST_FIRST, window = DAY, pageSizeHint = 3): SourceQuery {
  return { window, order, filter, pageSizeHint };
}

function firstPages(admin: FakeFlyteAdmin): string[] {
  return [...new Set(admin.listRequests().filter((r) => !r.query.get('token')).map((r) => `${r.path} ${r.query.get('filters')}`))].sort();
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

defineSourceContract('flyte api', async () => {
  const admin = await scenarioAdmin();
  const failing = await new FakeFlyteAdmin().start();
  failing.failWith = { status: 500, code: 13, message: 'failed database operation: connection refused' };
  return {
    source: apiSource(admin.url),
    expected: expectedIn(ALL_SPECS, DAY),
    window: DAY,
    malformed: 1,
    failing: () => apiSource(failing.url),
    minRequests: 12,
    teardown: async () => {
      await admin.stop();
      await failing.stop();
    },
  };
});

describe('flyte api: what is asked of Flyte Admin', () => {
  let admin: FakeFlyteAdmin;
  beforeEach(async () => {
    admin = await scenarioAdmin();
  });
  afterEach(async () => {
    await admin.stop();
  });

  it('reads each lifecycle stage from its own list, windowed and sorted on that stage’s column, archived runs included', async () => {
    const { events } = await collect(apiSource(admin.url), q({}, SortOrder.OLDEST_FIRST, DAY, 7));
    expect(firstPages(admin)).toEqual(
      [
        ['ml', 'production'],
        ['data', 'development'],
      ]
        .flatMap(([p, d]) => [
          `/api/v1/executions/${p}/${d} gte(execution_created_at,2026-03-14T06:00:00.000Z)+lt(execution_created_at,2026-03-14T12:00:00.000Z)+value_in(state,0;1)`,
          `/api/v1/executions/${p}/${d} gte(started_at,2026-03-14T06:00:00.000Z)+lt(started_at,2026-03-14T12:00:00.000Z)+value_in(state,0;1)`,
          `/api/v1/executions/${p}/${d} gte(execution_updated_at,2026-03-14T06:00:00.000Z)+lt(execution_updated_at,2026-03-14T12:00:00.000Z)+value_in(state,0;1)+value_in(phase,SUCCEEDED;FAILED;ABORTED;TIMED_OUT)`,
        ])
        .sort(),
    );
    for (const r of admin.listRequests()) {
      expect(r.query.get('limit')).toBe('7');
      expect(r.query.get('sort_by.direction')).toBe('ASCENDING');
      expect(r.query.get('sort_by.key')).toBe(r.query.get('filters')?.match(/^gte\(([a-z_]+),/)?.[1]);
    }
    const ids = events.map((e) => e.id);
    // the archived run is there; the run that started the evening before shows its end only
    expect(ids).toEqual(expect.arrayContaining(['ml/production/a1#created', 'ml/production/a1#succeeded', 'ml/production/long01#succeeded']));
    expect(ids).not.toContain('ml/production/long01#created');
    expect(ids).not.toContain('ml/production/long01#started');
  });

  it('keeps the window end fixed at the first request when the window reaches into the future', async () => {
    const now = new Date('2026-03-14T09:00:00Z');
    const source = apiSource(admin.url, {}, testDeps(() => now));
    const { events } = await collect(source, q({}, SortOrder.OLDEST_FIRST, { from: DAY.from, to: new Date('2026-03-14T23:00:00Z') }, 100));
    for (const r of admin.listRequests()) expect(r.query.get('filters')).toContain(',2026-03-14T09:00:00.000Z)');
    expect(events.every((e) => e.time.getTime() < now.getTime())).toBe(true);
    expect(events.length).toBe(expectedIn(ALL_SPECS, { from: DAY.from, to: now }).length);
  });

  it('pushes outcome FAILURE down as the finished-run list of failed phases only', async () => {
    const { events } = await collect(apiSource(admin.url), q({ outcome: [Outcome.FAILURE] }));
    const filters = firstPages(admin);
    expect(filters).toHaveLength(2);
    for (const f of filters) expect(f).toMatch(/\+value_in\(state,0;1\)\+value_in\(phase,FAILED;ABORTED;TIMED_OUT\)$/);
    expect(events.map((e) => e.id).sort()).toEqual(['data/development/t01#timed_out', 'ml/production/fz3k9q2m1x#aborted', 'ml/production/r02#failed']);
    expect(events.every((e) => e.outcome === Outcome.FAILURE)).toBe(true);
  });

  it('pushes outcome SUCCESS down as created and started lists plus eq(phase,SUCCEEDED)', async () => {
    const { events } = await collect(apiSource(admin.url), q({ outcome: [Outcome.SUCCESS] }));
    const terminal = firstPages(admin).filter((f) => f.includes('execution_updated_at'));
    expect(terminal).toHaveLength(2);
    for (const f of terminal) expect(f).toMatch(/\+eq\(phase,SUCCEEDED\)$/);
    expect(firstPages(admin).filter((f) => f.includes('(execution_created_at'))).toHaveLength(2);
    expect(events.every((e) => e.outcome === Outcome.SUCCESS)).toBe(true);
    expect(events.map((e) => e.id)).toContain('data/development/f0900#succeeded');
  });

  it('selects lifecycle lists by actor, but no user clause: flyteadmin compares principals with case, auditgraph without', async () => {
    const { events } = await collect(apiSource(admin.url), q({ identity: ['BOB@example.COM'] }));
    const filters = firstPages(admin);
    expect(filters.filter((f) => f.includes('(execution_created_at'))).toEqual([
      '/api/v1/executions/data/development gte(execution_created_at,2026-03-14T06:00:00.000Z)+lt(execution_created_at,2026-03-14T12:00:00.000Z)+value_in(state,0;1)',
      '/api/v1/executions/ml/production gte(execution_created_at,2026-03-14T06:00:00.000Z)+lt(execution_created_at,2026-03-14T12:00:00.000Z)+value_in(state,0;1)',
    ]);
    // started events are the propeller's: not asked at all; finished ones only when aborted
    expect(filters.some((f) => f.includes('(started_at'))).toBe(false);
    for (const f of filters.filter((x) => x.includes('execution_updated_at'))) expect(f).toMatch(/\+eq\(phase,ABORTED\)$/);
    // what comes back is broader (the engine filters again) but holds everything bob did
    expect(events.map((e) => e.id)).toEqual(expect.arrayContaining(['ml/production/r02#created', 'ml/production/fz3k9q2m1x#aborted']));
    expect(events.find((e) => e.id === 'ml/production/fz3k9q2m1x#aborted')?.actor.name).toBe('bob@example.com');
  });

  it('selects the lists an action pattern names, by the engine\'s rule (case, `*`)', async () => {
    const lists = async (action: string[]) => {
      admin.requests.length = 0;
      await collect(apiSource(admin.url), q({ action }));
      return [...new Set(admin.listRequests().map((r) => `${r.query.get('sort_by.key')} ${/phase,([^)]*)\)/.exec(r.query.get('filters') ?? '')?.[1] ?? ''}`))].sort();
    };
    expect(await lists(['execution.*'])).toEqual(['execution_created_at ', 'execution_updated_at SUCCEEDED;FAILED;ABORTED;TIMED_OUT', 'started_at ']);
    expect(await lists(['EXECUTION.A*'])).toEqual(['execution_updated_at ABORTED']);
    expect(await lists(['create*', '*_out'])).toEqual(['execution_created_at ', 'execution_updated_at TIMED_OUT']);
    expect(await lists(['Running'])).toEqual(['started_at ']);
  });

  it('reads a run id as the engine does: bare name, domain/name, project/domain/name and longer', async () => {
    for (const runId of ['fz3k9q2m1x', 'production/fz3k9q2m1x', 'ml/production/fz3k9q2m1x', 'org/ml/production/fz3k9q2m1x']) {
      admin.requests.length = 0;
      const { events } = await collect(apiSource(admin.url), q({ runId: [runId] }));
      expect([runId, events.map((e) => e.id)]).toEqual([runId, ['ml/production/fz3k9q2m1x#created', 'ml/production/fz3k9q2m1x#started', 'ml/production/fz3k9q2m1x#aborted']]);
      expect(admin.listRequests().every((r) => r.query.get('filters')?.endsWith('+eq(name,fz3k9q2m1x)'))).toBe(true);
    }
    admin.requests.length = 0;
    await collect(apiSource(admin.url), q({ runId: ['development/fz3k9q2m1x'] }));
    expect(admin.listRequests().every((r) => r.path === '/api/v1/executions/data/development')).toBe(true);
  });

  it('asks for the propeller’s events when the identity is the propeller, and never writes an unwritable value', async () => {
    await collect(apiSource(admin.url), q({ identity: ['flytepropeller', 'ops+oncall@example.com'] }));
    const filters = firstPages(admin);
    expect(filters.some((f) => f.includes('(started_at'))).toBe(true);
    expect(filters.every((f) => !f.includes('user'))).toBe(true);
    for (const f of filters.filter((x) => x.includes('execution_updated_at'))) expect(f).toContain('value_in(phase,SUCCEEDED;FAILED;ABORTED;TIMED_OUT)');
  });

  it('pushes a run id as its project/domain path and name, and a category as the mode', async () => {
    const byRun = await collect(apiSource(admin.url), q({ runId: ['ml/production/fz3k9q2m1x'] }));
    expect(admin.listRequests().every((r) => r.path === '/api/v1/executions/ml/production')).toBe(true);
    expect(admin.listRequests().every((r) => r.query.get('filters')?.endsWith('+eq(name,fz3k9q2m1x)'))).toBe(true);
    expect(byRun.events.map((e) => e.id)).toEqual(['ml/production/fz3k9q2m1x#created', 'ml/production/fz3k9q2m1x#started', 'ml/production/fz3k9q2m1x#aborted']);

    admin.requests.length = 0;
    const scheduled = await collect(apiSource(admin.url), q({ category: [EventCategory.SCHEDULED_JOB] }));
    expect(admin.listRequests().every((r) => r.query.get('filters')?.includes('+eq(mode,1)'))).toBe(true);
    expect(scheduled.events.map((e) => e.runId).sort()).toEqual(expect.arrayContaining(['data/development/f0800', 'data/development/f0900']));
    expect(scheduled.events.every((e) => e.category === EventCategory.SCHEDULED_JOB)).toBe(true);

    admin.requests.length = 0;
    const none = await collect(apiSource(admin.url), q({ action: ['user.session.start'] }));
    expect(none.events).toEqual([]);
    expect(admin.requests).toHaveLength(0);
  });

  it('sends the bearer token, and reports a refused one as UNAUTHENTICATED with the server’s message', async () => {
    const secured = await scenarioAdmin({ token: 's3cret' });
    try {
      process.env.FLYTE_TEST_TOKEN = 's3cret';
      const { events } = await collect(apiSource(secured.url, { tokenEnv: 'FLYTE_TEST_TOKEN' }), q());
      expect(events.length).toBe(expectedIn(ALL_SPECS, DAY).length);
      expect(secured.requests.every((r) => r.authorization === 'Bearer s3cret')).toBe(true);

      const refused = collect(apiSource(secured.url), q()).catch((e: unknown) => e);
      const err = (await refused) as SourceError;
      expect(err).toBeInstanceOf(SourceError);
      expect(err.code).toBe('UNAUTHENTICATED');
      expect(err.message).toContain('HTTP 401 (gRPC code 16)');
      expect(err.message).toContain('JWT_VERIFICATION_FAILED');
    } finally {
      delete process.env.FLYTE_TEST_TOKEN;
      await secured.stop();
    }
  });
});

describe('flyte api: paging', () => {
  let admin: FakeFlyteAdmin;
  afterEach(async () => {
    await admin.stop();
  });

  it('pages by row offset, starting each page again at the rows tying with the last one', async () => {
    admin = await scenarioAdmin();
    await collect(apiSource(admin.url), q({ runId: ['ml/production/r01', 'ml/production/r02', 'ml/production/fz3k9q2m1x', 'ml/production/run05', 'ml/production/a1'] }));
    const created = admin.listRequests().filter((r) => r.query.get('sort_by.key') === 'execution_created_at');
    // 5 rows, 3 a page: offsets 0, 2 (re-reading the last row of page one), 4
    expect(created.map((r) => r.query.get('token'))).toEqual([null, '2', '4']);
    expect(created.map((r) => r.served)).toEqual([
      ['ml/production/r01', 'ml/production/r02', 'ml/production/a1'],
      ['ml/production/a1', 'ml/production/fz3k9q2m1x', 'ml/production/run05'],
      ['ml/production/run05'],
    ]);
  });

  it.each([SortOrder.OLDEST_FIRST, SortOrder.NEWEST_FIRST])('drops the rows an insert between pages makes come back (%s)', async (order) => {
    admin = await scenarioAdmin();
    const late: RunSpec = { ...ML, name: 'late1', principal: 'zed@example.com', created: order === SortOrder.OLDEST_FIRST ? '2026-03-14T07:00:00Z' : '2026-03-14T11:00:00Z', phase: 'QUEUED' };
    admin.beforeList = (query) => {
      // the second page of ml/production's created list: a row lands before the offset, shifting the rest
      if (query.get('sort_by.key') === 'execution_created_at' && query.get('token') && !admin.executions.some((r) => (r.record.id as { name: string }).name === 'late1')) {
        admin.addExecution(restExecution(late));
      }
    };
    const source = apiSource(admin.url);
    const { events, stats } = await collect(source, q({}, order));
    const ids = events.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(expectedIn(ALL_SPECS, DAY).map((e) => e.id)));
    // the insert did shift the list: a page began with a row from before the previous page's last one
    const pages = admin.listRequests().filter((r) => r.path.endsWith('/ml/production') && r.query.get('sort_by.key') === 'execution_created_at').map((r) => r.served ?? []);
    expect(pages.some((page, i) => i > 0 && pages[i - 1].length > 1 && page[0] === pages[i - 1][pages[i - 1].length - 2])).toBe(true);
    expect(stats.malformed).toBe(1);
  });

  it.each([SortOrder.OLDEST_FIRST, SortOrder.NEWEST_FIRST])('misses none of many runs created at the same instant, whose order changes per request (%s)', async (order) => {
    admin = await new FakeFlyteAdmin({ shuffleTies: true }).start();
    const burst: RunSpec[] = [];
    for (let i = 0; i < 11; i++) {
      burst.push({ ...ML, name: `burst${String(i).padStart(2, '0')}`, principal: 'ci-deployer', created: '2026-03-14T10:00:00.000001Z', started: `2026-03-14T10:0${i % 3}:00Z`, updated: '2026-03-14T10:30:00Z', phase: 'SUCCEEDED' });
    }
    for (const s of burst) admin.addExecution(restExecution(s));
    const { events } = await collect(apiSource(admin.url), q({}, order));
    expect(events.map((e) => e.id).sort()).toEqual(expectedIn(burst, DAY).map((e) => e.id).sort());
    const times = events.map((e) => e.time.getTime());
    expect(times).toEqual([...times].sort((a, b) => (order === SortOrder.OLDEST_FIRST ? a - b : b - a)));
  });

  it('returns both orders as exact reverses in time', async () => {
    admin = await scenarioAdmin();
    const source = apiSource(admin.url);
    const asc = (await collect(source, q({}, SortOrder.OLDEST_FIRST))).events.map((e) => e.time.getTime());
    const desc = (await collect(source, q({}, SortOrder.NEWEST_FIRST))).events.map((e) => e.time.getTime());
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    expect(desc).toEqual([...asc].reverse());
  });
});

describe('flyte api: failures', () => {
  let admin: FakeFlyteAdmin | undefined;
  afterEach(async () => {
    await admin?.stop();
    admin = undefined;
  });

  it('waits out a 429 with Retry-After and carries on', async () => {
    admin = await scenarioAdmin({ rate: { requests: 2, perMs: 1000, retryAfterSeconds: 1 } });
    const { events, stats } = await collect(apiSource(admin.url), q({ runId: ['ml/production/fz3k9q2m1x', 'ml/production/r01'] }));
    expect(events.map((e) => e.id).sort()).toEqual([...specEvents(FZ3), ...specEvents(ML_RUNS[0])].map((e) => e.id).sort());
    const throttled = admin.requests.filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThanOrEqual(1);
    expect(stats.throttled).toBe(throttled.length);
    expect(stats.requests).toBe(admin.requests.length);
  });

  it('surfaces a 500 as UPSTREAM_ERROR with the server’s message', async () => {
    admin = await scenarioAdmin();
    admin.failWith = { status: 500, code: 13, message: 'failed database operation: connection refused' };
    const err = (await collect(apiSource(admin.url), q()).catch((e: unknown) => e)) as SourceError;
    expect(err).toBeInstanceOf(SourceError);
    expect(err.code).toBe('UPSTREAM_ERROR');
    expect(err.message).toContain('HTTP 500 (gRPC code 13): failed database operation: connection refused');
  });

  it('surfaces a refused filter as INVALID_REQUEST with flyteadmin’s message', async () => {
    admin = await scenarioAdmin();
    const client = new FlyteAdminClient({ sourceId: 'flyte', endpoint: admin.url });
    const ctx = { signal: new AbortController().signal, stats: newSourceStats() };
    const err = (await client.listExecutions(ML, { limit: 5, filters: ['bogus(phase,FAILED)'] }, ctx).catch((e: unknown) => e)) as SourceError;
    expect(err.code).toBe('INVALID_REQUEST');
    expect(err.message).toContain('unrecognized filter function: bogus');
    const badColumn = (await client.listExecutions(ML, { limit: 5, filters: ['eq(launch_plan.name,x)'] }, ctx).catch((e: unknown) => e)) as SourceError;
    expect(badColumn.code).toBe('INVALID_REQUEST');
    expect(badColumn.message).toContain("'launch_plan' entity is not allowed in filters");
  });

  it('reports a closed port as UNREACHABLE', async () => {
    const port = await closedPort();
    const source = apiSource(`http://127.0.0.1:${port}`);
    const err = (await collect(source, q()).catch((e: unknown) => e)) as SourceError;
    expect(err.code).toBe('UNREACHABLE');
    expect(err.message).toContain('ECONNREFUSED');
    expect((await source.health()).ok).toBe(false);
  });

  it('plans without calling Flyte Admin', async () => {
    admin = await scenarioAdmin();
    const detail = await apiSource(admin.url).plan(q({ outcome: [Outcome.FAILURE] }));
    expect(admin.requests).toHaveLength(0);
    expect(detail.request).toContain('/api/v1/executions/ml/production?limit=3');
    expect(detail.request).toContain('+value_in(state,0;1)+value_in(phase,FAILED;ABORTED;TIMED_OUT)&sort_by.key=execution_updated_at');
    expect(detail.notes.join(' ')).toContain('archived executions are included');
  });
});

describe('flyte api: runs', () => {
  let admin: FakeFlyteAdmin;
  let source: FlyteSource;
  beforeAll(async () => {
    admin = await scenarioAdmin();
    source = apiSource(admin.url);
  });
  afterAll(async () => {
    await admin.stop();
  });

  it('gets one run with the pods of its tasks, nested nodes included, launch-plan children left to their run', async () => {
    const run = await source.runs.getRun('ml', 'production', FZ3.name);
    expect(run).toMatchObject({
      runId: 'ml/production/fz3k9q2m1x',
      phase: 'ABORTED',
      principal: 'alice@example.com',
      mode: 'MANUAL',
      namespace: 'ml-production',
      serviceAccount: 'ml-training',
      abort: { cause: 'suspicious activity', principal: 'bob@example.com' },
      launchPlan: { project: 'ml', domain: 'production', name: 'ml.train.train_pipeline', version: 'v1' },
      podsResolved: true,
    });
    expect(run?.createdAt.toISOString()).toBe('2026-03-14T09:10:00.120Z');
    expect(run?.endedAt?.toISOString()).toBe('2026-03-14T09:47:00.000Z');
    expect(run?.pods).toEqual(['fz3k9q2m1x-n0-0', 'fz3k9q2m1x-n0-1', 'fz3k9q2m1x-n1-0', 'fz3k9q2m1x-n1-0-dn0-0']);
    expect(admin.requests.some((r) => r.path === '/api/v1/task_executions/ml/production/fz3k9q2m1x/n2')).toBe(false);
    expect(admin.requests.some((r) => r.query.get('unique_parent_id') === 'n1')).toBe(true);
  });

  it('gets the full error message that lists trim', async () => {
    const run = await source.runs.getRun('ml', 'production', 'r02');
    expect(run?.error).toEqual({ code: 'USER:ValueError', message: LONG_ERROR, kind: 'USER' });
    const { events } = await collect(source, q({ runId: ['ml/production/r02'], outcome: [Outcome.FAILURE] }));
    expect(events[0].outcomeReason).toBe(`USER:ValueError: ${LONG_ERROR.slice(0, 100)}`);
  });

  it('answers null for a run Flyte Admin does not have', async () => {
    expect(await source.runs.getRun('ml', 'production', 'nosuchrun')).toBeNull();
  });

  it('lists node and task executions of a run', async () => {
    const nodes = await source.runs.nodeExecutions({ ...ML, name: FZ3.name });
    expect(nodes.map((n) => [n.nodeId, n.parentNodeId, n.isParent])).toEqual([
      ['n0', undefined, false],
      ['n1', undefined, true],
      ['n1-0-dn0', 'n1', false],
      ['n2', undefined, false],
    ]);
    expect(nodes[3].childRun).toEqual({ ...ML, name: 'childrun1' });
    const tasks = await source.runs.taskExecutions({ ...ML, name: FZ3.name }, 'n0');
    expect(tasks.map((t) => [t.retryAttempt, t.pods])).toEqual([
      [0, ['fz3k9q2m1x-n0-0']],
      [1, ['fz3k9q2m1x-n0-1']],
    ]);
  });

  it('lists the runs created in a window, oldest first across projects, filtered upstream by principal', async () => {
    admin.requests.length = 0;
    const runs = [];
    for await (const r of source.runs.listRuns(DAY, { principal: ['alice@example.com'] })) runs.push(r.runId);
    expect(runs).toEqual(['ml/production/r01', 'ml/production/fz3k9q2m1x', 'ml/production/run05']);
    for (const r of admin.listRequests()) expect(r.query.get('filters')).toContain('+eq(user,alice@example.com)');
    const all = [];
    for await (const r of source.runs.listRuns(DAY)) all.push(r);
    expect(all.map((r) => r.createdAt.getTime())).toEqual([...all.map((r) => r.createdAt.getTime())].sort((a, b) => a - b));
    expect(all.map((r) => r.runId)).toContain('data/development/f0800');
    expect(all.every((r) => !r.podsResolved)).toBe(true);
  });
});
