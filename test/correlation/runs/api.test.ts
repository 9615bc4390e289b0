import { ConfigNode } from '../../../src/config/fields';
import { AmbiguousRunError, RunService } from '../../../src/correlation/runs';
import { AuditgraphError, ErrorCode } from '../../../src/domain';
import { QueryEngine } from '../../../src/query/engine';
import { flyteDefinition } from '../../../src/sources/flyte';
import type { FlyteSource } from '../../../src/sources/flyte/runs';
import { testDeps } from '../../helpers/deps';
import { FakeFlyteAdmin } from '../../sources/flyte/fake-flyteadmin';
import { restExecution } from '../../sources/flyte/fixtures';
import { DATA, FZ3, ML, fz3Nodes } from '../../sources/flyte/scenario';

/**
 * Runs over Flyte Admin's REST API (the live mode), against the loopback Flyte Admin the source's own tests use:
 * what resolving a run and reading its lifecycle ask of it, with the bearer token on every request.
 */

const TOKEN = 'runs-test-token';
process.env.AUDITGRAPH_RUNS_TEST_FLYTE_TOKEN = TOKEN;

function apiSource(endpoint: string): FlyteSource {
  const node = ConfigNode.of(
    { id: 'flyte', type: 'flyte', mode: 'api', endpoint, tokenEnv: 'AUDITGRAPH_RUNS_TEST_FLYTE_TOKEN', projects: [{ project: 'ml', domains: ['production'] }, { project: 'data', domains: ['development'] }], rateLimitPerSecond: 1000 },
    'sources[0]',
  );
  return flyteDefinition.create(node, { id: 'flyte', mode: 'api' }, testDeps()) as FlyteSource;
}

let admin: FakeFlyteAdmin;
let runs: RunService;

beforeEach(async () => {
  admin = await new FakeFlyteAdmin({ token: TOKEN }).start();
  admin.addExecution(restExecution(FZ3));
  admin.addExecution(restExecution({ ...ML, name: 'twin01', principal: 'erin@example.com', created: '2026-03-14T11:00:00Z', phase: 'RUNNING' }));
  admin.addExecution(restExecution({ ...DATA, name: 'twin01', mode: 'SCHEDULED', created: '2026-03-14T11:30:00Z', phase: 'QUEUED' }));
  const { nodes, tasks } = fz3Nodes();
  admin.addNodes(`ml/production/${FZ3.name}`, nodes);
  for (const [nodeId, list] of Object.entries(tasks)) admin.addTasks(`ml/production/${FZ3.name}`, nodeId, list);
  runs = new RunService({ engine: new QueryEngine([apiSource(admin.url)], { cursorSecret: 's' }), cursorSecret: 's' });
});
afterEach(async () => {
  await admin.stop();
});

const paths = () => admin.requests.map((r) => `${r.status} ${r.path}`);

describe('runs over Flyte Admin', () => {
  it('a full id costs one GET; a bare name one GET per configured project/domain, a 404 meaning "not here"', async () => {
    const full = await runs.resolve('ml/production/fz3k9q2m1x');
    expect(full?.run.abort).toEqual({ cause: 'suspicious activity', principal: 'bob@example.com' });
    expect(paths()).toEqual(['200 /api/v1/executions/ml/production/fz3k9q2m1x']);
    admin.requests.length = 0;
    const bare = await runs.resolve('fz3k9q2m1x');
    expect(bare?.run.runId).toBe('ml/production/fz3k9q2m1x');
    expect(paths()).toEqual(['200 /api/v1/executions/ml/production/fz3k9q2m1x', '404 /api/v1/executions/data/development/fz3k9q2m1x']);
    expect(admin.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(await runs.resolve('nosuchrun')).toBeNull();
  });

  it('a bare name two projects have is ambiguous', async () => {
    const err = await runs.resolve('twin01').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmbiguousRunError);
    expect((err as AmbiguousRunError).candidates).toEqual(['flyte:data/development/twin01', 'flyte:ml/production/twin01']);
  });

  it("reads the run's nodes and each task node's attempts once, keeping the records as read", async () => {
    const handle = await runs.resolve('ml/production/fz3k9q2m1x');
    if (!handle) throw new Error('no run');
    admin.requests.length = 0;
    const detail = await runs.detail(handle);
    await runs.detail(handle); // asked again in the same request: not read again
    // the top-level nodes, then the dynamic node n1's children (unique_parent_id=n1), then each task node's attempts
    expect(paths()).toEqual([
      '200 /api/v1/node_executions/ml/production/fz3k9q2m1x',
      '200 /api/v1/node_executions/ml/production/fz3k9q2m1x',
      '200 /api/v1/task_executions/ml/production/fz3k9q2m1x/n0',
      '200 /api/v1/task_executions/ml/production/fz3k9q2m1x/n1',
      '200 /api/v1/task_executions/ml/production/fz3k9q2m1x/n1-0-dn0',
    ]);
    // the dynamic node's own task and its child's ran in the run's pods; the launch-plan node's belong to its child run
    expect(detail.pods.map((p) => p.name)).toEqual(['fz3k9q2m1x-n0-0', 'fz3k9q2m1x-n0-1', 'fz3k9q2m1x-n1-0', 'fz3k9q2m1x-n1-0-dn0-0']);
    const retried = detail.lifecycle.find((e) => e.id === 'ml/production/fz3k9q2m1x#task/n0/1/succeeded');
    expect(retried?.raw).toEqual(fz3Nodes().tasks.n0[1]);
    expect(retried?.cloud).toEqual({ provider: 'flyte', account: new URL(admin.url).host });
  });

  it('an upstream failure is an error, never "no such run"', async () => {
    admin.failWith = { status: 500, code: 13, message: 'failed database operation: connection refused' };
    const err = await runs.resolve('fz3k9q2m1x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuditgraphError);
    expect((err as AuditgraphError).code).toBe(ErrorCode.ALL_SOURCES_FAILED);
    expect((err as Error).message).toMatch(/flyte: UPSTREAM_ERROR: .*HTTP 500.*failed database operation/);
  });
});
