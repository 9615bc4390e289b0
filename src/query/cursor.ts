import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AuditgraphError, ErrorCode, SortOrder, type EventFilter, type TimeWindow } from '../domain';
import type { TimeWindowRequest } from './window';

/** The merge key of an event: a total order over every source's events. */
export interface EventKey {
  time: number;
  sourceId: string;
  eventId: string;
  /** the content digest when other records of the source share this id and time (see dedup.ts), else '' */
  digest: string;
}

/** How a source that did not answer a page failed, as the cursor remembers it. */
export type MissedState = 'TIMED_OUT' | 'THROTTLED' | 'FAILED';

/**
 * Where one source stands when it is not at the cursor's key: it did not answer a page (its events after `key` may
 * still precede the cursor's key), or it is caught up but failing.
 */
export interface SourcePosition {
  /** every event of the source up to this key has been returned; undefined: none yet (from the window's start) */
  key?: EventKey;
  /** how it last failed */
  state: MissedState;
  /** pages in a row on which it timed out: past a limit, later pages leave it out */
  strikes: number;
}

/** What a cursor carries: where the last page stopped, and what query it belongs to. */
export interface CursorState {
  /** the last key returned; undefined when no event was returned yet */
  key?: EventKey;
  /** the window resolved on the first page, so that `last: PT1H` pages through one fixed window */
  window: TimeWindow;
  digest: string;
  /** the sources that are not at `key` (by source id) */
  behind?: Record<string, SourcePosition>;
}

export function compareKeys(a: EventKey, b: EventKey, order: SortOrder): number {
  let c = a.time - b.time;
  if (c === 0) c = a.sourceId < b.sourceId ? -1 : a.sourceId > b.sourceId ? 1 : 0;
  if (c === 0) c = a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
  if (c === 0) c = a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0;
  return order === SortOrder.OLDEST_FIRST ? c : -c;
}

/** Canonical JSON: object keys sorted, so that equal arguments give equal digests. */
function canonical(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0))
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A digest of the arguments a cursor belongs to (the window as asked, not as resolved). */
export function queryDigest(scope: string, window: TimeWindowRequest, filter: EventFilter, order: SortOrder): string {
  return createHash('sha256').update(canonical({ scope, window, filter, order })).digest('base64url').slice(0, 22);
}

/**
 * 2: the key gained the content digest that tells apart records sharing an id; 3: the key may be absent and the
 * sources that did not answer have positions of their own
 */
const CURSOR_VERSION = 3;

const MISSED: Record<MissedState, string> = { TIMED_OUT: 't', THROTTLED: 'h', FAILED: 'f' };
const MISSED_BY_CODE: Record<string, MissedState> = { t: 'TIMED_OUT', h: 'THROTTLED', f: 'FAILED' };

type KeyTuple = [number, string, string, string];
const keyTuple = (k: EventKey | undefined): KeyTuple | null => (k ? [k.time, k.sourceId, k.eventId, k.digest] : null);

function keyOfTuple(t: unknown): EventKey | undefined | false {
  if (t === null) return undefined;
  if (!Array.isArray(t) || t.length !== 4 || typeof t[0] !== 'number' || typeof t[1] !== 'string' || typeof t[2] !== 'string' || typeof t[3] !== 'string') return false;
  return { time: t[0], sourceId: t[1], eventId: t[2], digest: t[3] };
}

/**
 * Opaque, stateless, self-checking cursors: base64url(JSON) + HMAC. Any replica with the same secret can
 * serve the next page; a forged, truncated or foreign cursor is refused. Given several secrets, the first signs
 * and every one verifies, so that a secret can be rotated without breaking the cursors clients hold.
 */
export class CursorCodec {
  private readonly secrets: readonly string[];

  constructor(secrets: string | readonly string[]) {
    this.secrets = typeof secrets === 'string' ? [secrets] : secrets;
    if (this.secrets.length === 0 || this.secrets.some((s) => s === '')) throw new Error('CursorCodec: every cursor secret must be non-empty');
  }

  encode(state: CursorState): string {
    const behind = state.behind && Object.keys(state.behind).length > 0
      ? Object.fromEntries(Object.entries(state.behind).map(([id, p]) => [id, [keyTuple(p.key), MISSED[p.state], p.strikes]]))
      : undefined;
    const body = Buffer.from(
      JSON.stringify({ v: CURSOR_VERSION, k: keyTuple(state.key), w: [state.window.from.getTime(), state.window.to.getTime()], d: state.digest, ...(behind ? { b: behind } : {}) }),
    ).toString('base64url');
    return `${body}.${this.sign(body, this.secrets[0])}`;
  }

  decode(cursor: string, expectedDigest: string): CursorState {
    const bad = (why: string) => new AuditgraphError(ErrorCode.BAD_CURSOR, `after: ${why}; start again without \`after\``);
    const [body, mac, extra] = cursor.split('.');
    if (!body || !mac || extra !== undefined) throw bad('not a cursor this server issued');
    const given = Buffer.from(mac);
    const signedByOne = this.secrets.some((secret) => {
      const expected = Buffer.from(this.sign(body, secret));
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
    if (!signedByOne) throw bad('the cursor has been altered, was issued to another caller, or by a server with another cursor secret');
    let parsed: { v?: unknown; k?: unknown; w?: unknown; d?: unknown; b?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw bad('not a cursor this server issued');
    }
    if (parsed.v === 1 || parsed.v === 2) throw bad('the cursor was issued by an earlier version of this server');
    const key = keyOfTuple(parsed.k);
    const w = parsed.w;
    if (parsed.v !== CURSOR_VERSION || key === false || !Array.isArray(w) || w.length !== 2 || typeof w[0] !== 'number' || typeof w[1] !== 'number' || typeof parsed.d !== 'string') {
      throw bad('not a cursor this server issued');
    }
    if (parsed.d !== expectedDigest) throw bad('the cursor belongs to a query with another window, filter or order');
    const state: CursorState = { key, window: { from: new Date(w[0]), to: new Date(w[1]) }, digest: parsed.d };
    if (parsed.b !== undefined) {
      if (parsed.b === null || typeof parsed.b !== 'object' || Array.isArray(parsed.b)) throw bad('not a cursor this server issued');
      state.behind = {};
      for (const [id, entry] of Object.entries(parsed.b as Record<string, unknown>)) {
        const [k, code, strikes] = Array.isArray(entry) ? entry : [];
        const at = keyOfTuple(k);
        const missed = typeof code === 'string' ? MISSED_BY_CODE[code] : undefined;
        if (at === false || !missed || typeof strikes !== 'number') throw bad('not a cursor this server issued');
        state.behind[id] = { ...(at ? { key: at } : {}), state: missed, strikes };
      }
    }
    return state;
  }

  private sign(body: string, secret: string): string {
    return createHmac('sha256', secret).update(body).digest('base64url').slice(0, 32);
  }
}
