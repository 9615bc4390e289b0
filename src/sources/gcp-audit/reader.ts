import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  SortOrder,
  SourceError,
  SourceKind,
  checkPlausibleTime,
  inWindow,
  newSourceStats,
  recordMalformed,
  type AuditEvent,
  type Capabilities,
  type Source,
  type SourceCallContext,
  type SourceDeps,
  type SourceHealth,
  type SourcePlanDetail,
  type SourceQuery,
  type SourceStats,
  type TimeWindow,
} from '../../domain';
import { readFailure, readLines } from '../shared/files';
import { capRaw } from '../shared/raw';
import { throwIfAborted } from '../shared/upstream';
import { firstPartition, listPartitions } from '../shared/walk';
import { archiveCapabilities } from './capabilities';
import type { GcpAuditArchiveConfig } from './config';
import { parseSinkPath, sinkLayout, SINK_ROOT, type HourFile } from './layout';
import { MalformedEntryError, normalizeEntry } from './normalize';
import { identityAliases } from './identity';
import { prefilterNotes, prefilterOf, type Prefilter, type PrefilterSpec } from '../shared/prefilter';

interface Candidates {
  /** the hours the window selects, in read order, each with its files (every log, every shard) */
  hours: { hour: number; files: HourFile[] }[];
  /** sink files listed (under the folders that were listed) */
  listed: number;
  selected: number;
}

