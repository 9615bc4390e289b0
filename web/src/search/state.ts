import type { EventFilterInput, Outcome, SortOrder, SourceKind } from '../generated/graphql';

/**
 * Everything a search is, held in the URL's query string so that a link reproduces it: the filter, the window
 * (a preset stays relative, a range is absolute), the order, the selected event and the live tail.
 */
export interface SearchState {
  identity: string[];
  sourceIp: string[];
  action: string[];
  runId: string[];
  resource: string;
  outcome: Outcome[];
  sources: string[];
  kinds: SourceKind[];
  window: WindowChoice;
  order: SortOrder;
  /** the event whose detail is open */
  event?: EventRef;
  tail: boolean;
}

export type WindowChoice = { last: string } | { from: string; to: string };

/** An event is found again by its source, its time and its id (the source's own id, unique within it). */
export interface EventRef {
  source: string;
  id: string;
  time: string;
}

export const PRESETS: { label: string; last: string }[] = [
  { label: '15 min', last: 'PT15M' },
  { label: '1 h', last: 'PT1H' },
  { label: '4 h', last: 'PT4H' },
  { label: '12 h', last: 'PT12H' },
  { label: '24 h', last: 'P1D' },
  { label: '3 days', last: 'P3D' },
  { label: '7 days', last: 'P7D' },
];

export const DEFAULT_WINDOW: WindowChoice = { last: 'P1D' };
export const OUTCOMES: Outcome[] = ['SUCCESS', 'FAILURE', 'UNKNOWN'];
export const KINDS: SourceKind[] = ['IDENTITY_PROVIDER', 'CLOUD_AUDIT', 'KUBERNETES_AUDIT', 'EXECUTION', 'ACCESS_LOG'];

export const EMPTY_SEARCH: SearchState = {
  identity: [],
  sourceIp: [],
  action: [],
  runId: [],
  resource: '',
  outcome: [],
  sources: [],
  kinds: [],
  window: DEFAULT_WINDOW,
  order: 'NEWEST_FIRST',
  tail: false,
};

/** URL parameter of each list field (repeated for alternatives: `identity=a&identity=b`). */
const LISTS = { identity: 'identity', sourceIp: 'ip', action: 'action', runId: 'run', sources: 'source' } as const;

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/;
const DURATION = /^P(?!$)(\d+D)?(T(?!$)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

function values(params: URLSearchParams, key: string): string[] {
  return params
    .getAll(key)
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

export function parseWindow(params: URLSearchParams): WindowChoice {
  const from = params.get('from');
  const to = params.get('to');
  if (from && to && ISO.test(from) && ISO.test(to) && Date.parse(from) < Date.parse(to)) return { from, to };
  const last = params.get('last');
  if (last && DURATION.test(last)) return { last };
  return DEFAULT_WINDOW;
}

export function writeWindow(params: URLSearchParams, window: WindowChoice): void {
  if ('last' in window) {
    if (window.last !== (DEFAULT_WINDOW as { last: string }).last) params.set('last', window.last);
  } else {
    params.set('from', window.from);
    params.set('to', window.to);
  }
}

export function parseSearch(params: URLSearchParams): SearchState {
  const state: SearchState = { ...EMPTY_SEARCH, window: parseWindow(params) };
  for (const [field, key] of Object.entries(LISTS) as [keyof typeof LISTS, string][]) state[field] = values(params, key);
  state.resource = params.get('resource')?.trim() ?? '';
  state.outcome = values(params, 'outcome').filter((o): o is Outcome => (OUTCOMES as string[]).includes(o));
  state.kinds = values(params, 'kind').filter((k): k is SourceKind => (KINDS as string[]).includes(k));
  state.order = params.get('order') === 'OLDEST_FIRST' ? 'OLDEST_FIRST' : 'NEWEST_FIRST';
  const [source, id, time] = [params.get('esource'), params.get('eid'), params.get('etime')];
  if (source && id && time && ISO.test(time)) state.event = { source, id, time };
  state.tail = params.get('tail') === '1';
  return state;
}

export function serializeSearch(state: SearchState): URLSearchParams {
  const params = new URLSearchParams();
  for (const [field, key] of Object.entries(LISTS) as [keyof typeof LISTS, string][]) for (const v of state[field]) params.append(key, v);
  if (state.resource) params.set('resource', state.resource);
  for (const o of state.outcome) params.append('outcome', o);
  for (const k of state.kinds) params.append('kind', k);
  writeWindow(params, state.window);
  if (state.order !== 'NEWEST_FIRST') params.set('order', state.order);
  if (state.event) {
    params.set('esource', state.event.source);
    params.set('eid', state.event.id);
    params.set('etime', state.event.time);
  }
  if (state.tail) params.set('tail', '1');
  return params;
}

/** The GraphQL filter of a search; absent fields stay absent (an empty list would be refused). */
export function toFilter(state: SearchState): EventFilterInput {
  const filter: EventFilterInput = {};
  if (state.identity.length) filter.identity = state.identity;
  if (state.sourceIp.length) filter.sourceIp = state.sourceIp;
  if (state.action.length) filter.action = state.action;
  if (state.runId.length) filter.runId = state.runId;
  if (state.resource) filter.resource = state.resource;
  if (state.outcome.length) filter.outcome = state.outcome;
  if (state.sources.length) filter.sources = state.sources;
  if (state.kinds.length) filter.kinds = state.kinds;
  return filter;
}

/** `PT1H30M` -> milliseconds (days are 24 h, as the server takes them). */
export function durationMs(iso: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(iso);
  if (!m) throw new Error(`not an ISO-8601 duration: ${iso}`);
  const [, d, h, min, s] = m;
  return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * 60_000 + Number(s ?? 0) * 1000;
}

/**
 * The absolute window a search reads. A preset is resolved once, when the search is made (`now`), and every page,
 * the histogram and the export then use the same [from, to), so that they agree.
 */
export function resolveWindow(window: WindowChoice, now: Date): { from: string; to: string } {
  if ('from' in window) return { from: window.from, to: window.to };
  const to = new Date(Math.floor(now.getTime() / 1000) * 1000);
  return { from: new Date(to.getTime() - durationMs(window.last)).toISOString(), to: to.toISOString() };
}

/** [t - 1 h, t + 1 h): the window of a pivot from one event. */
export function around(time: string, spanMs = 3_600_000): { from: string; to: string } {
  const t = Date.parse(time);
  return { from: new Date(t - spanMs).toISOString(), to: new Date(t + spanMs).toISOString() };
}

/** A field's alternatives as typed: `a, b` -> [a, b]. */
export function splitAlternatives(text: string): string[] {
  return text
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

export function searchHref(state: SearchState): string {
  const qs = serializeSearch(state).toString();
  return qs ? `/?${qs}` : '/';
}

export function describeFilter(state: SearchState): string {
  const parts: string[] = [];
  if (state.identity.length) parts.push(`identity ${state.identity.join(' or ')}`);
  if (state.sourceIp.length) parts.push(`from ${state.sourceIp.join(' or ')}`);
  if (state.action.length) parts.push(`action ${state.action.join(' or ')}`);
  if (state.resource) parts.push(`resource ~ ${state.resource}`);
  if (state.runId.length) parts.push(`run ${state.runId.join(' or ')}`);
  if (state.outcome.length) parts.push(state.outcome.join(' or '));
  if (state.sources.length) parts.push(`sources ${state.sources.join(', ')}`);
  if (state.kinds.length) parts.push(`kinds ${state.kinds.join(', ')}`);
  return parts.join(' · ') || 'every event';
}
