import {
  AuditgraphError,
  SortOrder,
  type AuditEvent,
  type EventFilter,
  type Source,
  type SourceStatus,
  type TimeWindow,
} from '../../domain';
import type { QueryBudget } from '../../query/budget';
import type { EventMatcher, QueryEngine } from '../../query/engine';
import { isAssumeWebIdentity, actingServiceAccount, linkCredentials, linkPods, markOfRunPod, shortServiceAccount, type PodLinking } from './analyze';
import { loadDetail } from './detail';
import type { OtherPod, RunDetail, RunHandle, RunLinks } from './model';

/**
 * The discovery pass that comes before a run's timeline: what in the other trails is the run's. Two bounded
 * reads through the engine, inside the run's window:
 *   1. Kubernetes pod creates and deletes in the run's namespaces (from an hour before the window, for pods
 *      already running when it opens): the service account each of the run's pods
 *      runs as, and the other pods that run as the same accounts (they share its cloud role);
 *   2. the cloud calls of those accounts: AssumeRoleWithWebIdentity (IRSA: role and temporary key) and GCP
 *      Workload Identity, each kept only when one of the run's pods was running at the time.
 */

export interface DiscoveryDeps {
  engine: QueryEngine;
  signal?: AbortSignal;
  /** the deadline the run's discovery reads and its timeline share, and the sources found silent on the way */
  budget?: QueryBudget;
}

/** Pages of 1000 events each discovery read may take before it stops and says so. */
export const MAX_DISCOVERY_PAGES = 5;
/**
 * How far before the window pod creates are read: a pod of another workload created earlier may still be
 * running as the same service account when the run's pods obtain credentials.
 */
export const POD_LOOKBACK_MS = 3_600_000;
/** Other runs whose end is looked up (to know when their pods stopped sharing an account). */
export const MAX_OTHER_RUN_LOOKUPS = 20;

interface Read {
  events: AuditEvent[];
  statuses: SourceStatus[];
  truncated: boolean;
  /** the shared deadline ran out before the read was done */
  timedOut?: boolean;
  failure?: string;
}

function addStatus(into: Map<string, SourceStatus>, s: SourceStatus): void {
  const had = into.get(s.sourceId);
  if (!had) {
    into.set(s.sourceId, { ...s, pushedDown: [...s.pushedDown], residual: [...s.residual] });
    return;
  }
  had.requests += s.requests;
  had.eventsScanned += s.eventsScanned;
  had.eventsMatched += s.eventsMatched;
  had.eventsReturned += s.eventsReturned;
  had.malformed += s.malformed;
  had.throttled += s.throttled;
  had.bytesRead += s.bytesRead;
  had.partitionsRead += s.partitionsRead;
  had.partitionsPruned += s.partitionsPruned;
  had.duplicates += s.duplicates;
  had.idConflicts += s.idConflicts;
  had.partitionsIgnored += s.partitionsIgnored;
  had.partitionsDamaged += s.partitionsDamaged;
  had.partitionsUnreadable += s.partitionsUnreadable;
  had.cacheHits += s.cacheHits;
  had.prefiltered += s.prefiltered;
  had.rawTruncated += s.rawTruncated;
  had.redactions += s.redactions;
  had.durationMs = Math.round((had.durationMs + s.durationMs) * 100) / 100;
  if (s.state !== 'OK') {
    had.state = s.state;
    had.message = s.message;
  }
}

/** Every event of the window the filter and matcher keep, oldest first, at most MAX_DISCOVERY_PAGES pages. */
async function readAll(engine: QueryEngine, window: TimeWindow, filter: EventFilter, match: EventMatcher, deps: DiscoveryDeps): Promise<Read> {
  const events: AuditEvent[] = [];
  const statuses = new Map<string, SourceStatus>();
  let after: string | undefined;
  for (let page = 0; page < MAX_DISCOVERY_PAGES; page++) {
    if (deps.budget?.exhausted) return { events, statuses: [...statuses.values()], truncated: false, timedOut: true };
    try {
      const result = await engine.events({ window, filter, order: SortOrder.OLDEST_FIRST, first: 1000, after, scope: 'run-discovery', match, budget: deps.budget, redact: false }, deps.signal);
      for (const s of result.statuses) addStatus(statuses, s);
      events.push(...result.edges.map((e) => e.event));
      if (!result.hasNextPage) return { events, statuses: [...statuses.values()], truncated: false };
      after = result.endCursor;
    } catch (err) {
      if (!(err instanceof AuditgraphError)) throw err;
      const failed = err.details.sources as SourceStatus[] | undefined;
      for (const s of failed ?? []) addStatus(statuses, s);
      return { events, statuses: [...statuses.values()], truncated: false, failure: err.message };
    }
  }
  return { events, statuses: [...statuses.values()], truncated: true };
}

