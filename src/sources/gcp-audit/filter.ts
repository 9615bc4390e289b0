import { Outcome, actionPatternParts, type EventFilterField, type PushdownTranslation, type PushedFilter, type TimeWindow } from '../../domain';
import { broadly, exactly, hasCase, keptLocal, matchesEverything } from '../shared/pushdown';
import type { AuditLogKind } from './config';

/**
 * The Logging query language filter for one entries.list request. It always names the window (which also
 * keeps the client library from adding its own last-24-hours clause) and the audit logs; the pushed-down
 * filters follow. Comparisons on strings are case-insensitive upstream (regular expressions are not: they are
 * sent with `(?i)`), `:` is "contains": every clause selects at least what the engine's filter selects, never less
 * (the engine re-applies its filter).
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
function comparison(field: string, op: '=' | ':' | '=~', values: readonly string[]): string {
  const unique = [...new Set(values)];
  return unique.length === 1 ? `${field}${op}${quote(unique[0])}` : `${field}${op}(${unique.map(quote).join(' OR ')})`;
}

function anyOf(comparisons: string[]): string {
  return comparisons.length === 1 ? comparisons[0] : `(${comparisons.join(' OR ')})`;
}

export function logNameOf(resourceName: string, log: AuditLogKind): string {
  return `${resourceName}/logs/cloudaudit.googleapis.com%2F${log}`;
}

/** The name the normalizer gives a caller the entry does not name and whose service it does not say: no field holds it. */
const UNNAMED = 'unknown';

/**
 * Where an identity value can appear: the caller, its uid, the delegation chain, and (for a Kubernetes service
 * account) the Workload Identity subjects it is derived from (see actor.ts), in any of those fields. An event without
 * a caller is named after its service, so the value is looked for as a service name too.
 */
function identityClause(values: readonly string[]): string {
  const fields = [`${AUTH}.principalEmail`, `${AUTH}.principalSubject`, `${DELEGATION}.firstPartyPrincipal.principalEmail`, `${DELEGATION}.principalSubject`];
  const parts = fields.map((f) => comparison(f, '=', values));
  // identities match regardless of case, upstream and locally
  const ksas = values.map((v) => /^system:serviceaccount:([^:]+):([^:]+)$/i.exec(v)).filter((m): m is RegExpExecArray => m !== null);
  if (ksas.length > 0) {
    // legacy `serviceAccount:P.svc.id.goog[ns/ksa]` and federated `.../subject/ns/<ns>/sa/<ksa>`
    const fragments = ksas.flatMap((m) => [`.svc.id.goog[${m[1]}/${m[2]}]`, `/subject/ns/${m[1]}/sa/${m[2]}`]);
    parts.push(...fields.map((f) => comparison(f, ':', fragments)));
    parts.push(comparison(`${DELEGATION}.thirdPartyPrincipal.thirdPartyClaims.sub`, '=', ksas.map((m) => m[0])));
  }
  parts.push(comparison('protoPayload.serviceName', '=', values));
  return anyOf(parts);
}

export function translateIdentity(values: readonly string[]): PushdownTranslation {
  if (values.some((v) => v.toLowerCase() === UNNAMED)) return keptLocal(`"${UNNAMED}" names callers the entry does not name; no field holds it`);
  return broadly('protoPayload.authenticationInfo / serviceAccountDelegationInfo / serviceName =', 'the value in any caller or delegation field, or as the service');
}

