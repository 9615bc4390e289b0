import { ActorType, AliasKind, EventCategory, Outcome } from '../../../src/domain';
import { lifecycleEvents, normalizeExecution, principalActor, readExecution } from '../../../src/sources/flyte/normalize';
import { readNodeExecution, readTaskExecution } from '../../../src/sources/flyte/runs';
import { restExecution, restNodeExecution, restTaskExecution, toUctl, uctlExecution, type Json, type JsonObject, type RunSpec } from './fixtures';

const ctx = { sourceId: 'flyte-prod', account: 'flyte.example.com' };

const alicesRun: RunSpec = {
  project: 'ml',
  domain: 'production',
  name: 'a1b2c3d4e5',
  principal: 'alice@example.com',
  launchPlan: 'ml.train.train_pipeline',
  version: 'abc123',
  created: '2026-03-14T08:00:00.123456789Z',
  started: '2026-03-14T08:00:05.5Z',
  updated: '2026-03-14T08:20:00Z',
  duration: '1194.500s',
  phase: 'SUCCEEDED',
  serviceAccount: 'ml-training',
};

describe('Flyte normalization: lifecycle events of one execution', () => {
  it('turns a manual run that succeeded into created, started and succeeded events', () => {
    const raw = restExecution(alicesRun);
    const events = normalizeExecution(raw, ctx);
    expect(events.map((e) => [e.id, e.action, e.time.toISOString(), e.outcome])).toEqual([
      ['ml/production/a1b2c3d4e5#created', 'execution.created', '2026-03-14T08:00:00.123Z', Outcome.SUCCESS],
      ['ml/production/a1b2c3d4e5#started', 'execution.started', '2026-03-14T08:00:05.500Z', Outcome.SUCCESS],
      ['ml/production/a1b2c3d4e5#succeeded', 'execution.succeeded', '2026-03-14T08:20:00.000Z', Outcome.SUCCESS],
    ]);
    const [created, started, done] = events;
    expect(created.actor).toEqual({
      name: 'alice@example.com',
      type: ActorType.USER,
      uid: 'alice@example.com',
      aliases: [
        { kind: AliasKind.FLYTE_PRINCIPAL, value: 'alice@example.com', field: 'spec.metadata.principal' },
        { kind: AliasKind.EMAIL, value: 'alice@example.com', field: 'spec.metadata.principal' },
      ],
    });
    expect(created.rawAction).toBe('CreateExecution');
    expect(started.actor).toMatchObject({ name: 'flytepropeller', type: ActorType.SYSTEM });
    expect(done.actor).toMatchObject({ name: 'flytepropeller', type: ActorType.SYSTEM });
    expect(done.rawAction).toBe('SUCCEEDED');
    for (const e of events) {
      expect(e.category).toBe(EventCategory.API_ACTIVITY);
      expect(e.ocsfClassUid).toBe(6003);
      expect(e.runId).toBe('ml/production/a1b2c3d4e5');
      expect(e.correlationId).toBe('ml/production/a1b2c3d4e5');
      expect(e.cloud).toEqual({ provider: 'flyte', account: 'flyte.example.com' });
      expect(e.sourceId).toBe('flyte-prod');
      expect(e.sourceType).toBe('flyte');
      expect(e.raw).toBe(raw);
      expect(e.sourceIp).toBeUndefined();
    }
    expect(created.targets).toEqual([
      { type: 'Execution', name: 'ml/production/a1b2c3d4e5', uid: 'a1b2c3d4e5', namespace: 'ml-production' },
      { type: 'LaunchPlan', name: 'ml.train.train_pipeline', uid: 'abc123' },
      { type: 'Workflow', name: 'ml.train.wf', uid: 'abc123' },
      { type: 'ServiceAccount', name: 'ml-training', namespace: 'ml-production' },
    ]);
  });

  it('files a scheduled run without principal under the scheduler, as a scheduled job', () => {
    const events = normalizeExecution(
      restExecution({ project: 'data', domain: 'production', name: 'fhourly0900', mode: 'SCHEDULED', launchPlan: 'data.etl.hourly', created: '2026-03-14T09:00:00.004Z', started: '2026-03-14T09:00:02Z', updated: '2026-03-14T09:03:00Z', phase: 'SUCCEEDED' }),
      ctx,
    );
    expect(events).toHaveLength(3);
    expect(events[0].actor).toEqual({ name: 'flyte-scheduler', type: ActorType.SYSTEM, aliases: [] });
    for (const e of events) {
      expect(e.category).toBe(EventCategory.SCHEDULED_JOB);
      expect(e.ocsfClassUid).toBe(1006);
    }
  });

  it('reports a failed run with its error code and message', () => {
    const events = normalizeExecution(
      restExecution({ ...alicesRun, name: 'failedrun01', phase: 'FAILED', error: { code: 'USER:ValueError', message: 'Error encountered while executing train: bad input', kind: 'USER' } }),
      ctx,
    );
    const last = events[events.length - 1];
    expect(last.id).toBe('ml/production/failedrun01#failed');
    expect(last.action).toBe('execution.failed');
    expect(last.outcome).toBe(Outcome.FAILURE);
    expect(last.outcomeReason).toBe('USER:ValueError: Error encountered while executing train: bad input');
    expect(readExecution(restExecution({ ...alicesRun, phase: 'FAILED', error: { code: 'SYSTEM:Unknown', message: 'oom', kind: 'SYSTEM' } })).error).toEqual({ code: 'SYSTEM:Unknown', message: 'oom', kind: 'SYSTEM' });
  });

  it('names who aborted a run, with the cause', () => {
    const events = normalizeExecution(
      restExecution({
        project: 'ml', domain: 'production', name: 'fz3k9q2m1x', principal: 'alice@example.com', created: '2026-03-14T09:10:00Z', started: '2026-03-14T09:10:30Z',
        updated: '2026-03-14T09:47:00Z', phase: 'ABORTED', abort: { cause: 'suspicious activity', principal: 'bob@example.com' },
      }),
      ctx,
    );
    const aborted = events[2];
    expect(aborted.id).toBe('ml/production/fz3k9q2m1x#aborted');
    expect(aborted.action).toBe('execution.aborted');
    expect(aborted.outcome).toBe(Outcome.FAILURE);
    expect(aborted.outcomeReason).toBe('suspicious activity');
    expect(aborted.time.toISOString()).toBe('2026-03-14T09:47:00.000Z');
    expect(aborted.actor.name).toBe('bob@example.com');
    expect(aborted.actor.type).toBe(ActorType.USER);
    expect(aborted.actor.aliases).toContainEqual({ kind: AliasKind.FLYTE_PRINCIPAL, value: 'bob@example.com', field: 'closure.abort_metadata.principal' });
    // the launcher stays on the created event
    expect(events[0].actor.name).toBe('alice@example.com');
  });

  it('reads the cause of runs aborted before abort_metadata existed', () => {
    const raw = restExecution({ ...alicesRun, phase: 'ABORTED' });
    (raw.closure as JsonObject).abort_cause = 'cancelled from the console';
    const aborted = normalizeExecution(raw, ctx)[2];
    expect(aborted.outcomeReason).toBe('cancelled from the console');
    expect(aborted.actor).toMatchObject({ name: 'flytepropeller', type: ActorType.SYSTEM });
  });

  it('gives a run still going only the stages it reached', () => {
    const running = normalizeExecution(restExecution({ ...alicesRun, name: 'stillgoing', phase: 'RUNNING', updated: '2026-03-14T08:00:05.5Z' }), ctx);
    expect(running.map((e) => e.action)).toEqual(['execution.created', 'execution.started']);
    const queued = normalizeExecution(restExecution({ ...alicesRun, name: 'queued', phase: 'QUEUED', started: undefined, updated: undefined }), ctx);
    expect(queued.map((e) => e.action)).toEqual(['execution.created']);
    const aborting = readExecution(restExecution({ ...alicesRun, phase: 'ABORTING', abort: { cause: 'stop', principal: 'bob@example.com' } }));
    expect(lifecycleEvents(aborting, ctx).map((e) => e.action)).toEqual(['execution.created', 'execution.started']);
    expect(aborting.abort).toEqual({ cause: 'stop', principal: 'bob@example.com' });
  });

  it('reports a timeout as a failure', () => {
    const last = normalizeExecution(restExecution({ ...alicesRun, phase: 'TIMED_OUT' }), ctx)[2];
    expect(last.action).toBe('execution.timed_out');
    expect(last.id).toBe('ml/production/a1b2c3d4e5#timed_out');
    expect(last.outcome).toBe(Outcome.FAILURE);
    expect(last.outcomeReason).toBe('TIMED_OUT');
  });

  it('reads uctl camelCase output (zero values omitted) exactly as the REST snake_case record', () => {
    const specs: RunSpec[] = [
      alicesRun,
      { project: 'data', domain: 'development', name: 'fsched01', mode: 'SCHEDULED', created: '2026-03-14T10:00:00Z', started: '2026-03-14T10:00:01Z', updated: '2026-03-14T10:05:00Z', phase: 'FAILED', error: { code: 'USER:Boom', message: 'boom' } },
      { ...alicesRun, name: 'fz3k9q2m1x', phase: 'ABORTED', abort: { cause: 'suspicious activity', principal: 'bob@example.com' } },
      { ...alicesRun, name: 'neverran', phase: 'UNDEFINED', started: undefined, updated: undefined },
    ];
    for (const spec of specs) {
      const rest = restExecution(spec);
      const uctl = uctlExecution(spec);
      expect(JSON.stringify(uctl)).not.toMatch(/"[a-z0-9]+_[a-z0-9_]*":/); // really camelCase: no snake_case key left
      if (!spec.mode) expect(uctl).not.toHaveProperty('spec.metadata.mode');
      const strip = (events: ReturnType<typeof normalizeExecution>) => events.map((e) => ({ ...e, raw: null }));
      expect(strip(normalizeExecution(uctl, ctx))).toEqual(strip(normalizeExecution(rest, ctx)));
    }
    // MANUAL is omitted by uctl and still read as MANUAL; UNDEFINED likewise
    expect(readExecution(uctlExecution(alicesRun)).mode).toBe('MANUAL');
    expect(readExecution(uctlExecution({ ...alicesRun, phase: 'UNDEFINED', started: undefined })).phase).toBe('UNDEFINED');
  });

  it('accepts enums as numbers and timestamps with offsets or as {seconds, nanos}', () => {
    const raw = restExecution(alicesRun) as { [k: string]: Json };
    const closure = raw.closure as JsonObject;
    closure.phase = 6; // FAILED
    closure.created_at = '2026-03-14T10:00:00.5+02:00';
    closure.updated_at = { seconds: '1773480000', nanos: 250000000 };
    ((raw.spec as JsonObject).metadata as JsonObject).mode = 1; // SCHEDULED
    const run = readExecution(raw);
    expect(run.phase).toBe('FAILED');
    expect(run.mode).toBe('SCHEDULED');
    expect(run.createdAt.toISOString()).toBe('2026-03-14T08:00:00.500Z');
    expect(run.endedAt?.toISOString()).toBe(new Date(1773480000250).toISOString());
  });

  it('falls back to started + duration for the end of a finished run without updated_at', () => {
    const raw = toUctl(restExecution(alicesRun)) as JsonObject;
    delete (raw.closure as JsonObject).updatedAt;
    const events = normalizeExecution(raw, ctx);
    expect(events[2].time.toISOString()).toBe('2026-03-14T08:20:00.000Z');
  });

  it('refuses records that cannot make an event', () => {
    const noClosure = restExecution(alicesRun);
    delete noClosure.closure;
    expect(() => normalizeExecution(noClosure, ctx)).toThrow(/no closure/);
    const noCreated = restExecution(alicesRun);
    (noCreated.closure as JsonObject).created_at = null;
    expect(() => normalizeExecution(noCreated, ctx)).toThrow(/created_at/);
    const badTime = restExecution(alicesRun);
    (badTime.closure as JsonObject).created_at = 'yesterday';
    expect(() => normalizeExecution(badTime, ctx)).toThrow(/timestamp/);
    const noEnd = restExecution({ ...alicesRun, duration: undefined });
    (noEnd.closure as JsonObject).updated_at = null;
    expect(() => normalizeExecution(noEnd, ctx)).toThrow(/updated_at/);
    const noId = restExecution(alicesRun);
    (noId.id as JsonObject).name = '';
    expect(() => normalizeExecution(noId, ctx)).toThrow(/id/);
    expect(() => normalizeExecution('not a record', ctx)).toThrow();
  });
});

