import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  SortOrder,
  SourceError,
  SourceKind,
  inWindow,
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
import { listFiles, readText } from '../shared/files';
import { throwIfAborted } from '../shared/upstream';
import { archiveCapabilities } from './capabilities';
import type { CloudTrailArchiveConfig } from './config';
import { fileSelected, layoutFilter, parseTrailFile, recordSpan, shouldDescend, type LayoutFilter, type TrailFile } from './layout';
import { MalformedRecordError, normalizeRecord } from './normalize';
import { isJsonObject } from './record';
import { SortBuffer } from './sort-buffer';
import { identityAliases } from './identity';

const AWS_LOGS = 'AWSLogs';
/** a window wide enough that no date folder is pruned: used to count every partition for `plan` */
const ALL_TIME: TimeWindow = { from: new Date(-8.64e15), to: new Date(8.64e15) };

interface Candidates {
  selected: TrailFile[];
  /** trail files listed (under the folders that were listed) */
  listed: number;
}

/**
 * `mode: archive`: a trail's S3 layout in a local folder. Lists only the date folders the window (widened by
 * the delivery lag) can need, reads the selected files in delivery order, and releases their records through a
 * bounded sort buffer, since records inside a file are not sorted and files overlap by up to the lag.
 */
export class CloudTrailArchiveSource implements Source {
  readonly identityAliases = identityAliases;
  readonly type = 'cloudtrail' as const;
  readonly kind = SourceKind.CLOUD_AUDIT;
  readonly mode = 'archive' as const;
  readonly capabilities: Capabilities = archiveCapabilities();
  readonly location: string;
  /** the AWSLogs folder, and how partitions are named relative to the configured path */
  private readonly logsRoot: string;
  private readonly partitionPrefix: string;

  constructor(
    readonly id: string,
    private readonly config: CloudTrailArchiveConfig,
    private readonly deps: SourceDeps,
  ) {
    const pointsAtLogs = path.basename(path.resolve(config.path)) === AWS_LOGS;
    this.logsRoot = pointsAtLogs ? config.path : path.join(config.path, AWS_LOGS);
    this.partitionPrefix = pointsAtLogs ? '' : `${AWS_LOGS}/`;
    this.location = `${config.path} (CloudTrail S3 layout, delivery lag ${config.deliveryLagMinutes} min)`;
  }

  private filterFor(window: TimeWindow): LayoutFilter {
    return layoutFilter(window, this.config.deliveryLagMinutes, this.config.accounts, this.config.regions);
  }

  private async candidates(window: TimeWindow): Promise<Candidates> {
    const filter = this.filterFor(window);
    let relPaths: string[];
    try {
      relPaths = await listFiles(this.logsRoot, (dir) => shouldDescend(dir, filter));
    } catch (err) {
      if (err instanceof SourceError && err.code === 'NOT_FOUND') {
        throw new SourceError('NOT_FOUND', `no ${AWS_LOGS} folder at ${this.logsRoot}: is ${this.config.path} the folder that holds a trail's ${AWS_LOGS}/?`, this.id, { cause: err });
      }
      throw new SourceError('UPSTREAM_ERROR', `cannot list ${this.logsRoot}: ${(err as Error).message}`, this.id, { cause: err });
    }
    const files = relPaths.map(parseTrailFile).filter((f): f is TrailFile => f !== undefined);
    return { selected: files.filter((f) => fileSelected(f, filter)), listed: files.length };
  }

