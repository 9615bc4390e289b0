import { AuditgraphError, ErrorCode, SortOrder } from '../../domain';
import { QueryBudget } from '../../query/budget';
import { CursorCodec } from '../../query/cursor';
import { MAX_PAGE_SIZE, type EventsPage, type QueryEngine } from '../../query/engine';
import { isFlyteSource, type FlyteSource } from '../../sources/flyte/runs';
import { loadDetail } from './detail';
import { discoverLinks } from './discover';
import { listRuns, type RunsPage, type RunsRequest } from './list';
import { runMatcher } from './matcher';
import type { RunDetail, RunHandle, RunLinks } from './model';
import { AmbiguousRunError, isFullRef, parseRunRef } from './ref';
import { DEFAULT_MARGIN, parseMargin, runWindow } from './window';

export interface RunServiceOptions {
  engine: QueryEngine;
  /** the engine's cursor secret: runs cursors are signed like event cursors */
  cursorSecret: string | readonly string[];
  /** widens an identity to every alias known (used by `runs(filter: {launchedBy})`) */
  expandIdentity?: (values: string[]) => string[];
  signal?: AbortSignal;
  now?: () => Date;
}

export interface TimelineArgs {
  first?: number | null;
  after?: string | null;
  margin?: string | null;
  order?: SortOrder | null;
}

/**
 * Runs for one request: resolving a run id, listing runs, and a run's detail, links and timeline. Details and
 * links are computed once per run (and margin) per request, however many fields ask for them.
 */
export class RunService {
  private readonly details = new Map<string, Promise<RunDetail>>();
  private readonly linkPasses = new Map<string, Promise<RunLinks>>();
  /** per run: one deadline for its discovery reads and its timeline page in this request */
  private readonly budgets = new Map<string, QueryBudget>();
  private readonly now: () => Date;

  constructor(private readonly opts: RunServiceOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  /** The configured execution sources that answer questions about runs. */
  executionSources(): FlyteSource[] {
    return this.opts.engine.sources.filter(isFlyteSource);
  }

  /**
   * The run `id` names: `project/domain/name`, or a bare name when one run has it. Null when no source has
   * it; AmbiguousRunError when several do; a failing source is an error, never taken for "no such run".
   */
  async resolve(id: string, sourceId?: string | null): Promise<RunHandle | null> {
    const ref = parseRunRef(id);
    const all = this.executionSources();
    if (sourceId && !all.some((s) => s.id === sourceId)) {
      throw new AuditgraphError(ErrorCode.UNKNOWN_SOURCE, `source: no execution source with id ${JSON.stringify(sourceId)}; execution sources: ${all.map((s) => s.id).join(', ') || 'none'}`);
    }
    const sources = all.filter((s) => !sourceId || s.id === sourceId);
    if (sources.length === 0) throw new AuditgraphError(ErrorCode.NO_SOURCES, 'no execution source (type flyte) is configured: there are no runs');
    const found: RunHandle[] = [];
    const failures: string[] = [];
    await Promise.all(
      sources.map(async (source) => {
        try {
          const runs = await source.runs.findRuns(ref.name, isFullRef(ref) ? { project: ref.project, domain: ref.domain } : undefined, { signal: this.opts.signal });
          for (const run of runs) found.push({ source, run });
        } catch (err) {
          failures.push(`${source.id}: ${(err as { code?: string }).code ?? 'INTERNAL'}: ${(err as Error).message}`);
        }
      }),
    );
    if (failures.length > 0 && found.length === 0) {
      throw new AuditgraphError(ErrorCode.ALL_SOURCES_FAILED, `run ${JSON.stringify(id)}: cannot tell whether it exists, ${failures.join('; ')}`);
    }
    if (found.length > 1) {
      const candidates = found.map((h) => `${h.source.id}:${h.run.runId}`).sort();
      throw new AmbiguousRunError(id, candidates);
    }
    return found[0] ?? null;
  }

  list(req: RunsRequest): Promise<RunsPage> {
    return listRuns(this.executionSources(), req, {
      cursors: new CursorCodec(this.opts.cursorSecret),
      expandIdentity: this.opts.expandIdentity ?? ((v) => v),
      now: this.now,
      signal: this.opts.signal,
      redactText: (text) => this.opts.engine.redactText(text),
    });
  }

  private budget(handle: RunHandle): QueryBudget {
    const key = handleKey(handle);
    let budget = this.budgets.get(key);
    if (!budget) this.budgets.set(key, (budget = new QueryBudget(this.opts.engine.deadlineMs)));
    return budget;
  }

  detail(handle: RunHandle): Promise<RunDetail> {
    const key = handleKey(handle);
    let detail = this.details.get(key);
    if (!detail) {
      detail = loadDetail(handle, { signal: this.opts.signal });
      this.details.set(key, detail);
    }
    return detail;
  }

  /** What the discovery pass ties to the run in its window with `margin`. */
  links(handle: RunHandle, margin?: string | null): Promise<RunLinks> {
    const marginMs = parseMargin(margin ?? DEFAULT_MARGIN);
    const key = `${handleKey(handle)}\u0000${marginMs}`;
    let links = this.linkPasses.get(key);
    if (!links) {
      links = (async () => {
        const detail = await this.detail(handle);
        const { resolved } = runWindow(handle.run, marginMs, this.now());
        return discoverLinks(handle, detail, resolved, { engine: this.opts.engine, signal: this.opts.signal, budget: this.budget(handle) });
      })();
      this.linkPasses.set(key, links);
    }
    return links;
  }

  /** One page of the run's timeline: every selected source's events in the run's window that the matcher ties to it. */
  async timeline(handle: RunHandle, args: TimelineArgs): Promise<EventsPage> {
    const first = args.first ?? 100;
    // checked here too: a bad argument must not cost a discovery pass
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
      throw new AuditgraphError(ErrorCode.BAD_PAGE_SIZE, `first: expected an integer from 1 to ${MAX_PAGE_SIZE}, got ${first}`);
    }
    const marginMs = parseMargin(args.margin ?? DEFAULT_MARGIN);
    const links = await this.links(handle, args.margin);
    const { request } = runWindow(handle.run, marginMs, this.now());
    const match = runMatcher({
      run: handle.run,
      sourceId: handle.source.id,
      pods: links.pods,
      serviceAccounts: links.serviceAccounts,
      credentials: links.credentials,
      otherPods: links.otherPods,
    });
    return this.opts.engine.events(
      {
        window: request,
        filter: { sources: links.timelineSources },
        order: args.order ?? SortOrder.OLDEST_FIRST,
        first,
        after: args.after,
        scope: `run:${handle.source.id}:${handle.run.runId}`,
        match,
        budget: this.budget(handle),
      },
      this.opts.signal,
    );
  }
}

function handleKey(handle: RunHandle): string {
  return `${handle.source.id}\u0000${handle.run.runId}`;
}
