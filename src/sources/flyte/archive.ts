import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  SortOrder,
  SourceError,
  SourceKind,
  checkPlausibleTime,
  inWindow,
  newSourceStats,
  recordIgnored,
  recordMalformed,
  type AuditEvent,
  type Capabilities,
  type JsonValue,
  type SourceCallContext,
  type SourceHealth,
  type SourcePlanDetail,
  type SourceQuery,
  type SourceStats,
  type TimeWindow,
} from '../../domain';
import type { FlyteArchiveConfig } from './config';
import { Heap } from '../../lib/heap';
import { before } from './merge';
import { lifecycleEvents, readExecution, type NormalizeContext } from './normalize';
import {
  ArchiveIndex,
  NODE_DIR,
  TASK_DIR,
  listExecutionFiles,
  readExecutionFile,
  readListFile,
  type ExecutionFile,
  type ExecutionFileContent,
  type FileSummary,
} from './reader';
import { readFailure } from '../shared/files';
import { capRaw } from '../shared/raw';
import {
  readNodeExecution,
  readTaskExecution,
  runKey,
  type FlyteNodeExecution,
  type FlyteRun,
  type FlyteRunFilter,
  type FlyteRunId,
  type FlyteRuns,
  type FlyteSource,
  type FlyteTaskExecution,
  type RunCallContext,
} from './runs';
import { identityAliases } from './identity';

function fullContext(ctx: RunCallContext | undefined): SourceCallContext {
  return { signal: ctx?.signal ?? new AbortController().signal, stats: ctx?.stats ?? newSourceStats() };
}

function throwIfAborted(signal: AbortSignal, sourceId: string): void {
  if (signal.aborted) throw new SourceError('ABORTED', 'the query was cancelled', sourceId);
}

/** A file's known span meets the window [from, to) (the span's ends are event times, both inclusive). */
function spanMeets(window: TimeWindow, range: { min: number; max: number }): boolean {
  return range.min < window.to.getTime() && range.max >= window.from.getTime();
}

interface Candidate {
  file: ExecutionFile;
  /** the earliest / latest event time it may hold: ±Infinity while the file has not been read */
  lo: number;
  hi: number;
}

/** One lifecycle event as one file's copy of its run shows it. */
interface Copy {
  event: AuditEvent;
  /** the copy's closure.updated_at (0 when it has none): the latest copy of a run is the one kept */
  updated: number;
  /** the file it came from: between copies equally recent, the one of the file named last is kept */
  file: string;
}

/** What reading one file gave: its events (all of them), runs, and what to remember about it. */
interface FileRead {
  copies: Copy[];
  runs: FlyteRun[];
  /** named like an export, but its content is not one */
  notAnExport?: boolean;
  summary?: Omit<FileSummary, 'size' | 'mtimeMs'>;
}

/**
 * `type: flyte, mode: archive`: uctl/flytectl execution output and REST ExecutionList files read in place,
 * with node and task execution files for the runs API.
 */
export class FlyteArchiveSource implements FlyteSource {
  readonly identityAliases = identityAliases;
  readonly type = 'flyte' as const;
  readonly kind = SourceKind.EXECUTION;
  readonly mode = 'archive' as const;
  readonly capabilities: Capabilities = {
    orders: [SortOrder.OLDEST_FIRST, SortOrder.NEWEST_FIRST],
    pushdown: [],
    maxPushedFields: 0,
    pageSize: { default: 100, max: 1000 },
    retentionDays: undefined,
    // names carry no time; files are skipped only by the spans learned on earlier reads (see ArchiveIndex)
    partitionPruning: false,
  };
  readonly location: string;
  readonly runs: FlyteRuns;
  private readonly index = new ArchiveIndex();
  private readonly normalizeCtx: NormalizeContext;

  constructor(
    private readonly config: FlyteArchiveConfig,
    private readonly now: () => Date,
  ) {
    this.location = config.path;
    this.normalizeCtx = { sourceId: config.id, account: path.basename(config.path) };
    this.runs = new FlyteArchiveRuns(this, this.normalizeCtx);
  }

  get id(): string {
    return this.config.id;
  }

  get root(): string {
    return this.config.path;
  }

