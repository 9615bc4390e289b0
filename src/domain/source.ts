import type { AliasKind, AuditEvent, SourceKind, SourceType } from './event';
import type { EventFilterField, PushedFilter } from './filter';
import type { SortOrder, TimeWindow } from './window';

export type SourceMode = 'api' | 'archive' | 'file' | 'cloudwatch';

/**
 * How a pushed field's values reach the upstream. `exact`: the upstream selects what the engine's own rule for the
 * field (src/query/match.ts: case, wildcards, substrings) selects. `broader`: it selects more (a whole service for
 * one of its calls, a prefix for a pattern); the engine's local check keeps only what matches. Never narrower: a
 * value the upstream would compare more strictly (with case, without the wildcard) is not pushed at all.
 */
export type PushdownExactness = 'exact' | 'broader';

/** One field's values as a source would send them, or why it cannot without matching less than the filter. */
export type PushdownTranslation =
  | {
      pushed: true;
      exactness: PushdownExactness;
      /** the upstream form, for `explain` (e.g. `eventType sw "user.session."`, `EventSource=iam.amazonaws.com`) */
      upstream: string;
      /** for a broader form: what it selects beyond the filter (re-checked locally) */
      why?: string;
    }
  | { pushed: false; why: string };

/** One filter field a source can send upstream, and how. */
export interface FilterPushdown {
  field: EventFilterField;
  /** how many alternative values one upstream request can carry (CloudTrail: 1) */
  maxValues: number;
  /** the upstream parameter it becomes, for `explain` (e.g. `LookupAttributes[Username]`) */
  upstream: string;
  /**
   * The same translation the source applies when it builds its request (one function, so plan and request cannot
   * drift): how these values would be sent, or why they are kept residual.
   */
  translate(values: readonly string[]): PushdownTranslation;
}

export interface Capabilities {
  /** orders the upstream returns natively; the engine provides the other order at a cost */
  orders: SortOrder[];
  /** pushable fields, most selective first: the planner takes them in this order */
  pushdown: FilterPushdown[];
  /** how many fields one request can carry at once (CloudTrail: 1; Azure: 1 extra clause) */
  maxPushedFields: number;
  pageSize: { default: number; max: number };
  /** requests allowed per `perMs`, shared by every source instance with the same `scope` */
  rateLimit?: { requests: number; perMs: number; scope: string };
  /** how far back the upstream keeps events; undefined for archives (they keep what they hold) */
  retentionDays?: number;
  /** archives: files are skipped by the time in their paths/names */
  partitionPruning: boolean;
  /** how a tail follows this source, when it differs from its kind's default (src/query/follow-lag.ts) */
  follow?: { lagMs: number; pollMs: number; why?: string };
}

/** What the planner asks of one source: the window, the order, and only the pushed-down filters. */
export interface SourceQuery {
  window: TimeWindow;
  order: SortOrder;
  filter: PushedFilter;
  /** how many events the caller expects to need; sources size their upstream pages from it */
  pageSizeHint: number;
  /**
   * The filter the engine checks on every event of this query (pushed or not). An archive may skip a record that
   * provably cannot satisfy it without parsing it (src/sources/shared/prefilter.ts), counting it as scanned and
   * as `prefiltered`; it must never skip one that could.
   */
  prefilter?: PushedFilter;
}