  async *events(q: SourceQuery, ctx: SourceCallContext): AsyncGenerator<AuditEvent> {
    const { selected, listed } = await this.candidates(q.window);
    ctx.stats.partitionsPruned += listed - selected.length;
    const oldestFirst = q.order === SortOrder.OLDEST_FIRST;
    const files = [...selected].sort((a, b) => {
      const d = a.delivered.getTime() - b.delivered.getTime() || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
      return oldestFirst ? d : -d;
    });
    const lag = this.config.deliveryLagMinutes;
    const buffer = new SortBuffer(q.order);
    /** time of the last event released: a record beyond it can no longer be placed in order */
    let released: number | undefined;
    let late = 0;

    for (const file of files) {
      // no file still to read holds a record outside its span, so what lies beyond this file's span is final
      const span = recordSpan(file.delivered, lag);
      while (buffer.size > 0) {
        const t = buffer.peek()!.time.getTime();
        if (oldestFirst ? t >= span.from : t < span.to) break;
        throwIfAborted(ctx.signal, this.id);
        const event = buffer.pop()!;
        released = event.time.getTime();
        yield event;
      }
      throwIfAborted(ctx.signal, this.id);
      for (const event of await this.readFile(file, ctx.stats)) {
        if (!inWindow(q.window, event.time)) continue;
        const t = event.time.getTime();
        if (released !== undefined && (oldestFirst ? t < released : t > released)) {
          late += 1;
          continue;
        }
        buffer.push(event);
      }
    }
    if (late > 0) {
      ctx.stats.notes.push(
        `${late} record(s) were older than deliveryLagMinutes (${lag}) before their file's delivery time and came after later events had been returned; they were skipped: raise deliveryLagMinutes`,
      );
    }
    while (buffer.size > 0) {
      throwIfAborted(ctx.signal, this.id);
      yield buffer.pop()!;
    }
  }

  /** One file's records as events; a file or record that cannot be read as CloudTrail is counted, not thrown. */
  private async readFile(file: TrailFile, stats: SourceStats): Promise<AuditEvent[]> {
    const where = this.partitionPrefix + file.path;
    stats.requests += 1;
    stats.partitionsRead += 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readText(path.join(this.logsRoot, file.path), stats));
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.syscall === undefined) {
        // corrupt gzip or JSON: the whole file is one malformed partition
        recordMalformed(stats, where, `cannot parse the file: ${e.message}`);
        return [];
      }
      if (e.code === 'ENOENT') {
        stats.notes.push(`${where} disappeared between listing and reading`);
        return [];
      }
      throw new SourceError('UPSTREAM_ERROR', `cannot read ${where}: ${e.message}`, this.id, { cause: err });
    }
    const records = isJsonObject(parsed) ? parsed.Records : undefined;
    if (!Array.isArray(records)) {
      recordMalformed(stats, where, 'expected {"Records":[...]}');
      return [];
    }
    const events: AuditEvent[] = [];
    records.forEach((record, index) => {
      stats.scanned += 1;
      try {
        events.push(normalizeRecord(record, this.id));
      } catch (err) {
        if (!(err instanceof MalformedRecordError)) throw err;
        recordMalformed(stats, `${where} Records[${index}]`, err.message);
      }
    });
    return events;
  }

  async plan(q: SourceQuery): Promise<SourcePlanDetail> {
    const { selected } = await this.candidates(q.window);
    // listing is cheap next to reading; count every partition so that explain can show what pruning saved
    const all = await this.candidates(ALL_TIME);
    return {
      partitions: selected.map((f) => this.partitionPrefix + f.path),
      partitionsTotal: all.listed,
      notes: [
        `files are selected by the delivery time in their names, widened by deliveryLagMinutes (${this.config.deliveryLagMinutes})`,
        `read in ${q.order === SortOrder.OLDEST_FIRST ? 'ascending' : 'descending'} delivery order through a sort buffer of about one delivery lag`,
      ],
    };
  }

  async health(): Promise<SourceHealth> {
    const checkedAt = this.deps.now();
    try {
      const first = await firstTrailFile(this.logsRoot);
      if (!first) return { ok: false, message: `no CloudTrail log files under ${this.logsRoot}`, checkedAt };
      return { ok: true, message: `CloudTrail log files under ${this.logsRoot}, e.g. ${first}`, checkedAt };
    } catch (err) {
      return { ok: false, message: `cannot read ${this.logsRoot}: ${(err as Error).message}`, checkedAt };
    }
  }
}

/** The first trail log file found depth-first, so that health stops at one file instead of listing the archive. */
async function firstTrailFile(root: string, rel = ''): Promise<string | undefined> {
  const entries = await fs.promises.readdir(path.join(root, rel), { withFileTypes: true });
  for (const e of entries) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isFile() && parseTrailFile(child)) return child;
    if (e.isDirectory() && !e.name.startsWith('CloudTrail-')) {
      const found = await firstTrailFile(root, child);
      if (found) return found;
    }
  }
  return undefined;
}
