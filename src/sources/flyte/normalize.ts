import {
  ActorType,
  AliasKind,
  EventCategory,
  OCSF_CLASS_UID,
  Outcome,
  type Actor,
  type ActorAlias,
  type AuditEvent,
  type JsonValue,
  type ResourceRef,
} from '../../domain';
import { readError, runKey, type FlyteRun } from './runs';
import {
  EXECUTION_MODES,
  TERMINAL_PHASES,
  WORKFLOW_PHASES,
  canonicalKeys,
  enumName,
  isObject,
  parseDurationMs,
  parseTimestamp,
  type RawExecution,
  type RawIdentifier,
  type TerminalPhase,
} from './wire';

/**
 * One Flyte execution becomes up to three lifecycle events:
 *   created   (closure.created_at; actor: the launching principal, or the scheduler)
 *   started   (closure.started_at; actor: flytepropeller)
 *   terminal  (closure.updated_at; succeeded / failed / aborted / timed_out; aborted: actor = who aborted)
 * A run still going produces only the first one or two.
 */
export type LifecycleStage = 'created' | 'started' | 'terminal';
export const LIFECYCLE_STAGES: readonly LifecycleStage[] = ['created', 'started', 'terminal'];

export interface NormalizeContext {
  sourceId: string;
  /** the Flyte deployment: endpoint host (api) or archive folder name */
  account: string;
}

/** The actor of events Flyte itself produces (phase changes reported by the propeller). */
export const PROPELLER = 'flytepropeller';
/** Names given to launches that carry no principal, by mode. */
export const SCHEDULER = 'flyte-scheduler';
export const ADMIN = 'flyteadmin';
const SYSTEM_PRINCIPALS = new Set([PROPELLER, SCHEDULER, ADMIN, 'flytescheduler', 'flyte-propeller', 'flyte-admin', 'system']);

export const TERMINAL_ACTIONS: Readonly<Record<TerminalPhase, string>> = {
  SUCCEEDED: 'execution.succeeded',
  FAILED: 'execution.failed',
  ABORTED: 'execution.aborted',
  TIMED_OUT: 'execution.timed_out',
};
export const CREATED_ACTION = 'execution.created';
export const STARTED_ACTION = 'execution.started';
/** the upstream's names for the stages: the Admin call that creates a run, then the phases it reaches */
export const CREATED_RAW_ACTION = 'CreateExecution';
export const STARTED_RAW_ACTION = 'RUNNING';

export function isTerminalPhase(phase: string): phase is TerminalPhase {
  return (TERMINAL_PHASES as readonly string[]).includes(phase);
}

export function terminalOutcome(phase: TerminalPhase): Outcome {
  return phase === 'SUCCEEDED' ? Outcome.SUCCESS : Outcome.FAILURE;
}

function identifier(raw: RawIdentifier | null | undefined): FlyteRun['launchPlan'] {
  if (!raw?.name) return undefined;
  return { project: raw.project ?? '', domain: raw.domain ?? '', name: raw.name, version: raw.version ?? '' };
}

/**
 * Reads one execution (REST snake_case or uctl camelCase) into a run. Throws on what cannot make an event:
 * a missing id, a missing or unreadable created_at, a finished run without a time for its end.
 */
