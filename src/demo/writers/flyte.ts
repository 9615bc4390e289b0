import { HOUR, protoDuration, protoTimestamp } from '../clock';
import type { FlyteFacts, SourceCounts, TimelineEntry } from '../manifest';
import { ORG } from '../org';
import type { DemoFile, WriterContext } from '../output';
import { INCIDENT_RUN, type PlannedNode, type PlannedRun } from '../runs';

/**
 * Flyte as exported by its CLI and REST API:
 * - `flyte/executions.json`: `uctl get execution -o json` (camelCase proto JSON, zero values omitted, so
 *   `mode` is absent for MANUAL runs; an array, newest first);
 * - `flyte/node_executions/<project>/<domain>/<name>.json`: `GET /api/v1/node_executions/...` (snake_case,
 *   defaults filled in);
 * - `flyte/task_executions/<project>/<domain>/<name>/<node_id>.json`: `GET /api/v1/task_executions/...`.
 */

type Obj = Record<string, unknown>;

const RAW_PREFIX = 's3://acme-flyte-prod';

function metadataPrefix(run: PlannedRun): string {
  return `${RAW_PREFIX}/metadata/propeller/${run.project}-${run.domain}-${run.name}`;
}

/** One execution as uctl prints it: camelCase, zero values (MANUAL mode, empty principal) left out. */
function uctlExecution(run: PlannedRun, reference?: PlannedRun): Obj {
  const metadata: Obj = {
    mode: run.mode === 'MANUAL' ? undefined : run.mode,
    principal: run.principal,
    scheduledAt: run.scheduledAtUs !== undefined ? protoTimestamp(run.scheduledAtUs) : undefined,
    referenceExecution: reference ? { project: reference.project, domain: reference.domain, name: reference.name } : undefined,
    systemMetadata: { executionCluster: ORG.cluster },
  };
  const closure: Obj = {
    outputs: run.phase === 'SUCCEEDED' ? { uri: `${metadataPrefix(run)}/end-node/data/0/outputs.pb` } : undefined,
    error: run.error ? { code: run.error.code, message: run.error.message, errorUri: `${metadataPrefix(run)}/${run.nodes[run.nodes.length - 1].nodeId}/data/0/error.pb`, kind: run.error.kind } : undefined,
    abortMetadata: run.abort ? { cause: run.abort.cause, principal: run.abort.principal } : undefined,
    phase: run.phase,
    startedAt: protoTimestamp(run.startedUs),
    duration: protoDuration(run.endedUs - run.startedUs),
    createdAt: protoTimestamp(run.createdUs),
    updatedAt: protoTimestamp(run.endedUs),
    workflowId: { resourceType: 'WORKFLOW', project: run.project, domain: run.domain, name: run.launchPlan, version: run.version },
  };
  return {
    id: { project: run.project, domain: run.domain, name: run.name },
    spec: {
      launchPlan: { resourceType: 'LAUNCH_PLAN', project: run.project, domain: run.domain, name: run.launchPlan, version: run.version },
      metadata,
      securityContext: run.serviceAccount === 'default' ? undefined : { runAs: { k8sServiceAccount: run.serviceAccount } },
      rawOutputDataConfig: { outputLocationPrefix: `${RAW_PREFIX}/raw` },
    },
    closure,
  };
}

function executionId(run: PlannedRun): Obj {
  return { project: run.project, domain: run.domain, name: run.name, org: '' };
}

function nodeExecution(run: PlannedRun, nodeId: string, phase: string, createdUs: number, startedUs: number, endedUs: number, task: boolean, error?: Obj): Obj {
  return {
    id: { node_id: nodeId, execution_id: executionId(run) },
    input_uri: `${metadataPrefix(run)}/${nodeId}/data/inputs.pb`,
    closure: {
      error,
      phase,
      started_at: protoTimestamp(startedUs),
      duration: protoDuration(endedUs - startedUs),
      created_at: protoTimestamp(createdUs),
      updated_at: protoTimestamp(endedUs),
      task_node_metadata: task ? { cache_status: 'CACHE_DISABLED', catalog_key: null, checkpoint_uri: '' } : undefined,
      deck_uri: '',
      dynamic_job_spec_uri: '',
    },
    metadata: { retry_group: '', is_parent_node: false, spec_node_id: nodeId, is_dynamic: false, is_array: false, is_eager: false },
  };
}

function nodeError(run: PlannedRun, node: PlannedNode): Obj | undefined {
  if (node.phase !== 'FAILED' || !run.error) return undefined;
  return { code: run.error.code, message: run.error.message, error_uri: `${metadataPrefix(run)}/${node.nodeId}/data/0/error.pb`, kind: run.error.kind };
}

/** The REST NodeExecutionList of a run: start-node, its task nodes, and end-node when it finished. */
function nodeExecutions(run: PlannedRun): Obj {
  const list: Obj[] = [nodeExecution(run, 'start-node', 'SUCCEEDED', run.startedUs, run.startedUs, run.startedUs, false)];
  for (const n of run.nodes) list.push(nodeExecution(run, n.nodeId, n.phase, n.createdUs, n.startedUs, n.endedUs, true, nodeError(run, n)));
  if (run.phase === 'SUCCEEDED') list.push(nodeExecution(run, 'end-node', 'SUCCEEDED', run.endedUs - 500_000, run.endedUs - 500_000, run.endedUs - 500_000, false));
  return { node_executions: list, token: '' };
}