/** Counters a source updates while it runs; the engine reports them in `SourceStatus`. */
export interface SourceStats {
  /** upstream requests made (API calls; files opened for archives) */
  requests: number;
  /** raw records read, before any filtering */
  scanned: number;
  /**
   * archives: records of `scanned` skipped unparsed, their text holding none of the filter's values (they cannot
   * match; see `SourceQuery.prefilter`)
   */
  prefiltered: number;
  /** records that could not be parsed or normalized: counted, never silently dropped */
  malformed: number;
  /** the first few malformed records' reasons, with where they were */
  malformedSamples: string[];
  bytesRead: number;
  /** archive partitions (files) opened, and those skipped by their path or name */
  partitionsRead: number;
  partitionsPruned: number;
  /** times the upstream throttled us and we waited */
  throttled: number;
  /** upstream pages served from the page cache instead of a request (not counted in `requests`) */
  cacheHits: number;
  /**
   * Records a source merged itself before the engine saw them (the engine merges the rest, see src/query/dedup.ts):
   * identical copies, and records sharing an id with a different one (Kubernetes stage lines of one auditID whose
   * request fields disagree).
   */
  duplicates: number;
  idConflicts: number;
  /** archives: files and folders under the root the reader does not recognize, with the first few and why */
  partitionsIgnored: number;
  ignoredSamples: string[];
  /** archives: files read only up to damage (truncated or corrupt compression, garbage appended, a cut document) */
  partitionsDamaged: number;
  damagedSamples: string[];
  /** archives: files and folders that could not be opened or listed at all */
  partitionsUnreadable: number;
  unreadableSamples: string[];
  /** records whose raw was cut to the source's size limit */
  rawTruncated: number;
  /** records (or lines) dated where no record of the archive can be (before 2000, or after tomorrow): counted, never invisible */
  implausibleTimes: number;
  implausibleSamples: string[];
  /** archives: set when the root holds no partition the reader recognizes at all; says what was looked for */
  empty?: string;
  notes: string[];
}

export function newSourceStats(): SourceStats {
  return {
    requests: 0,
    scanned: 0,
    prefiltered: 0,
    malformed: 0,
    malformedSamples: [],
    bytesRead: 0,
    partitionsRead: 0,
    partitionsPruned: 0,
    throttled: 0,
    cacheHits: 0,
    duplicates: 0,
    idConflicts: 0,
    partitionsIgnored: 0,
    ignoredSamples: [],
    partitionsDamaged: 0,
    damagedSamples: [],
    partitionsUnreadable: 0,
    unreadableSamples: [],
    rawTruncated: 0,
    implausibleTimes: 0,
    implausibleSamples: [],
    notes: [],
  };
}

const MAX_MALFORMED_SAMPLES = 5;

export function recordMalformed(stats: SourceStats, where: string, reason: string): void {
  stats.malformed += 1;
  if (stats.malformedSamples.length < MAX_MALFORMED_SAMPLES) stats.malformedSamples.push(`${where}: ${reason}`);
}

/** A file or folder under an archive's root that is not part of its layout: counted and named, never silent. */
export function recordIgnored(stats: SourceStats, where: string, reason: string): void {
  stats.partitionsIgnored += 1;
  if (stats.ignoredSamples.length < MAX_MALFORMED_SAMPLES) stats.ignoredSamples.push(`${where} (${reason})`);
}

/** no audit trail this reads predates 2000; a time past tomorrow is a broken clock or a broken record */
const PLAUSIBLE_FROM = Date.UTC(2000, 0, 1);
const DAY_MS = 86_400_000;

/** Whether a record's time is one a sane query's window can cover (from 2000 to tomorrow). */
export function isPlausibleTime(timeMs: number, now = Date.now()): boolean {
  return timeMs >= PLAUSIBLE_FROM && timeMs <= now + DAY_MS;
}

/** Counts a record whose time no window of a sane query covers, so that it is not invisible. True when it is implausible. */
export function checkPlausibleTime(stats: SourceStats, timeMs: number, where: string, now = Date.now()): boolean {
  if (isPlausibleTime(timeMs, now)) return false;
  stats.implausibleTimes += 1;
  if (stats.implausibleSamples.length < MAX_MALFORMED_SAMPLES) stats.implausibleSamples.push(`${where}: ${Number.isFinite(timeMs) ? new Date(timeMs).toISOString() : String(timeMs)}`);
  return true;
}

/** the partitions already counted as damaged, per stats: a file damaged in two ways (a cut gzip of a cut document) counts once */
const damagedSeen = new WeakMap<SourceStats, Set<string>>();

