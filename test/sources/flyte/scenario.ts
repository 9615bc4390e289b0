import { restExecution, restNodeExecution, restTaskExecution, type JsonObject, type RunSpec } from './fixtures';

/**
 * A day on a Flyte deployment (2026-03-14, UTC): people's runs in ml/production, hourly schedules and a
 * service's run in data/development, a run that started the evening before, one archived in the console,
 * one still running, and alice's run that bob aborted.
 */
export const ML = { project: 'ml', domain: 'production' };
export const DATA = { project: 'data', domain: 'development' };

export const FZ3: RunSpec = {
  ...ML,
  name: 'fz3k9q2m1x',
  principal: 'alice@example.com',
  launchPlan: 'ml.train.train_pipeline',
  created: '2026-03-14T09:10:00.120000000Z',
  started: '2026-03-14T09:10:30.5Z',
  updated: '2026-03-14T09:47:00Z',
  duration: '2189.500s',
  phase: 'ABORTED',
  abort: { cause: 'suspicious activity', principal: 'bob@example.com' },
  serviceAccount: 'ml-training',
};

export const LONG_ERROR = `USER:ValueError: ${'x'.repeat(150)} at the end`;

export const ML_RUNS: RunSpec[] = [
  { ...ML, name: 'r01', principal: 'alice@example.com', created: '2026-03-14T07:50:00Z', started: '2026-03-14T07:51:00Z', updated: '2026-03-14T08:05:00Z', phase: 'SUCCEEDED' },
  { ...ML, name: 'r02', principal: 'bob@example.com', created: '2026-03-14T08:10:00Z', started: '2026-03-14T08:11:00Z', updated: '2026-03-14T08:20:00Z', phase: 'FAILED', error: { code: 'USER:ValueError', message: LONG_ERROR } },
  FZ3,
  { ...ML, name: 'long01', principal: 'carol@example.com', created: '2026-03-13T20:00:00Z', started: '2026-03-13T20:01:00Z', updated: '2026-03-14T08:30:00Z', phase: 'SUCCEEDED' },
  { ...ML, name: 'run05', principal: 'alice@example.com', created: '2026-03-14T09:30:00Z', started: '2026-03-14T09:31:00Z', updated: '2026-03-14T09:31:00Z', phase: 'RUNNING' },
];
/** archived in the console: ListExecutions hides it unless asked for both states */
export const ARCHIVED: RunSpec = { ...ML, name: 'a1', principal: 'dave@example.com', created: '2026-03-14T08:40:00Z', started: '2026-03-14T08:41:00Z', updated: '2026-03-14T08:50:00Z', phase: 'SUCCEEDED' };

export const DATA_RUNS: RunSpec[] = [
  { ...DATA, name: 'f0800', mode: 'SCHEDULED', launchPlan: 'data.etl.hourly', created: '2026-03-14T08:00:00.004Z', started: '2026-03-14T08:00:02Z', updated: '2026-03-14T08:03:00Z', phase: 'SUCCEEDED' },
  { ...DATA, name: 'f0900', mode: 'SCHEDULED', launchPlan: 'data.etl.hourly', created: '2026-03-14T09:00:00.007Z', started: '2026-03-14T09:00:03Z', updated: '2026-03-14T09:04:00Z', phase: 'SUCCEEDED' },
  { ...DATA, name: 't01', principal: 'ci-deployer', created: '2026-03-14T08:15:00Z', started: '2026-03-14T08:16:00Z', updated: '2026-03-14T09:16:00Z', phase: 'TIMED_OUT' },
];

/** A row whose closure lost its creation time: flyteadmin still has the row's columns. */
export function brokenRecord(): JsonObject {
  const raw = restExecution({ ...DATA, name: 'broken1', principal: 'eve@example.com', created: '2026-03-14T08:45:00Z', phase: 'QUEUED' });
  const closure = raw.closure as JsonObject;
  closure.created_at = null;
  closure.updated_at = null;
  return raw;
}

export const DAY = { from: new Date('2026-03-14T06:00:00Z'), to: new Date('2026-03-14T12:00:00Z') };
export const NOW = new Date('2026-03-15T00:00:00Z');

const SUFFIX: Record<string, string> = { SUCCEEDED: 'succeeded', FAILED: 'failed', ABORTED: 'aborted', TIMED_OUT: 'timed_out' };

/** The lifecycle events a run spec implies, worked out from the spec alone (the test's own oracle). */
export function specEvents(s: RunSpec): { id: string; time: number }[] {
  const key = `${s.project}/${s.domain}/${s.name}`;
  const out = [{ id: `${key}#created`, time: Date.parse(s.created) }];
  if (s.started) out.push({ id: `${key}#started`, time: Date.parse(s.started) });
  if (SUFFIX[s.phase] && s.updated) out.push({ id: `${key}#${SUFFIX[s.phase]}`, time: Date.parse(s.updated) });
  return out;
}

export function expectedIn(specs: RunSpec[], window: { from: Date; to: Date }): { id: string; time: number }[] {
  return specs.flatMap(specEvents).filter((e) => e.time >= window.from.getTime() && e.time < window.to.getTime());
}

export const ALL_SPECS = [...ML_RUNS, ARCHIVED, ...DATA_RUNS];

/** fz3k9q2m1x's nodes: a task node retried once, a dynamic node with a child task, a launch-plan node. */
export function fz3Nodes() {
  const run = { ...ML, name: FZ3.name };
  return {
    nodes: [
      { record: restNodeExecution(run, { nodeId: 'n0', created: '2026-03-14T09:10:31Z' }) },
      { record: restNodeExecution(run, { nodeId: 'n1', created: '2026-03-14T09:12:00Z', isParent: true }) },
      { parent: 'n1', record: restNodeExecution(run, { nodeId: 'n1-0-dn0', created: '2026-03-14T09:12:30Z' }) },
      { record: restNodeExecution(run, { nodeId: 'n2', created: '2026-03-14T09:20:00Z', childRun: { ...ML, name: 'childrun1' } }) },
    ],
    tasks: {
      n0: [
        restTaskExecution(run, 'n0', 0, { name: 'fz3k9q2m1x-n0-0', namespace: 'ml-production' }, '2026-03-14T09:10:40Z'),
        restTaskExecution(run, 'n0', 1, { name: 'fz3k9q2m1x-n0-1', namespace: 'ml-production' }, '2026-03-14T09:11:40Z'),
      ],
      n1: [restTaskExecution(run, 'n1', 0, { name: 'fz3k9q2m1x-n1-0', namespace: 'ml-production' }, '2026-03-14T09:12:05Z')],
      'n1-0-dn0': [restTaskExecution(run, 'n1-0-dn0', 0, { generatedName: 'fz3k9q2m1x-n1-0-dn0-0' }, '2026-03-14T09:12:40Z')],
    } as Record<string, JsonObject[]>,
  };
}
