import { AuditgraphError, ErrorCode, EventCategory, Outcome, SortOrder, SourceKind, type EventFilter } from '../domain';
import type { TimeWindowRequest } from '../query/window';

/** A query parameter the server refuses, with the parameter named (HTTP 400). */
export class ParameterError extends AuditgraphError {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(ErrorCode.BAD_PARAMETER, `${parameter}: ${message}`, { parameter });
  }
}

/** Filter parameters: each `EventFilterInput` field, repeatable; `source` and `kind` also in the singular. */
const FILTER_PARAMS: Readonly<Record<string, keyof EventFilter>> = {
  source: 'sources',
  sources: 'sources',
  kind: 'kinds',
  kinds: 'kinds',
  identity: 'identity',
  runId: 'runId',
  action: 'action',
  category: 'category',
  outcome: 'outcome',
  sourceIp: 'sourceIp',
  resource: 'resource',
};

const ENUMS: Partial<Record<keyof EventFilter, readonly string[]>> = {
  kinds: Object.values(SourceKind),
  category: Object.values(EventCategory),
  outcome: Object.values(Outcome),
};

export interface QueryParams {
  window: TimeWindowRequest;
  filter: EventFilter;
  order: SortOrder;
}

function date(params: URLSearchParams, name: string): Date | null {
  const v = params.get(name);
  if (v === null || v === '') return null;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new AuditgraphError(ErrorCode.BAD_WINDOW, `window.${name}: not an ISO 8601 date-time: ${JSON.stringify(v)}`, { parameter: name });
  return d;
}

/** The window, filter and order of a GET /export or /tail request; `allowed` lists the route's own parameters. */
export function parseQuery(params: URLSearchParams, allowed: readonly string[], opts: { window: boolean; defaultOrder: SortOrder }): QueryParams {
  for (const name of new Set(params.keys())) {
    if (!(name in FILTER_PARAMS) && !allowed.includes(name) && !(opts.window && ['from', 'to', 'last', 'order'].includes(name))) {
      throw new ParameterError(name, `unknown parameter; this route takes ${[...(opts.window ? ['from', 'to', 'last', 'order'] : []), ...allowed, ...Object.keys(FILTER_PARAMS)].join(', ')}`);
    }
  }
  const filter: EventFilter = {};
  for (const [param, field] of Object.entries(FILTER_PARAMS)) {
    const values = params.getAll(param);
    if (values.length === 0) continue;
    if (field === 'resource') {
      if (values.length > 1) throw new ParameterError(param, 'give it once (a substring of a target name)');
      filter.resource = values[0];
      continue;
    }
    const allowedValues = ENUMS[field];
    const normalized = values.map((v) => {
      if (!allowedValues) return v;
      const up = v.toUpperCase();
      if (!allowedValues.includes(up)) throw new ParameterError(param, `${JSON.stringify(v)} is not one of ${allowedValues.join(', ')}`);
      return up;
    });
    const existing = (filter[field] as string[] | undefined) ?? [];
    (filter as Record<string, unknown>)[field] = [...existing, ...normalized];
  }
  let order = opts.defaultOrder;
  const o = params.get('order');
  if (o) {
    const up = o.toUpperCase();
    if (up !== SortOrder.NEWEST_FIRST && up !== SortOrder.OLDEST_FIRST) throw new ParameterError('order', `expected NEWEST_FIRST or OLDEST_FIRST, got ${JSON.stringify(o)}`);
    order = up as SortOrder;
  }
  const window: TimeWindowRequest = opts.window ? { from: date(params, 'from'), to: date(params, 'to'), last: params.get('last') || null } : {};
  return { window, filter, order };
}

export function positiveInt(params: URLSearchParams, name: string): number | undefined {
  const v = params.get(name);
  if (v === null || v === '') return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new ParameterError(name, `expected a positive integer, got ${JSON.stringify(v)}`);
  return Number(v);
}

export function flag(params: URLSearchParams, name: string): boolean {
  const v = params.get(name);
  if (v === null) return false;
  if (['', '1', 'true', 'yes'].includes(v.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(v.toLowerCase())) return false;
  throw new ParameterError(name, `expected 1 or 0, got ${JSON.stringify(v)}`);
}

/** The parameter an engine error is about, from the field its message starts with (`window.last: …`, `filter.sourceIp: …`). */
export function parameterOf(err: AuditgraphError): string | undefined {
  if (typeof err.details.parameter === 'string') return err.details.parameter;
  const m = /^(?:window|filter)\.(\w+)/.exec(err.message);
  if (m) return m[1] === 'sources' ? 'source' : m[1] === 'kinds' ? 'kind' : m[1];
  if (err.code === ErrorCode.BAD_WINDOW) return 'from';
  if (err.code === ErrorCode.UNKNOWN_SOURCE || err.code === ErrorCode.NO_SOURCES) return 'source';
  if (/^limit:/.test(err.message)) return 'limit';
  return undefined;
}