/** A partition read only up to damage: what decoded before it was kept. Counted once per partition. */
export function recordDamaged(stats: SourceStats, where: string, reason: string): void {
  let seen = damagedSeen.get(stats);
  if (!seen) damagedSeen.set(stats, (seen = new Set()));
  if (seen.has(where)) return;
  seen.add(where);
  stats.partitionsDamaged += 1;
  if (stats.damagedSamples.length < MAX_MALFORMED_SAMPLES) stats.damagedSamples.push(`${where}: ${reason}`);
}

/** A partition or folder that could not be read at all. */
export function recordUnreadable(stats: SourceStats, where: string, reason: string): void {
  stats.partitionsUnreadable += 1;
  if (stats.unreadableSamples.length < MAX_MALFORMED_SAMPLES) stats.unreadableSamples.push(`${where}: ${reason}`);
}

/**
 * Adds what reading one file counted (`from`, a fresh SourceStats the read wrote to) to a query's counters. When
 * the file came from the decoded-file cache (`served`), nothing was opened or read this time: `requests`,
 * `partitionsRead` and `bytesRead` are not added, `cacheHits` is; what the file holds (records scanned, malformed,
 * damaged, cut, implausible) is reported as if it had been read.
 */
export function addFileStats(into: SourceStats, from: SourceStats, served: boolean): void {
  if (served) into.cacheHits += 1;
  else {
    into.requests += from.requests;
    into.partitionsRead += from.partitionsRead;
    into.bytesRead += from.bytesRead;
  }
  into.scanned += from.scanned;
  into.prefiltered += from.prefiltered;
  into.malformed += from.malformed;
  into.duplicates += from.duplicates;
  into.idConflicts += from.idConflicts;
  into.partitionsIgnored += from.partitionsIgnored;
  into.partitionsDamaged += from.partitionsDamaged;
  into.partitionsUnreadable += from.partitionsUnreadable;
  into.rawTruncated += from.rawTruncated;
  into.implausibleTimes += from.implausibleTimes;
  const samples = (to: string[], add: string[]) => {
    for (const s of add) if (to.length < MAX_MALFORMED_SAMPLES) to.push(s);
  };
  samples(into.malformedSamples, from.malformedSamples);
  samples(into.ignoredSamples, from.ignoredSamples);
  samples(into.damagedSamples, from.damagedSamples);
  samples(into.unreadableSamples, from.unreadableSamples);
  samples(into.implausibleSamples, from.implausibleSamples);
  into.notes.push(...from.notes);
}

/** What a page cache gave for one upstream request: the page, and whether it was served without a request. */
export interface UpstreamPageLoad<T> {
  value: T;
  hit: boolean;
}

/**
 * Upstream pages by the exact request that fetched them (src/query/page-cache.ts): `fetch` runs only when the
 * page is not held; a settled window's pages are kept until room is needed, an open window's for seconds.
 */
export interface UpstreamPageCache {
  /** `keep`: whether a fetched page may be kept (default: every page `fetch` resolves with; a rejection never is) */
  load<T>(key: string, settled: boolean, signal: AbortSignal, fetch: () => Promise<T>, keep?: (page: T) => boolean): Promise<UpstreamPageLoad<T>>;
}

/**
 * An archive file read once and kept decoded (src/query/file-cache.ts): its events and what reading it counted.
 * `bytes` is what it weighs in memory, roughly.
 */
export interface ArchiveFileRead<T> {
  value: T;
  stats: SourceStats;
  bytes: number;
}

export interface SourceCallContext {
  signal: AbortSignal;
  stats: SourceStats;
  /**
   * where an archive source may keep the files it decoded, by path and signature (size, modification time), for
   * the next query that reads them (the engine's; absent: every file is read)
   */
  files?: UpstreamPageCache;
  /** where a live source's upstream pages may be served from again (the engine's; absent: every request is sent) */
  cache?: UpstreamPageCache;
  /**
   * the window asked has settled: its end is older than the source's delivery lag (src/query/follow-lag.ts), so its
   * upstream pages cannot change and may be cached for as long as there is room
   */
  settled?: boolean;
  /**
   * How much longer the caller waits for the source's next event (the engine's per-source budget, within the page's
   * deadline); undefined: no limit but the signal. A wait the upstream asks for that does not fit (a throttling
   * reply's reset an hour away) is not taken: the call fails THROTTLED at once.
   */
  remainingMs?: () => number;
}

