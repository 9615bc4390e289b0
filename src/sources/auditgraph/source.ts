import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  SortOrder,
  SourceError,
  SourceKind,
  checkPlausibleTime,
  inWindow,
  recordMalformed,
  type AuditEvent,
  type Capabilities,
  type Source,
  type SourceCallContext,
  type SourceHealth,
  type SourcePlanDetail,
  type SourceQuery,
  type TimeWindow,
} from '../../domain';
import { readFailure, readLines } from '../shared/files';
import { capRaw } from '../shared/raw';
import { throwIfAborted } from '../shared/upstream';
import type { AccessLogSourceConfig } from './config';
import { identityAliases } from './identity';
import { MalformedAccessLogLine, normalizeAccessLogLine } from './normalize';
import { mergeOrdered } from '../../lib/merge';
import { GENESIS, lastLine, lineHash, timeOfLine, trailFilesInOrder } from './trail';

const ROTATED = /\.\d{6,}$/;
/** a rotated file is skipped when its last line is older than the window by more than this (clocks step) */
const PRUNE_SLACK_MS = 60_000;
const MAX_CHAIN_SAMPLES = 5;

/** One file of a trail to read, and the hash its first line's `prev` must hold (undefined: not known, not checked). */
interface TrailPart {
  file: string;
  rel: string;
  expectPrev?: string;
}

/**
 * auditgraph's own access log read back as a source (`type: auditgraph, mode: file`): who asked what of the other
 * trails, when, from where, and what came of it. `path` is the access log file (its rotated files beside it are
 * read too) or a folder of such trails. Rotated files that end before the window are not opened. While reading, the
 * hash chain is checked: a line whose `prev` is not the hash of the line before it is reported in the status (a
 * line edited, removed or moved), and its event is still returned.
 */
export class AccessLogSource implements Source {
  readonly identityAliases = identityAliases;
  readonly type = 'auditgraph' as const;
  readonly kind = SourceKind.ACCESS_LOG;
  readonly mode = 'file' as const;
  readonly id: string;
  readonly location: string;
  readonly capabilities: Capabilities = {
    orders: [SortOrder.NEWEST_FIRST, SortOrder.OLDEST_FIRST],
    pushdown: [],
    maxPushedFields: 0,
    pageSize: { default: 1000, max: 1000 },
    partitionPruning: true,
  };

  constructor(
    private readonly config: AccessLogSourceConfig,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.id = config.id;
    this.location = config.path;
  }

