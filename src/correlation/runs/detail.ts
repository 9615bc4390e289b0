import type { FlyteNodeExecution, FlyteTaskExecution, RunCallContext } from '../../sources/flyte/runs';
import { isMarkerNode, runLifecycle } from './lifecycle';
import type { RunDetail, RunHandle, RunPod } from './model';

const TASK_TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'ABORTED']);

/** The pods of a run's task attempts, in attempt order; a launch-plan node's pods belong to its child run. */
export function podsOf(nodes: FlyteNodeExecution[], tasks: FlyteTaskExecution[], namespace: string): RunPod[] {
  const childNodes = new Set(nodes.filter((n) => n.childRun).map((n) => n.nodeId));
  const pods: RunPod[] = [];
  for (const task of tasks) {
    if (childNodes.has(task.nodeId)) continue;
    for (const name of task.pods) {
      if (pods.some((p) => p.name === name)) continue;
      pods.push({
        name,
        namespace: task.namespace ?? namespace,
        nodeId: task.nodeId,
        retryAttempt: task.retryAttempt,
        task: task.task.name,
        phase: task.phase,
        from: task.createdAt ?? task.startedAt,
        to: TASK_TERMINAL.has(task.phase) ? task.updatedAt : undefined,
      });
    }
  }
  return pods;
}

/**
 * Node and task executions of a run, its pods and its lifecycle: one node list, then one task list per node
 * that can run a task (markers and launch-plan nodes cannot).
 */
export async function loadDetail(handle: RunHandle, ctx: RunCallContext): Promise<RunDetail> {
  const { source, run } = handle;
  const nodes = await source.runs.nodeExecutions(run.id, ctx);
  const tasks: FlyteTaskExecution[] = [];
  for (const node of nodes) {
    // a dynamic parent runs a task of its own; a sub-workflow parent answers an empty list
    if (node.childRun || isMarkerNode(node.nodeId)) continue;
    tasks.push(...(await source.runs.taskExecutions(run.id, node.nodeId, ctx)));
  }
  tasks.sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0) || a.retryAttempt - b.retryAttempt);
  return { nodes, tasks, pods: podsOf(nodes, tasks, run.namespace), lifecycle: runLifecycle(run, nodes, tasks, source.runs.context) };
}
