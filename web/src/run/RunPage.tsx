import { useQuery } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { request } from '../api/client';
import { eventHref, identityHref, Link, navigate, runHref, type Location } from '../app/router';
import { useSources } from '../app/sources';
import { EvidenceText } from '../event/EventDetail';
import { RunPageDocument, RunTimelineDocument, type RunPageQuery } from '../generated/graphql';
import { around, EMPTY_SEARCH, parseSearch, searchHref, type EventRef } from '../search/state';
import { Timeline } from '../timeline/Timeline';
import { TaskLogs } from './TaskLogs';
import { useEventPages } from '../timeline/pages';
import { formatDuration, formatTime } from '../ui/format';

type Run = NonNullable<RunPageQuery['run']>;
type Actor = Run['launchedBy'];

/** `sourceId/eventId` and the time it happened: a link to the event. */
function EventLink({ event, time }: { event: string | null | undefined; time: string | null | undefined }) {
  if (!event) return null;
  const slash = event.indexOf('/');
  if (slash < 0 || !time) return <span className="mono">{event}</span>;
  return (
    <Link className="mono evidence-link" to={eventHref({ source: event.slice(0, slash), id: event.slice(slash + 1), time })}>
      {event}
    </Link>
  );
}

function ActorLink({ actor, window }: { actor: Actor; window: { from: string; to: string } }) {
  if (!actor) return <span className="muted">unknown</span>;
  return (
    <Link to={identityHref(actor.identity?.id ?? actor.name, new URLSearchParams(window))}>
      {actor.name}
    </Link>
  );
}

function phaseClass(phase: string): string {
  if (phase === 'SUCCEEDED') return 'ok';
  if (phase === 'RUNNING' || phase === 'QUEUED') return 'info';
  return 'bad';
}

