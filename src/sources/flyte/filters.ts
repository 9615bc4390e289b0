import { EventCategory, Outcome, actionPattern, type PushdownTranslation, type PushedFilter, type TimeWindow } from '../../domain';
import { broadly, exactly, keptLocal } from '../shared/pushdown';
import type { ProjectDomain } from './config';
import {
  CREATED_ACTION,
  CREATED_RAW_ACTION,
  PROPELLER,
  STARTED_ACTION,
  STARTED_RAW_ACTION,
  TERMINAL_ACTIONS,
  type LifecycleStage,
} from './normalize';
import { TERMINAL_PHASES, formatTimestamp, type TerminalPhase } from './wire';

/**
 * flyteadmin's list filters: `fn(field,value)` expressions joined by `+` (AND only), list values joined by
 * `;`, parsed server-side with the regex `(.+)\((.+),\s?(.+)\)`. A value holding one of `+ ; , ( )` cannot
 * be written, so such a value is not pushed (the query then asks more broadly, never more narrowly).
 */
const UNWRITABLE = /[+;,()]|^\s*$/;

export function writable(value: string): boolean {
  return !UNWRITABLE.test(value);
}

export function eq(field: string, value: string): string {
  return `eq(${field},${value})`;
}

/** `eq` for one value, `value_in` for several. */
export function oneOf(field: string, values: readonly string[]): string {
  return values.length === 1 ? eq(field, values[0]) : `value_in(${field},${values.join(';')})`;
}

export function timeRange(column: string, window: TimeWindow): string[] {
  return [`gte(${column},${formatTimestamp(window.from)})`, `lt(${column},${formatTimestamp(window.to)})`];
}

/** Each lifecycle stage is read from its own ordered list: sorted and windowed on the column holding its time. */
export const STAGE_COLUMN: Readonly<Record<LifecycleStage, string>> = {
  created: 'execution_created_at',
  started: 'started_at',
  terminal: 'execution_updated_at',
};

/**
 * ListExecutions adds `state = ACTIVE` unless the request filters on state, which hides runs archived in the
 * console. An audit must see them: ask for both states explicitly.
 */
export const BOTH_STATES = 'value_in(state,0;1)';

/** Flyte's ExecutionMode enum value for schedules, as stored in the `mode` column. */
const MODE_SCHEDULED = '1';

/** One upstream list to read: one lifecycle stage of one (project, domain). */
export interface StreamSpec {
  pair: ProjectDomain;
  stage: LifecycleStage;
  sortKey: string;
  /** the filter clauses, joined with `+` on the wire */
  filters: string[];
}

/** What the pushed-down filter allows, worked out once for every (project, domain). */
interface Selection {
  stages: Set<LifecycleStage>;
  terminalPhases: TerminalPhase[];
  modeClause?: string;
  /** run names per `project/domain` key, `*` standing for any project or domain; undefined: no name clause */
  names?: Map<string, Set<string>>;
  notes: string[];
}

function selectFromFilter(filter: PushedFilter): Selection {
  const stages = new Set<LifecycleStage>(['created', 'started', 'terminal']);
  let phases = new Set<TerminalPhase>(TERMINAL_PHASES);
  const notes: string[] = [];
  const restrictPhases = (allowed: Iterable<TerminalPhase>): void => {
    const keep = new Set(allowed);
    phases = new Set([...phases].filter((p) => keep.has(p)));
  };

  // outcome: created/started are successes; a finished run succeeded or failed (aborted and timed out fail)
  if (filter.outcome) {
    if (!filter.outcome.includes(Outcome.SUCCESS)) {
      stages.delete('created');
      stages.delete('started');
    }
    const allowed: TerminalPhase[] = [];
    if (filter.outcome.includes(Outcome.SUCCESS)) allowed.push('SUCCEEDED');
    if (filter.outcome.includes(Outcome.FAILURE)) allowed.push('FAILED', 'ABORTED', 'TIMED_OUT');
    restrictPhases(allowed);
  }

  // action: each stage and phase has a fixed normalized and raw name; keep those the engine's own rule (case,
  // `*`) would match, so that `execution.*` or `Create*` select exactly the stages they name
  if (filter.action) {
    const matchers = filter.action.map(actionPattern);
    const named = (...names: string[]) => matchers.some((m) => names.some(m));
    if (!named(CREATED_ACTION, CREATED_RAW_ACTION)) stages.delete('created');
    if (!named(STARTED_ACTION, STARTED_RAW_ACTION)) stages.delete('started');
    restrictPhases(TERMINAL_PHASES.filter((p) => named(TERMINAL_ACTIONS[p], p)));
  }

  // identity: started and finished events are the propeller's, except an abort, whose actor (abort_metadata.principal)
  // no column holds. The created event's actor is the `user` column, but flyteadmin compares it with case and the
  // engine without, so no user clause is sent: the created list is read whole and filtered here.
  if (filter.identity) {
    const lowered = filter.identity.map((v) => v.toLowerCase());
    if (!lowered.includes(PROPELLER)) {
      stages.delete('started');
      restrictPhases(['ABORTED']);
    }
    notes.push('identity: created events are not filtered by user upstream (flyteadmin compares principals with case, auditgraph does not)');
  }

  let modeClause: string | undefined;
  if (filter.category) {
    const scheduled = filter.category.includes(EventCategory.SCHEDULED_JOB);
    const api = filter.category.includes(EventCategory.API_ACTIVITY);
    if (scheduled && !api) modeClause = eq('mode', MODE_SCHEDULED);
    else if (api && !scheduled) modeClause = `ne(mode,${MODE_SCHEDULED})`;
    else if (!scheduled && !api) stages.clear();
  }

  let names: Map<string, Set<string>> | undefined;
  if (filter.runId) {
    names = new Map();
    for (const runId of filter.runId) {
      const run = runOfFilterValue(runId);
      if (!run) continue;
      const key = `${run.project ?? '*'}/${run.domain ?? '*'}`;
      const set = names.get(key) ?? new Set<string>();
      set.add(run.name);
      names.set(key, set);
    }
  }

  if (phases.size === 0) stages.delete('terminal');
  return { stages, terminalPhases: TERMINAL_PHASES.filter((p) => phases.has(p)), modeClause, names, notes };
}

