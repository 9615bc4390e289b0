import { useQuery } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { request } from '../api/client';
import { identityHref, Link, navigate, type Location } from '../app/router';
import { useSources } from '../app/sources';
import { EvidenceText } from '../event/EventDetail';
import { IdentityEventsDocument, IdentityHistogramDocument, IdentityPageDocument, type AliasKind, type IdentityPageQuery } from '../generated/graphql';
import { EMPTY_SEARCH, PRESETS, parseSearch, resolveWindow, searchHref, writeWindow, type EventRef, type WindowChoice } from '../search/state';
import { Timeline } from '../timeline/Timeline';
import { useEventPages } from '../timeline/pages';
import { formatCount, formatTime } from '../ui/format';
import { HISTOGRAM_BUCKETS } from '../search/SearchPage';

type Identity = NonNullable<IdentityPageQuery['identity']>;
type Alias = Identity['aliases'][number];

const KIND_ORDER: AliasKind[] = [
  'EMAIL',
  'OKTA_USER_ID',
  'AWS_IDENTITY_CENTER_USER',
  'AWS_IAM_USER',
  'AWS_ROLE',
  'AWS_ROLE_SESSION',
  'AWS_ACCESS_KEY',
  'K8S_USER',
  'K8S_SERVICE_ACCOUNT',
  'GCP_PRINCIPAL',
  'AZURE_CALLER',
  'AZURE_OBJECT_ID',
  'FLYTE_PRINCIPAL',
];

function byKind(aliases: Alias[]): [AliasKind, Alias[]][] {
  const groups = new Map<AliasKind, Alias[]>();
  for (const a of aliases) groups.set(a.kind, [...(groups.get(a.kind) ?? []), a]);
  return [...groups.entries()].sort(([a], [b]) => KIND_ORDER.indexOf(a) - KIND_ORDER.indexOf(b));
}

/** The identity page's own URL: its ref in the path, its window and open event in the query. */
function pageHref(ref: string, window: WindowChoice, event?: EventRef): string {
  const params = new URLSearchParams();
  writeWindow(params, window);
  if ('last' in window && !params.has('last')) params.set('last', window.last);
  if (event) {
    params.set('esource', event.source);
    params.set('eid', event.id);
    params.set('etime', event.time);
  }
  return identityHref(ref, params);
}