function ofType(sources: readonly Source[], type: Source['type']): Source[] {
  return sources.filter((s) => s.type === type);
}

/**
 * When the other pods sharing an account stopped: their delete if seen, else their task attempt's end as their
 * run's execution source reports it, else their run's end; still open when none is known.
 */
async function closeOtherPods(handle: RunHandle, others: OtherPod[], deps: DiscoveryDeps, notes: string[]): Promise<void> {
  const open = [...new Set(others.filter((o) => !o.to && o.runId).map((o) => o.runId as string))];
  const asked = open.slice(0, MAX_OTHER_RUN_LOOKUPS);
  if (open.length > asked.length) notes.push(`${open.length - asked.length} other run(s) sharing a service account were not looked up (limit ${MAX_OTHER_RUN_LOOKUPS}); their pods count as still running`);
  const podEnds = new Map<string, Date | undefined>();
  const runEnds = new Map<string, Date | undefined>();
  for (const runId of asked) {
    const [project, domain, name] = runId.split('/');
    const [other] = await handle.source.runs.findRuns(name, { project, domain }, { signal: deps.signal });
    if (!other) continue;
    runEnds.set(runId, other.endedAt);
    const detail = await loadDetail({ source: handle.source, run: other }, { signal: deps.signal });
    for (const pod of detail.pods) podEnds.set(`${pod.namespace}/${pod.name}`, pod.to);
  }
  for (const o of others) {
    if (o.to || !o.runId) continue;
    const key = `${o.namespace}/${o.name}`;
    o.to = podEnds.has(key) ? podEnds.get(key) : runEnds.get(o.runId);
  }
}

/**
 * Why a run has no pods, when neither Flyte's record nor the Kubernetes audit shows one, naming the pod creates
 * that named the run and were refused (a quota, an admission webhook).
 */
function noPodsNote(run: RunHandle['run'], podEvents: AuditEvent[]): string {
  const refused = podEvents.filter((e) => e.rawAction === 'create' && e.outcome === 'FAILURE' && e.runId === run.runId);
  const why = refused.length > 0 ? `; ${refused.length} pod create(s) naming it were refused (${refused.map((e) => `event ${e.id}${e.outcomeReason ? `: ${e.outcomeReason}` : ''}`).join('; ')})` : '';
  return `the run has no pods: Flyte's record lists no task attempt that reached Kubernetes, and the Kubernetes audit shows no pod created for it in the window (labels execution-id=${run.id.name}, or a pod named ${run.id.name}-<node>-<attempt> in ${run.namespace})${why}; nothing in Kubernetes or the cloud is tied to it but records that name the run`;
}

