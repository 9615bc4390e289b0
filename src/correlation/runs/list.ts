import {
  AuditgraphError,
  ErrorCode,
  SortOrder,
  SourceState,
  newSourceStats,
  type SourceStatus,
  type TimeWindow,
} from '../../domain';
import { compareKeys, queryDigest, type CursorCodec, type EventKey } from '../../query/cursor';
import { MAX_PAGE_SIZE } from '../../query/engine';
import { stateFromStats, statsNotes } from '../../query/status';
import { resolveWindow, type TimeWindowRequest } from '../../query/window';
import { launcherFallback } from '../../sources/flyte/normalize';
import type { FlyteRun, FlyteRunFilter, FlyteSource } from '../../sources/flyte/runs';
import { EXECUTION_MODES, WORKFLOW_PHASES } from '../../sources/flyte/wire';
import type { RunHandle } from './model';

/** Which runs to list; values inside one field are alternatives, fields combine with AND. */
export interface RunFilter {
  sources?: string[];
  project?: string[];
  domain?: string[];
  /** WorkflowExecution.Phase names: QUEUED, RUNNING, SUCCEEDED, FAILED, ABORTED, TIMED_OUT... */
  phase?: string[];
  /** any name of the launching identity (expanded to its aliases first) */
  launchedBy?: string[];
  /** ExecutionMode names: MANUAL, SCHEDULED, SYSTEM, RELAUNCH, CHILD_WORKFLOW, RECOVERED, TRIGGER */
  mode?: string[];
}

export interface RunsRequest {
  window: TimeWindowRequest;
  filter?: RunFilter;
  first?: number | null;
  after?: string | null;
}

export interface RunEdge {
  cursor: string;
  handle: RunHandle;
}

export interface RunsPage {
  edges: RunEdge[];
  hasNextPage: boolean;
  startCursor?: string;
  endCursor?: string;
  window: TimeWindow;
  statuses: SourceStatus[];
}

export interface ListDeps {
  cursors: CursorCodec;
  /** widens `launchedBy` to every alias the identity layer knows */
  expandIdentity: (values: string[]) => string[];
  now: () => Date;
  signal?: AbortSignal;
  /** redacts what the statuses quote of malformed records */
  redactText?: (text: string) => { value: string; count: number };
}

const lower = (s: string) => s.toLowerCase();

function checkNames(values: string[] | undefined, allowed: readonly string[], key: string): string[] | undefined {
  if (!values?.length) return undefined;
  const upper = values.map((v) => v.trim().toUpperCase());
  const bad = upper.filter((v) => !allowed.includes(v));
  if (bad.length > 0) throw new AuditgraphError(ErrorCode.BAD_FILTER, `filter.${key}: ${bad.map((b) => JSON.stringify(b)).join(', ')} not one of ${allowed.join(', ')}`);
  return upper;
}

/** The filter with names checked and upper-cased, in a canonical form (it is part of the cursor's digest). */
export function normalizeRunFilter(filter: RunFilter | undefined): RunFilter {
  const f = filter ?? {};
  for (const key of ['sources', 'project', 'domain', 'launchedBy'] as const) {
    if (f[key]?.some((v) => v.trim() === '')) throw new AuditgraphError(ErrorCode.BAD_FILTER, `filter.${key}: values must be non-empty`);
  }
  const out: RunFilter = {};
  const sorted = (v: string[] | undefined) => (v?.length ? [...new Set(v)].sort() : undefined);
  const set = (key: keyof RunFilter, v: string[] | undefined) => {
    const s = sorted(v);
    if (s) out[key] = s;
  };
  set('sources', f.sources);
  set('project', f.project);
  set('domain', f.domain);
  set('phase', checkNames(f.phase, WORKFLOW_PHASES, 'phase'));
  set('launchedBy', f.launchedBy);
  set('mode', checkNames(f.mode, EXECUTION_MODES, 'mode'));
  return out;
}

function keyOf(sourceId: string, run: FlyteRun): EventKey {
  return { time: run.createdAt.getTime(), sourceId, eventId: run.runId, digest: '' };
}

/** Who launched a run, as the filter sees it: the principal, else the name the lifecycle gives the launcher. */
function launcherName(run: FlyteRun): string {
  return run.principal ?? launcherFallback(run.mode);
}

interface SourcePart {
  source: FlyteSource;
  handles: RunHandle[];
  status: SourceStatus;
  failed: boolean;
}

/**
 * One page of the runs created in the window, newest first, across the selected execution sources. Flyte
 * lists runs oldest first; each source's list is read through the (cursor-narrowed) window keeping only the
 * newest `first + 1` runs, so memory is bounded by the page, not by the window.
 */