describe('Flyte principals', () => {
  it('types principals by their shape and keeps every alias with its field', () => {
    expect(principalActor('00u1alice00000000001', 'f', 'x')).toEqual({
      name: '00u1alice00000000001',
      type: ActorType.USER,
      uid: '00u1alice00000000001',
      aliases: [
        { kind: AliasKind.FLYTE_PRINCIPAL, value: '00u1alice00000000001', field: 'f' },
        { kind: AliasKind.OKTA_USER_ID, value: '00u1alice00000000001', field: 'f' },
      ],
    });
    expect(principalActor('ci-deployer', 'f', 'x').type).toBe(ActorType.SERVICE_ACCOUNT);
    const sa = principalActor('system:serviceaccount:flyte:flytepropeller', 'f', 'x');
    expect(sa.type).toBe(ActorType.SERVICE_ACCOUNT);
    expect(sa.aliases).toContainEqual({ kind: AliasKind.K8S_SERVICE_ACCOUNT, value: 'system:serviceaccount:flyte:flytepropeller', field: 'f' });
    expect(principalActor('flytepropeller', 'f', 'x').type).toBe(ActorType.SYSTEM);
    expect(principalActor(undefined, 'f', 'flyteadmin')).toEqual({ name: 'flyteadmin', type: ActorType.SYSTEM, aliases: [] });
  });
});