/** An RE2 literal: every metacharacter escaped. */
function re2Literal(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/**
 * One action pattern with `*`, as a clause selecting at least the entries whose action (`<service>:<method>`, or
 * for GKE `pods.create`) or methodName it matches:
 * - the methodName by regular expression, without case;
 * - the `<service>:<method>` form: every literal run of the pattern lies in the service or in the method (a run
 *   holding `:` is split there: the part after lies in the method, service names hold no `:`);
 * - GKE's form is the tail of the methodName with `.` for `/`: every run, so rewritten, lies in the methodName.
 */
function patternClause(pattern: string, includeGke: boolean): string {
  const parts = actionPatternParts(pattern);
  const method = `protoPayload.methodName=~${quote(`(?i)^${pattern.split('*').map(re2Literal).join('.*')}$`)}`;
  const inServiceOrMethod = (text: string) => `(protoPayload.serviceName:${quote(text)} OR protoPayload.methodName:${quote(text)})`;
  const runs = parts.pieces.flatMap((run) => {
    const colon = run.indexOf(':');
    if (colon < 0) return [inServiceOrMethod(run)];
    const before = run.slice(0, colon);
    const after = run.slice(colon + 1);
    return [...(before ? [inServiceOrMethod(before)] : []), ...(after ? [`protoPayload.methodName:${quote(after)}`] : [])];
  });
  const alternatives = [method, runs.length === 1 ? runs[0] : `(${runs.join(' AND ')})`];
  if (includeGke && parts.pieces.every((r) => !r.includes(':'))) {
    alternatives.push(`(protoPayload.serviceName="k8s.io" AND ${parts.pieces.map((r) => `protoPayload.methodName:${quote(r.replace(/\//g, '.'))}`).join(' AND ')})`);
  }
  return `(${alternatives.join(' OR ')})`;
}

/**
 * An action is `<service>:<method>`, a raw methodName, or a GKE `pods.create` / `pods/exec.create`: the method
 * part is compared exactly, anything else by `:` (contains), which also finds `io.k8s.core.v1.pods.create`. A pattern
 * with `*` becomes `patternClause`. Comparisons ignore case upstream as the engine does.
 */
function actionClause(values: readonly string[], includeGke: boolean): string | undefined {
  if (values.some(matchesEverything)) return undefined;
  const exact: string[] = [];
  const contains: string[] = [];
  const patterns: string[] = [];
  for (const v of values) {
    if (v.includes('*')) {
      patterns.push(patternClause(v, includeGke));
      continue;
    }
    const colon = v.indexOf(':');
    if (colon > 0) exact.push(v.slice(colon + 1), v);
    else contains.push(v.replace(/\//g, '.'));
  }
  const parts: string[] = [];
  if (exact.length > 0) parts.push(comparison('protoPayload.methodName', '=', exact));
  if (contains.length > 0) parts.push(comparison('protoPayload.methodName', ':', contains));
  parts.push(...patterns);
  return anyOf(parts);
}

export function translateAction(values: readonly string[]): PushdownTranslation {
  if (values.some(matchesEverything)) return keptLocal('a pattern of only `*` matches every entry: nothing to send');
  const wildcard = values.some((v) => v.includes('*'));
  return broadly(
    wildcard ? 'protoPayload.methodName =~ / : and protoPayload.serviceName :' : 'protoPayload.methodName = / :',
    wildcard ? 'a pattern is sent as a regular expression on the method and its literal parts on service and method' : 'the method part is compared, the service re-checked here',
  );
}

/**
 * The resource needle as a substring of `resourceName`, which is every target's name or uid; a GKE object's target
 * is also matched as `<namespace>/<name>`, which the resource name does not hold as such (`…/namespaces/ns/pods/x`).
 */
function resourceClause(needle: string, includeGke: boolean): string {
  const whole = comparison('protoPayload.resourceName', ':', [needle]);
  const slash = needle.indexOf('/');
  if (!includeGke || slash < 0 || needle.indexOf('/', slash + 1) >= 0) return whole;
  const [ns, name] = [needle.slice(0, slash), needle.slice(slash + 1)];
  const both = [ns, name].filter((p) => p !== '').map((p) => comparison('protoPayload.resourceName', ':', [p]));
  return `(${whole} OR (protoPayload.serviceName="k8s.io" AND ${both.join(' AND ')}))`;
}

export function translateResource(values: readonly string[]): PushdownTranslation {
  return values[0].includes('/') ? broadly('protoPayload.resourceName:', "a GKE object's namespace and name, apart") : exactly(`protoPayload.resourceName:${quote(values[0])}`);
}

export function translateSourceIp(values: readonly string[]): PushdownTranslation {
  const upstream = comparison('protoPayload.requestMetadata.callerIp', '=', values);
  // `=` ignores case, the engine compares addresses exactly: an IPv6 address written in other capitals also comes back
  return values.some(hasCase) ? broadly(upstream, 'compared without case') : exactly(upstream);
}

/** Success is a status code of 0, which JSON leaves out: `NOT code>0` also matches an absent status. */
function outcomeClause(values: readonly Outcome[]): string | undefined {
  const set = new Set(values);
  if (set.size === 1 && set.has(Outcome.FAILURE)) return 'protoPayload.status.code>0';
  if (set.size === 1 && set.has(Outcome.SUCCESS)) return 'NOT protoPayload.status.code>0';
  // UNKNOWN is never produced here, and SUCCESS with FAILURE is everything: nothing to send
  return undefined;
}

export function translateOutcome(values: readonly string[]): PushdownTranslation {
  const text = outcomeClause(values as Outcome[]);
  return text ? exactly(text) : keptLocal(`outcome ${values.join(', ')} selects every entry: nothing to send`);
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
  if (p.identity?.length) {
    const t = translateIdentity(p.identity);
    if (t.pushed) clauses.push({ field: 'identity', text: identityClause(p.identity) });
    else notes.push(`identity not sent upstream: ${t.why}`);
  }
  if (p.sourceIp?.length) clauses.push({ field: 'sourceIp', text: comparison('protoPayload.requestMetadata.callerIp', '=', p.sourceIp) });
  if (p.resource) clauses.push({ field: 'resource', text: resourceClause(p.resource, req.includeGke) });
  if (p.action?.length) {
    const text = actionClause(p.action, req.includeGke);
    if (text) clauses.push({ field: 'action', text });
    else notes.push('action matches every entry: not sent upstream');
  }
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
