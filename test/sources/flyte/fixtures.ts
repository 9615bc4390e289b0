/**
 * Realistic Flyte records for tests: executions, node and task executions as flyteadmin's REST API returns
 * them (snake_case, every field present, unset messages as null), and the same converted to what
 * `uctl get execution -o json` prints (lowerCamelCase, zero values omitted).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface RunSpec {
  project: string;
  domain: string;
  name: string;
  principal?: string;
  mode?: 'MANUAL' | 'SCHEDULED' | 'SYSTEM' | 'RELAUNCH' | 'CHILD_WORKFLOW' | 'RECOVERED' | 'TRIGGER';
  launchPlan?: string;
  version?: string;
  /** RFC3339 times as flyteadmin writes them (nanoseconds allowed) */
  created: string;
  started?: string;
  updated?: string;
  duration?: string;
  phase: 'UNDEFINED' | 'QUEUED' | 'RUNNING' | 'SUCCEEDING' | 'SUCCEEDED' | 'FAILING' | 'FAILED' | 'ABORTED' | 'TIMED_OUT' | 'ABORTING';
  error?: { code: string; message: string; kind?: 'UNKNOWN' | 'USER' | 'SYSTEM' };
  abort?: { cause: string; principal: string };
  serviceAccount?: string;
}

function identifier(resourceType: string, project: string, domain: string, name: string, version: string): JsonObject {
  return { resource_type: resourceType, project, domain, name, version, org: '' };
}

/** One Execution exactly as `GET /api/v1/executions/...` renders it (grpc-gateway, proto names, defaults emitted). */
export function restExecution(s: RunSpec): JsonObject {
  const lp = s.launchPlan ?? `${s.project}.workflows.main`;
  const version = s.version ?? 'v1';
  const closure: JsonObject = {
    computed_inputs: null,
    phase: s.phase,
    started_at: s.started ?? null,
    duration: s.duration ?? null,
    created_at: s.created,
    updated_at: s.updated ?? s.started ?? s.created,
    notifications: [],
    workflow_id: identifier('WORKFLOW', s.project, s.domain, lp.replace(/\.[^.]+$/, '.wf'), version),
    state_change_details: { state: 'EXECUTION_ACTIVE', occurred_at: s.created, principal: s.principal ?? '' },
  };
  if (s.error) closure.error = { code: s.error.code, message: s.error.message, error_uri: '', kind: s.error.kind ?? 'USER' };
  if (s.abort) closure.abort_metadata = { cause: s.abort.cause, principal: s.abort.principal };
  if (s.phase === 'SUCCEEDED') closure.outputs = { uri: `s3://flyte-data/metadata/propeller/${s.project}-${s.domain}-${s.name}/end-node/data/0/outputs.pb` };
  return {
    id: { project: s.project, domain: s.domain, name: s.name, org: '' },
    spec: {
      launch_plan: identifier('LAUNCH_PLAN', s.project, s.domain, lp, version),
      inputs: null,
      metadata: {
        mode: s.mode ?? 'MANUAL',
        principal: s.principal ?? '',
        nesting: 0,
        scheduled_at: s.mode === 'SCHEDULED' ? s.created.replace(/\.\d+Z$/, 'Z') : null,
        parent_node_execution: null,
        reference_execution: null,
        system_metadata: { execution_cluster: '', namespace: `${s.project}-${s.domain}` },
        artifact_ids: [],
      },
      labels: { values: {} },
      annotations: { values: {} },
      security_context: {
        run_as: { iam_role: '', k8s_service_account: s.serviceAccount ?? '', oauth2_client: null, execution_identity: '' },
        secrets: [],
        tokens: [],
      },
      auth_role: null,
      quality_of_service: null,
      max_parallelism: 0,
      raw_output_data_config: null,
      cluster_assignment: null,
      interruptible: null,
      overwrite_cache: false,
      envs: null,
      tags: [],
      execution_cluster_label: null,
      execution_env_assignments: [],
    },
    closure,
  };
}

/** Enum fields whose zero value uctl leaves out, with that zero value's name. */
const ENUM_ZERO: Record<string, string> = {
  phase: 'UNDEFINED',
  mode: 'MANUAL',
  resource_type: 'UNSPECIFIED',
  kind: 'UNKNOWN',
  state: 'EXECUTION_ACTIVE',
};

