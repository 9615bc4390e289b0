import { createHash } from 'node:crypto';
import type { AuditEvent, SortOrder } from '../domain';
import { compareKeys, type EventKey } from './cursor';

/**
 * Records that share an id. Real trails hold them: CloudTrail delivers at least once, exports get re-run, and two
 * different records can carry one id. The engine sees each source's events of one millisecond together (a tie
 * group) and decides there, once for every source:
 * - copies with the same content are one event, returned once and counted as duplicates;
 * - records with the same id and time but different content are all returned, told apart in the merge key (and so
 *   in the cursor) by a digest of their content, and flagged.
 * Either way the answer is the same whatever the page size: a page boundary can no longer fall between two
 * events with one key.
 */

/** Several different records of one source sharing an event's id and time. */
export interface IdConflict {
  /** this record's content digest, which tells it from the others */
  digest: string;
  /** how many different records share the id and time (2 or more) */
  records: number;
}

/** One distinct record of a tie group, ready for the merge. */
export interface TieMember {
  event: AuditEvent;
  key: EventKey;
  /** identical copies merged into this one */
  duplicates: number;
  conflict?: IdConflict;
}

/** JSON with object keys sorted, so that records equal as JSON values give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** A digest of everything an event says, its raw record included (16 base64url characters, 96 bits). */
export function contentDigest(event: AuditEvent): string {
  return createHash('sha256').update(canonicalJson(event)).digest('base64url').slice(0, 16);
}

export const keyOf = (e: AuditEvent, digest = ''): EventKey => ({ time: e.time.getTime(), sourceId: e.sourceId, eventId: e.id, digest });

/**
 * One source's events of one millisecond as distinct records, in `order` by key. Digests are computed only for
 * ids that occur more than once, so the common case costs nothing.
 */
export function resolveTies(group: readonly AuditEvent[], order: SortOrder): TieMember[] {
  if (group.length === 1) return [{ event: group[0], key: keyOf(group[0]), duplicates: 0 }];
  const byId = new Map<string, AuditEvent[]>();
  for (const e of group) {
    const copies = byId.get(e.id);
    if (copies) copies.push(e);
    else byId.set(e.id, [e]);
  }
  const members: TieMember[] = [];
  for (const copies of byId.values()) {
    if (copies.length === 1) {
      members.push({ event: copies[0], key: keyOf(copies[0]), duplicates: 0 });
      continue;
    }
    const distinct = new Map<string, { event: AuditEvent; copies: number }>();
    for (const e of copies) {
      const digest = contentDigest(e);
      const seen = distinct.get(digest);
      if (seen) seen.copies += 1;
      else distinct.set(digest, { event: e, copies: 1 });
    }
    if (distinct.size === 1) {
      const [{ event, copies: n }] = distinct.values();
      members.push({ event, key: keyOf(event), duplicates: n - 1 });
      continue;
    }
    for (const [digest, { event, copies: n }] of distinct) {
      members.push({ event, key: keyOf(event, digest), duplicates: n - 1, conflict: { digest, records: distinct.size } });
    }
  }
  if (members.length > 1) members.sort((a, b) => compareKeys(a.key, b.key, order));
  return members;
}
