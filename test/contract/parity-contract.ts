import {
  AuditgraphError,
  EventCategory,
  Outcome,
  SortOrder,
  SourceKind,
  SourceState,
  type AuditEvent,
  type EventFilter,
  type Source,
  type SourceCallContext,
  type SourceQuery,
  type SourceStatus,
  type TimeWindow,
} from '../../src/domain';
import { QueryEngine } from '../../src/query/engine';

/**
 * Archive/live parity: the same demo records served by a source's loopback wire server (`mode: api`) and read from
 * the service's export layout (`mode: archive`) must give the same events, in the same order, for every filter. The
 * live mode pushes filters upstream and the archive mode cannot, so any pushdown that selects less than the
 * engine's own rule (a wildcard sent literally, a case-sensitive comparison of a case-insensitive field, a
 * normalized name sent raw) shows here as a missing event. The battery is built from the records themselves: each
 * filter field, wildcards, several values, mixed case, combinations, both orders.
 */

export interface ParityFixture {
  /** the live mode, against its loopback server holding the demo's records */
  api: Source;
  /** the archive mode over the same demo's export files */
  archive: Source;
  /** the part of the demo day compared (kept small enough for the live mode's page size and rate) */
  window: TimeWindow;
  /** the clock the engine plans with (retention), after the demo day */
  now: Date;
  teardown?: () => Promise<void>;
}

interface Answer {
  keys: string[];
  statuses: SourceStatus[];
  error?: string;
}

const PAGE = 1000;

async function answer(source: Source, window: TimeWindow, filter: EventFilter, order: SortOrder, now: Date): Promise<Answer> {
  const engine = new QueryEngine([source], { cursorSecret: 'parity', now: () => now, deadlineMs: 120_000 });
  const keys: string[] = [];
  const statuses: SourceStatus[] = [];
  let after: string | undefined;
  try {
    for (;;) {
      const page = await engine.events({ window, filter, order, first: PAGE, after });
      keys.push(...page.edges.map((e) => `${e.event.time.toISOString()} ${e.event.id}`));
      statuses.push(...page.statuses);
      if (!page.hasNextPage) break;
      after = page.endCursor;
    }
  } catch (err) {
    if (!(err instanceof AuditgraphError)) throw err;
    return { keys, statuses, error: err.code };
  }
  return { keys, statuses };
}

/**
 * The archive source with its reads remembered: an archive takes no pushdown (its requests depend only on the
 * window and the order), so each (window, order) is read from the files once and then replayed, through the same
 * engine path, for every filter of the battery.
 */
function replaying(archive: Source): Source {
  expect(archive.capabilities.pushdown).toEqual([]);
  const reads = new Map<string, AuditEvent[]>();
  return Object.assign(Object.create(archive) as Source, {
    async *events(q: SourceQuery, ctx: SourceCallContext): AsyncGenerator<AuditEvent> {
      const key = `${q.window.from.toISOString()} ${q.window.to.toISOString()} ${q.order}`;
      let events = reads.get(key);
      if (!events) {
        events = [];
        for await (const e of archive.events(q, ctx)) events.push(e);
        reads.set(key, events);
      }
      yield* events;
    },
  });
}

function mostCommon(values: (string | undefined)[], skip: readonly string[] = []): string[] {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== undefined && v !== '' && !skip.includes(v)) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([v]) => v);
}

/** `Alice@Example.com` -> `aLICE@eXAMPLE.COM`: the same name in other capitals. */
export function swapCase(s: string): string {
  return [...s].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
}

/** The literal prefix a service-style action has: `iam:`, `user.`, `Microsoft.Authorization/`. */
function servicePrefix(action: string): string | undefined {
  for (const sep of [':', '/', '.']) {
    const i = action.indexOf(sep);
    if (i > 0) return action.slice(0, i + 1);
  }
  return undefined;
}

/** What the battery takes its values from: the archive's events in the window. */
interface Facts {
  events: AuditEvent[];
  kind: SourceKind;
  names: string[];
  alias?: string;
  actions: string[];
  ips: string[];
  categories: EventCategory[];
  target?: string;
  namespaced?: { namespace: string; name: string };
  runs: string[];
  failed?: AuditEvent;
  withIp?: AuditEvent;
}