function camel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The same message as uctl/flytectl prints it: lowerCamelCase, zero values and empty messages omitted. */
export function toUctl(value: Json, key = ''): Json | undefined {
  if (value === null || value === '' || value === 0 || value === false) return undefined;
  if (typeof value === 'string' && ENUM_ZERO[key] === value) return undefined;
  if (Array.isArray(value)) {
    const items = value.map((v) => toUctl(v)).filter((v): v is Json => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (typeof value === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      // map entries (labels.values, ...) keep their keys; message fields become camelCase
      const converted = toUctl(v, k);
      if (converted !== undefined) out[key === 'values' ? k : camel(k)] = converted;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return value;
}

export function uctlExecution(s: RunSpec): JsonObject {
  return toUctl(restExecution(s)) as JsonObject;
}

export interface NodeSpec {
  nodeId: string;
  phase?: string;
  created: string;
  isParent?: boolean;
  childRun?: { project: string; domain: string; name: string };
}

export function restNodeExecution(run: { project: string; domain: string; name: string }, n: NodeSpec): JsonObject {
  return {
    id: { node_id: n.nodeId, execution_id: { ...run, org: '' } },
    input_uri: `s3://flyte-data/metadata/propeller/${run.project}-${run.domain}-${run.name}/${n.nodeId}/data/inputs.pb`,
    closure: {
      output_uri: '',
      phase: n.phase ?? 'SUCCEEDED',
      started_at: n.created,
      duration: '12.5s',
      created_at: n.created,
      updated_at: n.created,
      workflow_node_metadata: n.childRun ? { execution_id: { ...n.childRun, org: '' } } : undefined,
      deck_uri: '',
      dynamic_job_spec_uri: '',
    } as JsonObject,
    metadata: { retry_group: '0', is_parent_node: n.isParent ?? false, spec_node_id: n.nodeId.split('-').pop() ?? n.nodeId, is_dynamic: n.isParent ?? false, is_array: false },
  };
}

export function restTaskExecution(
  run: { project: string; domain: string; name: string },
  nodeId: string,
  attempt: number,
  pod: { name: string; namespace: string } | { generatedName: string },
  created: string,
): JsonObject {
  const logContext =
    'name' in pod
      ? { pods: [{ namespace: pod.namespace, pod_name: pod.name, containers: [{ container_name: 'primary', process: null }], primary_container_name: 'primary', init_containers: [] }], primary_pod_name: pod.name }
      : null;
  return {
    id: {
      task_id: identifier('TASK', run.project, run.domain, `${run.project}.tasks.train`, 'v1'),
      node_execution_id: { node_id: nodeId, execution_id: { ...run, org: '' } },
      retry_attempt: attempt,
    },
    input_uri: '',
    closure: {
      phase: 'SUCCEEDED',
      logs: [{ uri: `https://console.example.com/logs/${'name' in pod ? pod.name : pod.generatedName}`, name: 'Kubernetes Logs (User)', message_format: 'UNKNOWN', ttl: null, show_while_pending: false, hide_once_finished: false }],
      started_at: created,
      duration: '30s',
      created_at: created,
      updated_at: created,
      custom_info: null,
      reason: '',
      task_type: 'python-task',
      metadata: { generated_name: 'name' in pod ? pod.name : pod.generatedName, external_resources: [], resource_pool_info: [], plugin_identifier: 'container', instance_class: 'DEFAULT' },
      event_version: 0,
      reasons: [],
      log_context: logContext,
    },
    is_parent: false,
  };
}

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * A `uctl get execution -o json` record as flyteadmin's REST API returns it: proto field names (snake_case);
 * map entries (`labels.values`, …) keep their keys. Zero values uctl left out stay out (REST fills them with
 * defaults, which every reader treats as absent).
 */
export function fromUctl(value: Json, key = ''): Json {
  if (Array.isArray(value)) return value.map((v) => fromUctl(v));
  if (value !== null && typeof value === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[key === 'values' ? k : snake(k)] = fromUctl(v, k);
    return out;
  }
  return value;
}