/** An identity across every trail: aliases by kind with rule and evidence, flags, discovery, and its timeline. */
export function IdentityPage({ location, ref: identityRef }: { location: Location; ref: string }) {
  const parsed = useMemo(() => parseSearch(location.params), [location.params.toString()]); // eslint-disable-line react-hooks/exhaustive-deps
  // an identity's default window is discovery's (the last 7 days)
  const choice: WindowChoice = location.params.has('from') || location.params.has('last') ? parsed.window : { last: 'P7D' };
  const window = useMemo(() => resolveWindow(choice, new Date()), [JSON.stringify(choice)]); // eslint-disable-line react-hooks/exhaustive-deps
  const { colors } = useSources();

  const identity = useQuery({
    queryKey: ['identity', identityRef, window],
    queryFn: ({ signal }) => request(IdentityPageDocument, { ref: identityRef, window }, signal),
    staleTime: Infinity,
    retry: false,
  });
  const found = identity.data?.identity;
  const pages = useEventPages(
    ['identity-events', identityRef, window],
    async (after, first, signal) => {
      const { identity: i } = await request(IdentityEventsDocument, { ref: identityRef, window, eventsWindow: window, first, after }, signal);
      if (!i) throw new Error(`no identity ${identityRef}`);
      return i.events;
    },
    !!found,
  );
  const histogram = useQuery({
    queryKey: ['identity-histogram', identityRef, window],
    queryFn: ({ signal }) => request(IdentityHistogramDocument, { ref: identityRef, window, eventsWindow: window, buckets: HISTOGRAM_BUCKETS }, signal),
    enabled: !!found,
    staleTime: Infinity,
    retry: false,
  });
  const onOpen = useCallback((event: EventRef | undefined, opts?: { replace?: boolean }) => navigate(pageHref(identityRef, choice, event), opts), [identityRef, choice]);

  return (
    <main className="page identity-page">
      <header className="page-head">
        <div>
          <p className="eyebrow">Identity</p>
          <h1>{found?.displayName ?? identityRef}</h1>
          {found && <p className="muted mono">{found.id}</p>}
        </div>
        <div className="head-actions">
          <div className="presets" role="group" aria-label="Window presets">
            {PRESETS.map((p) => (
              <button key={p.last} type="button" className={'last' in choice && choice.last === p.last ? 'chip active' : 'chip'} aria-pressed={'last' in choice && choice.last === p.last} onClick={() => navigate(pageHref(identityRef, { last: p.last }))}>
                {p.label}
              </button>
            ))}
          </div>
          <p className="muted">
            <span className="mono">{formatTime(window.from)}</span> – <span className="mono">{formatTime(window.to)}</span> UTC
          </p>
          {found && (
            <Link className="button" to={searchHref({ ...EMPTY_SEARCH, identity: [found.id], window: { from: window.from, to: window.to } })}>
              Search these events
            </Link>
          )}
        </div>
      </header>
      {identity.isPending && <p className="muted">Finding every alias of {identityRef} in the window…</p>}
      {identity.error && (
        <div className="alert" role="alert">
          {identity.error.message}
        </div>
      )}
      {identity.isSuccess && !found && (
        <div className="alert" role="alert">
          Nothing knows <span className="mono">{identityRef}</span> in this window: no configured alias, no lookup, no event. Try a wider window.
        </div>
      )}
      {found && (
        <>
          <div className="identity-grid">
            <section className="card aliases" aria-label="Aliases">
              <h2>Aliases ({found.aliases.length})</h2>
              {byKind(found.aliases).map(([kind, aliases]) => (
                <div key={kind} className="alias-group">
                  <h3>
                    <span className="badge">{kind}</span>
                  </h3>
                  <ul>
                    {aliases.map((a) => (
                      <li key={`${a.value}/${a.scope ?? ''}`} className={a.flags.length ? 'alias flagged' : 'alias'} data-kind={a.kind}>
                        <div className="alias-value">
                          <Link className="mono" to={searchHref({ ...EMPTY_SEARCH, identity: [a.value], window: { from: window.from, to: window.to } })} title="search this alias">
                            {a.value}
                          </Link>
                          {a.scope && <span className="muted"> in {a.scope}</span>} <span className="rule">{a.rule}</span>
                        </div>
                        <p className="alias-evidence">
                          <EvidenceText text={a.evidence} />
                        </p>
                        {a.flags.map((f) => (
                          <p key={f} className="flag" role="note">
                            ⚑ {f}
                          </p>
                        ))}
                      </li>
                    ))}
                  </ul>
                </div>
              ))}
            </section>
            <section className="card discovery" aria-label="Discovery">
              <h2>How they were found</h2>
              {found.discovery ? (
                <>
                  {found.discovery.truncated && (
                    <p className="warning" role="status">
                      Discovery stopped at its event budget: aliases that only older events show may be missing.
                    </p>
                  )}
                  <dl className="fields">
                    <dt>Window read</dt>
                    <dd className="mono">
                      {formatTime(found.discovery.window.from)} – {formatTime(found.discovery.window.to)}
                    </dd>
                    <dt>Rounds</dt>
                    <dd>{found.discovery.rounds}</dd>
                    <dt>Queries</dt>
                    <dd>{formatCount(found.discovery.queries)}</dd>
                    <dt>Events read</dt>
                    <dd>{formatCount(found.discovery.eventsRead)}</dd>
                    <dt>Okta lookups</dt>
                    <dd>{found.discovery.oktaLookups}</dd>
                    <dt>Kubernetes lookups</dt>
                    <dd>{found.discovery.kubernetesLookups}</dd>
                  </dl>
                  {found.discovery.notes.map((n) => (
                    <p key={n} className="muted">
                      {n}
                    </p>
                  ))}
                </>
              ) : (
                <p className="muted">No discovery figures.</p>
              )}
              <h2>Flags</h2>
              {found.notes.length === 0 && found.aliases.every((a) => a.flags.length === 0) ? (
                <p className="muted">None: no refused merge, no shared key, no failed lookup.</p>
              ) : (
                <ul className="flags">
                  {found.notes.map((n) => (
                    <li key={n} className="flag">
                      <EvidenceText text={n} />
                    </li>
                  ))}
                  {found.aliases.flatMap((a) =>
                    a.flags.map((f) => (
                      <li key={`${a.value}:${f}`} className="flag">
                        <span className="mono">{a.value}</span>: {f}
                      </li>
                    )),
                  )}
                </ul>
              )}
            </section>
          </div>
          <h2 className="section-title">Timeline</h2>
          <Timeline
            label={`Events of ${found.displayName}`}
            pages={pages}
            histogram={{ data: histogram.data?.identity?.histogram, error: histogram.error, loading: histogram.isPending }}
            colors={colors}
            evidence
            open={parsed.event}
            onOpen={onOpen}
            onZoom={(from, to) => navigate(pageHref(identityRef, { from, to }))}
            empty="No events of this identity in the window."
          />
        </>
      )}
    </main>
  );
}
