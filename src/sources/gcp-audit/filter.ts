import { Outcome, type EventFilterField, type PushedFilter, type TimeWindow } from '../../domain';
import type { AuditLogKind } from './config';

/**
 * The Logging query language filter for one entries.list request. It always names the window (which also
 * keeps the client library from adding its own last-24-hours clause) and the audit logs; the pushed-down
 * filters follow. Comparisons on strings are case-insensitive upstream, `:` is "contains": every clause
 * selects at least what the engine's filter selects, never less (the engine re-applies its filter).
 */

/** Cloud Logging refuses filters longer than this. */
export const MAX_FILTER_CHARS = 20_000;

const AUTH = 'protoPayload.authenticationInfo';
const DELEGATION = `${AUTH}.serviceAccountDelegationInfo`;

/** A string literal of the query language: double quotes, with `\` and `"` escaped. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `field=("a" OR "b")`, or `field="a"` for one value. */
function comparison(field: string, op: '=' | ':', values: readonly string[]): string {
  const unique = [...new Set(values)];
  return unique.length === 1 ? `${field}${op}${quote(unique[0])}` : `${field}${op}(${unique.map(quote).join(' OR ')})`;
}

function anyOf(comparisons: string[]): string {
  return comparisons.length === 1 ? comparisons[0] : `(${comparisons.join(' OR ')})`;
}

export function logNameOf(resourceName: string, log: AuditLogKind): string {
  return `${resourceName}/logs/cloudaudit.googleapis.com%2F${log}`;
}

/**
 * Where an identity value can appear: the caller, its uid, the delegation chain, and (for a Kubernetes
 * service account) the Workload Identity subjects it is derived from (see actor.ts). An event without a
 * caller is named after its service, so service names are looked up there too.
 */
function identityClause(values: readonly string[]): string {
  const parts = [
    comparison(`${AUTH}.principalEmail`, '=', values),
    comparison(`${AUTH}.principalSubject`, '=', values),
    comparison(`${DELEGATION}.firstPartyPrincipal.principalEmail`, '=', values),
    comparison(`${DELEGATION}.principalSubject`, '=', values),
  ];
  // identities match regardless of case, upstream and locally
  const ksas = values.map((v) => /^system:serviceaccount:([^:]+):([^:]+)$/i.exec(v)).filter((m): m is RegExpExecArray => m !== null);
  if (ksas.length > 0) {
    // legacy `serviceAccount:P.svc.id.goog[ns/ksa]` and federated `.../subject/ns/<ns>/sa/<ksa>`
    const fragments = ksas.flatMap((m) => [`.svc.id.goog[${m[1]}/${m[2]}]`, `/subject/ns/${m[1]}/sa/${m[2]}`]);
    parts.push(comparison(`${AUTH}.principalSubject`, ':', fragments));
    parts.push(comparison(`${DELEGATION}.principalSubject`, ':', fragments));
    parts.push(comparison(`${DELEGATION}.thirdPartyPrincipal.thirdPartyClaims.sub`, '=', ksas.map((m) => m[0])));
  }
  const services = values.filter((v) => /\.googleapis\.com$/i.test(v) || v.toLowerCase() === 'k8s.io');
  if (services.length > 0) parts.push(comparison('protoPayload.serviceName', '=', services));
  return anyOf(parts);
}

/**
 * An action is `<service>:<method>`, a raw methodName, or a GKE `pods.create` / `pods/exec.create`: the method
 * part is compared exactly, anything else by `:` (contains), which also finds `io.k8s.core.v1.pods.create`.
 */
function actionClause(values: readonly string[]): string {
  const exact: string[] = [];
  const contains: string[] = [];
  for (const v of values) {
    const colon = v.indexOf(':');
    if (colon > 0) exact.push(v.slice(colon + 1), v);
    else contains.push(v.replace(/\//g, '.'));
  }
  const parts: string[] = [];
  if (exact.length > 0) parts.push(comparison('protoPayload.methodName', '=', exact));
  if (contains.length > 0) parts.push(comparison('protoPayload.methodName', ':', contains));
  return anyOf(parts);
}

/** Success is a status code of 0, which JSON leaves out: `NOT code>0` also matches an absent status. */
function outcomeClause(values: readonly Outcome[]): string | undefined {
  const set = new Set(values);
  if (set.size === 1 && set.has(Outcome.FAILURE)) return 'protoPayload.status.code>0';
  if (set.size === 1 && set.has(Outcome.SUCCESS)) return 'NOT protoPayload.status.code>0';
  // UNKNOWN is never produced here, and SUCCESS with FAILURE is everything: nothing to send
  return undefined;
}

export interface FilterRequest {
  window: TimeWindow;
  resourceNames: readonly string[];
  logs: readonly AuditLogKind[];
  includeGke: boolean;
  pushed: PushedFilter;
}

export interface BuiltFilter {
  filter: string;
  /** the fields sent upstream, in the order written */
  sent: EventFilterField[];
  /** why a pushed field was not sent (left to the engine's local filter) */
  notes: string[];
}

/** The filter string for one query; throws RangeError when even the window and log names exceed the limit. */
export function buildFilter(req: FilterRequest): BuiltFilter {
  const base = [
    `timestamp>=${quote(req.window.from.toISOString())}`,
    `timestamp<${quote(req.window.to.toISOString())}`,
    comparison('logName', '=', req.resourceNames.flatMap((r) => req.logs.map((l) => logNameOf(r, l)))),
  ];
  if (!req.includeGke) base.push('NOT resource.type="k8s_cluster"');

  const notes: string[] = [];
  const clauses: { field: EventFilterField; text: string }[] = [];
  const p = req.pushed;
  if (p.identity?.length) clauses.push({ field: 'identity', text: identityClause(p.identity) });
  if (p.sourceIp?.length) clauses.push({ field: 'sourceIp', text: comparison('protoPayload.requestMetadata.callerIp', '=', p.sourceIp) });
  if (p.resource) clauses.push({ field: 'resource', text: comparison('protoPayload.resourceName', ':', [p.resource]) });
  if (p.action?.length) clauses.push({ field: 'action', text: actionClause(p.action) });
  if (p.outcome?.length) {
    const text = outcomeClause(p.outcome);
    if (text) clauses.push({ field: 'outcome', text });
    else notes.push(`outcome ${p.outcome.join(', ')} selects every entry: not sent upstream`);
  }

  const length = (parts: string[]) => parts.join(' AND ').length;
  if (length(base) > MAX_FILTER_CHARS) {
    throw new RangeError(`the window and ${req.resourceNames.length * req.logs.length} log names alone exceed Cloud Logging's ${MAX_FILTER_CHARS}-character filter limit: configure fewer resourceNames or logs`);
  }
  // drop the longest clauses first until the filter fits: those fields are then filtered locally only
  while (clauses.length > 0 && length([...base, ...clauses.map((c) => c.text)]) > MAX_FILTER_CHARS) {
    const longest = clauses.reduce((a, b) => (b.text.length > a.text.length ? b : a));
    clauses.splice(clauses.indexOf(longest), 1);
    notes.push(`${longest.field} not sent upstream: the filter would exceed ${MAX_FILTER_CHARS} characters; filtered locally`);
  }
  return {
    filter: [...base, ...clauses.map((c) => c.text)].join(' AND '),
    sent: clauses.map((c) => c.field),
    notes,
  };
}