/** A run's whole story: lifecycle, pods, service accounts, credentials, what was excluded and why, its timeline. */
export function RunPage({ location, id }: { location: Location; id: string }) {
  const parsed = useMemo(() => parseSearch(location.params), [location.params.toString()]); // eslint-disable-line react-hooks/exhaustive-deps
  const { colors } = useSources();
  const q = useQuery({ queryKey: ['run', id], queryFn: ({ signal }) => request(RunPageDocument, { id }, signal), staleTime: Infinity, retry: false });
  const run = q.data?.run;
  const pages = useEventPages(
    ['run-timeline', id],
    async (after, first, signal) => {
      const { run: r } = await request(RunTimelineDocument, { id, first, after }, signal);
      if (!r) throw new Error(`no run ${id}`);
      return r.timeline;
    },
    !!run,
  );
  const onOpen = useCallback(
    (event: EventRef | undefined, opts?: { replace?: boolean }) => {
      const params = event ? `?${new URLSearchParams({ esource: event.source, eid: event.id, etime: event.time }).toString()}` : '';
      navigate(`${runHref(id)}${params}`, opts);
    },
    [id],
  );

  if (q.isPending) return <main className="page"><p className="muted">Reading run {id}…</p></main>;
  if (q.error) return <main className="page"><div className="alert" role="alert">{q.error.message}</div></main>;
  if (!run) return <main className="page"><div className="alert" role="alert">No execution source has a run <span className="mono">{id}</span>.</div></main>;

  const window = run.links.window;
  const duration = run.endedAt && run.startedAt ? Date.parse(run.endedAt) - Date.parse(run.startedAt) : undefined;
  return (
    <main className="page run-page">
      <header className="page-head">
        <div>
          <p className="eyebrow">Run · {run.source.id}</p>
          <h1 className="mono">{run.id}</h1>
          <p>
            <span className={`badge ${phaseClass(run.phase)}`}>{run.phase}</span> {run.mode}
            {run.launchPlan && <span className="muted"> · launch plan {run.launchPlan.name} {run.launchPlan.version}</span>}
          </p>
        </div>
        <div className="head-actions">
          <Link className="button" to={searchHref({ ...EMPTY_SEARCH, runId: [run.id], window: around(run.createdAt) })}>
            Events naming this run ±1 h
          </Link>
        </div>
      </header>
      <div className="run-grid">
        <section className="card" aria-label="Lifecycle">
          <h2>Lifecycle</h2>
          <dl className="fields">
            <dt>Launched by</dt>
            <dd>
              <ActorLink actor={run.launchedBy} window={window} />
            </dd>
            {run.abortedBy && (
              <>
                <dt>Aborted by</dt>
                <dd>
                  <ActorLink actor={run.abortedBy} window={window} />
                  {run.abort && <span> · “{run.abort.cause}”</span>}
                </dd>
              </>
            )}
            <dt>Created</dt>
            <dd className="mono">{formatTime(run.createdAt)}</dd>
            <dt>Started</dt>
            <dd className="mono">{run.startedAt ? formatTime(run.startedAt) : '—'}</dd>
            <dt>Ended</dt>
            <dd className="mono">
              {run.endedAt ? formatTime(run.endedAt) : 'still running'}
              {duration !== undefined && <span className="muted"> ({formatDuration(duration)})</span>}
            </dd>
            {run.error && (
              <>
                <dt>Error</dt>
                <dd className="error-text">{run.error}</dd>
              </>
            )}
            <dt>Namespace</dt>
            <dd className="mono">{run.namespace}</dd>
            <dt>Service account</dt>
            <dd className="mono">{run.serviceAccount ?? '—'}</dd>
            {run.parentRunId && (
              <>
                <dt>Parent run</dt>
                <dd>
                  <Link to={runHref(run.parentRunId)}>{run.parentRunId}</Link>
                </dd>
              </>
            )}
          </dl>
          <h3>Phases</h3>
          <ol className="lifecycle">
            {run.lifecycle.map((e) => (
              <li key={e.id}>
                <Link to={eventHref({ source: e.source.id, id: e.id, time: e.time })} className="mono">
                  {formatTime(e.time)}
                </Link>{' '}
                <span className="mono">{e.action}</span> <span className="muted">{e.actor.name}</span>{' '}
                <span className={`outcome outcome-${e.outcome.toLowerCase()}`}>{e.outcome}</span>
              </li>
            ))}
          </ol>
        </section>
        <section className="card" aria-label="Pods and service accounts">
          <h2>Pods ({run.links.pods.length})</h2>
          {run.links.pods.length === 0 && <p className="muted">No pods.</p>}
          <ul className="plain pods">
            {run.links.pods.map((p) => (
              <li key={`${p.namespace}/${p.name}`}>
                <div>
                  <span className="mono">{p.namespace}/{p.name}</span> <span className="badge">{p.phase ?? 'not in Flyte'}</span>
                </div>
                <p className="muted">
                  node {p.nodeId ?? '?'}, attempt {p.retryAttempt ?? '?'}, task {p.task ?? '?'}; {p.from ? formatTime(p.from) : '?'} – {p.to ? formatTime(p.to) : 'running'}
                </p>
                {p.discoveredBy && <p className="muted">found in the Kubernetes audit: {p.discoveredBy}</p>}
                <p>
                  as <span className="mono">{p.serviceAccount ?? 'unknown service account'}</span>
                  {p.serviceAccountEvidence && <span className="muted"> ({p.serviceAccountEvidence})</span>}
                </p>
                {p.createdBy && (
                  <p>
                    created by <EventLink event={p.createdBy} time={p.from} />
                  </p>
                )}
              </li>
            ))}
          </ul>
          <h2>Service accounts</h2>
          <ul className="plain">
            {run.links.serviceAccounts.map((sa) => (
              <li key={sa.username}>
                <Link className="mono" to={identityHref(sa.username, new URLSearchParams(window))}>
                  {sa.username}
                </Link>
                <p className="alias-evidence">
                  <EvidenceText text={sa.evidence} />
                </p>
              </li>
            ))}
          </ul>
        </section>
        <section className="card" aria-label="Credentials">
          <h2>Credentials</h2>
          {run.links.credentials.length === 0 && <p className="muted">No cloud credentials tied to the run.</p>}
          <Credentials list={run.links.credentials} window={window} />
          <h2>Looked for and excluded</h2>
          {run.links.excluded.length === 0 && run.links.otherPods.length === 0 && <p className="muted">Nothing excluded.</p>}
          <Credentials list={run.links.excluded} window={window} />
          {run.links.otherPods.length > 0 && (
            <>
              <h3>Other workloads as the same service accounts</h3>
              <ul className="plain">
                {run.links.otherPods.map((p) => (
                  <li key={`${p.namespace}/${p.name}`}>
                    <span className="mono">{p.namespace}/{p.name}</span> as <span className="mono">{p.serviceAccount}</span>
                    {p.runId && (
                      <>
                        {' '}
                        of <Link to={runHref(p.runId)}>{p.runId}</Link>
                      </>
                    )}{' '}
                    <span className="muted">
                      {formatTime(p.from)} – {p.to ? formatTime(p.to) : 'running'}
                    </span>
                  </li>
                ))}
              </ul>
            </>
          )}
          {run.links.notes.length > 0 && (
            <>
              <h3>Notes</h3>
              <ul className="plain notes">
                {run.links.notes.map((n) => (
                  <li key={n}>
                    <EvidenceText text={n} />
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      </div>
      <h2 className="section-title">Timeline</h2>
      <p className="muted">
        Every trail ({run.links.timelineSources.join(', ')}) between <span className="mono">{formatTime(window.from)}</span> and <span className="mono">{formatTime(window.to)}</span>, the events that belong to the run, each with
        the evidence that tied it.
      </p>
      <Timeline label={`Timeline of run ${run.id}`} pages={pages} colors={colors} evidence open={parsed.event} onOpen={onOpen} empty="No events tied to this run." />
      <TaskLogs id={run.id} />
    </main>
  );
}

type Credential = Run['links']['credentials'][number];

function Credentials({ list, window }: { list: Credential[]; window: { from: string; to: string } }) {
  const [shown, setShown] = useState(20);
  return (
    <ul className="plain credentials">
      {list.slice(0, shown).map((c) => (
        <li key={`${c.kind}/${c.value}/${c.issuedAt}`} className={c.attributed ? 'credential' : 'credential excluded'}>
          <div>
            <span className="badge">{c.kind}</span>{' '}
            <Link className="mono" to={identityHref(c.value, new URLSearchParams(window))}>
              {c.value}
            </Link>
          </div>
          <p className="muted">
            {c.role && <>role <span className="mono">{c.role}</span>, </>}issued {formatTime(c.issuedAt)} to <span className="mono">{c.serviceAccount}</span> by <EventLink event={c.event} time={c.issuedAt} />
          </p>
          {c.sharedWith.length > 0 && <p className="flag">shared with {c.sharedWith.join(', ')}</p>}
          <p className="alias-evidence">
            <EvidenceText text={c.evidence} />
          </p>
        </li>
      ))}
      {list.length > shown && (
        <li>
          <button type="button" onClick={() => setShown(shown + 50)}>
            Show {Math.min(50, list.length - shown)} more of {list.length - shown}
          </button>
        </li>
      )}
    </ul>
  );
}