/** The REST TaskExecutionList of one node: one attempt, with its pod in `log_context` and its log links. */
function taskExecutions(run: PlannedRun, node: PlannedNode): Obj {
  const logGroup = `/aws/containerinsights/${ORG.cluster}/application`;
  const stream = `var.log.containers.${node.podName}_${run.namespace}_${node.podName}-${node.podUid.replace(/-/g, '')}.log`;
  return {
    task_executions: [
      {
        id: {
          task_id: { resource_type: 'TASK', project: run.project, domain: run.domain, name: node.taskName, version: run.version, org: '' },
          node_execution_id: { node_id: node.nodeId, execution_id: executionId(run) },
          retry_attempt: 0,
        },
        input_uri: `${metadataPrefix(run)}/${node.nodeId}/data/inputs.pb`,
        closure: {
          error: nodeError(run, node),
          phase: node.phase,
          logs: [
            {
              uri: `https://console.aws.amazon.com/cloudwatch/home?region=${ORG.awsRegion}#logEventViewer:group=${logGroup};stream=${stream}`,
              name: 'CloudWatch Logs (User)',
              message_format: 'JSON',
              ttl: null,
              show_while_pending: false,
              hide_once_finished: false,
            },
          ],
          started_at: protoTimestamp(node.startedUs),
          duration: protoDuration(node.endedUs - node.startedUs),
          created_at: protoTimestamp(node.podCreatedUs),
          updated_at: protoTimestamp(node.endedUs),
          custom_info: null,
          reason: '',
          task_type: 'python-task',
          metadata: { generated_name: node.podName, external_resources: [], resource_pool_info: [], plugin_identifier: 'container', instance_class: 'DEFAULT' },
          event_version: 1,
          reasons: [
            { occurred_at: protoTimestamp(node.podCreatedUs), message: 'task submitted to K8s' },
            { occurred_at: protoTimestamp(node.startedUs), message: '' },
          ],
          log_context: {
            pods: [
              {
                namespace: run.namespace,
                pod_name: node.podName,
                containers: [{ container_name: node.podName, process: { container_start_time: protoTimestamp(node.startedUs), container_end_time: protoTimestamp(node.endedUs) } }],
                init_containers: [],
                primary_container_name: node.podName,
              },
            ],
            primary_pod_name: node.podName,
          },
        },
        is_parent: false,
      },
    ],
    token: '',
  };
}

export function writeFlyte(ctx: WriterContext): { files: DemoFile[]; counts: SourceCounts & { nodeExecutions: number; taskExecutions: number }; facts: FlyteFacts; timeline: TimelineEntry[] } {
  const { day } = ctx;
  const runs = [...ctx.runs].sort((a, b) => b.createdUs - a.createdUs || (a.name < b.name ? -1 : 1));
  const relaunchOf = (run: PlannedRun): PlannedRun | undefined =>
    run.mode === 'RELAUNCH' ? ctx.runs.find((r) => r.mode === 'SCHEDULED' && r.launchPlan === run.launchPlan && r.project === run.project && r.domain === run.domain && r.scheduledAtUs === day.start + 15 * HOUR + 5 * 60_000_000) : undefined;
  const files: DemoFile[] = [{ path: 'flyte/executions.json', content: `${JSON.stringify(runs.map((r) => uctlExecution(r, relaunchOf(r))), null, 2)}\n` }];
  let nodeCount = 0;
  let taskCount = 0;
  // `uctl get execution -o json` alone carries no node or task executions: the variant that has only it
  for (const run of ctx.flyteNodeExecutions ? [...ctx.runs].sort((a, b) => a.createdUs - b.createdUs) : []) {
    const nodes = nodeExecutions(run);
    nodeCount += (nodes.node_executions as Obj[]).length;
    files.push({ path: `flyte/node_executions/${run.project}/${run.domain}/${run.name}.json`, content: JSON.stringify(nodes) });
    for (const node of run.nodes) {
      taskCount += 1;
      files.push({ path: `flyte/task_executions/${run.project}/${run.domain}/${run.name}/${node.nodeId}.json`, content: JSON.stringify(taskExecutions(run, node)) });
    }
  }

  const incident = ctx.runs.find((r) => r.incident);
  if (!incident?.abort || !incident.principal) throw new Error('the incident run is missing from the plan');
  const facts: FlyteFacts = {
    runId: `${incident.project}/${incident.domain}/${incident.name}`,
    project: incident.project,
    domain: incident.domain,
    name: incident.name,
    launchPlan: incident.launchPlan,
    principal: incident.principal,
    createdAt: protoTimestamp(incident.createdUs),
    startedAt: protoTimestamp(incident.startedUs),
    abortedAt: protoTimestamp(incident.endedUs),
    abortedBy: incident.abort.principal,
    abortCause: incident.abort.cause,
    nodeId: INCIDENT_RUN.nodeId,
    podName: INCIDENT_RUN.podName,
    serviceAccount: incident.serviceAccount,
  };
  const timeline: TimelineEntry[] = [
    { time: facts.createdAt, source: 'flyte', action: 'execution launched', id: facts.runId },
    { time: facts.abortedAt, source: 'flyte', action: 'execution aborted', id: facts.runId },
  ];
  return { files, counts: { path: 'flyte', files: files.length, records: runs.length, nodeExecutions: nodeCount, taskExecutions: taskCount }, facts, timeline };
}
