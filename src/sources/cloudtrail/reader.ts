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
import { readThroughFileCache } from '../shared/file-cache';
import { readFailure, readText } from '../shared/files';
import { jsonList } from '../shared/json';
import { capRaw } from '../shared/raw';
import { throwIfAborted } from '../shared/upstream';
import { firstPartition, listPartitions, type ArchiveLayout } from '../shared/walk';
import { archiveCapabilities } from './capabilities';
import type { CloudTrailArchiveConfig } from './config';
import { NOT_A_TRAIL_FILE, fileSelected, layoutFilter, oddAccountFolder, parseTrailFile, recordSpan, shouldDescend, type LayoutFilter, type TrailFile } from './layout';
import { MalformedRecordError, normalizeRecord } from './normalize';
import { SortBuffer } from './sort-buffer';
import { identityAliases } from './identity';
import { isJsonObject } from './record';
import { prefilterNotes, prefilterOf, stringsOf, type Prefilter, type PrefilterSpec } from '../shared/prefilter';

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

  /** The layout a window reads; account folders that are not 12-digit ids are collected in `odd` as they are met. */
  private layout(window: TimeWindow, odd?: Set<string>): ArchiveLayout {
    const filter = this.filterFor(window);
    return {
      folder: (rel) => {
        const verdict = shouldDescend(rel, filter);
        if (verdict === 'descend' && odd) {
          const folder = oddAccountFolder(rel);
          if (folder) odd.add(`${this.partitionPrefix}${folder}`);
        }
        return verdict;
      },
      file: (rel) => {
        const file = parseTrailFile(rel);
        if (!file) return { ignore: NOT_A_TRAIL_FILE };
        return fileSelected(file, filter) ? 'read' : 'prune';
      },
    };
  }

  private get emptyMessage(): string {
    return `no CloudTrail log files (${AWS_LOGS}/[<org-id>/]<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz) under ${this.logsRoot}`;
  }

  private async candidates(window: TimeWindow, stats: SourceStats): Promise<Candidates> {
    const odd = new Set<string>();
    let listing;
    try {
      listing = await listPartitions(this.logsRoot, this.layout(window, odd), this.layout(ALL_TIME), stats, this.emptyMessage);
    } catch (err) {
      if (err instanceof SourceError && err.code === 'NOT_FOUND') {
        throw new SourceError('NOT_FOUND', `no ${AWS_LOGS} folder at ${this.logsRoot}: is ${this.config.path} the folder that holds a trail's ${AWS_LOGS}/?`, this.id, { cause: err });
      }
      throw new SourceError(err instanceof SourceError ? err.code : 'UPSTREAM_ERROR', `cannot list ${this.logsRoot}: ${(err as Error).message}`, this.id, { cause: err });
    }
    if (odd.size > 0) {
      stats.notes.push(`${odd.size} account folder(s) not a 12-digit account id, read as accounts anyway: ${[...odd].slice(0, 5).join(', ')}`);
    }
    const selected = listing.files.map(parseTrailFile).filter((f): f is TrailFile => f !== undefined);
    return { selected, listed: selected.length + listing.prunedFiles };
  }

  async *events(q: SourceQuery, ctx: SourceCallContext): AsyncGenerator<AuditEvent> {
    const { selected, listed } = await this.candidates(q.window, ctx.stats);
    ctx.stats.partitionsPruned += listed - selected.length;
    const oldestFirst = q.order === SortOrder.OLDEST_FIRST;
    const files = [...selected].sort((a, b) => {
      const d = a.delivered.getTime() - b.delivered.getTime() || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
      return oldestFirst ? d : -d;
    });
    const lag = this.config.deliveryLagMinutes;
    const prefilter = prefilterOf(PREFILTER, q);
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
      for (const event of await this.readFile(file, ctx, prefilter)) {
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

  /**
   * One file's records as events. A file cut short or with garbage appended gives every record that decodes (the
   * file is counted as damaged); a file that cannot be read, or a record that is not CloudTrail, is counted and
   * named, never thrown: one bad file costs only itself.
   */
  private async readFile(file: TrailFile, ctx: SourceCallContext, prefilter?: Prefilter): Promise<AuditEvent[]> {
    // kept decoded for the next query: read whole, every record normalized (the engine filters them)
    const cached = await readThroughFileCache(ctx, this.id, file.path, path.join(this.logsRoot, file.path), (stats) => this.readWhole(file, stats));
    return cached ?? (await this.readWhole(file, ctx.stats, prefilter)).value;
  }

  private async readWhole(file: TrailFile, stats: SourceStats, prefilter?: Prefilter): Promise<{ value: AuditEvent[]; textBytes: number }> {
    const where = this.partitionPrefix + file.path;
    let textBytes = 0;
    stats.requests += 1;
    stats.partitionsRead += 1;
    const events: AuditEvent[] = [];
    const damagedBefore = stats.partitionsDamaged;
    try {
      const text = await readText(path.join(this.logsRoot, file.path), where, stats);
      textBytes = text.length;
      const records = jsonList(text, where, stats, { key: 'Records', maxRawBytes: this.config.maxRawBytes });
      for (;;) {
        const r = await records.next();
        if (r.done) {
          // a file whose damage left no document is counted once, as damaged
          if (!r.value && stats.partitionsDamaged === damagedBefore) recordMalformed(stats, where, 'expected {"Records":[...]}');
          break;
        }
        const record = r.value;
        stats.scanned += 1;
        if ('error' in record) {
          recordMalformed(stats, record.where, record.error);
          continue;
        }
        if (prefilter && !prefilter.mayMatchStrings(filterStrings(record.value))) {
          stats.prefiltered += 1;
          continue;
        }
        try {
          const event = normalizeRecord(record.value, this.id);
          checkPlausibleTime(stats, event.time.getTime(), record.where);
          events.push(capRaw(event, () => JSON.stringify(record.value), record.bytes, this.config.maxRawBytes, stats));
        } catch (err) {
          if (!(err instanceof MalformedRecordError)) throw err;
          recordMalformed(stats, record.where, err.message);
        }
      }
    } catch (err) {
      if (!readFailure(err, stats, where)) throw err;
    }
    return { value: events, textBytes };
  }

  async plan(q: SourceQuery): Promise<SourcePlanDetail> {
    const { selected } = await this.candidates(q.window, newSourceStats());
    // listing is cheap next to reading; count every partition so that explain can show what pruning saved
    const all = await this.candidates(ALL_TIME, newSourceStats());
    return {
      partitions: selected.map((f) => this.partitionPrefix + f.path),
      partitionsTotal: all.listed,
      notes: [
        `files are selected by the delivery time in their names, widened by deliveryLagMinutes (${this.config.deliveryLagMinutes})`,
        `read in ${q.order === SortOrder.OLDEST_FIRST ? 'ascending' : 'descending'} delivery order through a sort buffer of about one delivery lag`,
        ...prefilterNotes(PREFILTER, q),
      ],
    };
  }

  async health(): Promise<SourceHealth> {
    const checkedAt = this.deps.now();
    try {
      // depth-first, stopping at the first trail file: health never lists the whole archive
      const first = await firstPartition(this.logsRoot, this.layout(ALL_TIME));
      if (!first) return { ok: false, message: this.emptyMessage, checkedAt };
      return { ok: true, message: `CloudTrail log files under ${this.logsRoot}, e.g. ${first}`, checkedAt };
    } catch (err) {
      return { ok: false, message: `cannot read ${this.logsRoot}: ${(err as Error).message}`, checkedAt };
    }
  }
}

/**
 * What the normalizer makes actor names and the source IP from (src/sources/cloudtrail/actor.ts, normalize.ts):
 * `userIdentity` (every name is one of its strings or a part of one: an ARN's session, role or last segment), an
 * Identity Center sign-in's `additionalEventData.UserName` (trimmed), and `sourceIPAddress`. The names actor.ts
 * writes that no record holds: `unknown`, `root`, `AWS service`, `account <id>`.
 */
const PREFILTER: PrefilterSpec = {
  fields: ['identity', 'sourceIp'],
  madeUpNames: (name) => name === 'unknown' || name === 'root' || name === 'aws service' || name.startsWith('account '),
  skips: 'a record whose userIdentity, additionalEventData.UserName and sourceIPAddress hold',
  stage: 'before it is normalized',
};

/** Every string of the fields the prefilter's fields are read from, for `Prefilter.mayMatchStrings`. */
function filterStrings(record: unknown): string[] {
  if (!isJsonObject(record)) return [];
  const additional = record.additionalEventData;
  return stringsOf(record.userIdentity, isJsonObject(additional) ? additional.UserName : undefined, record.sourceIPAddress);
}
