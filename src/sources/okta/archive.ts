import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  SortOrder,
  SourceKind,
  checkPlausibleTime,
  inWindow,
  newSourceStats,
  recordIgnored,
  recordMalformed,
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
import { capRaw } from '../shared/raw';
import { throwIfAborted } from '../shared/upstream';
import { listPartitions, walkArchive } from '../shared/walk';
import type { OktaArchiveConfig } from './config';
import { MalformedLogEvent, normalizeLogEvent, type OktaNormalizeContext } from './normalize';
import { exportFile, exportLayout, fileError, looksLikeExport, readExportFile, type ExportFile } from './reader';
import { identityAliases } from './identity';
import { readThroughFileCache } from '../shared/file-cache';
import { prefilterNotes, prefilterOf, type Prefilter, type PrefilterSpec } from '../shared/prefilter';

/**
 * What the normalizer copies from a LogEvent's strings (trimmed, so the value stands in the text as it is): every
 * actor name (actor.alternateId, actor.displayName, actor.id) and the source IP (client.ipAddress). The one name
 * it makes up is `unknown`, the actor of an event without one (src/sources/okta/normalize.ts).
 */
const PREFILTER: PrefilterSpec = { fields: ['identity', 'sourceIp'], madeUpNames: ['unknown'], skips: 'an NDJSON line that holds', stage: 'unparsed' };

/**
 * Okta System Log exports read in place: one file a UTC day (`system-log-YYYY-MM-DD.ndjson`) or any other
 * NDJSON / JSON-array file. Day files outside the window are never opened. Both orders: day files are read in
 * day order and each is sorted in memory, so memory is bounded by the window's events in the largest day file,
 * plus every file without a date in its name (those can hold any time, so they are read first and merged in).
 */
export class OktaArchiveSource implements Source {
  readonly identityAliases = identityAliases;
  readonly type = 'okta' as const;
  readonly kind = SourceKind.IDENTITY_PROVIDER;
  readonly mode = 'archive' as const;
  readonly id: string;
  readonly location: string;
  readonly capabilities: Capabilities = {
    orders: [SortOrder.NEWEST_FIRST, SortOrder.OLDEST_FIRST],
    pushdown: [],
    maxPushedFields: 0,
    pageSize: { default: 1000, max: 1000 },
    partitionPruning: true,
  };
  private readonly normalizeCtx: OktaNormalizeContext;

  constructor(
    private readonly config: OktaArchiveConfig,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.id = config.id;
    this.location = config.path;
    this.normalizeCtx = { sourceId: config.id, orgHost: config.orgHost };
  }

  private get emptyMessage(): string {
    return `no System Log export files (*.ndjson, *.jsonl, *.json, optionally .gz) under ${this.config.path}`;
  }

  /** The export files a window needs (every file when `window` is undefined), and how many were pruned by their day. */
  private async exportFiles(window: TimeWindow | undefined, stats: SourceStats): Promise<{ files: ExportFile[]; pruned: number }> {
    try {
      const listing = window
        ? await listPartitions(this.config.path, exportLayout(window), exportLayout(undefined), stats, this.emptyMessage)
        : await walkArchive(this.config.path, exportLayout(undefined), stats);
      return { files: listing.files.map(exportFile), pruned: listing.prunedFiles };
    } catch (err) {
      throw fileError(err, `Okta archive folder ${this.config.path}`, this.id);
    }
  }

  async *events(q: SourceQuery, ctx: SourceCallContext): AsyncGenerator<AuditEvent> {
    const { signal, stats } = ctx;
    throwIfAborted(signal, this.id);
    const { files: selected, pruned } = await this.exportFiles(q.window, stats);
    stats.partitionsPruned += pruned;
    // files that held an export, read or served from the decoded-file cache
    let recognized = 0;
    const read = async (f: ExportFile) => {
      const r = await this.readFile(f, q, ctx);
      if (r.recognized) recognized += 1;
      return r.events;
    };
    const newestFirst = q.order === SortOrder.NEWEST_FIRST;
    const dated = selected.filter((f) => f.day).sort((a, b) => a.day!.getTime() - b.day!.getTime() || (a.rel < b.rel ? -1 : 1));
    if (newestFirst) dated.reverse();
    const undated: AuditEvent[] = [];
    for (const f of selected.filter((f) => !f.day)) undated.push(...(await read(f)));
    sortEvents(undated, newestFirst);

    // merge the undated files' events into the day files' stream, both already in the query's order
    let u = 0;
    const before = (a: AuditEvent, b: AuditEvent) => (newestFirst ? a.time.getTime() > b.time.getTime() : a.time.getTime() < b.time.getTime());
    for (const f of dated) {
      for (const event of await read(f)) {
        while (u < undated.length && before(undated[u], event)) {
          throwIfAborted(signal, this.id);
          yield undated[u++];
        }
        throwIfAborted(signal, this.id);
        yield event;
      }
    }
    while (u < undated.length) {
      throwIfAborted(signal, this.id);
      yield undated[u++];
    }
    // every file was named like an export and none held one (HTML error pages, CSV): the archive is empty
    if (!stats.empty && pruned === 0 && selected.length > 0 && recognized === 0) stats.empty = this.emptyMessage;
  }

