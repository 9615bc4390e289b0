import {
  AuditgraphError,
  ErrorCode,
  EVENT_FILTER_FIELDS,
  SortOrder,
  type EventFilter,
  type EventFilterField,
  type PushedFilter,
  type PushdownTranslation,
  type AliasSupport,
  type SearchAlias,
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
  /**
   * the fields matched locally: every asked field. A field pushed in a broader form (a service for one of its
   * calls, a prefix for a pattern) relies on this check; an exact one is re-checked too, which costs nothing.
   */
  localFields: EventFilterField[];
  /** false when the source cannot return `order` itself and the engine reverses it in slices */
  nativeOrder: boolean;
  orderNote?: string;
  /** why the source is not asked at all (its events cannot carry any alias of the identity searched) */
  skipped?: string;
}

export type { AliasSupport, SearchAlias };

/**
 * A search for one identity: its typed aliases, so that each source is pushed only the aliases it understands
 * and a source none of whose kinds the identity has is not asked.
 */
export interface IdentitySearch {
  /** the identity's name, for `explain` */
  label: string;
  aliases: SearchAlias[];
  /** undefined for a source of unknown support: every alias is taken as relevant and filtered locally */
  support(source: Source): AliasSupport | undefined;
}

interface IdentityPushdown {
  /** the values to push (one alias per distinct upstream value), or undefined when identity stays local */
  values?: string[];
  /** the identity and the aliases that can appear in this source, for `explain` */
  described?: string;
  /** how the values were chosen: distinct upstream values, covered aliases */
  valuesText?: string;
  residualText?: string;
  skipped?: string;
}

const aliasText = (a: SearchAlias) => `${a.kind} ${a.value}`;

function listed(items: string[], max = 4): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** What of an identity search one source is asked, and why; see `IdentitySearch`. */
function planIdentity(source: Source, search: IdentitySearch): IdentityPushdown {
  const support = search.support(source);
  const all = search.aliases;
  if (!support) return { residualText: `identity=${search.label} (${all.length} aliases; ${source.type} declares no alias kinds: filtered locally)` };
  const relevant = all.filter((a) => support.produced.includes(a.kind) && (a.scope === undefined || a.scope === source.id));
  if (relevant.length === 0) {
    const kinds = [...new Set(all.map((a) => a.kind))].join(', ');
    return { skipped: `not queried: none of the identity's aliases (${kinds}) can appear in ${source.id}'s events, which carry ${support.produced.join(', ')}` };
  }
  const rule = source.capabilities.pushdown.find((r) => r.field === 'identity');
  const described = `identity=${search.label} (${relevant.length} of its ${all.length} aliases can appear here: ${listed(relevant.map(aliasText))})`;
  if (!rule) return { residualText: `${described}; not filterable upstream` };
  const sendable = (a: SearchAlias) => support.pushed.includes(a.kind) && support.upstreamValue(a) !== undefined;
  const relevantValues = new Set(relevant.filter(sendable).map((a) => a.value.toLowerCase()));
  // an alias carried only by events that carry another, sent, alias needs no request of its own
  const needed = relevant.filter((a) => !(a.coveredBy !== undefined && relevantValues.has(a.coveredBy.toLowerCase())));
  const unsendable = needed.filter((a) => !sendable(a));
  if (unsendable.length > 0) {
    return { residualText: `${described}; filtered locally: ${listed(unsendable.map(aliasText))} cannot be sent as ${rule.upstream}` };
  }
  const byUpstream = new Map<string, SearchAlias>();
  for (const a of needed) {
    const key = support.upstreamValue(a)!;
    if (!byUpstream.has(key)) byUpstream.set(key, a);
  }
  // the source's own reason first (values it would compare more strictly than the engine), then the count
  const sent = rule.translate([...byUpstream.values()].map((a) => a.value));
  if (!sent.pushed) return { residualText: `${described}; filtered locally: ${sent.why}` };
  if (byUpstream.size > rule.maxValues) {
    return { residualText: `${described}; filtered locally: ${byUpstream.size} distinct upstream values (${listed([...byUpstream.keys()])}) but ${rule.upstream} takes ${rule.maxValues} per request` };
  }
  const covered = relevant.length - needed.length;
  const values = [...byUpstream.values()].map((a) => a.value);
  const valuesText = `${listed([...byUpstream.keys()], 8)} (${needed.length} alias${needed.length === 1 ? '' : 'es'}${covered ? `, ${covered} more covered by them` : ''}; ${all.length - relevant.length} cannot appear in ${source.id})`;
  return { values, described, valuesText };
}

