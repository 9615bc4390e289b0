import { Outcome, type FilterPushdown, type PushedFilter } from '../../domain';

/**
 * The filters the System Log API takes as a SCIM `filter` expression, most selective first. Every clause is
 * as broad as or broader than the engine's own matching, which re-applies the whole filter to what comes back.
 * `resource` stays residual: it is a substring match on the target name we pick from three fields, and
 * whether Okta's `co` is case-sensitive on them is not documented, so pushing it could drop events.
 */
export const OKTA_PUSHDOWN: readonly FilterPushdown[] = [
  { field: 'identity', maxValues: 10, upstream: 'filter: actor.id / actor.alternateId / actor.displayName eq' },
  { field: 'action', maxValues: 20, upstream: 'filter: eventType eq' },
  { field: 'sourceIp', maxValues: 10, upstream: 'filter: client.ipAddress eq' },
  { field: 'outcome', maxValues: 3, upstream: 'filter: outcome.result eq' },
];

export interface ScimFilter {
  /** the expression to send, or undefined when nothing is pushed */
  expression?: string;
  /** what was not sent upstream although asked, and why (for plan notes) */
  notes: string[];
}

/** A SCIM compValue is a JSON string: quotes and backslashes escaped as JSON escapes them. */
export function scimString(value: string): string {
  return JSON.stringify(value);
}

function anyOf(clauses: string[]): string {
  return clauses.length === 1 ? clauses[0] : `(${clauses.join(' or ')})`;
}

function identityClauses(value: string): string[] {
  const clauses = [`actor.id eq ${scimString(value)}`, `actor.alternateId eq ${scimString(value)}`];
  // Okta logins are case-insensitive but its filter's case handling is not documented: also ask for the
  // lower-case login, the form Okta usually stores, so that `Alice@Corp.com` still finds alice@corp.com.
  const lower = value.toLowerCase();
  if (lower !== value) clauses.push(`actor.alternateId eq ${scimString(lower)}`);
  // the actor's name falls back to displayName when there is no alternateId
  clauses.push(`actor.displayName eq ${scimString(value)}`);
  return clauses;
}

/** ALLOW and DENY are policy decisions that the normalizer counts as success and failure. */
const OUTCOME_RESULTS: Partial<Record<Outcome, string[]>> = {
  [Outcome.SUCCESS]: ['SUCCESS', 'ALLOW'],
  [Outcome.FAILURE]: ['FAILURE', 'DENY'],
};

/** The SCIM expression for the pushed-down filters: values of one field OR'ed, fields AND'ed. */
export function buildScimFilter(filter: PushedFilter): ScimFilter {
  const parts: string[] = [];
  const notes: string[] = [];
  if (filter.identity?.length) parts.push(anyOf(filter.identity.flatMap(identityClauses)));
  if (filter.action?.length) parts.push(anyOf(filter.action.map((a) => `eventType eq ${scimString(a)}`)));
  if (filter.sourceIp?.length) parts.push(anyOf(filter.sourceIp.map((ip) => `client.ipAddress eq ${scimString(ip)}`)));
  if (filter.outcome?.length) {
    if (filter.outcome.includes(Outcome.UNKNOWN)) {
      // UNKNOWN is "any other result, or none": not expressible as eq clauses, so ask for every outcome
      notes.push('outcome UNKNOWN is not sent upstream (it means any other result); filtered locally');
    } else {
      parts.push(anyOf(filter.outcome.flatMap((o) => OUTCOME_RESULTS[o] ?? []).map((r) => `outcome.result eq ${scimString(r)}`)));
    }
  }
  for (const field of ['runId', 'category', 'resource'] as const) {
    if (filter[field] !== undefined) notes.push(`${field} cannot be sent to the System Log API; filtered locally`);
  }
  return { expression: parts.length ? parts.join(' and ') : undefined, notes };
}
