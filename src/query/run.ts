import type { SourceTrace } from './telemetry';
import {
  SourceError,
  SourceState,
  newSourceStats,
  type AuditEvent,
  type EventFilter,
  type SourceCallContext,
  type SourceQuery,
  type SourceStats,
  type SourceStatus,
  type TimeWindow,
} from '../domain';
import { compareKeys, type EventKey, type MissedState, type SourcePosition } from './cursor';
import { resolveTies, type TieMember } from './dedup';
import { matches } from './match';
import type { SourcePlan } from './planner';
import { reversedBySlices } from './reverse';
import { stateFromStats, statsNotes } from './status';
import type { Redactor } from '../sources/shared/redaction';
import { continuedStats } from './resume';

/** A further local test after the filter: the reasons an event belongs (the edge's evidence), or null to leave it out. */
export type EventMatcher = (event: AuditEvent) => string[] | null;

/**
 * One distinct record of a source after its position that matches the local part of the filter, in the merge
 * order, with why it belongs (when the request has a matcher) and what was merged into it.
 */
export interface Matched extends TieMember {
  evidence: string[];
}

const MAX_CONFLICT_SAMPLES = 5;
const NO_EVIDENCE: string[] = [];

/** How a source took part in a page that did not go as asked: cut from the merge, or not asked at all. */
interface Miss {
  state: MissedState;
  message: string;
}

const at = (key: EventKey | undefined) => (key ? new Date(key.time).toISOString() : 'the window start');

/**
 * One source's part in one page: where it starts (its own position when an earlier page left it behind), its
 * stream and abort controller, its counters, and how it ended: done, cut from the merge (failed, throttled, or
 * silent past its budget), or left out.
 */
export class SourceRun {
  /** its source's counters; a page that continues a suspended read takes over that read's (see `continueRead`) */
  stats: SourceStats = newSourceStats();
  readonly started = performance.now();
  /** aborts this source's upstream calls alone (a cut source must stop while the others go on) */
  readonly controller = new AbortController();
  ended?: number;
  matched = 0;
  returned = 0;
  duplicates = 0;
  idConflicts = 0;
  /** values redacted in the raw records of the events it returned */
  redactions = 0;
  /** what redacts its events and samples on their way out (undefined: internal reads, which keep the records whole) */
  redactor?: Redactor;
  readonly conflictSamples: string[] = [];
  iterator?: AsyncIterator<Matched>;
  /** the window asked of the source, after narrowing at its position */
  asked?: TimeWindow;
  /** every event of the source up to here is in this page or an earlier one (undefined: none yet) */
  position?: EventKey;
  /** the key of its next event, while that event waits in the merge */
  head?: EventKey;
  /** the stream has no more events */
  done = false;
  /** why it is not part of the rest of this page's merge (or of the page at all) */
  miss?: Miss;
  /** set when the run was not asked at all: left out by the cursor or the request budget */
  leftOut = false;
  /** the deadline of the wait in progress for its next event (epoch ms) */
  waitUntil?: number;
  /** its trace span, while it is being read */
  trace?: SourceTrace;
  /** the event its stream produced last, while it waits in the merge (what a suspended read resumes with) */
  headItem?: Matched;
  /** set when this page continues the read an earlier page suspended (src/query/resume.ts) */
  continued = false;

  constructor(
    readonly plan: SourcePlan,
    /** where the cursor says it stands, when it is not at the cursor's key */
    readonly behind: SourcePosition | undefined,
    start: EventKey | undefined,
  ) {
    this.position = start;
  }

  get id(): string {
    return this.plan.source.id;
  }

  /** Neither done nor cut: its events can still come. */
  get active(): boolean {
    return !this.done && !this.miss && this.iterator !== undefined;
  }

  /** Its next event is being waited for; the longest the engine still waits, for the source's own throttling decisions. */
  remainingMs = (): number => Math.max(0, (this.waitUntil ?? Date.now()) - Date.now());

  /** Continues the read an earlier page of the cursor suspended: its counters, started again for this page. */
  continueRead(stats: SourceStats): void {
    continuedStats(stats);
    this.stats = stats;
    this.continued = true;
  }

  /** Takes the source out of the rest of the page, aborting its upstream calls. */
  cut(miss: Miss): void {
    if (this.miss || this.done) return;
    this.miss = miss;
    this.finish();
    this.controller.abort(new Error(miss.message));
    void this.iterator?.return?.(undefined)?.catch(() => undefined);
  }

  /** A failure the source reported, as a cut; `where` follows the error in the message (default: from where it is left out). */
  failWith(err: unknown, where = `; left out of this page after ${at(this.position)}`): void {
    if (err instanceof SourceError && err.code === 'THROTTLED') this.cut({ state: 'THROTTLED', message: `${err.message}${where}` });
    else if (err instanceof SourceError) this.cut({ state: 'FAILED', message: `${err.code}: ${err.message}${where}` });
    else this.cut({ state: 'FAILED', message: `INTERNAL: ${(err as Error)?.message ?? String(err)}${where}` });
  }

  /** Not asked: the cursor or the request says why. */
  leaveOut(miss: Miss): void {
    this.leftOut = true;
    this.miss = miss;
    this.finish();
  }

  finish(): void {
    this.ended ??= performance.now();
  }

  /** The event as it leaves the engine: its raw record redacted (counted) when the run has a redactor. */
  out(event: AuditEvent): AuditEvent {
    if (!this.redactor) return event;
    const r = this.redactor.event(event);
    this.redactions += r.count;
    return r.value;
  }