function factsOf(events: AuditEvent[], kind: SourceKind): Facts {
  const names = mostCommon(events.map((e) => e.actor.name));
  const targets = events.flatMap((e) => e.targets);
  const namespaced = targets.find((t) => t.namespace);
  return {
    events,
    kind,
    names,
    alias: mostCommon(events.flatMap((e) => [e.actor.uid, ...e.actor.aliases.map((a) => a.value)]), names.slice(0, 1))[0],
    actions: mostCommon(events.map((e) => e.action)),
    ips: mostCommon(events.map((e) => e.sourceIp)),
    categories: mostCommon(events.map((e) => e.category)) as EventCategory[],
    target: mostCommon(targets.map((t) => t.name))[0],
    namespaced: namespaced ? { namespace: namespaced.namespace!, name: namespaced.name } : undefined,
    runs: mostCommon(events.map((e) => e.runId)),
    failed: events.find((e) => e.outcome === Outcome.FAILURE),
    withIp: events.find((e) => e.sourceIp),
  };
}

/** Values no record holds, for a field this source's records never carry: both modes must agree on nothing. */
const NOBODY = 'nobody-at-all@nowhere.invalid';
const NO_IP = '192.0.2.254';
const NO_RUN = 'no-project/no-domain/norun';

interface Built {
  filter: EventFilter;
  /** taken from a record in the window: the archive must find at least one event */
  found: boolean;
}

const from = (filter: EventFilter, found = true): Built => ({ filter, found });

/**
 * The filters compared. Each is built from the facts; where this source's records have no value for a field (no
 * IPs in Flyte, no runs in Okta) the filter names one nobody has, and both modes must return nothing, without error.
 */
