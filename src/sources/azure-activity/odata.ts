import { Outcome, type FilterPushdown, type PushedFilter, type TimeWindow } from '../../domain';
import { isGuid } from './normalize';

/**
 * The `$filter` the activity log accepts: both `eventTimestamp` bounds (the upper one inclusive) plus at most one
 * more clause. The documented extra clauses (resourceGroupName, resourceUri, resourceProvider, correlationId) have
 * no counterpart in our filter; `caller eq` and `status eq` are what `az monitor activity-log list --caller/--status`
 * sends, and are the two this source pushes, one at a time.
 */
export const AZURE_PUSHDOWN: FilterPushdown[] = [
  { field: 'identity', maxValues: 1, upstream: "$filter caller eq '<identity>'" },
  { field: 'outcome', maxValues: 1, upstream: "$filter status eq 'Succeeded' | 'Failed'" },
];

/** The status value each outcome is, when it is exactly one; UNKNOWN is several (Started, Accepted, Active…). */
const STATUS_OF_OUTCOME: Partial<Record<Outcome, string>> = {
  [Outcome.SUCCESS]: 'Succeeded',
  [Outcome.FAILURE]: 'Failed',
};

export interface ExtraClause {
  /** the clause sent upstream, or undefined when nothing pushed can be sent without narrowing the answer */
  clause?: string;
  /** what was asked but not sent, and why (for `explain`) */
  notes: string[];
}

/**
 * The one extra clause for the pushed filter. A value is sent only when the upstream's answer is a superset of what
 * the engine will keep: a GUID identity may be an object id or app id, which `caller` does not always hold, so it
 * is not sent (the engine then filters locally).
 */
export function extraClause(filter: PushedFilter): ExtraClause {
  const notes: string[] = [];
  const identities = filter.identity ?? [];
  if (identities.length === 1 && !isGuid(identities[0])) {
    return { clause: `caller eq '${odataString(identities[0])}'`, notes };
  }
  if (identities.length > 0) {
    notes.push(
      identities.length > 1
        ? 'several identities: caller takes one value, filtered locally'
        : 'a GUID identity may be an object id or app id, which caller does not always hold: filtered locally',
    );
  }
  const outcomes = filter.outcome ?? [];
  const status = outcomes.length === 1 ? STATUS_OF_OUTCOME[outcomes[0]] : undefined;
  if (status && identities.length === 0) return { clause: `status eq '${status}'`, notes };
  if (outcomes.length > 0) notes.push(status ? 'outcome not sent: one extra clause per request' : `outcome ${outcomes.join('|')} is several statuses: filtered locally`);
  return { notes };
}

/** `eventTimestamp ge '<from>' and eventTimestamp le '<to>' [and <extra>]`; the caller drops events at `to`. */
export function timeFilter(window: TimeWindow, extra?: string): string {
  const clauses = [`eventTimestamp ge '${window.from.toISOString()}'`, `eventTimestamp le '${window.to.toISOString()}'`];
  if (extra) clauses.push(extra);
  return clauses.join(' and ');
}

/** OData string literals double their quotes. */
export function odataString(value: string): string {
  return value.replace(/'/g, "''");
}
