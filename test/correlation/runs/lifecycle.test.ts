import { podsOf } from '../../../src/correlation/runs/detail';
import { nodeEvents, runLifecycle, taskEvents } from '../../../src/correlation/runs/lifecycle';
import { ActorType, EventCategory, Outcome, type JsonValue } from '../../../src/domain';
import { readExecution } from '../../../src/sources/flyte/normalize';
import { readNodeExecution, readTaskExecution } from '../../../src/sources/flyte/runs';
import { restExecution } from '../../sources/flyte/fixtures';
import { at, nodeExecution, taskExecution } from './scenario';

const CTX = { sourceId: 'flyte', account: 'flyte.example.com' };
const ID = { project: 'ml', domain: 'production', name: 'arun00001' };
const run = readExecution(
  restExecution({ ...ID, principal: 'alice@example.com', created: at('10:08:00'), started: at('10:08:05'), updated: at('10:40:00.200'), phase: 'ABORTED', abort: { cause: 'suspicious activity', principal: 'bob@example.com' } }),
);

/** A record read as the runs API reads it: parsed, with the record kept as `raw`. */
function node(record: Record<string, unknown>) {
  return { ...readNodeExecution(record, run.id), raw: record as JsonValue };
}
function task(record: Record<string, unknown>) {
  return { ...readTaskExecution(record, run.id), raw: record as JsonValue };
}

describe('node execution events', () => {
  it('gives queued, running and the terminal phase, by the propeller, with the record as raw', () => {
    const record = nodeExecution(ID, 'n0', 'ABORTED', at('10:08:06'), at('10:10:05'), at('10:40:00.100'));
    const events = nodeEvents(node(record), run, CTX);
    expect(events.map((e) => [e.id, e.time.toISOString(), e.action, e.rawAction, e.outcome])).toEqual([
      ['ml/production/arun00001#node/n0/queued', '2026-03-14T10:08:06.000Z', 'node.queued', 'QUEUED', Outcome.SUCCESS],
      ['ml/production/arun00001#node/n0/running', '2026-03-14T10:10:05.000Z', 'node.running', 'RUNNING', Outcome.SUCCESS],
      ['ml/production/arun00001#node/n0/aborted', '2026-03-14T10:40:00.100Z', 'node.aborted', 'ABORTED', Outcome.FAILURE],
    ]);
    for (const e of events) {
      expect(e).toMatchObject({ sourceId: 'flyte', sourceType: 'flyte', runId: 'ml/production/arun00001', category: EventCategory.API_ACTIVITY, ocsfClassUid: 6003 });
      expect(e.actor).toEqual({ name: 'flytepropeller', type: ActorType.SYSTEM, aliases: [] });
      expect(e.raw).toBe(record);
      expect(e.cloud).toEqual({ provider: 'flyte', account: 'flyte.example.com' });
      expect(e.targets).toContainEqual({ type: 'NodeExecution', name: 'n0', uid: 'ml/production/arun00001/n0' });
    }
  });

  it('leaves out stages a node has not reached, and marker nodes altogether', () => {
    const failedBeforeStart = node(nodeExecution(ID, 'n1', 'FAILED', at('10:30:05'), null, at('10:30:10'), { code: 'SYSTEM:ResourceQuota', message: 'exceeded quota', kind: 'SYSTEM' }));
    const events = nodeEvents(failedBeforeStart, run, CTX);
    expect(events.map((e) => e.action)).toEqual(['node.queued', 'node.failed']);
    expect(events[1].outcomeReason).toBe('SYSTEM:ResourceQuota: exceeded quota');
    const running = node(nodeExecution(ID, 'n2', 'RUNNING', at('10:31:00'), at('10:31:04'), at('10:31:04')));
    expect(nodeEvents(running, run, CTX).map((e) => e.action)).toEqual(['node.queued', 'node.running']);
    expect(nodeEvents(node(nodeExecution(ID, 'start-node', 'SUCCEEDED', at('10:08:05'), at('10:08:05'), at('10:08:05'))), run, CTX)).toEqual([]);
    expect(nodeEvents(node(nodeExecution(ID, 'end-node', 'SUCCEEDED', at('10:40:00'), at('10:40:00'), at('10:40:00'))), run, CTX)).toEqual([]);
  });

  it('a scheduled run makes scheduled-job events; a skipped node is neither success nor failure', () => {
    const scheduled = { ...run, mode: 'SCHEDULED' };
    const [queued, skipped] = nodeEvents(node(nodeExecution(ID, 'n3', 'SKIPPED', at('10:09:00'), null, at('10:09:01'))), scheduled, CTX);
    expect(queued.category).toBe(EventCategory.SCHEDULED_JOB);
    expect(queued.ocsfClassUid).toBe(1006);
    expect(skipped.outcome).toBe(Outcome.UNKNOWN);
  });

  it('keeps a parsed record as raw when the record itself was not kept', () => {
    const parsed = readNodeExecution(nodeExecution(ID, 'n0', 'SUCCEEDED', at('10:08:06'), at('10:10:05'), at('10:20:00')), run.id);
    const [first] = nodeEvents(parsed, run, CTX);
    expect(first.raw).toMatchObject({ nodeId: 'n0', phase: 'SUCCEEDED', createdAt: '2026-03-14T10:08:06.000Z' });
  });
});

