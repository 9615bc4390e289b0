import { createHmac, timingSafeEqual } from 'node:crypto';
import { AuditgraphError, ErrorCode, SortOrder, SourceState, type AuditEvent, type EventFilter, type Source } from '../domain';
import { queryDigest, type EventKey } from './cursor';
import type { QueryEngine } from './engine';
import { followPolicy, type FollowPolicy } from './follow-lag';
import { selectSources } from './planner';
import { streamEvents, type EventStream } from './stream';

/** Where a tail stands in one source: everything before `settled` is delivered, and `last` is the last event delivered. */
interface Position {
  settled: number;
  last?: EventKey;
}

export interface TailSourceStatus {
  source: string;
  /** FOLLOWING: polled as planned; RETRYING: the last poll failed (message), the next one retries from the same place */
  state: 'FOLLOWING' | 'RETRYING';
  message?: string;
  lagMs: number;
  pollMs: number;
  /** why the lag is what it is */
  lag: string;
  /** every event of this source before this time has been delivered */
  settledUntil: string;
  polls: number;
  events: number;
  failures: number;
  /** secrets replaced by a marker in the events sent so far (see SourceStatus.redactions) */
  redactions: number;
}

export type TailItem =
  | { type: 'event'; event: AuditEvent; source: string; token: string }
  | { type: 'status'; token: string; sources: TailSourceStatus[] };

export interface TailRequest {
  filter: EventFilter;
  /** start this long before now (default 0: from now on) */
  sinceMs?: number;
  /** a token from an earlier tail of the same filter: go on from there, losing and repeating nothing */
  resume?: string | null;
  /** the follow policy per source (tests shorten it) */
  policy?: (s: Source) => FollowPolicy;
  /** how often a status is sent when nothing changes (default 30 s): keeps connections and lag visible */
  heartbeatMs?: number;
  now?: () => number;
  /** ends the tail (the reader went away): its polls stop, the iteration returns */
  signal?: AbortSignal;
}

const QUEUE_HIGH_WATER = 1000;

/** Signed, self-checking resume tokens: base64url(JSON) + HMAC, bound to the filter they belong to. */
export class TailTokens {
  constructor(
    private readonly secrets: readonly string[],
    private readonly digest: string,
  ) {
    if (secrets.length === 0 || secrets.some((s) => !s)) throw new Error('tail tokens need a non-empty secret');
  }

  encode(positions: Map<string, Position>): string {
    const s: Record<string, [number, number?, string?, string?]> = {};
    for (const [id, p] of positions) s[id] = p.last ? [p.settled, p.last.time, p.last.eventId, p.last.digest] : [p.settled];
    const body = Buffer.from(JSON.stringify({ v: 1, d: this.digest, s })).toString('base64url');
    return `${body}.${this.sign(body, this.secrets[0]!)}`;
  }

  decode(token: string): Map<string, Position> {
    const bad = (why: string) => new AuditgraphError(ErrorCode.BAD_CURSOR, `resume token: ${why}; start the tail again without one`, { parameter: 'after' });
    const [body, mac, extra] = token.split('.');
    if (!body || !mac || extra !== undefined) throw bad('not a token this server issued');
    const ok = this.secrets.some((secret) => {
      const expected = Buffer.from(this.sign(body, secret));
      const given = Buffer.from(mac);
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
    if (!ok) throw bad('altered, or issued by a server with another secret');
    let parsed: { v?: unknown; d?: unknown; s?: Record<string, unknown[]> };
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw bad('not a token this server issued');
    }
    if (parsed.v !== 1 || typeof parsed.s !== 'object' || parsed.s === null) throw bad('not a token this server issued');
    if (parsed.d !== this.digest) throw bad('it belongs to a tail with another filter');
    const out = new Map<string, Position>();
    for (const [id, v] of Object.entries(parsed.s)) {
      const [settled, time, eventId, digest] = v as [number, number?, string?, string?];
      out.set(id, time !== undefined ? { settled, last: { time, sourceId: id, eventId: eventId ?? '', digest: digest ?? '' } } : { settled });
    }
    return out;
  }

  private sign(body: string, secret: string): string {
    return createHmac('sha256', `tail:${secret}`).update(body).digest('base64url').slice(0, 32);
  }
}

type Queued = { kind: 'event'; source: string; event: AuditEvent; key: EventKey } | { kind: 'settle'; source: string; settled: number } | { kind: 'status' };

/**
 * Follows every selected source through the source contract: repeated windowed queries, per source, from where
 * it stands up to now less its delivery lag, oldest first, after the last event delivered. An event is emitted
 * once its source's lag has passed, in its source's order; every item carries a resume token holding each
 * source's position as delivered to this reader (a position moves when the reader takes the item, not when a
 * poll reads it), so that a reader who reconnects with the last token it got loses and repeats nothing.
 * A source whose poll fails says so in a status and is retried from the same place, with backoff.
 */
export class Tail implements AsyncIterable<TailItem> {
  private readonly sources: Source[];
  private readonly tokens: TailTokens;
  private readonly delivered = new Map<string, Position>();
  private readonly statuses = new Map<string, TailSourceStatus>();
  private readonly queue: Queued[] = [];
  private wakeConsumer?: () => void;
  private wakeProducers: (() => void)[] = [];
  private readonly now: () => number;