/** Runs the discovery pass for one run in `window`; never throws for a source that fails (a note says so). */
export async function discoverLinks(handle: RunHandle, detail: RunDetail, window: TimeWindow, deps: DiscoveryDeps): Promise<RunLinks> {
  const { run, source } = handle;
  const all = deps.engine.sources;
  const k8s = ofType(all, 'k8s-audit');
  const aws = ofType(all, 'cloudtrail');
  const gcp = ofType(all, 'gcp-audit');
  const notes: string[] = [];
  const statuses = new Map<string, SourceStatus>();

  let podEvents: AuditEvent[] | undefined;
  let podReadFailed = false;
  if (k8s.length === 0) {
    notes.push(
      detail.pods.length > 0
        ? "no Kubernetes audit source is configured: service accounts come from the run's spec, and no other pod sharing them can be seen"
        : "the run has no pods in Flyte's record, and no Kubernetes audit source is configured to look for them: nothing in Kubernetes or the cloud is tied to it",
    );
  } else {
    // the run's namespaces, and any pod create whose labels name the run (a namespace mapping other than <project>-<domain>)
    const namespaces = new Set([run.namespace, ...detail.pods.map((p) => p.namespace)]);
    const read = await readAll(
      deps.engine,
      { from: new Date(window.from.getTime() - POD_LOOKBACK_MS), to: window.to },
      { sources: k8s.map((s) => s.id), action: ['pods.create', 'pods.delete'] },
      (e) => (e.targets.some((t) => t.type === 'pods' && t.namespace !== undefined && (namespaces.has(t.namespace) || markOfRunPod(run, e, { name: t.name, namespace: t.namespace }))) ? [] : null),
      deps,
    );
    read.statuses.forEach((s) => addStatus(statuses, s));
    if (read.failure) {
      podReadFailed = true;
      notes.push(`reading pod creates failed (${read.failure}): ${detail.pods.length > 0 ? "service accounts come from the run's spec" : "the run's pods could not be looked for in the Kubernetes audit"}`);
    }
    if (read.truncated) notes.push(`more than ${MAX_DISCOVERY_PAGES * 1000} pod creates/deletes in the window: only the first were read`);
    if (read.timedOut) notes.push(`reading pod creates stopped at the run's deadline (query.deadlineMs): pods created later in the window may be missing`);
    podEvents = read.events;
  }
  const linking: PodLinking = linkPods(run, detail.pods, podEvents);
  const found = linking.pods.filter((p) => p.discovered);
  if (linking.pods.length === 0) {
    if (podEvents && !podReadFailed) notes.push(noPodsNote(run, podEvents));
  } else {
    if (found.length > 0) {
      notes.push(
        detail.pods.length === 0
          ? `Flyte's record of the run lists no task execution (an export or answer without node and task executions): its ${found.length} pod(s) ${found.map((p) => p.name).join(', ')} were found in the Kubernetes audit (pods[].discoveredBy)`
          : `${found.length} pod(s) of the run that Flyte's task executions do not list were found in the Kubernetes audit: ${found.map((p) => p.name).join(', ')} (pods[].discoveredBy)`,
      );
    }
    notes.push(...linking.notes);
    await closeOtherPods(handle, linking.otherPods, deps, notes);
  }

  const accounts = linking.serviceAccounts.map((s) => s.username);
  const cloud = [...aws, ...gcp];
  let credentials: RunLinks['credentials'] = [];
  let excluded: RunLinks['excluded'] = [];
  // the cloud read did not finish: the timeline keeps the cloud sources, so that its own status says so
  let cloudPartial = false;
  if (accounts.length > 0 && cloud.length === 0) {
    notes.push('no AWS CloudTrail or GCP audit source is configured: no cloud activity can be tied to the run\'s service accounts');
  } else if (accounts.length > 0) {
    const read = await readAll(
      deps.engine,
      window,
      { sources: cloud.map((s) => s.id), identity: accounts },
      (e) => {
        const account = actingServiceAccount(e, accounts);
        return account && (isAssumeWebIdentity(e) || e.sourceType === 'gcp-audit') ? [] : null;
      },
      deps,
    );
    read.statuses.forEach((s) => addStatus(statuses, s));
    if (read.failure) notes.push(`reading the service accounts' cloud calls failed (${read.failure}): cloud credentials may be missing`);
    if (read.truncated) notes.push(`more than ${MAX_DISCOVERY_PAGES * 1000} cloud calls by the run's service accounts in the window: only the first were read`);
    if (read.timedOut) notes.push(`reading the service accounts' cloud calls stopped at the run's deadline (query.deadlineMs): cloud credentials may be missing`);
    ({ credentials, excluded } = linkCredentials(run, linking, read.events));
    // after a failed or unfinished read, an absence proves nothing: the note says it all
    const silent = read.statuses.filter((s) => s.state !== 'OK' && s.state !== 'CLAMPED');
    if (silent.length > 0 && !read.failure) notes.push(`${silent.map((s) => `${s.sourceId} ${s.state}`).join(', ')} while reading the service accounts' cloud calls: cloud credentials may be missing, and none is said to be absent`);
    const partial = read.failure !== undefined || read.timedOut || silent.length > 0;
    cloudPartial = partial;
    for (const sa of partial ? [] : linking.serviceAccounts) {
      const mine = credentials.filter((c) => c.serviceAccount === sa.username);
      const theirs = excluded.filter((c) => c.serviceAccount === sa.username);
      if (mine.length > 0) continue;
      const who = shortServiceAccount(sa.username);
      notes.push(
        theirs.length > 0
          ? `service account ${who}: the ${theirs.length} cloud credential(s) it obtained in the window were other workloads' (see excluded): no cloud activity is tied to the run`
          : `service account ${who}: no AssumeRoleWithWebIdentity (IRSA) or Workload Identity call by it in the window: it maps to no cloud role here, so no cloud activity is tied to the run`,
      );
    }
  }

  // a finished run's links do not change, so its timeline reads only the sources that can hold its events;
  // a running run's may, and its cursors must stay valid: it reads the cloud sources as soon as it has an account
  const running = !run.endedAt && accounts.length > 0;
  const timelineSources = [
    source.id,
    ...k8s.map((s) => s.id),
    ...(running || cloudPartial || credentials.some((c) => c.kind === 'AWS_TEMPORARY_KEY') ? aws.map((s) => s.id) : []),
    ...(running || cloudPartial || credentials.some((c) => c.kind === 'GCP_WORKLOAD_IDENTITY') ? gcp.map((s) => s.id) : []),
  ];

  return {
    window,
    pods: linking.pods,
    serviceAccounts: linking.serviceAccounts,
    credentials,
    excluded,
    otherPods: linking.otherPods,
    notes,
    statuses: [...statuses.values()],
    timelineSources,
  };
}