export function readExecution(value: unknown): FlyteRun {
  if (!isObject(value)) throw new Error('execution is not a JSON object');
  const raw = canonicalKeys(value) as RawExecution;
  const id = raw.id;
  if (!id?.project || !id.domain || !id.name) throw new Error('execution has no id.project/id.domain/id.name');
  const closure = raw.closure;
  if (!closure) throw new Error(`execution ${id.project}/${id.domain}/${id.name} has no closure`);
  const createdAt = parseTimestamp(closure.created_at);
  if (!createdAt) throw new Error(`execution ${id.project}/${id.domain}/${id.name} has no closure.created_at`);
  const startedAt = parseTimestamp(closure.started_at);
  const updatedAt = parseTimestamp(closure.updated_at);
  const phase = enumName(closure.phase, WORKFLOW_PHASES);
  const metadata = raw.spec?.metadata ?? {};

  let endedAt: Date | undefined;
  if (isTerminalPhase(phase)) {
    const durationMs = parseDurationMs(closure.duration);
    endedAt = updatedAt ?? (startedAt && durationMs !== undefined ? new Date(startedAt.getTime() + durationMs) : undefined);
    if (!endedAt) throw new Error(`execution ${id.project}/${id.domain}/${id.name} is ${phase} but has no closure.updated_at`);
  }

  const abortCause = closure.abort_metadata?.cause ?? closure.abort_cause;
  const abort = phase === 'ABORTED' || phase === 'ABORTING' || closure.abort_metadata
    ? { cause: abortCause ?? '', principal: closure.abort_metadata?.principal || undefined }
    : undefined;
  const parent = metadata.parent_node_execution;
  const parentRun = parent?.execution_id;
  const runAs = raw.spec?.security_context?.run_as;

  return {
    id: { project: id.project, domain: id.domain, name: id.name },
    runId: `${id.project}/${id.domain}/${id.name}`,
    phase,
    principal: metadata.principal || undefined,
    mode: enumName(metadata.mode, EXECUTION_MODES),
    launchPlan: identifier(raw.spec?.launch_plan),
    workflow: identifier(closure.workflow_id),
    createdAt,
    startedAt,
    updatedAt,
    endedAt,
    error: readError(closure.error),
    abort,
    namespace: metadata.system_metadata?.namespace || `${id.project}-${id.domain}`,
    serviceAccount: runAs?.k8s_service_account || raw.spec?.auth_role?.kubernetes_service_account || undefined,
    iamRole: runAs?.iam_role || raw.spec?.auth_role?.assumable_iam_role || undefined,
    parent:
      parent?.node_id && parentRun?.project && parentRun.domain && parentRun.name
        ? { run: { project: parentRun.project, domain: parentRun.domain, name: parentRun.name }, nodeId: parent.node_id }
        : undefined,
    pods: [],
    podsResolved: false,
    raw: value as JsonValue,
  };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const OKTA_USER_ID = /^00u[0-9A-Za-z]{17}$/;
const K8S_SERVICE_ACCOUNT = /^system:serviceaccount:[^:]+:[^:]+$/;

/**
 * The actor behind a Flyte principal. flyteadmin stores the authenticated subject: an email or an IdP user
 * id for people, an OAuth client id for apps. `fallback` names the actor when the record has no principal.
 */
export function principalActor(principal: string | undefined, field: string, fallback: string): Actor {
  if (!principal) return { name: fallback, type: ActorType.SYSTEM, aliases: [] };
  const aliases: ActorAlias[] = [{ kind: AliasKind.FLYTE_PRINCIPAL, value: principal, field }];
  let type = ActorType.SERVICE_ACCOUNT;
  if (EMAIL.test(principal)) {
    type = ActorType.USER;
    aliases.push({ kind: AliasKind.EMAIL, value: principal, field });
  } else if (OKTA_USER_ID.test(principal)) {
    // Flyte behind Okta OIDC stores the `sub` claim: the Okta user id
    type = ActorType.USER;
    aliases.push({ kind: AliasKind.OKTA_USER_ID, value: principal, field });
  } else if (K8S_SERVICE_ACCOUNT.test(principal)) {
    aliases.push({ kind: AliasKind.K8S_SERVICE_ACCOUNT, value: principal, field });
  } else if (SYSTEM_PRINCIPALS.has(principal.toLowerCase())) {
    type = ActorType.SYSTEM;
  }
  return { name: principal, type, uid: principal, aliases };
}

function propeller(): Actor {
  return { name: PROPELLER, type: ActorType.SYSTEM, aliases: [] };
}

/** The actor name a launch without principal is given: what identity filters must match for it. */
export function launcherFallback(mode: string): string {
  return mode === 'SCHEDULED' ? SCHEDULER : ADMIN;
}

function targets(run: FlyteRun): ResourceRef[] {
  const out: ResourceRef[] = [{ type: 'Execution', name: run.runId, uid: run.id.name, namespace: run.namespace }];
  if (run.launchPlan) out.push({ type: 'LaunchPlan', name: run.launchPlan.name, uid: run.launchPlan.version || undefined });
  if (run.workflow) out.push({ type: 'Workflow', name: run.workflow.name, uid: run.workflow.version || undefined });
  if (run.serviceAccount) out.push({ type: 'ServiceAccount', name: run.serviceAccount, namespace: run.namespace });
  if (run.iamRole) out.push({ type: 'IamRole', name: run.iamRole });
  return out;
}

/** The event of one lifecycle stage, or undefined when the run has not reached it. */
export function lifecycleEvent(run: FlyteRun, stage: LifecycleStage, ctx: NormalizeContext): AuditEvent | undefined {
  const category = run.mode === 'SCHEDULED' ? EventCategory.SCHEDULED_JOB : EventCategory.API_ACTIVITY;
  const base = {
    sourceId: ctx.sourceId,
    sourceType: 'flyte' as const,
    category,
    ocsfClassUid: OCSF_CLASS_UID[category],
    targets: targets(run),
    runId: run.runId,
    correlationId: run.runId,
    cloud: { provider: 'flyte', account: ctx.account },
    raw: run.raw,
  };
  const key = runKey(run.id);
  switch (stage) {
    case 'created':
      return {
        ...base,
        id: `${key}#created`,
        time: run.createdAt,
        action: CREATED_ACTION,
        rawAction: CREATED_RAW_ACTION,
        actor: principalActor(run.principal, 'spec.metadata.principal', launcherFallback(run.mode)),
        outcome: Outcome.SUCCESS,
      };
    case 'started':
      if (!run.startedAt) return undefined;
      return {
        ...base,
        id: `${key}#started`,
        time: run.startedAt,
        action: STARTED_ACTION,
        rawAction: STARTED_RAW_ACTION,
        actor: propeller(),
        outcome: Outcome.SUCCESS,
      };
    case 'terminal': {
      if (!isTerminalPhase(run.phase) || !run.endedAt) return undefined;
      const action = TERMINAL_ACTIONS[run.phase];
      const aborted = run.phase === 'ABORTED';
      return {
        ...base,
        id: `${key}#${action.slice('execution.'.length)}`,
        time: run.endedAt,
        action,
        rawAction: run.phase,
        actor: aborted && run.abort?.principal ? principalActor(run.abort.principal, 'closure.abort_metadata.principal', PROPELLER) : propeller(),
        outcome: terminalOutcome(run.phase),
        outcomeReason: outcomeReason(run),
      };
    }
  }
}

function outcomeReason(run: FlyteRun): string | undefined {
  if (run.phase === 'ABORTED') return run.abort?.cause || undefined;
  if (!run.error) return run.phase === 'TIMED_OUT' ? 'TIMED_OUT' : undefined;
  return [run.error.code, run.error.message].filter((s) => s !== '').join(': ') || undefined;
}

/** Every lifecycle event a run has reached, oldest first. */
export function lifecycleEvents(run: FlyteRun, ctx: NormalizeContext): AuditEvent[] {
  const out: AuditEvent[] = [];
  for (const stage of LIFECYCLE_STAGES) {
    const event = lifecycleEvent(run, stage, ctx);
    if (event) out.push(event);
  }
  return out;
}

/** Every lifecycle event of one execution record (pure); throws on a record that cannot be read. */
export function normalizeExecution(value: unknown, ctx: NormalizeContext): AuditEvent[] {
  return lifecycleEvents(readExecution(value), ctx);
}
