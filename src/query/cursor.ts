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

/** What a cursor carries: where the last page stopped, and what query it belongs to. */
export interface CursorState {
  key: EventKey;
  /** the window resolved on the first page, so that `last: PT1H` pages through one fixed window */
  window: TimeWindow;
  digest: string;
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

/** 2: the key gained the content digest that tells apart records sharing an id */
const CURSOR_VERSION = 2;

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
    const body = Buffer.from(
      JSON.stringify({ v: CURSOR_VERSION, k: [state.key.time, state.key.sourceId, state.key.eventId, state.key.digest], w: [state.window.from.getTime(), state.window.to.getTime()], d: state.digest }),
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
    let parsed: { v?: unknown; k?: unknown; w?: unknown; d?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw bad('not a cursor this server issued');
    }
    const k = parsed.k;
    const w = parsed.w;
    if (parsed.v === 1) throw bad('the cursor was issued by an earlier version of this server');
    if (parsed.v !== CURSOR_VERSION || !Array.isArray(k) || k.length !== 4 || typeof k[0] !== 'number' || typeof k[1] !== 'string' || typeof k[2] !== 'string' || typeof k[3] !== 'string' || !Array.isArray(w) || w.length !== 2 || typeof w[0] !== 'number' || typeof w[1] !== 'number' || typeof parsed.d !== 'string') {
      throw bad('not a cursor this server issued');
    }
    if (parsed.d !== expectedDigest) throw bad('the cursor belongs to a query with another window, filter or order');
    return { key: { time: k[0], sourceId: k[1], eventId: k[2], digest: k[3] }, window: { from: new Date(w[0]), to: new Date(w[1]) }, digest: parsed.d };
  }

  private sign(body: string, secret: string): string {
    return createHmac('sha256', secret).update(body).digest('base64url').slice(0, 32);
  }
}