  /** The trails under `path`: each one's files oldest first. */
  private trails(): string[][] {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(this.config.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    // the file may not exist yet (the server writes it at its first request), but its folder must
    if (!stat) fs.statSync(path.dirname(this.config.path));
    if (!stat?.isDirectory()) return [trailFilesInOrder(this.config.path)];
    const names = fs.readdirSync(this.config.path).filter((n) => !n.startsWith('.'));
    const bases = new Set(names.map((n) => n.replace(ROTATED, '')));
    return [...bases].sort().map((b) => trailFilesInOrder(path.join(this.config.path, b)));
  }

  /**
   * The files a window needs, per trail in write order, and how many rotated files end before it. Each part knows
   * the hash its first line must link to (the last line of the file before it), so that the chain is checked in
   * either order and from wherever reading starts.
   */
  private parts(window: TimeWindow | undefined): { trails: TrailPart[][]; pruned: number; total: number } {
    const trails: TrailPart[][] = [];
    let pruned = 0;
    let total = 0;
    for (const files of this.trails()) {
      total += files.length;
      const parts: TrailPart[] = [];
      let before: string | undefined = GENESIS;
      files.forEach((file, i) => {
        const rel = path.relative(path.dirname(this.config.path), file) || path.basename(file);
        const last = i < files.length - 1 ? lastLine(file) : undefined;
        const expectPrev = before;
        before = last && !last.partial ? lineHash(last.line) : undefined;
        const lastTime = last && !last.partial ? timeOfLine(last.line) : undefined;
        if (window && lastTime !== undefined && lastTime + PRUNE_SLACK_MS < window.from.getTime()) {
          pruned += 1;
          return;
        }
        parts.push({ file, rel, expectPrev });
      });
      if (parts.length > 0) trails.push(parts);
    }
    return { trails, pruned, total };
  }

  async *events(q: SourceQuery, ctx: SourceCallContext): AsyncGenerator<AuditEvent> {
    const { signal, stats } = ctx;
    throwIfAborted(signal, this.id);
    let listing: ReturnType<AccessLogSource['parts']>;
    try {
      listing = this.parts(q.window);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'NOT_FOUND' : 'UPSTREAM_ERROR';
      throw new SourceError(code, `cannot list the access log at ${this.config.path}: ${(err as Error).message}`, this.id);
    }
    stats.partitionsPruned += listing.pruned;
    if (listing.total === 0) stats.empty = `no access log at ${this.config.path} yet (the server writes it at its first API request, when accessLog.path names it)`;
    const chain = { breaks: 0, samples: [] as string[] };
    const newestFirst = q.order === SortOrder.NEWEST_FIRST;
    // by time, ties by id, in the query's order
    const inOrder = (a: AuditEvent, b: AuditEvent) => {
      const d = a.time.getTime() - b.time.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
      return newestFirst ? -d : d;
    };
    // each trail's lines are in time order (the writer never lets a time go back), so its files are read one at a
    // time in the query's order, each sorted (a line out of order is put right within its file), and a consumer that
    // stops early stops the reading
    const read = async (part: TrailPart, prev: string | undefined): Promise<{ events: AuditEvent[] }> => {
      stats.requests += 1;
      const events: AuditEvent[] = [];
      try {
        for await (const { line, lineNo } of readLines(part.file, part.rel, stats, signal)) {
          if (line === '') continue;
          const where = `${part.rel}:${lineNo}`;
          stats.scanned += 1;
          const hash = lineHash(line);
          let value: unknown;
          try {
            value = JSON.parse(line);
          } catch (err) {
            recordMalformed(stats, where, `not JSON: ${(err as Error).message}`);
            prev = hash;
            continue;
          }
          const linked = (value as { prev?: unknown })?.prev;
          if (prev !== undefined && linked !== prev) {
            chain.breaks += 1;
            if (chain.samples.length < MAX_CHAIN_SAMPLES) chain.samples.push(where);
          }
          prev = hash;
          try {
            const event = normalizeAccessLogLine(value, { sourceId: this.id, lineHash: hash });
            checkPlausibleTime(stats, event.time.getTime(), where);
            if (inWindow(q.window, event.time)) events.push(capRaw(event, line, line.length, this.config.maxRawBytes, stats));
          } catch (err) {
            if (!(err instanceof MalformedAccessLogLine)) throw err;
            recordMalformed(stats, where, err.message);
          }
        }
        stats.partitionsRead += 1;
      } catch (err) {
        if (!readFailure(err, stats, part.rel)) throw err;
        return { events };
      }
      events.sort(inOrder);
      return { events };
    };
    const noteChain = () => {
      if (chain.breaks === 0) return;
      stats.notes.push(
        `the hash chain is broken at ${chain.breaks} line(s): ${chain.samples.join(', ')}${chain.breaks > chain.samples.length ? ', …' : ''} (a line edited, removed or moved since it was written; the events are returned as they read; check the whole trail with auditgraph verify-log)`,
      );
    };
    // each trail in the query's order, file by file; several trails (a folder of them) merged by time
    const self = this;
    async function* trail(parts: TrailPart[]): AsyncGenerator<AuditEvent> {
      for (const part of newestFirst ? [...parts].reverse() : parts) {
        throwIfAborted(signal, self.id);
        const { events } = await read(part, part.expectPrev);
        throwIfAborted(signal, self.id);
        yield* events;
      }
    }
    try {
      yield* mergeOrdered(listing.trails.map(trail), inOrder);
    } finally {
      noteChain();
    }
  }

  async plan(q: SourceQuery): Promise<SourcePlanDetail> {
    const { trails, total } = this.parts(q.window);
    return {
      partitions: trails.flat().map((p) => p.rel),
      partitionsTotal: total,
      notes: ['no filter is pushed down: every line of the selected files is read and filtered by the engine', 'rotated files whose last line is older than the window are not opened'],
    };
  }

  async health(): Promise<SourceHealth> {
    const checkedAt = this.now();
    try {
      const files = this.trails().flat();
      if (files.length === 0) return { ok: true, message: `no access log at ${this.config.path} yet: the server writes it at its first API request`, checkedAt };
      for (const f of files) fs.accessSync(f, fs.constants.R_OK);
      return { ok: true, message: `${files.length} access log file(s) at ${this.config.path}`, checkedAt };
    } catch (err) {
      return { ok: false, message: `cannot read ${this.config.path}: ${(err as Error).message}`, checkedAt };
    }
  }
}