export const PARITY_CASES: readonly { name: string; build(f: Facts): Built }[] = [
  { name: 'no filter', build: () => from({}) },
  { name: 'identity, the commonest actor', build: (f) => from({ identity: [f.names[0]] }) },
  { name: 'identity in other capitals', build: (f) => from({ identity: [swapCase(f.names[0])] }) },
  { name: 'identity upper-cased', build: (f) => from({ identity: [f.names[0].toUpperCase()] }) },
  { name: 'two identities', build: (f) => from({ identity: f.names.slice(0, 2) }) },
  { name: 'identity by an alias or uid', build: (f) => (f.alias ? from({ identity: [f.alias] }) : from({ identity: [NOBODY] }, false)) },
  { name: 'identity by an alias in other capitals', build: (f) => (f.alias ? from({ identity: [swapCase(f.alias)] }) : from({ identity: [NOBODY] }, false)) },
  { name: 'identity nobody has', build: () => from({ identity: [NOBODY] }, false) },
  { name: 'action, the commonest', build: (f) => from({ action: [f.actions[0]] }) },
  { name: 'action in other capitals', build: (f) => from({ action: [swapCase(f.actions[0])] }) },
  { name: "action by the upstream's own name", build: (f) => from({ action: [rawOf(f, f.actions[0])] }) },
  { name: "upstream name in other capitals", build: (f) => from({ action: [swapCase(rawOf(f, f.actions[0]))] }) },
  { name: 'action wildcard over the service (iam:*, user.*)', build: (f) => from({ action: [`${servicePrefix(f.actions[0]) ?? f.actions[0].slice(0, 3)}*`] }) },
  { name: 'service wildcard in other capitals', build: (f) => from({ action: [`${swapCase(servicePrefix(f.actions[0]) ?? f.actions[0].slice(0, 3))}*`] }) },
  { name: 'action prefix wildcard', build: (f) => from({ action: [`${f.actions[0].slice(0, Math.max(1, Math.floor(f.actions[0].length / 2)))}*`] }) },
  { name: 'action suffix wildcard', build: (f) => from({ action: [`*${f.actions[0].slice(-5)}`] }) },
  { name: 'action infix wildcard', build: (f) => from({ action: [`*${f.actions[0].slice(2, 7)}*`] }) },
  { name: 'action head and tail wildcard', build: (f) => from({ action: [`${f.actions[0].slice(0, 2)}*${f.actions[0].slice(-3)}`] }) },
  { name: 'upstream name prefix wildcard', build: (f) => from({ action: [`${rawOf(f, f.actions[0]).slice(0, Math.ceil(rawOf(f, f.actions[0]).length / 2))}*`] }) },
  { name: 'action * (everything)', build: () => from({ action: ['*'] }) },
  { name: 'two actions', build: (f) => from({ action: f.actions.slice(0, 2) }) },
  { name: 'an action in other capitals and a pattern', build: (f) => from({ action: [swapCase(f.actions[1] ?? f.actions[0]), `${f.actions[0].slice(0, 3)}*`] }) },
  { name: 'action nothing has', build: () => from({ action: ['nothing:MatchesThis*'] }, false) },
  { name: 'outcome SUCCESS', build: (f) => from({ outcome: [Outcome.SUCCESS] }, f.events.some((e) => e.outcome === Outcome.SUCCESS)) },
  { name: 'outcome FAILURE', build: (f) => from({ outcome: [Outcome.FAILURE] }, f.events.some((e) => e.outcome === Outcome.FAILURE)) },
  { name: 'outcome UNKNOWN', build: (f) => from({ outcome: [Outcome.UNKNOWN] }, f.events.some((e) => e.outcome === Outcome.UNKNOWN)) },
  { name: 'outcome SUCCESS or FAILURE', build: () => from({ outcome: [Outcome.SUCCESS, Outcome.FAILURE] }) },
  { name: 'category, the commonest', build: (f) => from({ category: [f.categories[0]] }) },
  { name: 'category, the least common', build: (f) => from({ category: [f.categories[f.categories.length - 1]] }) },
  { name: 'two categories', build: (f) => from({ category: f.categories.slice(0, 2) }) },
  { name: 'a category none has', build: (f) => from({ category: [Object.values(EventCategory).find((c) => !f.categories.includes(c)) ?? f.categories[0]] }, false) },
  { name: 'sourceIp', build: (f) => (f.ips[0] ? from({ sourceIp: [f.ips[0]] }) : from({ sourceIp: [NO_IP] }, false)) },
  { name: 'two source IPs', build: (f) => (f.ips[0] ? from({ sourceIp: f.ips.slice(0, 2) }) : from({ sourceIp: [NO_IP, '2001:db8::1'] }, false)) },
  { name: 'resource substring', build: (f) => from({ resource: middleOf(f.target!) }) },
  { name: 'resource in other capitals', build: (f) => from({ resource: swapCase(middleOf(f.target!)) }) },
  { name: 'resource namespace/name', build: (f) => (f.namespaced ? from({ resource: `${f.namespaced.namespace}/${f.namespaced.name.slice(0, 4)}` }) : from({ resource: 'no-namespace/nothing' }, false)) },
  { name: 'runId project/domain/name', build: (f) => (f.runs[0] ? from({ runId: [f.runs[0]] }) : from({ runId: [NO_RUN] }, false)) },
  { name: 'runId by bare name', build: (f) => (f.runs[0] ? from({ runId: [f.runs[0].split('/')[2]] }) : from({ runId: ['norun'] }, false)) },
  { name: 'runId domain/name', build: (f) => (f.runs[0] ? from({ runId: [f.runs[0].split('/').slice(1).join('/')] }) : from({ runId: ['no-domain/norun'] }, false)) },
  { name: 'runId with a longer prefix', build: (f) => (f.runs[0] ? from({ runId: [`org/${f.runs[0]}`] }) : from({ runId: [`org/${NO_RUN}`] }, false)) },
  { name: 'two runIds', build: (f) => (f.runs.length >= 2 ? from({ runId: f.runs.slice(0, 2) }) : from({ runId: [NO_RUN, 'norun'] }, false)) },
  { name: 'kinds of this source', build: (f) => from({ kinds: [f.kind] }) },
  { name: 'kinds of another source', build: (f) => from({ kinds: [Object.values(SourceKind).find((k) => k !== f.kind)!] }, false) },
  {
    name: 'identity and action',
    build: (f) => {
      const e = f.events.find((x) => x.actor.name === f.names[0])!;
      return from({ identity: [swapCase(e.actor.name)], action: [e.action] });
    },
  },
  {
    name: 'action pattern in other capitals and outcome FAILURE',
    build: (f) => (f.failed ? from({ action: [`${swapCase(servicePrefix(f.failed.action) ?? f.failed.action.slice(0, 3))}*`], outcome: [Outcome.FAILURE] }) : from({ action: ['*'], outcome: [Outcome.FAILURE] }, false)),
  },
  {
    name: 'identity of a failure in other capitals and outcome FAILURE',
    build: (f) => (f.failed ? from({ identity: [swapCase(f.failed.actor.name)], outcome: [Outcome.FAILURE] }) : from({ identity: [NOBODY], outcome: [Outcome.FAILURE] }, false)),
  },
  {
    name: 'sourceIp, action pattern and category',
    build: (f) => (f.withIp ? from({ sourceIp: [f.withIp.sourceIp!], action: [`${f.withIp.action.slice(0, 4)}*`], category: [f.withIp.category] }) : from({ sourceIp: [NO_IP], action: ['*'] }, false)),
  },
  { name: 'identity, two actions and a resource', build: (f) => from({ identity: [swapCase(f.names[0])], action: f.actions.slice(0, 2), resource: f.target!.slice(0, 4) }, false) },
  {
    name: 'runId and action pattern',
    build: (f) => (f.runs[0] ? from({ runId: [f.runs[0]], action: [`${servicePrefix(f.actions[0]) ?? ''}*`] }) : from({ runId: [NO_RUN], action: ['*'] }, false)),
  },
];