  /** Reads one execution file whole: every record normalized (malformed ones counted), and its summary. */
  async readFile(file: ExecutionFile, stats: SourceStats): Promise<FileRead> {
    let content: ExecutionFileContent;
    const damagedBefore = stats.partitionsDamaged + stats.malformed;
    try {
      content = await readExecutionFile(file, stats, this.config.maxRawBytes);
    } catch (err) {
      // one file that cannot be read costs only itself: it is named, and the others are read
      if (!readFailure(err, stats, file.rel)) throw err;
      return { copies: [], runs: [] };
    }
    if ('notAnExport' in content) {
      // reported each time it is read, and never remembered
      if (content.notAnExport !== 'empty') recordIgnored(stats, file.rel, content.notAnExport);
      return { copies: [], runs: [], notAnExport: content.notAnExport !== 'empty' };
    }
    const copies: Copy[] = [];
    const runs: FlyteRun[] = [];
    const runIds = new Set<string>();
    let min = Infinity;
    let max = -Infinity;
    for (const record of content.records) {
      if ('error' in record) {
        stats.scanned += 1;
        recordMalformed(stats, record.where, record.error);
        continue;
      }
      try {
        const run = readExecution(record.value);
        const evs = lifecycleEvents(run, this.normalizeCtx);
        // one record holds every stage the run reached; the api mode reads one row per stage: count alike
        stats.scanned += Math.max(1, evs.length);
        runs.push(run);
        runIds.add(run.runId);
        for (const e of evs) {
          const t = e.time.getTime();
          checkPlausibleTime(stats, t, `${record.where} ${e.action}`);
          if (t < min) min = t;
          if (t > max) max = t;
          copies.push({ event: capRaw(e, () => JSON.stringify(record.value), record.bytes, this.config.maxRawBytes, stats), updated: run.updatedAt?.getTime() ?? 0, file: file.rel });
        }
      } catch (err) {
        stats.scanned += 1;
        recordMalformed(stats, record.where, (err as Error).message);
      }
    }
    const range = min <= max ? { min, max } : undefined;
    // a damaged file with nothing readable is not remembered: pruned as empty, its damage would go unsaid
    if (!range && stats.partitionsDamaged + stats.malformed > damagedBefore) return { copies, runs };
    return { copies, runs, summary: { range, runIds } };
  }

  private get emptyMessage(): string {
    return `no Flyte execution exports (uctl get execution -o json, or REST ExecutionList *.json, optionally .gz) under ${this.root}`;
  }

  /** The files a window needs, in the order to open them, and how many the learned spans let us skip. */
  private async candidates(window: TimeWindow, order: SortOrder, stats: SourceStats): Promise<{ files: ExecutionFile[]; selected: Candidate[]; pruned: number }> {
    const files = await listExecutionFiles(this.root, this.id, stats);
    const selected: Candidate[] = [];
    let pruned = 0;
    for (const file of files) {
      const known = this.index.fresh(file);
      if (known && (!known.range || !spanMeets(window, known.range))) {
        pruned += 1;
        continue;
      }
      selected.push({ file, lo: known?.range?.min ?? -Infinity, hi: known?.range?.max ?? Infinity });
    }
    // unread files first (they may hold anything), then by where their events start in the query's order
    selected.sort((a, b) => (order === SortOrder.OLDEST_FIRST ? a.lo - b.lo : b.hi - a.hi) || (a.file.rel < b.file.rel ? -1 : 1));
    return { files, selected, pruned };
  }