describe('task execution events', () => {
  it('names the attempt and its pods (typed like Kubernetes pods), and why a failed attempt failed', () => {
    const oom = { code: 'USER:OOMKilled', message: '[primary] terminated with exit code (137). Reason [OOMKilled].', kind: 'USER' };
    const events = taskEvents(task(taskExecution(ID, 'n0', 0, 'arun00001-n0-0', 'FAILED', at('10:10:00'), at('10:10:05'), at('10:12:00'), oom)), run, CTX);
    expect(events.map((e) => [e.id, e.action, e.outcome])).toEqual([
      ['ml/production/arun00001#task/n0/0/queued', 'task.queued', Outcome.SUCCESS],
      ['ml/production/arun00001#task/n0/0/running', 'task.running', Outcome.SUCCESS],
      ['ml/production/arun00001#task/n0/0/failed', 'task.failed', Outcome.FAILURE],
    ]);
    expect(events[2].outcomeReason).toBe('USER:OOMKilled: [primary] terminated with exit code (137). Reason [OOMKilled].');
    expect(events[0].targets).toEqual([
      { type: 'Execution', name: 'ml/production/arun00001', uid: 'arun00001', namespace: 'ml-production' },
      { type: 'TaskExecution', name: 'n0 attempt 0', uid: 'ml/production/arun00001/n0/0' },
      { type: 'Task', name: 'ml.tasks.train_model', uid: 'v7' },
      { type: 'pods', name: 'arun00001-n0-0', namespace: 'ml-production' },
    ]);
  });

  it('an attempt still queued has one event', () => {
    const queued = task(taskExecution(ID, 'n0', 2, 'arun00001-n0-2', 'QUEUED', at('10:39:00'), null, at('10:39:00')));
    expect(taskEvents(queued, run, CTX).map((e) => e.action)).toEqual(['task.queued']);
  });
});

describe('the whole lifecycle', () => {
  const nodes = [
    node(nodeExecution(ID, 'start-node', 'SUCCEEDED', at('10:08:05'), at('10:08:05'), at('10:08:05'))),
    node(nodeExecution(ID, 'n0', 'ABORTED', at('10:08:06'), at('10:10:05'), at('10:40:00.100'))),
  ];
  const tasks = [
    task(taskExecution(ID, 'n0', 0, 'arun00001-n0-0', 'FAILED', at('10:10:00'), at('10:10:05'), at('10:12:00'))),
    task(taskExecution(ID, 'n0', 1, 'arun00001-n0-1', 'ABORTED', at('10:12:30'), at('10:12:34'), at('10:40:00'))),
  ];

  it('holds the execution, node and task events oldest first, ties by id', () => {
    const events = runLifecycle(run, nodes, tasks, CTX);
    expect(events.map((e) => `${e.time.toISOString().slice(11, 23)} ${e.action} ${e.actor.name}`)).toEqual([
      '10:08:00.000 execution.created alice@example.com',
      '10:08:05.000 execution.started flytepropeller',
      '10:08:06.000 node.queued flytepropeller',
      '10:10:00.000 task.queued flytepropeller',
      '10:10:05.000 node.running flytepropeller',
      '10:10:05.000 task.running flytepropeller',
      '10:12:00.000 task.failed flytepropeller',
      '10:12:30.000 task.queued flytepropeller',
      '10:12:34.000 task.running flytepropeller',
      '10:40:00.000 task.aborted flytepropeller',
      '10:40:00.100 node.aborted flytepropeller',
      '10:40:00.200 execution.aborted bob@example.com',
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events.find((e) => e.action === 'execution.aborted')?.outcomeReason).toBe('suspicious activity');
  });

  it("finds the run's pods with their lives, and leaves a launch-plan node's pods to its child run", () => {
    const child = node({ ...nodeExecution(ID, 'n1', 'SUCCEEDED', at('10:20:00'), at('10:20:01'), at('10:25:00')) });
    const withChild = [...nodes, { ...child, childRun: { project: 'ml', domain: 'production', name: 'childrun1' } }];
    const childTask = task(taskExecution(ID, 'n1', 0, 'childrun1-n0-0', 'SUCCEEDED', at('10:20:02'), at('10:20:03'), at('10:24:00')));
    const running = task(taskExecution(ID, 'n0', 2, 'arun00001-n0-2', 'RUNNING', at('10:39:00'), at('10:39:03'), at('10:39:03')));
    const pods = podsOf(withChild, [...tasks, childTask, running, tasks[0]], 'ml-production');
    expect(pods.map((p) => [p.name, p.nodeId, p.retryAttempt, p.from?.toISOString(), p.to?.toISOString()])).toEqual([
      ['arun00001-n0-0', 'n0', 0, '2026-03-14T10:10:00.000Z', '2026-03-14T10:12:00.000Z'],
      ['arun00001-n0-1', 'n0', 1, '2026-03-14T10:12:30.000Z', '2026-03-14T10:40:00.000Z'],
      ['arun00001-n0-2', 'n0', 2, '2026-03-14T10:39:00.000Z', undefined],
    ]);
  });
});
