import { useQuery } from '@tanstack/react-query';
import { Radio, RefreshCw } from 'lucide-react';
import { useCallback, useMemo, useRef, useState } from 'react';
import { request } from '../api/client';
import { navigate, Link, identityHref, runHref, type Location } from '../app/router';
import { useSources } from '../app/sources';
import { useUiConfig, type UiConfig } from '../app/uiConfig';
import { EventHistogramDocument, SearchEventsDocument } from '../generated/graphql';
import { useLiveTail, type LiveTail } from '../live/useLiveTail';
import { Timeline } from '../timeline/Timeline';
import { useEventPages, type EventPages } from '../timeline/pages';
import { formatTime } from '../ui/format';
import { useShortcuts } from '../ui/keys';
import { ExportButtons } from './ExportButtons';
import { SearchForm } from './SearchForm';
import { describeFilter, EMPTY_SEARCH, parseSearch, resolveWindow, searchHref, serializeSearch, toFilter, type EventRef, type SearchState } from './state';

export const HISTOGRAM_BUCKETS = 96;

/** The search's identity without the open event and the tail: what decides the query. */
function queryKeyOf(state: SearchState): string {
  return serializeSearch({ ...state, event: undefined, tail: false }).toString();
}

/** A preset is resolved when the search is made; the same search keeps its window until Refresh. */
function useResolvedWindow(state: SearchState): { window: { from: string; to: string }; refresh: () => void } {
  const key = queryKeyOf(state);
  const [stamp, setStamp] = useState(() => ({ key, now: Date.now() }));
  const now = stamp.key === key ? stamp.now : Date.now();
  if (stamp.key !== key) setStamp({ key, now });
  const window = useMemo(() => resolveWindow(state.window, new Date(now)), [state.window, now]);
  return { window, refresh: () => setStamp({ key, now: Date.now() }) };
}

export function SearchPage({ location }: { location: Location }) {
  const state = useMemo(() => parseSearch(location.params), [location.params.toString()]); // eslint-disable-line react-hooks/exhaustive-deps
  const { sources, colors } = useSources();
  const config = useUiConfig();
  const identityInput = useRef<HTMLInputElement>(null);
  const { window, refresh } = useResolvedWindow(state);
  const filter = useMemo(() => toFilter(state), [state]);
  const key = ['search', window, filter, state.order] as const;

  const pages = useEventPages(key, async (after, first, signal) => {
    const { events } = await request(SearchEventsDocument, { window, filter, order: state.order, first, after }, signal);
    return events;
  });
  const histogram = useQuery({
    queryKey: ['histogram', window, filter],
    queryFn: ({ signal }) => request(EventHistogramDocument, { window, filter, buckets: HISTOGRAM_BUCKETS }, signal),
    staleTime: Infinity,
    retry: false,
  });

  const kindOf = useCallback((id: string) => sources.find((s) => s.id === id) ?? { type: '', kind: '' }, [sources]);
  const live = useLiveTail(state.tail && !!config?.features.tail, filter, window.to, kindOf);
  const shown = useMemo(() => withLive(pages, live, state.order), [pages, live, state.order]);

  const go = useCallback((next: SearchState, opts?: { replace?: boolean }) => navigate(searchHref(next), opts), []);
  const onOpen = useCallback((event: EventRef | undefined, opts?: { replace?: boolean }) => go({ ...state, event }, opts), [go, state]);
  useShortcuts({ '/': () => identityInput.current?.focus() });

  return (
    <main className="page search-page">
      <SearchForm state={state} sources={sources} colors={colors} onSearch={(next) => go(next)} inputRef={identityInput} />
      <div className="search-summary">
        <span>
          {describeFilter(state)} · <span className="mono">{formatTime(window.from)}</span> – <span className="mono">{formatTime(window.to)}</span> UTC
        </span>
        <button type="button" className="subtle" onClick={refresh} title="Run the search again (a preset window moves to now)">
          <RefreshCw size={14} aria-hidden="true" /> Refresh
        </button>
        {config?.features.tail && (
          <button
            type="button"
            className={state.tail ? 'subtle live-toggle on' : 'subtle live-toggle'}
            aria-pressed={state.tail}
            onClick={() => go({ ...state, tail: !state.tail }, { replace: true })}
            title="Follow new events of this search as they arrive (each source after its delivery lag)"
          >
            <Radio size={14} aria-hidden="true" /> Live
          </button>
        )}
        {config?.features.export && <ExportButtons window={window} filter={filter} order={state.order} />}
      </div>
      {state.tail && live.state !== 'off' && <LiveStatus live={live} />}
      {config?.demo && isBlank(state) && <DemoHints demo={config.demo} />}
      <Timeline
        label="Events"
        pages={shown}
        histogram={{ data: histogram.data?.histogram, error: histogram.error, loading: histogram.isPending }}
        colors={colors}
        open={state.event}
        onOpen={onOpen}
        onZoom={(from, to) => go({ ...state, window: { from, to }, event: undefined })}
        empty="No events match this search in the window."
      />
    </main>
  );
}

