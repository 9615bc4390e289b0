import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  SortOrder,
  SourceError,
  SourceKind,
  inWindow,
  newSourceStats,
  type AuditEvent,
  type Capabilities,
  type Source,
  type SourceCallContext,
  type SourceHealth,
  type SourcePlanDetail,
  type SourceQuery,
  type SourceStats,
  type TimeWindow,
} from '../../domain';
import { readFailure } from '../shared/files';
import { throwIfAborted } from '../shared/upstream';
import { firstPartition, listPartitions, walkArchive, type ArchiveLayout } from '../shared/walk';
import type { AzureArchiveConfig } from './config';
import { EARLY_MS, NOT_AN_EXPORT_FILE, PARTITION_HOUR_MS, eventTimesOf, folderOutsideLayout, folderSpan, overlapsWindow, partitionOf, type ExportPartition } from './layout';
import { sortByTime } from './order';
import { PREFILTER, readExportFile } from './reader';
import { prefilterNotes, prefilterOf } from '../shared/prefilter';
import { readThroughFileCache } from '../shared/file-cache';
import { identityAliases } from './identity';

const EXPORT_FOLDER = 'insights-activity-logs';

/**
 * A storage account's activity-log export read in place. Hour files are pruned by the `y=/m=/d=/h=` in their paths,
 * widened by how late an event may be filed. Both orders: files are read in hour order and their events held until
 * no file still to read can hold an earlier (or, newest first, a later) event, then released sorted. What is held
 * is about one hour plus the late-arrival allowance of events.
 */
export class AzureActivityArchiveSource implements Source {
  readonly identityAliases = identityAliases;
  readonly type = 'azure-activity' as const;
  readonly kind = SourceKind.CLOUD_AUDIT;
  readonly mode = 'archive' as const;
  readonly capabilities: Capabilities = {
    orders: [SortOrder.NEWEST_FIRST, SortOrder.OLDEST_FIRST],
    pushdown: [],
    maxPushedFields: 0,
    pageSize: { default: 1000, max: 1000 },
    partitionPruning: true,
  };
  readonly location: string;
  private readonly lateMs: number;

  constructor(
    readonly id: string,
    private readonly config: AzureArchiveConfig,
  ) {
    this.location = config.path;
    this.lateMs = config.lateArrivalMinutes * 60_000;
  }

  async *events(q: SourceQuery, ctx: SourceCallContext): AsyncGenerator<AuditEvent> {
    const root = this.root();
    const files = await this.list(root, q.window, ctx.stats);
    const newestFirst = q.order === SortOrder.NEWEST_FIRST;
    files.sort((a, b) => (newestFirst ? b.hourStart - a.hourStart : a.hourStart - b.hourStart) || (a.relPath < b.relPath ? -1 : 1));

    let held: AuditEvent[] = [];
    let lastYielded: number | undefined;
    const tooLate = new TooLateNote(ctx.stats, this.config.lateArrivalMinutes);
    const prefilter = prefilterOf(PREFILTER, q);
    for (let i = 0; i < files.length; i++) {
      throwIfAborted(ctx.signal, this.id);
      try {
        // kept decoded for the next query when the engine has a file cache: read whole, unprefiltered
        const cached = await readThroughFileCache(ctx, this.id, files[i].relPath, path.join(root, files[i].relPath), (stats) => this.readWhole(root, files[i], stats, ctx.signal));
        const events = cached ?? readExportFile(root, files[i], { sourceId: this.id, signal: ctx.signal, stats: ctx.stats, maxRawBytes: this.config.maxRawBytes, prefilter });
        for await (const event of events) {
          if (!inWindow(q.window, event.time)) continue;
          const t = event.time.getTime();
          // filed later than the allowance, behind events already returned: it cannot be placed in order
          if (lastYielded !== undefined && (newestFirst ? t > lastYielded : t < lastYielded)) {
            tooLate.count();
            continue;
          }
          held.push(event);
        }
      } catch (err) {
        // one hour file that cannot be read costs only itself: it is named, the others are read
        if (err instanceof SourceError || !readFailure(err, ctx.stats, files[i].relPath)) throw err;
      }
      throwIfAborted(ctx.signal, this.id);
      // what the files still to read can hold decides what is safe to release now
      const next = files[i + 1];
      const ready = (e: AuditEvent): boolean => {
        if (!next) return true;
        const t = e.time.getTime();
        return newestFirst ? t >= next.hourStart + PARTITION_HOUR_MS + EARLY_MS : t < next.hourStart - this.lateMs;
      };
      const release = held.filter(ready);
      held = held.filter((e) => !ready(e));
      for (const event of sortByTime(release, q.order)) {
        throwIfAborted(ctx.signal, this.id);
        lastYielded = event.time.getTime();
        yield event;
      }
    }
  }