describe('Flyte node and task executions', () => {
  const run = { project: 'ml', domain: 'production', name: 'fz3k9q2m1x' };

  it('reads a node execution, REST or uctl', () => {
    const rest = restNodeExecution(run, { nodeId: 'n1', created: '2026-03-14T09:10:31Z', isParent: true, phase: 'RUNNING' });
    const node = readNodeExecution(rest, run);
    expect(node).toMatchObject({ nodeId: 'n1', phase: 'RUNNING', isParent: true, isDynamic: true, specNodeId: 'n1' });
    expect(readNodeExecution(toUctl(rest), run)).toEqual(node);
    const launched = readNodeExecution(restNodeExecution(run, { nodeId: 'n2', created: '2026-03-14T09:11:00Z', childRun: { project: 'ml', domain: 'production', name: 'child1' } }), run);
    expect(launched.childRun).toEqual({ project: 'ml', domain: 'production', name: 'child1' });
    expect(() => readNodeExecution({ closure: {} }, run)).toThrow(/node_id/);
  });

  it('finds the pods of a task execution in its log context, else in the generated name', () => {
    const withContext = readTaskExecution(restTaskExecution(run, 'n0', 0, { name: 'fz3k9q2m1x-n0-0', namespace: 'ml-production' }, '2026-03-14T09:10:40Z'), run);
    expect(withContext).toMatchObject({ nodeId: 'n0', retryAttempt: 0, phase: 'SUCCEEDED', pods: ['fz3k9q2m1x-n0-0'], namespace: 'ml-production', taskType: 'python-task' });
    expect(withContext.task).toEqual({ project: 'ml', domain: 'production', name: 'ml.tasks.train', version: 'v1' });
    expect(withContext.logs[0].uri).toContain('fz3k9q2m1x-n0-0');
    const older = readTaskExecution(restTaskExecution(run, 'n0', 1, { generatedName: 'fz3k9q2m1x-n0-1' }, '2026-03-14T09:12:00Z'), run);
    expect(older.pods).toEqual(['fz3k9q2m1x-n0-1']);
    expect(older.retryAttempt).toBe(1);
    expect(readTaskExecution(toUctl(restTaskExecution(run, 'n0', 0, { name: 'p', namespace: 'ns' }, '2026-03-14T09:10:40Z')), run).pods).toEqual(['p']);
  });
});
