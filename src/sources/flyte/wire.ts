/**
 * The Flyte Admin records as they appear on the wire and in exports, and the small codecs they need.
 *
 * Two JSON spellings exist for the same protobuf messages:
 * - REST (`GET /api/v1/...`, grpc-gateway with `UseProtoNames` + `EmitUnpopulated`): snake_case, every field
 *   present, unset messages as `null`, enums by name.
 * - `uctl` / `flytectl get execution -o json`: lowerCamelCase, zero values omitted (so `mode` is absent when
 *   MANUAL and `phase` when UNDEFINED), enums by name.
 * `canonicalKeys` turns either into the snake_case shape typed below; readers then treat `null`, absent and
 * zero alike. Enums may also arrive as numbers (hand-made exports): every enum reader accepts both.
 */

export type RawTimestamp = string | { seconds?: string | number; nanos?: number };
export type RawEnum = string | number;

export interface RawExecutionId {
  project?: string;
  domain?: string;
  name?: string;
  org?: string;
}

export interface RawIdentifier extends RawExecutionId {
  resource_type?: RawEnum;
  version?: string;
}

export interface RawExecutionError {
  code?: string;
  message?: string;
  kind?: RawEnum;
  error_uri?: string;
}

export interface RawExecution {
  id?: RawExecutionId | null;
  spec?: {
    launch_plan?: RawIdentifier | null;
    metadata?: {
      mode?: RawEnum;
      principal?: string;
      nesting?: number;
      scheduled_at?: RawTimestamp | null;
      parent_node_execution?: { node_id?: string; execution_id?: RawExecutionId | null } | null;
      system_metadata?: { execution_cluster?: string; namespace?: string } | null;
    } | null;
    security_context?: { run_as?: { k8s_service_account?: string; iam_role?: string; execution_identity?: string } | null } | null;
    /** deprecated predecessor of security_context, still filled by old clients */
    auth_role?: { kubernetes_service_account?: string; assumable_iam_role?: string } | null;
  } | null;
  closure?: {
    phase?: RawEnum;
    created_at?: RawTimestamp | null;
    started_at?: RawTimestamp | null;
    updated_at?: RawTimestamp | null;
    duration?: string | null;
    error?: RawExecutionError | null;
    abort_metadata?: { cause?: string; principal?: string } | null;
    /** deprecated: the cause alone, on executions aborted before abort_metadata existed */
    abort_cause?: string;
    workflow_id?: RawIdentifier | null;
  } | null;
}

export interface RawNodeExecution {
  id?: { node_id?: string; execution_id?: RawExecutionId | null } | null;
  closure?: {
    phase?: RawEnum;
    created_at?: RawTimestamp | null;
    started_at?: RawTimestamp | null;
    updated_at?: RawTimestamp | null;
    duration?: string | null;
    error?: RawExecutionError | null;
    workflow_node_metadata?: { execution_id?: RawExecutionId | null } | null;
  } | null;
  metadata?: { retry_group?: string; is_parent_node?: boolean; spec_node_id?: string; is_dynamic?: boolean; is_array?: boolean } | null;
}

export interface RawPodLogContext {
  namespace?: string;
  pod_name?: string;
}

export interface RawTaskExecution {
  id?: {
    task_id?: RawIdentifier | null;
    node_execution_id?: { node_id?: string; execution_id?: RawExecutionId | null } | null;
    retry_attempt?: number;
  } | null;
  closure?: {
    phase?: RawEnum;
    logs?: { uri?: string; name?: string }[] | null;
    created_at?: RawTimestamp | null;
    started_at?: RawTimestamp | null;
    updated_at?: RawTimestamp | null;
    reason?: string;
    task_type?: string;
    error?: RawExecutionError | null;
    metadata?: { generated_name?: string; plugin_identifier?: string; external_resources?: { external_id?: string }[] | null } | null;
    log_context?: { pods?: RawPodLogContext[] | null; primary_pod_name?: string } | null;
  } | null;
  is_parent?: boolean;
}

/** REST list bodies: `token` is the next row offset, empty when the page was not full. */
export interface RawExecutionList {
  executions?: unknown[];
  token?: string;
}
export interface RawNodeExecutionList {
  node_executions?: unknown[];
  token?: string;
}
export interface RawTaskExecutionList {
  task_executions?: unknown[];
  token?: string;
}

/** Maps whose keys are user data (labels, literals, ...): their keys are left as they are. */
const FREE_FORM_KEYS = new Set(['values', 'literals', 'custom_info', 'labels', 'annotations', 'envs', 'variables']);

