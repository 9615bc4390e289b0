import { Outcome, type FilterPushdown, type PushdownTranslation, type PushedFilter, type TimeWindow } from '../../domain';
import { exactly, keptLocal } from '../shared/pushdown';

/**
 * The `$filter` the activity log accepts: both `eventTimestamp` bounds (the upper one inclusive) plus at most one
 * more clause. The documented extra clauses (resourceGroupName, resourceUri, resourceProvider, correlationId) have
 * no counterpart in our filter; `status eq` is what `az monitor activity-log list --status` sends, with the
 * API's own spelling of the two statuses an outcome is. `caller eq` is not sent: the API does not document
 * whether it compares with case, and the engine matches identities without case (so `Alice@Corp.com` must find
 * `alice@corp.com`), and a GUID identity may be an object id or app id, which `caller` does not always hold.
 */
export const AZURE_PUSHDOWN: FilterPushdown[] = [{ field: 'outcome', maxValues: 1, upstream: "$filter status eq 'Succeeded' | 'Failed'", translate: translateOutcome }];

/** The status value each outcome is, when it is exactly one; UNKNOWN is several (Started, Accepted, Active…). */
const STATUS_OF_OUTCOME: Partial<Record<Outcome, string>> = {
  [Outcome.SUCCESS]: 'Succeeded',
  [Outcome.FAILURE]: 'Failed',
};

function translateOutcome(values: readonly string[]): PushdownTranslation {
  const status = values.length === 1 ? STATUS_OF_OUTCOME[values[0] as Outcome] : undefined;
  return status ? exactly(`$filter status eq '${status}'`) : keptLocal(`outcome ${values.join('|')} is several statuses`);
}

export interface ExtraClause {
  /** the clause sent upstream, or undefined when nothing pushed can be sent without narrowing the answer */
  clause?: string;
  /** what was asked but not sent, and why (for `explain`) */
  notes: string[];
}

/** The one extra clause for the pushed filter: the outcome's status, when it is one. */
export function extraClause(filter: PushedFilter): ExtraClause {
  const notes: string[] = [];
  if (filter.identity?.length) notes.push("identity not sent upstream: caller eq is not documented to ignore case (auditgraph's identity match does); filtered locally");
  const outcomes = filter.outcome ?? [];
  if (outcomes.length === 0) return { notes };
  const t = translateOutcome(outcomes);
  if (t.pushed) return { clause: `status eq '${STATUS_OF_OUTCOME[outcomes[0]]}'`, notes };
  notes.push(`outcome not sent upstream: ${t.why}; filtered locally`);
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
