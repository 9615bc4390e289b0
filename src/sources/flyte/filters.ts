import { EventCategory, Outcome, type PushedFilter, type TimeWindow } from '../../domain';
import type { ProjectDomain } from './config';
import {
  ADMIN,
  CREATED_ACTION,
  CREATED_RAW_ACTION,
  PROPELLER,
  SCHEDULER,
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
  /** principals for `user` on the created stage; undefined: no user clause */
  users?: string[];
  modeClause?: string;
  /** run names per pair key (`project/domain`), or for every pair under '*'; undefined: no name clause */
  names?: Map<string, Set<string>>;
  notes: string[];
}

function lower(values: readonly string[] | undefined): string[] | undefined {
  return values?.map((v) => v.toLowerCase());
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

  // action: the normalized action or the raw one, compared without case so that we never ask too narrowly
  const actions = lower(filter.action);
  if (actions) {
    if (!actions.includes(CREATED_ACTION) && !actions.includes(CREATED_RAW_ACTION.toLowerCase())) stages.delete('created');
    if (!actions.includes(STARTED_ACTION) && !actions.includes(STARTED_RAW_ACTION.toLowerCase())) stages.delete('started');
    restrictPhases(TERMINAL_PHASES.filter((p) => actions.includes(TERMINAL_ACTIONS[p]) || actions.includes(p.toLowerCase())));
  }

  // identity: the created event's actor is the `user` column; started and finished events are the propeller's,
  // except an abort, whose actor (abort_metadata.principal) no column holds
  let users: string[] | undefined;
  if (filter.identity) {
    const ids = filter.identity;
    const lowered = ids.map((v) => v.toLowerCase());
    if (!lowered.includes(PROPELLER)) {
      stages.delete('started');
      restrictPhases(['ABORTED']);
    }
    const fallbackNamed = lowered.includes(SCHEDULER) || lowered.includes(ADMIN);
    const unwritable = ids.filter((v) => !writable(v));
    if (fallbackNamed) {
      notes.push(`identity names a launcher without principal (${SCHEDULER}/${ADMIN}): created events are not filtered by user`);
    } else if (unwritable.length > 0) {
      notes.push(`identity ${unwritable.map((v) => JSON.stringify(v)).join(', ')} cannot be written in a Flyte filter: created events are not filtered by user`);
    } else {
      // principals compare case-sensitively in the database: ask for the value as given and lower-cased
      users = [...new Set(ids.flatMap((v) => [v, v.toLowerCase()]))];
    }
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
      const parts = runId.split('/');
      // `project/domain/name`, or a bare name (asked in every pair); anything else is no run of ours
      if ((parts.length !== 3 && parts.length !== 1) || parts.some((p) => p === '')) continue;
      const key = parts.length === 3 ? `${parts[0]}/${parts[1]}` : '*';
      const set = names.get(key) ?? new Set<string>();
      set.add(parts[parts.length - 1]);
      names.set(key, set);
    }
  }

  if (phases.size === 0) stages.delete('terminal');
  return { stages, terminalPhases: TERMINAL_PHASES.filter((p) => phases.has(p)), users, modeClause, names, notes };
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
      const wanted = new Set([...(sel.names.get(`${pair.project}/${pair.domain}`) ?? []), ...(sel.names.get('*') ?? [])]);
      if (wanted.size === 0) continue;
      const values = [...wanted];
      if (values.every(writable)) nameClause = oneOf('name', values);
    }
    for (const stage of ['created', 'started', 'terminal'] as const) {
      if (!sel.stages.has(stage)) continue;
      const column = STAGE_COLUMN[stage];
      const filters = [...timeRange(column, window), BOTH_STATES];
      if (stage === 'created' && sel.users) filters.push(oneOf('user', sel.users));
      if (stage === 'terminal') filters.push(oneOf('phase', sel.terminalPhases));
      if (sel.modeClause) filters.push(sel.modeClause);
      if (nameClause) filters.push(nameClause);
      streams.push({ pair, stage, sortKey: column, filters });
    }
  }
  return { streams, notes: sel.notes };
}
