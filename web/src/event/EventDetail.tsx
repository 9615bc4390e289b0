import { useQuery } from '@tanstack/react-query';
import { X } from 'lucide-react';
import type { ReactNode } from 'react';
import { request } from '../api/client';
import { EventDetailDocument, type EventDetailQuery } from '../generated/graphql';
import { eventHref, identityHref, Link, runHref } from '../app/router';
import { around, EMPTY_SEARCH, searchHref, type EventRef } from '../search/state';
import { formatTime, OCSF_CLASSES } from '../ui/format';
import { RawRecord } from './RawRecord';

export type FullEvent = EventDetailQuery['events']['edges'][number]['node'];

/**
 * The event of `ref`, read again in full: its source's events in its millisecond, picked by id (paging on if that
 * millisecond holds more than a page). Null when the source no longer returns it.
 */
export async function fetchEvent(ref: EventRef, signal: AbortSignal): Promise<FullEvent | null> {
  const from = ref.time;
  const to = new Date(Date.parse(ref.time) + 1).toISOString();
  let after: string | null = null;
  for (let page = 0; page < 20; page++) {
    const { events }: EventDetailQuery = await request(EventDetailDocument, { window: { from, to }, filter: { sources: [ref.source] }, after }, signal);
    const found = events.edges.find((e) => e.node.id === ref.id);
    if (found) return found.node;
    if (!events.pageInfo.hasNextPage) return null;
    after = events.pageInfo.endCursor;
  }
  return null;
}