function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** A copy of `value` with every object key in snake_case (camelCase uctl output and snake_case REST alike). */
export function canonicalKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const key = snakeCase(k);
    out[key] = FREE_FORM_KEYS.has(key) ? v : canonicalKeys(v);
  }
  return out;
}

/** core.WorkflowExecution.Phase */
export const WORKFLOW_PHASES = ['UNDEFINED', 'QUEUED', 'RUNNING', 'SUCCEEDING', 'SUCCEEDED', 'FAILING', 'FAILED', 'ABORTED', 'TIMED_OUT', 'ABORTING'] as const;
/** core.NodeExecution.Phase */
export const NODE_PHASES = ['UNDEFINED', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILING', 'FAILED', 'ABORTED', 'SKIPPED', 'TIMED_OUT', 'DYNAMIC_RUNNING', 'RECOVERED'] as const;
/** core.TaskExecution.Phase */
export const TASK_PHASES = ['UNDEFINED', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'ABORTED', 'FAILED', 'INITIALIZING', 'WAITING_FOR_RESOURCES'] as const;
/** admin.ExecutionMetadata.ExecutionMode */
export const EXECUTION_MODES = ['MANUAL', 'SCHEDULED', 'SYSTEM', 'RELAUNCH', 'CHILD_WORKFLOW', 'RECOVERED', 'TRIGGER'] as const;
/** core.ExecutionError.ErrorKind */
export const ERROR_KINDS = ['UNKNOWN', 'USER', 'SYSTEM'] as const;

export const TERMINAL_PHASES = ['SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT'] as const;
export type TerminalPhase = (typeof TERMINAL_PHASES)[number];

/**
 * An enum value by name: names pass through (upper-cased), numbers are looked up, absence is the zero value
 * (uctl omits it). An unknown number becomes `UNRECOGNIZED_<n>` so that nothing is silently renamed.
 */
export function enumName(value: unknown, names: readonly string[]): string {
  if (value === undefined || value === null || value === '') return names[0];
  if (typeof value === 'number') return names[value] ?? `UNRECOGNIZED_${value}`;
  if (typeof value === 'string') {
    if (/^\d+$/.test(value)) return names[Number(value)] ?? `UNRECOGNIZED_${value}`;
    return value.toUpperCase();
  }
  throw new Error(`expected an enum name or number, got ${typeof value}`);
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * A protobuf Timestamp as JSON: an RFC3339 string with 0-9 fraction digits (or `{seconds, nanos}` from other
 * exporters). Undefined when absent; throws when present but unreadable. Precision is cut to milliseconds.
 */
export function parseTimestamp(value: RawTimestamp | null | undefined): Date | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'object') {
    const seconds = Number(value.seconds ?? 0);
    const nanos = Number(value.nanos ?? 0);
    if (!Number.isFinite(seconds) || !Number.isFinite(nanos)) throw new Error(`unreadable timestamp ${JSON.stringify(value)}`);
    if (seconds === 0 && nanos === 0) return undefined; // the zero Timestamp means unset
    return new Date(seconds * 1000 + Math.floor(nanos / 1e6));
  }
  const m = RFC3339.exec(value);
  if (!m) throw new Error(`unreadable timestamp ${JSON.stringify(value)}`);
  const ms = (m[2] ?? '').padEnd(3, '0').slice(0, 3);
  const date = new Date(`${m[1]}.${ms}${m[3].toUpperCase()}`);
  if (Number.isNaN(date.getTime())) throw new Error(`unreadable timestamp ${JSON.stringify(value)}`);
  return date;
}

/** A protobuf Duration as JSON (`"123.450s"`), in milliseconds. */
export function parseDurationMs(value: string | null | undefined): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const m = /^(-?\d+(?:\.\d+)?)s$/.exec(value);
  if (!m) throw new Error(`unreadable duration ${JSON.stringify(value)}`);
  return Math.round(Number(m[1]) * 1000);
}

/** RFC3339 in UTC, as flyteadmin's filters take it (the value reaches the database unparsed). */
export function formatTimestamp(date: Date): string {
  return date.toISOString();
}

/** One field by its proto name, in either spelling, without copying the record (for hot paths). */
export function field(value: unknown, snakeName: string): unknown {
  if (!isObject(value)) return undefined;
  if (snakeName in value) return value[snakeName];
  return value[snakeName.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())];
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