function rawOf(f: Facts, action: string): string {
  return f.events.find((e) => e.action === action)!.rawAction;
}

function middleOf(name: string): string {
  const at = Math.floor(name.length / 3);
  return name.slice(at, at + 6) || name;
}

/**
 * Every live source passes this beside `defineSourceContract`: for each filter of the battery, in both orders, the
 * live mode and the archive mode return the same events (ids, times, order), and the live source answers OK.
 */
export function defineParityContract(name: string, setup: () => Promise<ParityFixture>): void {
  describe(`archive/live parity: ${name}`, () => {
    let fx: ParityFixture;
    let facts: Facts;
    beforeAll(async () => {
      fx = await setup();
      fx = { ...fx, archive: replaying(fx.archive) };
      const engine = new QueryEngine([fx.archive], { cursorSecret: 'parity', now: () => fx.now });
      const events: AuditEvent[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await engine.events({ window: fx.window, order: SortOrder.OLDEST_FIRST, first: PAGE, after });
        events.push(...page.edges.map((e) => e.event));
        if (!page.hasNextPage) break;
        after = page.endCursor;
      }
      facts = factsOf(events, fx.archive.kind);
    }, 300_000);
    afterAll(async () => {
      await fx?.teardown?.();
    });

    it('compares a window with events of several actors, actions and targets', () => {
      expect(facts.events.length).toBeGreaterThan(20);
      expect(facts.names.length).toBeGreaterThan(1);
      expect(facts.actions.length).toBeGreaterThan(1);
      expect(facts.target).toBeDefined();
    });

    it.each(PARITY_CASES.map((c) => [c.name, c] as const))('%s: same events in the same order, both orders', async (_name, c) => {
      const { filter, found } = c.build(facts);
      for (const order of [SortOrder.NEWEST_FIRST, SortOrder.OLDEST_FIRST]) {
        const archive = await answer(fx.archive, fx.window, filter, order, fx.now);
        const live = await answer(fx.api, fx.window, filter, order, fx.now);
        const label = `${JSON.stringify(filter)} ${order}`;
        expect({ label, error: live.error }).toEqual({ label, error: archive.error });
        for (const s of live.statuses) expect({ label, state: s.state, message: s.message }).toMatchObject({ label, state: SourceState.OK });
        if (found) expect({ label, archiveFound: archive.keys.length }).not.toEqual({ label, archiveFound: 0 });
        expect({ label, missing: archive.keys.filter((k) => !live.keys.includes(k)), extra: live.keys.filter((k) => !archive.keys.includes(k)) }).toEqual({ label, missing: [], extra: [] });
        expect({ label, keys: live.keys }).toEqual({ label, keys: archive.keys });
      }
    }, 300_000);
  });
}