  /** One file's events inside the window, sorted in the query's order. */
  private async readFile(file: ExportFile, q: SourceQuery, ctx: SourceCallContext): Promise<{ events: AuditEvent[]; recognized: boolean }> {
    throwIfAborted(ctx.signal, this.id);
    // kept decoded for the next query: read whole, every record normalized (the engine filters them)
    const cached = await readThroughFileCache(ctx, this.id, file.rel, path.join(this.config.path, file.rel), (stats) => this.readWhole(file, stats, ctx.signal));
    const whole = cached ?? (await this.readWhole(file, ctx.stats, ctx.signal, prefilterOf(PREFILTER, q))).value;
    throwIfAborted(ctx.signal, this.id);
    const events = whole.events.filter((e) => inWindow(q.window, e.time));
    // the file's events are oldest first, ties by id: newest first is their reverse
    return { events: q.order === SortOrder.NEWEST_FIRST ? events.reverse() : events, recognized: whole.recognized };
  }

  /** Every event of one file, oldest first (ties by id), whether it was an export at all, and about how much text it held. */
  private async readWhole(
    file: ExportFile,
    stats: SourceStats,
    signal: AbortSignal,
    prefilter?: Prefilter,
  ): Promise<{ value: { events: AuditEvent[]; recognized: boolean }; textBytes: number }> {
    let recognized = false;
    stats.requests += 1;
    const events: AuditEvent[] = [];
    let textBytes = 0;
    try {
      const records = readExportFile(this.config.path, file.rel, stats, signal, this.config.maxRawBytes, prefilter);
      for (;;) {
        const r = await records.next();
        if (r.done) {
          if (r.value) recordIgnored(stats, file.rel, r.value);
          else {
            stats.partitionsRead += 1;
            recognized = true;
          }
          break;
        }
        const record = r.value;
        stats.scanned += 1;
        if ('prefiltered' in record) {
          stats.prefiltered += 1;
          continue;
        }
        if ('error' in record) {
          recordMalformed(stats, record.where, record.error);
          continue;
        }
        textBytes += record.text?.length ?? 0;
        try {
          const event = normalizeLogEvent(record.value, this.normalizeCtx);
          checkPlausibleTime(stats, event.time.getTime(), record.where);
          events.push(capRaw(event, () => record.text ?? JSON.stringify(record.value), record.bytes, this.config.maxRawBytes, stats));
        } catch (err) {
          if (!(err instanceof MalformedLogEvent)) throw err;
          recordMalformed(stats, record.where, err.message);
        }
      }
    } catch (err) {
      // one file that cannot be read costs only itself: it is named, and the others are read
      if (!readFailure(err, stats, file.rel)) throw err;
    }
    sortEvents(events, false);
    // a JSON-array export gives no line texts: what was read of it stands for its size
    return { value: { events, recognized }, textBytes: Math.max(textBytes, stats.bytesRead) };
  }

  async plan(q: SourceQuery): Promise<SourcePlanDetail> {
    const all = await this.exportFiles(undefined, newSourceStats());
    const { files: selected } = await this.exportFiles(q.window, newSourceStats());
    const undated = selected.filter((f) => !f.day).length;
    const notes = ['no filter is pushed down: every record of the selected files is read and filtered by the engine'];
    notes.push(...prefilterNotes(PREFILTER, q));
    if (undated > 0) notes.push(`${undated} file(s) without a YYYY-MM-DD day in the name are read for every window`);
    return { partitions: selected.map((f) => f.rel), partitionsTotal: all.files.length, notes };
  }

  async health(): Promise<SourceHealth> {
    const checkedAt = this.now();
    try {
      if (!fs.statSync(this.config.path).isDirectory()) return { ok: false, message: `${this.config.path} is not a directory`, checkedAt };
      const listing = await walkArchive(this.config.path, exportLayout(undefined), newSourceStats());
      let first: string | undefined;
      for (const rel of listing.files) {
        if (await looksLikeExport(this.config.path, rel).catch(() => false)) {
          first = rel;
          break;
        }
      }
      if (!first) return { ok: false, message: this.emptyMessage, checkedAt };
      return { ok: true, message: `System Log export files under ${this.config.path}, e.g. ${first}`, checkedAt };
    } catch (err) {
      return { ok: false, message: `cannot read ${this.config.path}: ${(err as Error).message}`, checkedAt };
    }
  }
}

/** By time in the wanted order; ties by id so that the order of a file does not depend on the sort. */
function sortEvents(events: AuditEvent[], newestFirst: boolean): void {
  events.sort((a, b) => {
    const d = a.time.getTime() - b.time.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    return newestFirst ? -d : d;
  });
}
