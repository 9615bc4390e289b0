import {
  ActorType,
  EventCategory,
  OCSF_CLASS_UID,
  Outcome,
  type AuditEvent,
  type JsonValue,
  type ResourceRef,
} from '../../domain';
import { PROPELLER, lifecycleEvents } from '../../sources/flyte/normalize';
import { runKey, type FlyteError, type FlyteNodeExecution, type FlyteRun, type FlyteTaskExecution } from '../../sources/flyte/runs';

/**
 * A run's lifecycle beyond the execution's own three events: every node execution and every task attempt,
 * queued -> running -> terminal, as the propeller reported them to flyteadmin. Pure: records in, events out.
 */

export interface LifecycleContext {
  sourceId: string;
  /** the Flyte deployment, as the source names it in `cloud.account` */
  account: string;
}

/** Nodes Flyte adds to every workflow that do no work of their own. */
const MARKER_NODES = new Set(['start-node', 'end-node']);

const NODE_TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'ABORTED', 'SKIPPED', 'TIMED_OUT', 'RECOVERED']);
const TASK_TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'ABORTED']);
const FAILED_PHASES = new Set(['FAILED', 'ABORTED', 'TIMED_OUT']);

export function isMarkerNode(nodeId: string): boolean {
  return MARKER_NODES.has(nodeId);
}

type Stage = 'queued' | 'running' | 'terminal';

interface StageTimes {
  phase: string;
  createdAt?: Date;
  startedAt?: Date;
  updatedAt?: Date;
}

/** The stages a node or task reached, with their times; a stage without a time is left out, not guessed. */
function reached(times: StageTimes, terminal: Set<string>): { stage: Stage; time: Date }[] {
  const out: { stage: Stage; time: Date }[] = [];
  if (times.createdAt) out.push({ stage: 'queued', time: times.createdAt });
  if (times.startedAt) out.push({ stage: 'running', time: times.startedAt });
  if (terminal.has(times.phase) && times.updatedAt) out.push({ stage: 'terminal', time: times.updatedAt });
  return out;
}

function outcomeOf(stage: Stage, phase: string): Outcome {
  if (stage !== 'terminal') return Outcome.SUCCESS;
  if (phase === 'SUCCEEDED' || phase === 'RECOVERED') return Outcome.SUCCESS;
  if (FAILED_PHASES.has(phase)) return Outcome.FAILURE;
  return Outcome.UNKNOWN; // SKIPPED: neither
}

function errorText(error: FlyteError | undefined): string | undefined {
  if (!error) return undefined;
  return [error.code, error.message].filter((s) => s !== '').join(': ') || undefined;
}

function base(run: FlyteRun, ctx: LifecycleContext, raw: JsonValue | undefined, fallbackRaw: () => JsonValue) {
  const category = run.mode === 'SCHEDULED' ? EventCategory.SCHEDULED_JOB : EventCategory.API_ACTIVITY;
  return {
    sourceId: ctx.sourceId,
    sourceType: 'flyte' as const,
    category,
    ocsfClassUid: OCSF_CLASS_UID[category],
    actor: { name: PROPELLER, type: ActorType.SYSTEM, aliases: [] },
    runId: run.runId,
    correlationId: run.runId,
    cloud: { provider: 'flyte', account: ctx.account },
    raw: raw ?? fallbackRaw(),
  };
}

function executionTarget(run: FlyteRun): ResourceRef {
  return { type: 'Execution', name: run.runId, uid: run.id.name, namespace: run.namespace };
}

/** A parsed record as JSON, for a record read without its raw form (dates as RFC 3339). */
function asJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

/** The events of one node execution: `node.queued`, `node.running`, `node.<terminal phase>`. */
export function nodeEvents(node: FlyteNodeExecution, run: FlyteRun, ctx: LifecycleContext): AuditEvent[] {
  if (isMarkerNode(node.nodeId)) return [];
  const key = runKey(run.id);
  const targets: ResourceRef[] = [executionTarget(run), { type: 'NodeExecution', name: node.nodeId, uid: `${key}/${node.nodeId}` }];
  if (node.childRun) targets.push({ type: 'Execution', name: runKey(node.childRun), uid: node.childRun.name });
  return reached(node, NODE_TERMINAL).map(({ stage, time }) => {
    const phase = stage === 'queued' ? 'QUEUED' : stage === 'running' ? 'RUNNING' : node.phase;
    const event: AuditEvent = {
      ...base(run, ctx, node.raw, () => asJson(node)),
      id: `${key}#node/${node.nodeId}/${phase.toLowerCase()}`,
      time,
      action: `node.${phase.toLowerCase()}`,
      rawAction: phase,
      targets,
      outcome: outcomeOf(stage, phase),
    };
    const reason = stage === 'terminal' ? errorText(node.error) : undefined;
    if (reason) event.outcomeReason = reason;
    return event;
  });
}

/** The events of one task attempt, with the pods it ran in: `task.queued`, `task.running`, `task.<terminal phase>`. */
export function taskEvents(task: FlyteTaskExecution, run: FlyteRun, ctx: LifecycleContext): AuditEvent[] {
  const key = runKey(run.id);
  const attempt = `${task.nodeId}/${task.retryAttempt}`;
  const namespace = task.namespace ?? run.namespace;
  const targets: ResourceRef[] = [
    executionTarget(run),
    { type: 'TaskExecution', name: `${task.nodeId} attempt ${task.retryAttempt}`, uid: `${key}/${attempt}` },
    { type: 'Task', name: task.task.name, uid: task.task.version || undefined },
    // the same type the Kubernetes audit normalizer gives pods, so `resource` filters find both
    ...task.pods.map((pod): ResourceRef => ({ type: 'pods', name: pod, namespace })),
  ];
  return reached(task, TASK_TERMINAL).map(({ stage, time }) => {
    const phase = stage === 'queued' ? 'QUEUED' : stage === 'running' ? 'RUNNING' : task.phase;
    const event: AuditEvent = {
      ...base(run, ctx, task.raw, () => asJson(task)),
      id: `${key}#task/${attempt}/${phase.toLowerCase()}`,
      time,
      action: `task.${phase.toLowerCase()}`,
      rawAction: phase,
      targets,
      outcome: outcomeOf(stage, phase),
    };
    const reason = stage === 'terminal' ? (errorText(task.error) ?? task.reason) : undefined;
    if (reason) event.outcomeReason = reason;
    return event;
  });
}

function byTimeThenId(a: AuditEvent, b: AuditEvent): number {
  return a.time.getTime() - b.time.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The whole lifecycle: the execution's events (the Flyte normalizer's), its nodes' and its task attempts', oldest first. */
export function runLifecycle(run: FlyteRun, nodes: FlyteNodeExecution[], tasks: FlyteTaskExecution[], ctx: LifecycleContext): AuditEvent[] {
  const events = [
    ...lifecycleEvents(run, ctx),
    ...nodes.flatMap((n) => nodeEvents(n, run, ctx)),
    ...tasks.flatMap((t) => taskEvents(t, run, ctx)),
  ];
  return events.sort(byTimeThenId);
}