function compareEvents(order: SortOrder): (a: AuditEvent, b: AuditEvent) => number {
  const sign = order === SortOrder.OLDEST_FIRST ? 1 : -1;
  return (a, b) => sign * (a.time.getTime() - b.time.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * `mode: archive`: a Cloud Storage sink's hourly files in a local folder. Lists only the day folders the
 * window touches, reads the hours in order (forwards or backwards) and sorts each hour in memory: every file
 * of one hour (all logs, all shards) holds exactly that hour's entries, so an hour is the bounded set to hold.
 */
export class GcpAuditArchiveSource implements Source {
  readonly identityAliases = identityAliases;
  readonly type = 'gcp-audit' as const;
  readonly kind = SourceKind.CLOUD_AUDIT;
  readonly mode = 'archive' as const;
  readonly capabilities: Capabilities = archiveCapabilities();
  readonly location: string;

  constructor(
    readonly id: string,
    private readonly config: GcpAuditArchiveConfig,
    private readonly deps: SourceDeps,
  ) {
    this.location = `${config.path} (Cloud Storage sink layout: ${config.logs.join(', ')})`;
  }

  private get emptyMessage(): string {
    return `no sink files of ${this.config.logs.join(', ')} (${SINK_ROOT}/<log>/YYYY/MM/DD/HH:00:00_HH:59:59_S<n>.json) under ${this.config.path}`;
  }

  private async candidates(window: TimeWindow | undefined, order: SortOrder, stats: SourceStats): Promise<Candidates> {
    const sinkRoot = path.join(this.config.path, SINK_ROOT);
    if (!fs.existsSync(sinkRoot)) {
      throw new SourceError('NOT_FOUND', `no ${SINK_ROOT} folder at ${sinkRoot}: path must be the folder that holds the sink's ${SINK_ROOT}/`, this.id);
    }
    let listing;
    try {
      listing = await listPartitions(this.config.path, sinkLayout(this.config.logs, window), sinkLayout(this.config.logs), stats, this.emptyMessage);
    } catch (err) {
      const code = err instanceof SourceError ? err.code : 'UPSTREAM_ERROR';
      throw new SourceError(code, `cannot list ${this.config.path}: ${(err as Error).message}`, this.id, { cause: err });
    }
    const selected = listing.files.map(parseSinkPath).filter((f): f is HourFile => f !== undefined);
    const byHour = new Map<number, HourFile[]>();
    for (const f of selected) byHour.set(f.hour, [...(byHour.get(f.hour) ?? []), f]);
    const sign = order === SortOrder.OLDEST_FIRST ? 1 : -1;
    const hours = [...byHour.entries()].sort((a, b) => sign * (a[0] - b[0])).map(([hour, inHour]) => ({ hour, files: inHour.sort((a, b) => (a.path < b.path ? -1 : 1)) }));
    return { hours, listed: selected.length + listing.prunedFiles, selected: selected.length };
  }

  /**
   * The events of one hour's files inside the window. A sink may write an entry twice: both copies are handed on,
   * and the engine merges identical ones (counted) and keeps apart entries that share an insertId but differ.
   * One bad file costs only itself.
   */
  private async readHour(files: HourFile[], window: TimeWindow, ctx: SourceCallContext, prefilter?: Prefilter): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    for (const file of files) {
      throwIfAborted(ctx.signal, this.id);
      ctx.stats.requests += 1;
      ctx.stats.partitionsRead += 1;
      try {
        for await (const { line, lineNo } of readLines(path.join(this.config.path, file.path), file.path, ctx.stats, ctx.signal)) {
          if (line.trim() === '') continue;
          const event = this.parseLine(line, `${file.path}:${lineNo}`, ctx.stats, prefilter);
          if (event && inWindow(window, event.time)) events.push(capRaw(event, line, line.length, this.config.maxRawBytes, ctx.stats));
        }
      } catch (err) {
        if (err instanceof SourceError || !readFailure(err, ctx.stats, file.path)) throw err;
      }
    }
    throwIfAborted(ctx.signal, this.id);
    return events;
  }

  private parseLine(line: string, where: string, stats: SourceStats, prefilter?: Prefilter): AuditEvent | undefined {
    stats.scanned += 1;
    if (prefilter && !prefilter.mayMatch(line)) {
      stats.prefiltered += 1;
      return undefined;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      recordMalformed(stats, where, 'not a JSON line');
      return undefined;
    }
    if (!this.config.includeGke && (raw as { resource?: { type?: unknown } } | null)?.resource?.type === 'k8s_cluster') return undefined;
    try {
      const event = normalizeEntry(raw, this.id);
      checkPlausibleTime(stats, event.time.getTime(), where);
      return event;
    } catch (err) {
      if (!(err instanceof MalformedEntryError)) throw err;
      recordMalformed(stats, where, err.message);
      return undefined;
    }
  }

  async *events(q: SourceQuery, ctx: SourceCallContext): AsyncGenerator<AuditEvent> {
    const { hours, listed, selected } = await this.candidates(q.window, q.order, ctx.stats);
    ctx.stats.partitionsPruned += listed - selected;
    const compare = compareEvents(q.order);
    const prefilter = prefilterOf(PREFILTER, q);
    for (const { files } of hours) {
      const events = await this.readHour(files, q.window, ctx, prefilter);
      events.sort(compare);
      for (const event of events) {
        throwIfAborted(ctx.signal, this.id);
        yield event;
      }
    }
  }

  async plan(q: SourceQuery): Promise<SourcePlanDetail> {
    const { hours } = await this.candidates(q.window, q.order, newSourceStats());
    const all = await this.candidates(undefined, q.order, newSourceStats());
    const partitions = hours.flatMap((h) => h.files.map((f) => f.path));
    return {
      partitions,
      partitionsTotal: all.selected,
      notes: [
        `${hours.length} hour(s) of ${this.config.logs.join(', ')}; each hour's files are read and sorted together`,
        ...(this.config.includeGke ? [] : ['GKE (k8s_cluster) entries are skipped']),
        ...prefilterNotes(PREFILTER, q),
      ],
    };
  }

  async health(): Promise<SourceHealth> {
    const checkedAt = this.deps.now();
    const sinkRoot = path.join(this.config.path, SINK_ROOT);
    try {
      if (!fs.statSync(sinkRoot).isDirectory()) return { ok: false, message: `${sinkRoot} is not a folder`, checkedAt };
      const first = await firstPartition(this.config.path, sinkLayout(this.config.logs));
      if (!first) return { ok: false, message: this.emptyMessage, checkedAt };
      return { ok: true, message: `sink files of ${this.config.logs.join(', ')} under ${sinkRoot}, e.g. ${first}`, checkedAt };
    } catch (err) {
      return { ok: false, message: `cannot read ${sinkRoot}: ${(err as Error).message}`, checkedAt };
    }
  }
}

/**
 * What the normalizer copies from a LogEntry's strings (actor.ts, normalize.ts): principalEmail, principalSubject,
 * the delegation chain's emails, subjects and claims, the service name, and requestMetadata.callerIp. Names it
 * writes that a line need not hold: `unknown` (no caller, no service), and a Kubernetes service account it builds
 * from a Workload Identity subject (`system:serviceaccount:<ns>:<name>`).
 */
const PREFILTER: PrefilterSpec = {
  fields: ['identity', 'sourceIp'],
  madeUpNames: (name) => name === 'unknown' || name.startsWith('system:serviceaccount:'),
  skips: 'a line that holds',
  stage: 'unparsed',
};