  /** Every event of one hour file, and how much text it held (what the decoded-file cache keeps). */
  private async readWhole(root: string, file: ExportPartition, stats: SourceStats, signal: AbortSignal): Promise<{ value: AuditEvent[]; textBytes: number }> {
    const events: AuditEvent[] = [];
    const text = { bytes: 0 };
    try {
      for await (const event of readExportFile(root, file, { sourceId: this.id, signal, stats, maxRawBytes: this.config.maxRawBytes, text })) events.push(event);
    } catch (err) {
      if (err instanceof SourceError || !readFailure(err, stats, file.relPath)) throw err;
    }
    return { value: events, textBytes: text.bytes };
  }

  async plan(q: SourceQuery): Promise<SourcePlanDetail> {
    const root = this.root();
    const all = await this.list(root, undefined, newSourceStats());
    const selected = (await this.list(root, q.window, newSourceStats())).sort((a, b) => a.hourStart - b.hourStart);
    return {
      partitions: selected.map((p) => `${EXPORT_FOLDER}/${p.relPath}`),
      partitionsTotal: all.length,
      notes: [
        `hour files are pruned by the y/m/d/h in their paths, widened by ${this.config.lateArrivalMinutes} min of late arrival (a PT1H.json holds the events received in its hour)`,
        'ids are derived from correlationId, operationName, resourceId, time and resultType: the export has no eventDataId',
        ...prefilterNotes(PREFILTER, q),
      ],
    };
  }

  private get emptyMessage(): string {
    return `no activity-log export files (${EXPORT_FOLDER}/resourceId=/SUBSCRIPTIONS/<id>/y=YYYY/m=MM/d=DD/h=HH/m=00/PT1H.json) under ${this.config.path}`;
  }

  async health(): Promise<SourceHealth> {
    const checkedAt = new Date();
    try {
      const first = await firstPartition(this.root(), this.layout(undefined));
      if (!first) return { ok: false, message: this.emptyMessage, checkedAt };
      return { ok: true, message: `export files under ${path.join(this.config.path, EXPORT_FOLDER)}, e.g. ${first}`, checkedAt };
    } catch (err) {
      return { ok: false, message: (err as Error).message, checkedAt };
    }
  }

  /** `path` is the folder holding `insights-activity-logs/`, or that folder itself. */
  private root(): string {
    const nested = path.join(this.config.path, EXPORT_FOLDER);
    if (isDirectory(nested)) return nested;
    if (isDirectory(path.join(this.config.path, 'resourceId='))) return this.config.path;
    throw new SourceError('NOT_FOUND', `no ${EXPORT_FOLDER}/ folder under ${this.config.path} (expected the storage account's activity-log export)`, this.id);
  }

  /** The export's layout: hour folders and files pruned by a window (none when `window` is undefined). */
  private layout(window: TimeWindow | undefined): ArchiveLayout {
    return {
      folder: (rel) => {
        const outside = folderOutsideLayout(rel);
        if (outside) return { ignore: outside };
        const span = folderSpan(rel);
        return !window || !span || overlapsWindow(eventTimesOf(span, this.lateMs), window) ? 'descend' : 'prune';
      },
      file: (rel) => {
        const p = partitionOf(rel);
        if (!p) return { ignore: NOT_AN_EXPORT_FILE };
        return !window || this.selects(p, window) ? 'read' : 'prune';
      },
    };
  }

  /** The hour files a window reads (every hour file when `window` is undefined); what was pruned is counted in `stats`. */
  private async list(root: string, window: TimeWindow | undefined, stats: SourceStats): Promise<ExportPartition[]> {
    let files: string[];
    try {
      if (window) {
        const listing = await listPartitions(root, this.layout(window), this.layout(undefined), stats, this.emptyMessage);
        stats.partitionsPruned += listing.prunedFolders + listing.prunedFiles;
        files = listing.files;
      } else {
        files = (await walkArchive(root, this.layout(undefined), stats)).files;
      }
    } catch (err) {
      if (err instanceof SourceError) throw new SourceError(err.code, err.message, this.id, { cause: err });
      throw new SourceError('NOT_FOUND', `cannot read ${root}: ${(err as Error).message}`, this.id, { cause: err });
    }
    return files.map(partitionOf).filter((p): p is ExportPartition => p !== undefined);
  }

  private selects(p: ExportPartition, window: TimeWindow): boolean {
    return overlapsWindow(eventTimesOf({ from: p.hourStart, to: p.hourStart + PARTITION_HOUR_MS }, this.lateMs), window);
  }
}

/** Says in the query's status how many events came too late to be returned in order. */
class TooLateNote {
  private skipped = 0;
  private index = -1;

  constructor(
    private readonly stats: SourceStats,
    private readonly lateArrivalMinutes: number,
  ) {}

  count(): void {
    this.skipped += 1;
    const text = `${this.skipped} event(s) filed more than ${this.lateArrivalMinutes} min after they happened were skipped: they came after later events had been returned (raise lateArrivalMinutes)`;
    if (this.index < 0) this.index = this.stats.notes.push(text) - 1;
    else this.stats.notes[this.index] = text;
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

