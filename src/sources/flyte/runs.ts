import type { JsonValue, Source, SourceStats, TimeWindow } from '../../domain';
import {
  NODE_PHASES,
  TASK_PHASES,
  canonicalKeys,
  enumName,
  isObject,
  parseTimestamp,
  type RawExecutionError,
  type RawNodeExecution,
  type RawTaskExecution,
} from './wire';

/**
 * What the correlation layer asks of the execution source about runs: one run with its pods, the runs of a
 * window, and a run's node and task executions. Both modes (api and archive) implement it.
 */
export interface FlyteRuns {
  /** one run by its id, with its pods looked up (null when the upstream has no such run) */
  getRun(project: string, domain: string, name: string, ctx?: RunCallContext): Promise<FlyteRun | null>;
  /** runs created in `window`, oldest first; their `pods` are not looked up (`podsResolved` false) */
  listRuns(window: TimeWindow, filter?: FlyteRunFilter, ctx?: RunCallContext): AsyncIterable<FlyteRun>;
  /** every node execution of the run, sub-workflow and dynamic children included */
  nodeExecutions(run: FlyteRunId, ctx?: RunCallContext): Promise<FlyteNodeExecution[]>;
  /** every attempt of one node's task */
  taskExecutions(run: FlyteRunId, nodeId: string, ctx?: RunCallContext): Promise<FlyteTaskExecution[]>;
  /**
   * Runs named `name`: in `where` only, else in every project/domain the source knows (a bare run name is
   * unique only by convention). Their `pods` are not looked up (`podsResolved` false).
   */
  findRuns(name: string, where?: { project: string; domain: string }, ctx?: RunCallContext): Promise<FlyteRun[]>;
  /** how this source names the events it makes (for events built from its runs elsewhere, e.g. node executions) */
  readonly context: { sourceId: string; account: string };
}

/** Cancellation and accounting for one runs call; both optional for callers that do not track them. */
export interface RunCallContext {
  signal?: AbortSignal;
  stats?: SourceStats;
}

export interface FlyteRunFilter {
  /** launched by one of these principals (exact, as stored upstream) */
  principal?: string[];
  /** in one of these phases (WorkflowExecution.Phase names) */
  phase?: string[];
}

export interface FlyteRunId {
  project: string;
  domain: string;
  name: string;
}

export interface FlyteError {
  code: string;
  message: string;
  kind: string;
}

export interface FlyteRun {
  id: FlyteRunId;
  /** `project/domain/name`, the run id other layers use */
  runId: string;
  /** WorkflowExecution.Phase name: QUEUED, RUNNING, SUCCEEDED, FAILED, ABORTED, TIMED_OUT... */
  phase: string;
  /** who launched it (spec.metadata.principal); absent for schedules and other system launches */
  principal?: string;
  /** ExecutionMode name: MANUAL, SCHEDULED, SYSTEM, RELAUNCH, CHILD_WORKFLOW, RECOVERED, TRIGGER */
  mode: string;
  launchPlan?: { project: string; domain: string; name: string; version: string };
  workflow?: { project: string; domain: string; name: string; version: string };
  createdAt: Date;
  startedAt?: Date;
  /** closure.updated_at: the time of the last phase change */
  updatedAt?: Date;
  /** the terminal phase's time; absent while the run is not finished */
  endedAt?: Date;
  error?: FlyteError;
  abort?: { cause: string; principal?: string };
  /** the Kubernetes namespace its pods run in (system_metadata.namespace, else `<project>-<domain>`) */
  namespace: string;
  serviceAccount?: string;
  iamRole?: string;
  /** the parent run when it was launched by another run's node */
  parent?: { run: FlyteRunId; nodeId: string };
  pods: string[];
  /** whether `pods` was looked up (getRun) or left empty (listRuns) */
  podsResolved: boolean;
  /** the execution record exactly as read */
  raw: JsonValue;
}

export interface FlyteNodeExecution {
  run: FlyteRunId;
  nodeId: string;
  specNodeId?: string;
  retryGroup?: string;
  /** NodeExecution.Phase name */
  phase: string;
  isParent: boolean;
  isDynamic: boolean;
  createdAt?: Date;
  startedAt?: Date;
  updatedAt?: Date;
  error?: FlyteError;
  /** the run a launch-plan node started */
  childRun?: FlyteRunId;
  /** the parent node's id when this node ran inside a sub-workflow or dynamic node */
  parentNodeId?: string;
  /** the record exactly as read (set by the runs API, not by `readNodeExecution`) */
  raw?: JsonValue;
}