/** How a source would run a query, for `explain`, computed without reading any event. */
export interface SourcePlanDetail {
  /** the upstream request(s) in words, e.g. `LookupEvents StartTime=… LookupAttributes=[Username=alice]` */
  request?: string;
  /** archives: the partitions (files) the window selects, and how many there are in all */
  partitions?: string[];
  partitionsTotal?: number;
  notes: string[];
}

export interface SourceHealth {
  ok: boolean;
  message: string;
  checkedAt: Date;
}

/** One typed alias of an identity being searched (see src/correlation/identity). */
export interface SearchAlias {
  kind: AliasKind;
  value: string;
  /** the only source whose events can carry it (a Kubernetes username is per cluster) */
  scope?: string;
  /** another alias of the identity that every event carrying this one also carries (a session key's session) */
  coveredBy?: string;
}

/** Which alias kinds a source's events carry, which its upstream identity filter takes, and in what form. */
export interface AliasSupport {
  produced: readonly AliasKind[];
  pushed: readonly AliasKind[];
  /** the upstream form of one alias (e.g. `Username=alice`), to count distinct upstream values; undefined: not sendable */
  upstreamValue(alias: SearchAlias): string | undefined;
}

export interface Source {
  readonly id: string;
  readonly type: SourceType;
  readonly kind: SourceKind;
  readonly mode: SourceMode;
  readonly capabilities: Capabilities;
  /** a few words on where it reads from (path, endpoint, region), never a secret */
  readonly location: string;
  /** the identity aliases its events carry and its identity pushdown takes (the planner asks it only for those) */
  readonly identityAliases?: AliasSupport;
  /** events in `q.window`, ordered by time in `q.order` (one of `capabilities.orders`), paged lazily */
  events(q: SourceQuery, ctx: SourceCallContext): AsyncIterable<AuditEvent>;
  plan(q: SourceQuery): Promise<SourcePlanDetail>;
  health(): Promise<SourceHealth>;
}

export type SourceErrorCode =
  | 'UPSTREAM_ERROR' // the upstream answered with an error
  | 'UNAUTHENTICATED' // credentials missing or refused
  | 'FORBIDDEN'
  | 'THROTTLED' // throttled past the retry budget
  | 'INVALID_REQUEST' // the upstream refused the request as malformed
  | 'UNREACHABLE' // connection refused, DNS, TLS
  | 'NOT_FOUND' // archive path missing
  | 'ABORTED';

/** Every failure a source reports is one of these; an upstream error never becomes an empty result. */
export class SourceError extends Error {
  constructor(
    readonly code: SourceErrorCode,
    message: string,
    readonly sourceId?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SourceError';
  }
}

/** A token bucket shared by every source calling the same upstream scope. */
export interface RateLimiter {
  /**
   * resolves when a request may be sent; rejects if `signal` aborts first, or with `RateLimitWait` at once when the
   * request could not be sent within `maxWaitMs`
   */
  acquire(signal: AbortSignal, maxWaitMs?: number): Promise<void>;
  /** the upstream said slow down: nobody in this scope sends before `untilMs` (epoch ms) */
  pauseUntil(untilMs: number): void;
}

/** A rate limiter's refusal to wait longer than the caller can: nothing could be sent before `untilMs`. */
export class RateLimitWait extends Error {
  constructor(readonly untilMs: number) {
    super(`no request can be sent before ${new Date(untilMs).toISOString()}`);
    this.name = 'RateLimitWait';
  }
}

export interface LimiterRegistry {
  get(scope: string, requests: number, perMs: number): RateLimiter;
}

/** What every source factory receives besides its own config. */
export interface SourceDeps {
  limiters: LimiterRegistry;
  now: () => Date;
}
