import {
  AuditgraphError,
  ErrorCode,
  EVENT_FILTER_FIELDS,
  SortOrder,
  type EventFilter,
  type EventFilterField,
  type PushedFilter,
  type Source,
  type TimeWindow,
} from '../domain';

/** How one source takes part in one query: what it is asked upstream and what is left to do here. */
export interface SourcePlan {
  source: Source;
  /** the window asked of this source, clamped to its retention; null when the whole window is older */
  window: TimeWindow | null;
  clamped?: string;
  pushed: PushedFilter;
  pushedDown: string[];
  residual: string[];
  /** the fields matched locally (every asked field: pushed ones are re-checked, which costs nothing) */
  localFields: EventFilterField[];
  /** false when the source cannot return `order` itself and the engine reverses it in slices */
  nativeOrder: boolean;
  orderNote?: string;
}

const DAY_MS = 86_400_000;

function values(filter: EventFilter, field: EventFilterField): string[] {
  const v = filter[field];
  if (v === undefined) return [];
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

function describeValues(vs: string[]): string {
  return vs.length === 1 ? JSON.stringify(vs[0]) : `[${vs.map((v) => JSON.stringify(v)).join(', ')}]`;
}

/** The sources a filter selects; unknown ids are an error, not an empty answer. */
export function selectSources(all: readonly Source[], filter: EventFilter): Source[] {
  const ids = filter.sources ?? [];
  for (const id of ids) {
    if (!all.some((s) => s.id === id)) {
      throw new AuditgraphError(ErrorCode.UNKNOWN_SOURCE, `filter.sources: no source with id ${JSON.stringify(id)}; configured: ${all.map((s) => s.id).join(', ') || 'none'}`);
    }
  }
  const selected = all.filter((s) => (ids.length === 0 || ids.includes(s.id)) && (!filter.kinds?.length || filter.kinds.includes(s.kind)));
  if (selected.length === 0) {
    throw new AuditgraphError(ErrorCode.NO_SOURCES, `the filter selects no source (sources: ${ids.join(', ') || 'any'}; kinds: ${filter.kinds?.join(', ') || 'any'}); configured: ${all.map((s) => `${s.id} (${s.kind})`).join(', ')}`);
  }
  return selected;
}

/** Splits the filter for one source into pushed-down and residual parts, from its declared capabilities. */
export function planSource(source: Source, window: TimeWindow, filter: EventFilter, order: SortOrder, now: Date): SourcePlan {
  const caps = source.capabilities;
  const asked = EVENT_FILTER_FIELDS.filter((f) => values(filter, f).length > 0);
  const pushed: PushedFilter = {};
  const pushedDown: string[] = [];
  const residual: string[] = [];
  const pushedFields = new Set<EventFilterField>();

  for (const rule of caps.pushdown) {
    const vs = values(filter, rule.field);
    if (vs.length === 0 || pushedFields.has(rule.field)) continue;
    if (pushedFields.size >= caps.maxPushedFields) break;
    if (vs.length > rule.maxValues) continue;
    (pushed as Record<string, unknown>)[rule.field] = filter[rule.field];
    pushedFields.add(rule.field);
    pushedDown.push(`${rule.field}=${describeValues(vs)} as ${rule.upstream}`);
  }
  for (const field of asked) {
    if (pushedFields.has(field)) continue;
    const vs = values(filter, field);
    const rule = caps.pushdown.find((r) => r.field === field);
    let why: string;
    if (!rule) why = 'not filterable upstream';
    else if (vs.length > rule.maxValues) why = `${vs.length} values; ${rule.upstream} takes ${rule.maxValues} per request`;
    else why = `the upstream takes ${caps.maxPushedFields} filter${caps.maxPushedFields === 1 ? '' : 's'} per request; a more selective one was pushed`;
    residual.push(`${field}=${describeValues(vs)} (${why})`);
  }

  let planned: TimeWindow | null = window;
  let clamped: string | undefined;
  if (caps.retentionDays !== undefined) {
    const earliest = new Date(now.getTime() - caps.retentionDays * DAY_MS);
    if (window.to.getTime() <= earliest.getTime()) {
      planned = null;
      clamped = `the whole window is older than this source's retention (${caps.retentionDays} days, nothing before ${earliest.toISOString()}): not queried`;
    } else if (window.from.getTime() < earliest.getTime()) {
      planned = { from: earliest, to: window.to };
      clamped = `window clamped to this source's retention (${caps.retentionDays} days): from ${earliest.toISOString()} instead of ${window.from.toISOString()}`;
    }
  }

  const nativeOrder = caps.orders.includes(order);
  const orderNote = nativeOrder
    ? undefined
    : `${order} is not native (upstream returns ${caps.orders.join(', ')} only): read in time slices from the window's ${order === SortOrder.OLDEST_FIRST ? 'start' : 'end'}, each reversed in memory; costs at least one request per slice`;
  return { source, window: planned, clamped, pushed, pushedDown, residual, localFields: asked, nativeOrder, orderNote };
}