/** `as <upstream form> (exact)` or `(broader …)`: what the source sends for a pushed field, and whether it selects more. */
function asSent(t: Extract<PushdownTranslation, { pushed: true }>): string {
  return `as ${t.upstream} (${t.exactness === 'exact' ? 'exact' : `broader, re-checked here${t.why ? `: ${t.why}` : ''}`})`;
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

/** The fields of `filter` the engine checks on a source's events (what a source may prefilter its records by). */
export function localFilter(filter: EventFilter, fields: readonly EventFilterField[]): PushedFilter {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (filter[f] !== undefined) out[f] = filter[f];
  return out as PushedFilter;
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

/**
 * Splits the filter for one source into pushed-down and residual parts, from its declared capabilities. With an
 * identity search, `filter.identity` holds every alias value and each source is pushed only the aliases it
 * understands (see `planIdentity`).
 */
export function planSource(source: Source, window: TimeWindow, filter: EventFilter, order: SortOrder, now: Date, identity?: IdentitySearch): SourcePlan {
  const caps = source.capabilities;
  const asked = EVENT_FILTER_FIELDS.filter((f) => values(filter, f).length > 0);
  const pushed: PushedFilter = {};
  const pushedDown: string[] = [];
  const residual: string[] = [];
  const pushedFields = new Set<EventFilterField>();
  const searched = identity ? planIdentity(source, identity) : undefined;

  // why a field the source could take was not pushed after all: its values cannot be sent without matching less
  const untranslatable = new Map<EventFilterField, string>();
  for (const rule of caps.pushdown) {
    const vs = rule.field === 'identity' && searched ? (searched.values ?? []) : values(filter, rule.field);
    if (vs.length === 0 || pushedFields.has(rule.field)) continue;
    if (pushedFields.size >= caps.maxPushedFields) break;
    if (vs.length > rule.maxValues) continue;
    const sent = rule.translate(vs);
    if (!sent.pushed) {
      untranslatable.set(rule.field, sent.why);
      continue;
    }
    (pushed as Record<string, unknown>)[rule.field] = rule.field === 'identity' && searched ? vs : filter[rule.field];
    pushedFields.add(rule.field);
    pushedDown.push(
      rule.field === 'identity' && searched ? `identity=${identity!.label} ${asSent(sent)}: ${searched.valuesText}` : `${rule.field}=${describeValues(vs)} ${asSent(sent)}`,
    );
  }
  const perRequest = `the upstream takes ${caps.maxPushedFields} filter${caps.maxPushedFields === 1 ? '' : 's'} per request; a more selective one was pushed`;
  for (const field of asked) {
    if (pushedFields.has(field)) continue;
    if (field === 'identity' && searched) {
      if (searched.skipped) continue;
      const why = untranslatable.get('identity');
      residual.push(searched.residualText ?? `${searched.described}; ${why ? `filtered locally: ${why}` : perRequest}`);
      continue;
    }
    const vs = values(filter, field);
    const rule = caps.pushdown.find((r) => r.field === field);
    let why: string;
    if (!rule) why = 'not filterable upstream';
    else if (vs.length > rule.maxValues) why = `${vs.length} values; ${rule.upstream} takes ${rule.maxValues} per request`;
    else why = untranslatable.get(field) ?? perRequest;
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
  // a source that is not asked has nothing pushed and nothing left to filter
  if (searched?.skipped) return { source, window: null, skipped: searched.skipped, pushed: {}, pushedDown: [], residual: [], localFields: asked, nativeOrder, orderNote };
  return { source, window: planned, clamped, pushed, pushedDown, residual, localFields: asked, nativeOrder, orderNote };
}