  async *events(q: SourceQuery, ctx: SourceCallContext): AsyncGenerator<AuditEvent> {
    const { signal, stats } = ctx;
    const { selected, pruned } = await this.candidates(q.window, q.order, stats);
    stats.partitionsPruned += pruned;
    // the archive is empty, not the window quiet, when no file at all holds an export
    let exports = 0;
    const noteEmpty = () => {
      if (pruned === 0 && exports === 0) stats.empty = this.emptyMessage;
    };
    // among copies of one event, the one from the latest picture of its run comes out first
    const heap = new Heap<Copy>((a, b) => {
      const ta = a.event.time.getTime();
      const tb = b.event.time.getTime();
      if (ta !== tb) return before(ta, tb, q.order);
      return a.updated !== b.updated ? a.updated > b.updated : a.file > b.file;
    });
    // One run may sit in several exports (an array from uctl and a later ExecutionList, a re-run export): its
    // events are one event each, taken from the run's latest copy. Not a duplicate in the trail's sense (a run
    // record is a picture of a mutable object), so merged here, counted, and said.
    const emitted = new Set<string>();
    let merged = 0;
    try {
      for (let next = 0; ; next++) {
        const pending = selected[next];
        // hand out what no file still closed can precede or tie with: its events start at `lo` (oldest first) /
        // end at `hi`; a tie waits, since the closed file may hold a later copy of the same event
        const bound = pending ? (q.order === SortOrder.OLDEST_FIRST ? pending.lo : pending.hi) : undefined;
        for (let top = heap.peek(); top && (bound === undefined || before(top.event.time.getTime(), bound, q.order)); top = heap.peek()) {
          throwIfAborted(signal, this.id);
          heap.pop();
          if (emitted.has(top.event.id)) {
            merged += 1;
            continue;
          }
          emitted.add(top.event.id);
          yield top.event;
        }
        if (!pending) return noteEmpty();
        throwIfAborted(signal, this.id);
        const read = await this.readFile(pending.file, stats);
        if (!read.notAnExport) exports += 1;
        if (read.summary) this.index.remember(pending.file, read.summary);
        else this.index.forget(pending.file);
        for (const copy of read.copies) if (inWindow(q.window, copy.event.time)) heap.push(copy);
      }
    } finally {
      if (merged > 0) {
        stats.duplicates += merged;
        stats.notes.push(`${merged} lifecycle event(s) came from more than one export of the same run: merged into one each, taken from the run's latest copy (closure.updated_at)`);
      }
    }
  }

  async plan(q: SourceQuery): Promise<SourcePlanDetail> {
    const { files, selected, pruned } = await this.candidates(q.window, q.order, newSourceStats());
    const unknown = selected.filter((c) => c.lo === -Infinity).length;
    return {
      request: `read ${selected.length} of ${files.length} execution file(s) under ${this.root}`,
      partitions: selected.map((c) => c.file.rel),
      partitionsTotal: files.length,
      notes: [
        'Flyte export names carry no time: nothing is pruned by name',
        `${pruned} file(s) skipped by the time span learned when they were last read; ${unknown} never read yet (opened first)`,
        'each file is read whole; events are merged across files in time order',
      ],
    };
  }

  async health(): Promise<SourceHealth> {
    try {
      const stats = newSourceStats();
      for (const file of await listExecutionFiles(this.root, this.id, stats)) {
        // named like an export is not enough: the first file that holds executions makes the archive healthy
        const read = await this.readFile(file, stats);
        if (!read.notAnExport && (read.summary || read.runs.length > 0)) return { ok: true, message: `Flyte execution exports under ${this.root}, e.g. ${file.rel}`, checkedAt: this.now() };
      }
      return { ok: false, message: this.emptyMessage, checkedAt: this.now() };
    } catch (err) {
      return { ok: false, message: (err as Error).message || String(err), checkedAt: this.now() };
    }
  }

  /**
   * Every run the files hold whose created time is in `window` (or every run) and whose `project/domain/name`
   * passes `wanted` (or every run), latest copy of each.
   */
  async collectRuns(window: TimeWindow | undefined, wanted: ((runId: string) => boolean) | undefined, ctx: SourceCallContext): Promise<FlyteRun[]> {
    const files = await listExecutionFiles(this.root, this.id, ctx.stats);
    const byId = new Map<string, FlyteRun>();
    for (const file of files) {
      throwIfAborted(ctx.signal, this.id);
      const known = this.index.fresh(file);
      if (known && wanted && ![...known.runIds].some(wanted)) continue;
      if (known && window && (!known.range || !spanMeets(window, known.range))) continue;
      const read = await this.readFile(file, ctx.stats);
      if (read.summary) this.index.remember(file, read.summary);
      for (const run of read.runs) {
        if (wanted && !wanted(run.runId)) continue;
        if (window && !inWindow(window, run.createdAt)) continue;
        const have = byId.get(run.runId);
        // two exports of one run: keep the later picture of it
        if (!have || (run.updatedAt?.getTime() ?? 0) > (have.updatedAt?.getTime() ?? 0)) byId.set(run.runId, run);
      }
    }
    return [...byId.values()];
  }
}