export interface FlyteTaskExecution {
  run: FlyteRunId;
  nodeId: string;
  task: { project: string; domain: string; name: string; version: string };
  retryAttempt: number;
  /** TaskExecution.Phase name */
  phase: string;
  taskType?: string;
  createdAt?: Date;
  startedAt?: Date;
  updatedAt?: Date;
  /** pod names from closure.log_context (or the plugin's generated name when there is no log context) */
  pods: string[];
  namespace?: string;
  logs: { name: string; uri: string }[];
  reason?: string;
  error?: FlyteError;
  /** the record exactly as read (set by the runs API, not by `readTaskExecution`) */
  raw?: JsonValue;
}

/** A Source that can also answer questions about runs (the Flyte source, both modes). */
export interface FlyteSource extends Source {
  readonly runs: FlyteRuns;
}

export function isFlyteSource(source: Source): source is FlyteSource {
  return source.type === 'flyte' && 'runs' in source;
}

export function runKey(id: FlyteRunId): string {
  return `${id.project}/${id.domain}/${id.name}`;
}

export function readError(raw: RawExecutionError | null | undefined): FlyteError | undefined {
  if (!raw || (!raw.code && !raw.message)) return undefined;
  return { code: raw.code ?? '', message: raw.message ?? '', kind: enumName(raw.kind, ['UNKNOWN', 'USER', 'SYSTEM']) };
}

/** One REST / uctl NodeExecution; throws when it has no node id. */
export function readNodeExecution(value: unknown, run: FlyteRunId, parentNodeId?: string): FlyteNodeExecution {
  if (!isObject(value)) throw new Error('node execution is not an object');
  const raw = canonicalKeys(value) as RawNodeExecution;
  const nodeId = raw.id?.node_id;
  if (!nodeId) throw new Error('node execution has no id.node_id');
  const closure = raw.closure ?? {};
  const child = closure.workflow_node_metadata?.execution_id;
  return {
    run,
    nodeId,
    specNodeId: raw.metadata?.spec_node_id || undefined,
    retryGroup: raw.metadata?.retry_group || undefined,
    phase: enumName(closure.phase, NODE_PHASES),
    isParent: raw.metadata?.is_parent_node === true,
    isDynamic: raw.metadata?.is_dynamic === true,
    createdAt: parseTimestamp(closure.created_at),
    startedAt: parseTimestamp(closure.started_at),
    updatedAt: parseTimestamp(closure.updated_at),
    error: readError(closure.error),
    childRun: child?.project && child.domain && child.name ? { project: child.project, domain: child.domain, name: child.name } : undefined,
    parentNodeId,
  };
}

/** One REST / uctl TaskExecution with the pods it ran in; throws when it has no node id. */
export function readTaskExecution(value: unknown, run: FlyteRunId): FlyteTaskExecution {
  if (!isObject(value)) throw new Error('task execution is not an object');
  const raw = canonicalKeys(value) as RawTaskExecution;
  const nodeId = raw.id?.node_execution_id?.node_id;
  if (!nodeId) throw new Error('task execution has no id.node_execution_id.node_id');
  const closure = raw.closure ?? {};
  const task = raw.id?.task_id ?? {};
  const pods: string[] = [];
  let namespace: string | undefined;
  for (const pod of closure.log_context?.pods ?? []) {
    if (pod.pod_name && !pods.includes(pod.pod_name)) pods.push(pod.pod_name);
    namespace ??= pod.namespace || undefined;
  }
  const primary = closure.log_context?.primary_pod_name;
  if (primary && !pods.includes(primary)) pods.push(primary);
  // without a log context (older propellers), the k8s plugins name the pod after `generated_name`
  if (pods.length === 0 && closure.metadata?.generated_name) pods.push(closure.metadata.generated_name);
  return {
    run,
    nodeId,
    task: { project: task.project ?? '', domain: task.domain ?? '', name: task.name ?? '', version: task.version ?? '' },
    retryAttempt: Number(raw.id?.retry_attempt ?? 0),
    phase: enumName(closure.phase, TASK_PHASES),
    taskType: closure.task_type || undefined,
    createdAt: parseTimestamp(closure.created_at),
    startedAt: parseTimestamp(closure.started_at),
    updatedAt: parseTimestamp(closure.updated_at),
    pods,
    namespace,
    logs: (closure.logs ?? []).filter((l) => l.uri).map((l) => ({ name: l.name ?? '', uri: l.uri ?? '' })),
    reason: closure.reason || undefined,
    error: readError(closure.error),
  };
}