interface Props {
  eventRef: EventRef;
  /** why the event is in the list it was opened from (identity and run timelines) */
  evidence?: string[];
  onClose?: () => void;
  colors: Map<string, string>;
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  if (children === null || children === undefined || children === '') return null;
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** Normalized fields, OCSF class, evidence, the raw record, and pivots to ±1 h around it. */
export function EventDetail({ eventRef, evidence, onClose, colors }: Props) {
  const q = useQuery({
    queryKey: ['event', eventRef.source, eventRef.id, eventRef.time],
    queryFn: ({ signal }) => fetchEvent(eventRef, signal),
    staleTime: Infinity,
    retry: false,
  });
  const e = q.data;
  const ocsf = e ? OCSF_CLASSES[e.ocsfClassUid] : undefined;
  const window = around(eventRef.time);
  const pivot = (patch: Partial<typeof EMPTY_SEARCH>) => searchHref({ ...EMPTY_SEARCH, window, ...patch, event: eventRef });
  const actorRef = e?.actor.identity?.id ?? e?.actor.name;

  return (
    <aside className="event-detail" aria-label="Event detail">
      <header>
        <div>
          <h2 className="mono">{e?.action ?? 'Event'}</h2>
          <p className="muted">
            <i className="dot" style={{ background: colors.get(eventRef.source) }} aria-hidden="true" /> {eventRef.source} · {formatTime(eventRef.time)} UTC
          </p>
        </div>
        {onClose && (
          <button type="button" className="icon-button" onClick={onClose} aria-label="Close event detail (Escape)">
            <X size={18} aria-hidden="true" />
          </button>
        )}
      </header>
      {q.isPending && <p className="muted">Reading the event from {eventRef.source}…</p>}
      {q.error && <p className="error-text">Could not read the event: {q.error.message}</p>}
      {q.isSuccess && !e && (
        <p className="error-text">
          {eventRef.source} returned no event {eventRef.id} at {eventRef.time}: the source no longer holds it, or the link is wrong.
        </p>
      )}
      {e && (
        <>
          <nav className="pivots" aria-label="Pivots, ±1 h around this event">
            {actorRef && (
              <Link className="button" to={pivot({ identity: [actorRef] })}>
                This actor ±1 h
              </Link>
            )}
            {e.sourceIp && (
              <Link className="button" to={pivot({ sourceIp: [e.sourceIp] })}>
                This IP ±1 h
              </Link>
            )}
            {e.runId && (
              <>
                <Link className="button" to={pivot({ runId: [e.runId] })}>
                  This run ±1 h
                </Link>
                <Link className="button" to={runHref(e.runId)}>
                  Run page
                </Link>
              </>
            )}
            {e.actor.identity && (
              <Link className="button" to={identityHref(e.actor.identity.id, new URLSearchParams(window))}>
                Identity {e.actor.identity.displayName}
              </Link>
            )}
            <Link className="button subtle" to={eventHref(eventRef)} aria-label="Link to this event">
              Permalink
            </Link>
          </nav>
          {evidence && evidence.length > 0 && (
            <section aria-label="Evidence">
              <h3>Why it is here</h3>
              <ul className="evidence">
                {evidence.map((line) => (
                  <li key={line}>
                    <EvidenceText text={line} />
                  </li>
                ))}
              </ul>
            </section>
          )}
          <section aria-label="Normalized fields">
            <h3>Normalized</h3>
            <dl className="fields">
              <Field label="Time">{e.time}</Field>
              <Field label="Class">
                {e.category} · OCSF {e.ocsfClassUid}
                {ocsf ? ` ${ocsf}` : ''}
              </Field>
              <Field label="Action">
                <span className="mono">{e.action}</span>
                {e.rawAction !== e.action && <span className="muted"> (upstream: {e.rawAction})</span>}
              </Field>
              <Field label="Outcome">
                <span className={`outcome outcome-${e.outcome.toLowerCase()}`}>{e.outcome}</span>
                {e.outcomeReason && ` · ${e.outcomeReason}`}
              </Field>
              <Field label="Actor">
                {e.actor.name} <span className="muted">({e.actor.type})</span>
              </Field>
              <Field label="Actor uid">{e.actor.uid}</Field>
              <Field label="Session">{e.actor.sessionId}</Field>
              <Field label="On behalf of">{e.actor.onBehalfOf}</Field>
              <Field label="Aliases">
                {e.actor.aliases.length > 0 && (
                  <ul className="plain">
                    {e.actor.aliases.map((a) => (
                      <li key={`${a.kind}:${a.value}`}>
                        <span className="badge">{a.kind}</span>{' '}
                        <Link to={identityHref(a.value, new URLSearchParams(window))} className="mono">
                          {a.value}
                        </Link>{' '}
                        <span className="muted">from {a.field}</span>
                      </li>
                    ))}
                  </ul>
                )}
              </Field>
              <Field label="Targets">
                {e.targets.length > 0 && (
                  <ul className="plain">
                    {e.targets.map((t, i) => (
                      <li key={i}>
                        <span className="badge">{t.type}</span> <span className="mono">{t.namespace ? `${t.namespace}/${t.name}` : t.name}</span>
                        {t.uid && t.uid !== t.name && <span className="muted mono"> {t.uid}</span>}
                      </li>
                    ))}
                  </ul>
                )}
              </Field>
              <Field label="Source IP">{e.sourceIp && <span className="mono">{e.sourceIp}</span>}</Field>
              <Field label="User agent">{e.userAgent}</Field>
              <Field label="Run">{e.runId && <Link to={runHref(e.runId)}>{e.runId}</Link>}</Field>
              <Field label="Correlation id">{e.correlationId && <span className="mono">{e.correlationId}</span>}</Field>
              <Field label="Cloud">{e.cloud && [e.cloud.provider, e.cloud.account, e.cloud.region].filter(Boolean).join(' · ')}</Field>
              <Field label="Event id">
                <span className="mono">{e.id}</span>
              </Field>
            </dl>
          </section>
          <section aria-label="Raw record">
            <h3>Raw record</h3>
            <RawRecord value={e.raw} />
          </section>
        </>
      )}
    </aside>
  );
}

/**
 * Evidence names the event it was read from as `(<source> event <id> at <time>`: that part becomes a link to the
 * event, so that every link in the graph is a click away from the record that made it.
 */
const EVENT_IN_TEXT = /([\w.-]+) event (\S+?) at (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)/g;

export function EvidenceText({ text }: { text: string }) {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(EVENT_IN_TEXT)) {
    const [whole, source, id, time] = m;
    parts.push(text.slice(last, m.index));
    parts.push(
      <Link key={m.index} to={eventHref({ source, id, time })} className="evidence-link">
        {whole}
      </Link>,
    );
    last = m.index + whole.length;
  }
  parts.push(text.slice(last));
  return <>{parts}</>;
}