/** The runs API over the export folder. */
export class FlyteArchiveRuns implements FlyteRuns {
  constructor(
    private readonly source: FlyteArchiveSource,
    readonly context: NormalizeContext,
  ) {}

  async findRuns(name: string, where?: { project: string; domain: string }, runCtx?: RunCallContext): Promise<FlyteRun[]> {
    const ctx = fullContext(runCtx);
    const wanted = where ? `${where.project}/${where.domain}/${name}` : undefined;
    // run ids are `project/domain/name`, and none of the three holds a `/`
    return this.source.collectRuns(undefined, (runId) => (wanted ? runId === wanted : runId.endsWith(`/${name}`)), ctx);
  }

  async getRun(project: string, domain: string, name: string, runCtx?: RunCallContext): Promise<FlyteRun | null> {
    const ctx = fullContext(runCtx);
    const id = { project, domain, name };
    const key = runKey(id);
    const [run] = await this.source.collectRuns(undefined, (runId) => runId === key, ctx);
    if (!run) return null;
    const pods: string[] = [];
    for (const task of await this.allTaskExecutions(id, ctx)) {
      for (const pod of task.pods) if (!pods.includes(pod)) pods.push(pod);
    }
    return { ...run, pods, podsResolved: true };
  }

  async *listRuns(window: TimeWindow, filter: FlyteRunFilter = {}, runCtx?: RunCallContext): AsyncGenerator<FlyteRun> {
    const ctx = fullContext(runCtx);
    const runs = await this.source.collectRuns(window, undefined, ctx);
    const phases = filter.phase?.map((p) => p.toUpperCase());
    const picked = runs
      .filter((r) => !filter.principal?.length || (r.principal !== undefined && filter.principal.includes(r.principal)))
      .filter((r) => !phases?.length || phases.includes(r.phase))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.runId < b.runId ? -1 : 1));
    for (const run of picked) {
      throwIfAborted(ctx.signal, this.source.id);
      yield run;
    }
  }

  async nodeExecutions(run: FlyteRunId, runCtx?: RunCallContext): Promise<FlyteNodeExecution[]> {
    const ctx = fullContext(runCtx);
    const file = path.join(this.source.root, NODE_DIR, run.project, run.domain, `${run.name}.json`);
    return this.readList(file, 'node_executions', (item) => ({ ...readNodeExecution(item, run), raw: item as JsonValue }), ctx);
  }

  async taskExecutions(run: FlyteRunId, nodeId: string, runCtx?: RunCallContext): Promise<FlyteTaskExecution[]> {
    const ctx = fullContext(runCtx);
    const file = path.join(this.source.root, TASK_DIR, run.project, run.domain, run.name, `${nodeId}.json`);
    return this.readList(file, 'task_executions', (item) => ({ ...readTaskExecution(item, run), raw: item as JsonValue }), ctx);
  }

  /** Every task execution file of a run (one per node that ran a task). */
  private async allTaskExecutions(run: FlyteRunId, ctx: SourceCallContext): Promise<FlyteTaskExecution[]> {
    const dir = path.join(this.source.root, TASK_DIR, run.project, run.domain, run.name);
    let names: string[];
    try {
      names = (await fs.promises.readdir(dir)).filter((n) => n.endsWith('.json')).sort();
    } catch {
      return [];
    }
    const out: FlyteTaskExecution[] = [];
    for (const n of names) out.push(...(await this.taskExecutions(run, n.slice(0, -'.json'.length), ctx)));
    return out;
  }

  private async readList<T>(file: string, field: string, read: (item: unknown) => T, ctx: SourceCallContext): Promise<T[]> {
    throwIfAborted(ctx.signal, this.source.id);
    const rel = path.relative(this.source.root, file);
    let items: unknown[] | null;
    try {
      items = await readListFile(file, field, ctx.stats);
    } catch (err) {
      recordMalformed(ctx.stats, rel, (err as Error).message);
      return [];
    }
    const out: T[] = [];
    (items ?? []).forEach((item, i) => {
      ctx.stats.scanned += 1;
      try {
        out.push(read(item));
      } catch (err) {
        recordMalformed(ctx.stats, `${rel}[${i}]`, (err as Error).message);
      }
    });
    return out;
  }
}