  constructor(
    private readonly engine: QueryEngine,
    secrets: readonly string[],
    private readonly req: TailRequest,
  ) {
    this.now = req.now ?? Date.now;
    this.sources = selectSources(engine.sources, req.filter);
    const { sources: _s, kinds: _k, ...matched } = req.filter;
    this.tokens = new TailTokens(secrets, queryDigest('tail', {}, { ...matched, sources: this.sources.map((s) => s.id) }, SortOrder.OLDEST_FIRST));
    const resumed = req.resume ? this.tokens.decode(req.resume) : undefined;
    const start = this.now() - (req.sinceMs ?? 0);
    for (const s of this.sources) {
      const p = resumed?.get(s.id) ?? { settled: resumed ? Math.min(...[...resumed.values()].map((v) => v.settled)) : start };
      this.delivered.set(s.id, { ...p });
      const policy = (req.policy ?? followPolicy)(s);
      this.statuses.set(s.id, { source: s.id, state: 'FOLLOWING', lagMs: policy.lagMs, pollMs: policy.pollMs, lag: policy.why, settledUntil: new Date(p.settled).toISOString(), polls: 0, events: 0, failures: 0, redactions: 0 });
    }
  }

  private push(item: Queued): void {
    this.queue.push(item);
    this.wakeConsumer?.();
  }

  private async room(signal: AbortSignal): Promise<void> {
    while (this.queue.length >= QUEUE_HIGH_WATER && !signal.aborted) await new Promise<void>((r) => this.wakeProducers.push(r));
  }

  private async follow(source: Source, signal: AbortSignal): Promise<void> {
    const policy = (this.req.policy ?? followPolicy)(source);
    const status = this.statuses.get(source.id)!;
    // the poller's own position runs ahead of what the reader has taken
    const read: Position = { ...this.delivered.get(source.id)! };
    let backoff = policy.pollMs;
    while (!signal.aborted) {
      const bound = this.now() - policy.lagMs;
      const from = read.last ? read.last.time : read.settled;
      if (bound > from) {
        status.polls += 1;
        let stream: EventStream | undefined;
        // what the poll redacted counts whether it ended well or not (its events were sent either way)
        const countRedactions = () => {
          status.redactions += stream?.summary().statuses[0]?.redactions ?? 0;
          stream = undefined;
        };
        try {
          stream = streamEvents(
            this.engine,
            { window: { from: new Date(from), to: new Date(bound) }, filter: { ...this.req.filter, sources: [source.id], kinds: undefined }, order: SortOrder.OLDEST_FIRST, afterKey: read.last },
            signal,
          );
          for await (const { event, key } of stream) {
            await this.room(signal);
            read.last = key;
            this.push({ kind: 'event', source: source.id, event, key });
          }
          const st = stream.summary().statuses[0];
          countRedactions();
          if (st && (st.state === SourceState.FAILED || st.state === SourceState.TIMED_OUT || st.state === SourceState.THROTTLED)) throw new Error(`${st.state}: ${st.message ?? ''}`);
          read.settled = bound;
          this.push({ kind: 'settle', source: source.id, settled: bound });
          if (status.state !== 'FOLLOWING') {
            status.state = 'FOLLOWING';
            delete status.message;
            this.push({ kind: 'status' });
          }
          backoff = policy.pollMs;
        } catch (err) {
          countRedactions();
          if (signal.aborted) return;
          status.failures += 1;
          status.state = 'RETRYING';
          status.message = (err as Error).message;
          this.push({ kind: 'status' });
          backoff = Math.min(backoff * 2, Math.max(policy.pollMs, 5 * 60_000));
        }
      }
      await sleep(status.state === 'RETRYING' ? backoff : policy.pollMs, signal);
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<TailItem> {
    const stop = new AbortController();
    const onAbort = () => {
      stop.abort(this.req.signal?.reason);
      this.wakeConsumer?.();
    };
    this.req.signal?.addEventListener('abort', onAbort, { once: true });
    if (this.req.signal?.aborted) return;
    const heartbeat = setInterval(() => this.push({ kind: 'status' }), this.req.heartbeatMs ?? 30_000);
    const pollers = this.sources.map((s) => this.follow(s, stop.signal));
    try {
      yield this.statusItem();
      while (!stop.signal.aborted) {
        if (this.queue.length === 0) await new Promise<void>((r) => (this.wakeConsumer = r));
        this.wakeConsumer = undefined;
        if (stop.signal.aborted) break;
        const item = this.queue.shift();
        if (this.queue.length < QUEUE_HIGH_WATER) for (const w of this.wakeProducers.splice(0)) w();
        if (!item) continue;
        if (item.kind === 'event') {
          const p = this.delivered.get(item.source)!;
          p.last = item.key;
          this.statuses.get(item.source)!.events += 1;
          yield { type: 'event', event: item.event, source: item.source, token: this.tokens.encode(this.delivered) };
        } else if (item.kind === 'settle') {
          const p = this.delivered.get(item.source)!;
          p.settled = item.settled;
          this.statuses.get(item.source)!.settledUntil = new Date(item.settled).toISOString();
        } else {
          yield this.statusItem();
        }
      }
    } finally {
      this.req.signal?.removeEventListener('abort', onAbort);
      clearInterval(heartbeat);
      stop.abort(new Error('tail closed'));
      for (const w of this.wakeProducers.splice(0)) w();
      await Promise.allSettled(pollers);
    }
  }

  private statusItem(): TailItem {
    return { type: 'status', token: this.tokens.encode(this.delivered), sources: [...this.statuses.values()].map((s) => ({ ...s })) };
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
