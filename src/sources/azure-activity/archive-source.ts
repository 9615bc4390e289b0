import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  SortOrder,
  SourceError,
  SourceKind,
  inWindow,
  type AuditEvent,
  type Capabilities,
  type Source,
  type SourceCallContext,
  type SourceHealth,
  type SourcePlanDetail,
  type SourceQuery,
  type SourceStats,
} from '../../domain';
import { listFiles } from '../shared/files';
import { throwIfAborted } from '../shared/upstream';
import type { AzureArchiveConfig } from './config';
import { EARLY_MS, PARTITION_HOUR_MS, eventTimesOf, folderSpan, overlapsWindow, partitionOf, type ExportPartition } from './layout';
import { sortByTime } from './order';
import { readExportFile } from './reader';
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
    const files = (await this.list(root, (dir) => this.descend(dir, q, ctx.stats))).filter((p) => this.selects(p, q));
    const newestFirst = q.order === SortOrder.NEWEST_FIRST;
    files.sort((a, b) => (newestFirst ? b.hourStart - a.hourStart : a.hourStart - b.hourStart) || (a.relPath < b.relPath ? -1 : 1));

    let held: AuditEvent[] = [];
    let lastYielded: number | undefined;
    const tooLate = new TooLateNote(ctx.stats, this.config.lateArrivalMinutes);
    for (let i = 0; i < files.length; i++) {
      throwIfAborted(ctx.signal, this.id);
      for await (const event of readExportFile(root, files[i], { sourceId: this.id, signal: ctx.signal, stats: ctx.stats })) {
        if (!inWindow(q.window, event.time)) continue;
        const t = event.time.getTime();
        // filed later than the allowance, behind events already returned: it cannot be placed in order
        if (lastYielded !== undefined && (newestFirst ? t > lastYielded : t < lastYielded)) {
          tooLate.count();
          continue;
        }
        held.push(event);
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

  async plan(q: SourceQuery): Promise<SourcePlanDetail> {
    const all = await this.list(this.root(), () => true);
    const selected = all.filter((p) => this.selects(p, q)).sort((a, b) => a.hourStart - b.hourStart);
    return {
      partitions: selected.map((p) => `${EXPORT_FOLDER}/${p.relPath}`),
      partitionsTotal: all.length,
      notes: [
        `hour files are pruned by the y/m/d/h in their paths, widened by ${this.config.lateArrivalMinutes} min of late arrival (a PT1H.json holds the events received in its hour)`,
        'ids are derived from correlationId, operationName, resourceId, time and resultType: the export has no eventDataId',
      ],
    };
  }

  async health(): Promise<SourceHealth> {
    const checkedAt = new Date();
    try {
      let found = false;
      // stop descending after the first hour folder: enough to know there is data
      const files = await this.list(this.root(), (dir) => {
        if (found) return false;
        if (/\/h=\d{2}\/m=\d{2}$/i.test(dir)) found = true;
        return true;
      });
      if (files.length === 0) return { ok: false, message: `no PT1H.json under ${path.join(this.config.path, EXPORT_FOLDER)}`, checkedAt };
      return { ok: true, message: `export files under ${path.join(this.config.path, EXPORT_FOLDER)}`, checkedAt };
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

  private async list(root: string, descend: (dir: string) => boolean): Promise<ExportPartition[]> {
    let files: string[];
    try {
      files = await listFiles(root, descend);
    } catch (err) {
      if (err instanceof SourceError) throw new SourceError(err.code, err.message, this.id, { cause: err });
      throw new SourceError('NOT_FOUND', `cannot read ${root}: ${(err as Error).message}`, this.id, { cause: err });
    }
    return files.map(partitionOf).filter((p): p is ExportPartition => p !== undefined);
  }

  private descend(dir: string, q: SourceQuery, stats: SourceStats): boolean {
    const span = folderSpan(dir);
    if (!span || overlapsWindow(eventTimesOf(span, this.lateMs), q.window)) return true;
    stats.partitionsPruned += 1;
    return false;
  }

  private selects(p: ExportPartition, q: SourceQuery): boolean {
    return overlapsWindow(eventTimesOf({ from: p.hourStart, to: p.hourStart + PARTITION_HOUR_MS }, this.lateMs), q.window);
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