/**
 * The upstream lists one query needs: for every configured (project, domain) the pushed filter leaves, one
 * list per lifecycle stage it leaves, each windowed and sorted on the column holding that stage's time, so
 * that every list comes back in event order and exactly covers the window (no widening, no long-run guess).
 */
export function planStreams(pairs: readonly ProjectDomain[], window: TimeWindow, filter: PushedFilter): { streams: StreamSpec[]; notes: string[] } {
  const sel = selectFromFilter(filter);
  const streams: StreamSpec[] = [];
  for (const pair of pairs) {
    let nameClause: string | undefined;
    if (sel.names) {
      const wanted = new Set(
        [`${pair.project}/${pair.domain}`, `*/${pair.domain}`, '*/*'].flatMap((key) => [...(sel.names!.get(key) ?? [])]),
      );
      if (wanted.size === 0) continue;
      const values = [...wanted];
      if (values.every(writable)) nameClause = oneOf('name', values);
    }
    for (const stage of ['created', 'started', 'terminal'] as const) {
      if (!sel.stages.has(stage)) continue;
      const column = STAGE_COLUMN[stage];
      const filters = [...timeRange(column, window), BOTH_STATES];
      if (stage === 'terminal') filters.push(oneOf('phase', sel.terminalPhases));
      if (sel.modeClause) filters.push(sel.modeClause);
      if (nameClause) filters.push(nameClause);
      streams.push({ pair, stage, sortKey: column, filters });
    }
  }
  return { streams, notes: sel.notes };
}

/**
 * The run a `runId` filter value names, as the engine's rule reads it (src/query/match.ts): `project/domain/name`
 * is that run; a bare name is that name in any pair; `domain/name` that name in that domain of any project; a longer
 * value names the run of its last three parts. Undefined when it can name no run (an empty part).
 */
export function runOfFilterValue(value: string): { project?: string; domain?: string; name: string } | undefined {
  const parts = value.split('/');
  if (parts.some((p) => p === '')) return undefined;
  if (parts.length === 1) return { name: parts[0] };
  if (parts.length === 2) return { domain: parts[0], name: parts[1] };
  const [project, domain, name] = parts.slice(-3);
  return { project, domain, name };
}

/** What each pushed field becomes upstream (see `planStreams`), for the planner. */
export const FLYTE_TRANSLATIONS: Record<'runId' | 'identity' | 'action' | 'outcome' | 'category', (values: readonly string[]) => PushdownTranslation> = {
  runId: (vs) =>
    vs.every((v) => runOfFilterValue(v) === undefined || writable(runOfFilterValue(v)!.name))
      ? exactly('the (project, domain) lists the runs are in, with eq/value_in(name,…)')
      : broadly('the (project, domain) lists the runs are in', 'a name holding + ; , ( ) cannot be written in a filter'),
  identity: (vs) =>
    broadly(
      vs.some((v) => v.toLowerCase() === PROPELLER) ? 'every lifecycle list' : 'the created list, and the finished list narrowed to eq(phase,ABORTED)',
      'created events are not filtered by user (flyteadmin compares principals with case)',
    ),
  action: () => exactly('the lifecycle lists and phases the names or patterns select'),
  outcome: () => exactly('the lifecycle lists and value_in(phase,…) the outcome selects'),
  category: (vs) => (vs.length > 0 ? exactly('eq(mode,1) / ne(mode,1)') : keptLocal('no category')),
};