  /** Counts an event that goes into the page, and what was merged into it (so a page boundary never counts it twice). */
  returnedOne(item: Matched): void {
    this.returned += 1;
    this.position = item.key;
    this.duplicates += item.duplicates;
    if (item.conflict) {
      this.idConflicts += 1;
      const sample = `${item.event.id} at ${item.event.time.toISOString()} (${item.conflict.records} records)`;
      if (this.conflictSamples.length < MAX_CONFLICT_SAMPLES && !this.conflictSamples.includes(sample)) this.conflictSamples.push(sample);
    }
  }

  /**
   * Where the source stands once the merge has reached `key` (the key of the page's last event): everything it holds
   * up to `key` is returned unless it was cut or left out, in which case it stands where it stopped.
   */
  positionAt(key: EventKey | undefined, order: Parameters<typeof compareKeys>[2]): EventKey | undefined {
    if (this.miss) return this.position;
    if (!key) return this.position;
    if (!this.position) return key;
    return compareKeys(this.position, key, order) >= 0 ? this.position : key;
  }

  /** Whether its next event, waiting in the merge, comes after `key`: then nothing of it lies before `key`. */
  nextAfter(key: EventKey, order: Parameters<typeof compareKeys>[2]): boolean {
    return this.head !== undefined && compareKeys(this.head, key, order) > 0;
  }

  state(): SourceState {
    if (this.miss) return SourceState[this.miss.state];
    return this.plan.clamped ? SourceState.CLAMPED : SourceState.OK;
  }

  status(): SourceStatus {
    const s = this.plan.source;
    const st = this.stats;
    const notes = statsNotes(st);
    if (this.idConflicts > 0) {
      notes.push(
        `${this.idConflicts} event(s) of this page share their id and time with a different record of this source: each is returned as its own edge (EventEdge.idConflict), none was dropped: ${this.conflictSamples.join('; ')}${this.conflictSamples.length === MAX_CONFLICT_SAMPLES ? '; …' : ''}`,
      );
    }
    if (this.behind && !this.leftOut) {
      notes.push(`it did not answer a previous page of this cursor (${this.behind.state}): asked again from ${at(this.behind.key)}, so its events this page starts with may be older than the previous page's last`);
    }
    if (this.plan.orderNote) notes.push(this.plan.orderNote);
    let message = [this.miss?.message ?? this.plan.clamped ?? this.plan.skipped, ...notes].filter(Boolean).join(' | ') || undefined;
    // a malformed record's sample is raw text: what it shows of a credential goes no further than its events would
    let malformedSamples = this.stats.malformedSamples;
    let redactions = this.redactions;
    if (this.redactor?.enabled) {
      const samples = malformedSamples.map((s) => this.redactor!.text(s));
      malformedSamples = samples.map((s) => s.value);
      redactions += samples.reduce((n, s) => n + s.count, 0);
      if (message) message = this.redactor.text(message).value;
    }
    return {
      sourceId: s.id,
      sourceType: s.type,
      kind: s.kind,
      mode: s.mode,
      state: stateFromStats(this.state(), st),
      message,
      window: this.asked ?? this.plan.window ?? undefined,
      requests: this.stats.requests,
      eventsScanned: this.stats.scanned,
      eventsMatched: this.matched,
      eventsReturned: this.returned,
      malformed: this.stats.malformed,
      malformedSamples,
      throttled: this.stats.throttled,
      bytesRead: this.stats.bytesRead,
      partitionsRead: this.stats.partitionsRead,
      partitionsPruned: this.stats.partitionsPruned,
      duplicates: this.duplicates + this.stats.duplicates,
      idConflicts: this.idConflicts + this.stats.idConflicts,
      partitionsIgnored: st.partitionsIgnored,
      partitionsDamaged: st.partitionsDamaged,
      partitionsUnreadable: st.partitionsUnreadable,
      cacheHits: st.cacheHits,
      prefiltered: st.prefiltered,
      rawTruncated: st.rawTruncated,
      redactions,
      durationMs: Math.round(((this.ended ?? performance.now()) - this.started) * 100) / 100,
      pushedDown: this.plan.pushedDown,
      residual: this.plan.residual,
    };
  }
}

/**
 * The source's events in `order`, each tie group (one millisecond) resolved into distinct records ordered by key
 * (so the merge order is total), after `after`, matching the local part of the filter. Matches are counted on
 * `owner.run`: the page reading the stream now (a suspended stream changes pages, src/query/resume.ts).
 */
export async function* orderedMatches(
  owner: { readonly run: SourceRun },
  q: SourceQuery,
  ctx: SourceCallContext,
  filter: EventFilter,
  after: EventKey | undefined,
  match: EventMatcher | undefined,
): AsyncGenerator<Matched> {
  const { plan } = owner.run;
  const upstream = plan.nativeOrder ? plan.source.events(q, ctx) : reversedBySlices(plan.source, q, ctx);
  let group: AuditEvent[] = [];
  let groupTime = Number.NaN;
  function* flush(): Generator<Matched> {
    if (group.length === 0) return;
    for (const member of resolveTies(group, q.order)) {
      if (after && compareKeys(member.key, after, q.order) <= 0) continue;
      if (!matches(member.event, filter, plan.localFields)) continue;
      const evidence = match ? match(member.event) : NO_EVIDENCE;
      if (!evidence) continue;
      owner.run.matched += 1;
      yield { ...member, evidence };
    }
  }
  try {
    for await (const e of upstream) {
      const t = e.time.getTime();
      if (t !== groupTime) {
        yield* flush();
        group = [];
        groupTime = t;
      }
      group.push(e);
    }
  } catch (err) {
    // what the source gave before it failed still counts (the status says it failed); its last group may be
    // incomplete, but a later page re-reads it whole from the source's position
    yield* flush();
    throw err;
  }
  yield* flush();
}