function isBlank(state: SearchState): boolean {
  return queryKeyOf({ ...state, window: EMPTY_SEARCH.window }) === queryKeyOf(EMPTY_SEARCH);
}

/** On the bundled demo, where to start (the demo's incident day, whatever its date). */
function DemoHints({ demo }: { demo: NonNullable<UiConfig['demo']> }) {
  const day = demo.day.from.slice(0, 10);
  const morning = { from: `${day}T08:45:00.000Z`, to: `${day}T10:00:00.000Z` };
  const window = new URLSearchParams(morning);
  const s = (patch: Partial<SearchState>) => searchHref({ ...EMPTY_SEARCH, window: morning, ...patch });
  return (
    <section className="demo-hints" aria-label="Demo">
      <strong>This server runs the bundled demo:</strong> an incident on {day}. Try{' '}
      <Link to={s({ identity: ['alice@example.com'] })}>alice's morning</Link>, <Link to={s({ sourceIp: ['198.51.100.23'] })}>the attacker's IP</Link>,{' '}
      <Link to={identityHref('alice@example.com', window)}>alice's aliases</Link>, <Link to={runHref('ml/production/fz3k9q2m1x')}>the incident run</Link>, or{' '}
      <Link to={identityHref('ci-bot', window)}>the ci-bot key</Link>.
    </section>
  );
}

/**
 * The list with the live tail's events in it: newest first they come on top (oldest first, at the end), each
 * once (an event the pages hold already, delivered again by the tail, is not shown twice).
 */
function withLive(pages: EventPages, live: LiveTail, order: SearchState['order']): EventPages {
  if (live.edges.length === 0) return pages;
  const seen = new Set(pages.edges.map((e) => `${e.node.source.id}\u0000${e.node.id}`));
  const fresh = live.edges.filter((e) => !seen.has(`${e.node.source.id}\u0000${e.node.id}`));
  if (fresh.length === 0) return pages;
  return { ...pages, edges: order === 'NEWEST_FIRST' ? [...fresh, ...pages.edges] : [...pages.edges, ...[...fresh].reverse()] };
}

/** What the tail is doing: connected or not, how many new events, and any source that cannot be followed now. */
function LiveStatus({ live }: { live: LiveTail }) {
  const retrying = live.sources.filter((s) => s.state === 'RETRYING');
  return (
    <div className={retrying.length || live.state === 'reconnecting' ? 'live-status alert' : 'live-status'} role="status" aria-label="Live tail">
      <strong>Live</strong>{' '}
      {live.state === 'connecting'
        ? 'connecting…'
        : live.state === 'reconnecting'
          ? `connection lost (${live.error ?? 'no reason given'}), resuming where it stopped…`
          : `following ${live.sources.length} source${live.sources.length === 1 ? '' : 's'}: ${live.received} new event${live.received === 1 ? '' : 's'}${live.received > live.edges.length ? ` (the list keeps the newest ${live.edges.length}; Export has them all)` : ''}; each source's events show once its delivery lag has passed (${live.sources.map((s) => `${s.source} ${Math.round(s.lagMs / 1000)} s`).join(', ')})`}
      {retrying.map((s) => (
        <div key={s.source}>
          {s.source} RETRYING: {s.message}
        </div>
      ))}
    </div>
  );
}