export async function listRuns(all: readonly FlyteSource[], req: RunsRequest, deps: ListDeps): Promise<RunsPage> {
  const first = req.first ?? 100;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new AuditgraphError(ErrorCode.BAD_PAGE_SIZE, `first: expected an integer from 1 to ${MAX_PAGE_SIZE}, got ${first}`);
  }
  const filter = normalizeRunFilter(req.filter);
  for (const id of filter.sources ?? []) {
    if (!all.some((s) => s.id === id)) {
      throw new AuditgraphError(ErrorCode.UNKNOWN_SOURCE, `filter.sources: no execution source with id ${JSON.stringify(id)}; execution sources: ${all.map((s) => s.id).join(', ') || 'none'}`);
    }
  }
  const selected = all.filter((s) => !filter.sources || filter.sources.includes(s.id));
  if (selected.length === 0) throw new AuditgraphError(ErrorCode.NO_SOURCES, 'no execution source (type flyte) is configured: there are no runs to list');

  const digest = queryDigest(`runs:${JSON.stringify(filter)}`, req.window, {}, SortOrder.NEWEST_FIRST);
  const cursor = req.after ? deps.cursors.decode(req.after, digest) : undefined;
  const after = cursor?.key;
  const window = cursor?.window ?? resolveWindow(req.window, deps.now());
  const asked: TimeWindow = after ? { from: window.from, to: new Date(Math.min(window.to.getTime(), after.time + 1)) } : window;

  const launchers = filter.launchedBy ? new Set(deps.expandIdentity(filter.launchedBy).map(lower)) : undefined;
  const pushed: FlyteRunFilter = {};
  const pushedDown: string[] = [];
  const residual: string[] = [];
  if (launchers) {
    // flyteadmin compares `user` with case and launchers match here without: asking it for the names as written
    // (or lower-cased) would miss `Alice@Example.com` for `alice@example.com`, so the filter stays here
    const principals = [...new Set([...deps.expandIdentity(filter.launchedBy ?? []), ...launchers])];
    residual.push(`launchedBy=${JSON.stringify(principals)} (flyteadmin compares principals with case; matched here without)`);
  }
  if (filter.phase) {
    pushed.phase = filter.phase;
    pushedDown.push(`phase=${JSON.stringify(filter.phase)} as phase`);
  }
  if (filter.project) residual.push(`project=${JSON.stringify(filter.project)}`);
  if (filter.domain) residual.push(`domain=${JSON.stringify(filter.domain)}`);
  if (filter.mode) residual.push(`mode=${JSON.stringify(filter.mode)}`);

  const keep = (run: FlyteRun): boolean =>
    (!filter.project || filter.project.includes(run.id.project)) &&
    (!filter.domain || filter.domain.includes(run.id.domain)) &&
    (!filter.phase || filter.phase.includes(run.phase)) &&
    (!filter.mode || filter.mode.includes(run.mode)) &&
    (!launchers || launchers.has(lower(launcherName(run))));

  const parts = await Promise.all(
    selected.map(async (source): Promise<SourcePart> => {
      const stats = newSourceStats();
      const started = performance.now();
      let handles: RunHandle[] = [];
      let matched = 0;
      let failure: string | undefined;
      try {
        for await (const run of source.runs.listRuns(asked, pushed, { signal: deps.signal, stats })) {
          if (!keep(run)) continue;
          const key = keyOf(source.id, run);
          if (after && compareKeys(key, after, SortOrder.NEWEST_FIRST) <= 0) continue;
          matched += 1;
          handles.push({ source, run });
          if (handles.length > 2 * (first + 1)) handles = newest(handles, first + 1);
        }
      } catch (err) {
        failure = `${(err as { code?: string }).code ?? 'INTERNAL'}: ${(err as Error).message}`;
      }
      const redact = (text: string) => deps.redactText?.(text) ?? { value: text, count: 0 };
      const samples = stats.malformedSamples.map(redact);
      const message = [failure, ...statsNotes(stats)].filter(Boolean).join(' | ') || undefined;
      const status: SourceStatus = {
        sourceId: source.id,
        sourceType: source.type,
        kind: source.kind,
        mode: source.mode,
        state: stateFromStats(failure ? SourceState.FAILED : SourceState.OK, stats),
        message: message && redact(message).value,
        window: asked,
        requests: stats.requests,
        eventsScanned: stats.scanned,
        eventsMatched: matched,
        eventsReturned: 0,
        malformed: stats.malformed,
        malformedSamples: samples.map((s) => s.value),
        throttled: stats.throttled,
        bytesRead: stats.bytesRead,
        partitionsRead: stats.partitionsRead,
        partitionsPruned: stats.partitionsPruned,
        duplicates: stats.duplicates,
        idConflicts: stats.idConflicts,
        partitionsIgnored: stats.partitionsIgnored,
        partitionsDamaged: stats.partitionsDamaged,
        partitionsUnreadable: stats.partitionsUnreadable,
        cacheHits: stats.cacheHits,
        prefiltered: stats.prefiltered,
        rawTruncated: stats.rawTruncated,
        redactions: samples.reduce((n, s) => n + s.count, 0),
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        pushedDown,
        residual,
      };
      return { source, handles: newest(handles, first + 1), status, failed: failure !== undefined };
    }),
  );

  const merged = newest(parts.flatMap((p) => p.handles), first + 1);
  const page = merged.slice(0, first);
  if (page.length === 0 && parts.every((p) => p.failed)) {
    throw new AuditgraphError(ErrorCode.ALL_SOURCES_FAILED, `every execution source failed: ${parts.map((p) => `${p.source.id}: ${p.status.message}`).join('; ')}`, { sources: parts.map((p) => p.status) });
  }
  for (const h of page) {
    const part = parts.find((p) => p.source === h.source);
    if (part) part.status.eventsReturned += 1;
  }
  const edges = page.map((handle) => ({ handle, cursor: deps.cursors.encode({ key: keyOf(handle.source.id, handle.run), window, digest }) }));
  return {
    edges,
    hasNextPage: merged.length > first,
    startCursor: edges[0]?.cursor,
    endCursor: edges[edges.length - 1]?.cursor,
    window,
    statuses: parts.map((p) => p.status),
  };
}

/** The `n` newest runs, newest first, ties by source then run id (the cursor's order). */
function newest(handles: RunHandle[], n: number): RunHandle[] {
  return [...handles].sort((a, b) => compareKeys(keyOf(a.source.id, a.run), keyOf(b.source.id, b.run), SortOrder.NEWEST_FIRST)).slice(0, n);
}
