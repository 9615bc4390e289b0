import { Outcome, actionPatternParts, type FilterPushdown, type PushdownTranslation, type PushedFilter } from '../../domain';
import { broadly, exactly, hasCase, isAscii, keptLocal, matchesEverything } from '../shared/pushdown';

/**
 * What the System Log API is sent for a query, and why it never selects less than the engine's filter.
 *
 * Okta's filter values are compared with case ("the attribute and operator values must be identical"; only the
 * keyword search `q` ignores case), while the engine matches identities and actions without case. So:
 * - identity goes in `q` (case-insensitive keywords matched against every attribute: broader), one value only,
 *   since all keywords of `q` must match;
 * - action goes in the SCIM `filter` in lower case (Okta's event types are lower-case names), plus a clause for
 *   every event type holding a capital letter (`eventType co "A"` … `co "Z"`), so that one written with capitals
 *   still comes back and is matched here; a pattern becomes `sw`/`ew`/`co` of its literal parts;
 * - sourceIp and outcome compare exactly as the engine does;
 * - resource, category and runId are not sent.
 */

/** `q` takes keywords of at most 40 characters, separated by spaces. */
const KEYWORD = /^[^\s"]{1,40}$/;
/** The name the normalizer gives an actor the record does not name: no attribute holds it, so `q` cannot find it. */
const UNNAMED_ACTOR = 'unknown';
const CAPITALS = Array.from({ length: 26 }, (_, i) => String.fromCharCode(65 + i));

/** A SCIM compValue is a JSON string: quotes and backslashes escaped as JSON escapes them. */
export function scimString(value: string): string {
  return JSON.stringify(value);
}

function anyOf(clauses: string[]): string {
  return clauses.length === 1 ? clauses[0] : `(${clauses.join(' or ')})`;
}

type Sent<T> = { sent: T; translation: PushdownTranslation } | { sent?: undefined; translation: PushdownTranslation };

/** identity as one `q` keyword. */
export function identityKeyword(values: readonly string[]): Sent<string> {
  if (values.length !== 1) {
    return {
      translation: keptLocal(
        `${values.length} identities: Okta's filter compares values with case (auditgraph does not), and its case-insensitive keyword search q takes one value`,
      ),
    };
  }
  const v = values[0];
  if (v.toLowerCase() === UNNAMED_ACTOR) return { translation: keptLocal(`"${v}" names actors the record does not name; no attribute holds it`) };
  if (!KEYWORD.test(v)) return { translation: keptLocal('a q keyword is at most 40 characters, without spaces or quotes') };
  return { sent: v, translation: broadly(`q=${v}`, 'q matches the keyword in any attribute, without case') };
}

/** One action value as SCIM clauses on `eventType`, in lower case. */
function eventTypeClause(value: string): string {
  const lower = value.toLowerCase();
  const parts = actionPatternParts(lower);
  if (!parts.wildcard) return `eventType eq ${scimString(lower)}`;
  const middle = parts.pieces.slice(parts.head ? 1 : 0, parts.tail ? -1 : undefined);
  const clauses = [
    ...(parts.head ? [`eventType sw ${scimString(parts.head)}`] : []),
    ...middle.map((p) => `eventType co ${scimString(p)}`),
    ...(parts.tail ? [`eventType ew ${scimString(parts.tail)}`] : []),
  ];
  return clauses.length === 1 ? clauses[0] : `(${clauses.join(' and ')})`;
}

/** action as a SCIM expression over `eventType`. */
export function eventTypeFilter(values: readonly string[]): Sent<string> {
  if (values.some(matchesEverything)) return { translation: keptLocal('a pattern of only `*` matches every event type: nothing to send') };
  if (!values.every(isAscii)) return { translation: keptLocal('a value outside printable ASCII: its case cannot be covered upstream') };
  const cased = values.some(hasCase);
  const wildcard = values.some((v) => actionPatternParts(v).wildcard);
  const clauses = values.map(eventTypeClause);
  if (cased) clauses.push(...CAPITALS.map((c) => `eventType co ${scimString(c)}`));
  const expression = anyOf([...new Set(clauses)]);
  const upstream = `filter ${values.map(eventTypeClause).join(' or ')}${cased ? ' or eventType co "A"…"Z"' : ''}`;
  if (!cased && !wildcard) return { sent: expression, translation: exactly(upstream) };
  const why = [
    cased ? 'Okta compares with case: sent in lower case, plus every event type holding a capital letter' : undefined,
    wildcard ? 'a pattern is sent as its literal start, parts and end' : undefined,
  ].filter(Boolean);
  return { sent: expression, translation: broadly(upstream, why.join('; ')) };
}

/** sourceIp: `client.ipAddress` holds the address as the engine compares it (exactly). */
export function ipFilter(values: readonly string[]): Sent<string> {
  const expression = anyOf(values.map((ip) => `client.ipAddress eq ${scimString(ip)}`));
  return { sent: expression, translation: exactly(`filter ${expression}`) };
}

/** ALLOW and DENY are policy decisions that the normalizer counts as success and failure. */
const OUTCOME_RESULTS: Partial<Record<Outcome, string[]>> = {
  [Outcome.SUCCESS]: ['SUCCESS', 'ALLOW'],
  [Outcome.FAILURE]: ['FAILURE', 'DENY'],
};

/** outcome: Okta writes `outcome.result` in its documented upper-case values. */
export function outcomeFilter(values: readonly string[]): Sent<string> {
  if (values.includes(Outcome.UNKNOWN)) return { translation: keptLocal('UNKNOWN is any other result, or none: not expressible as eq clauses') };
  const expression = anyOf(values.flatMap((o) => OUTCOME_RESULTS[o as Outcome] ?? []).map((r) => `outcome.result eq ${scimString(r)}`));
  return { sent: expression, translation: exactly(`filter ${expression}`) };
}

/** The filters the System Log API takes, most selective first; each `translate` is the one the request uses. */
export const OKTA_PUSHDOWN: readonly FilterPushdown[] = [
  { field: 'identity', maxValues: 1, upstream: 'q (keyword search, without case)', translate: (vs) => identityKeyword(vs).translation },
  { field: 'action', maxValues: 20, upstream: 'filter: eventType eq / sw / ew / co', translate: (vs) => eventTypeFilter(vs).translation },
  { field: 'sourceIp', maxValues: 10, upstream: 'filter: client.ipAddress eq', translate: (vs) => ipFilter(vs).translation },
  { field: 'outcome', maxValues: 3, upstream: 'filter: outcome.result eq', translate: (vs) => outcomeFilter(vs).translation },
];

export interface ScimFilter {
  /** the SCIM `filter` to send, or undefined when nothing is pushed there */
  expression?: string;
  /** the `q` keywords to send, or undefined */
  keywords?: string;
  /** what was not sent upstream although asked, and why (for plan notes) */
  notes: string[];
}

/**
 * The request's `filter` and `q` for the pushed-down fields: values of one field OR'ed, fields AND'ed. A field
 * whose values cannot be sent without matching less is left out (the request is broader) and said in a note.
 */
export function buildScimFilter(filter: PushedFilter): ScimFilter {
  const parts: string[] = [];
  const notes: string[] = [];
  let keywords: string | undefined;
  const take = (field: string, s: Sent<string> | undefined, into: (sent: string) => void) => {
    if (!s) return;
    if (s.sent !== undefined) into(s.sent);
    else if (!s.translation.pushed) notes.push(`${field} not sent upstream: ${s.translation.why}; filtered locally`);
  };
  take('identity', filter.identity?.length ? identityKeyword(filter.identity) : undefined, (k) => (keywords = k));
  take('action', filter.action?.length ? eventTypeFilter(filter.action) : undefined, (e) => parts.push(e));
  take('sourceIp', filter.sourceIp?.length ? ipFilter(filter.sourceIp) : undefined, (e) => parts.push(e));
  take('outcome', filter.outcome?.length ? outcomeFilter(filter.outcome) : undefined, (e) => parts.push(e));
  for (const field of ['runId', 'category', 'resource'] as const) {
    if (filter[field] !== undefined) notes.push(`${field} cannot be sent to the System Log API; filtered locally`);
  }
  return { expression: parts.length ? parts.join(' and ') : undefined, keywords, notes };
}
