import { useState } from 'react';
import { formatCount, formatDuration } from '../ui/format';
import { isIncomplete, type SourceSummary } from './aggregate';

interface Props {
  statuses: SourceSummary[];
  colors: Map<string, string>;
  /** pages loaded so far */
  pages: number;
}

function stateClass(state: string): string {
  if (state === 'OK') return 'ok';
  if (state === 'CLAMPED' || state === 'EMPTY' || state === 'PARTIAL') return 'warn';
  return 'bad';
}

function SourceDetail({ s }: { s: SourceSummary }) {
  return (
    <div className="status-detail" id="status-detail" role="region" aria-label={`${s.id} status`}>
      {s.messages.map((m) => (
        <p key={m} className={isIncomplete(s.state) ? 'error-text' : undefined}>
          {m}
        </p>
      ))}
      <dl>
        <dt>Type</dt>
        <dd>
          {s.type} ({s.mode}), {s.kind}
        </dd>
        <dt>Pages</dt>
        <dd>
          {s.pages}
          {s.failedPages.length > 0 && `, incomplete on page ${s.failedPages.join(', ')}`}
        </dd>
        <dt>Requests</dt>
        <dd>{formatCount(s.requests)}</dd>
        <dt>Read</dt>
        <dd>
          {formatCount(s.eventsScanned)} records{s.partitionsRead || s.partitionsPruned ? `; ${formatCount(s.partitionsRead)} files read, ${formatCount(s.partitionsPruned)} pruned by their names` : ''}
        </dd>
        <dt>Returned</dt>
        <dd>{formatCount(s.eventsReturned)} events</dd>
        {s.malformed > 0 && (
          <>
            <dt>Malformed</dt>
            <dd>
              {formatCount(s.malformed)} skipped: {s.malformedSamples.join('; ')}
            </dd>
          </>
        )}
        {s.redactions > 0 && (
          <>
            <dt>Redacted</dt>
            <dd>{formatCount(s.redactions)} secret value{s.redactions === 1 ? '' : 's'} in the raw records, marked in each event's detail</dd>
          </>
        )}
        {s.throttled > 0 && (
          <>
            <dt>Throttled</dt>
            <dd>{s.throttled} replies waited out</dd>
          </>
        )}
        <dt>Time</dt>
        <dd>{formatDuration(s.durationMs)}</dd>
        <dt>Pushed down</dt>
        <dd>{s.pushedDown.length ? s.pushedDown.join('; ') : 'nothing but the window'}</dd>
        <dt>Filtered here</dt>
        <dd>{s.residual.length ? s.residual.join('; ') : 'nothing'}</dd>
      </dl>
    </div>
  );
}

/**
 * What every selected source did, for every page loaded so far: always on screen, and a source that did not answer
 * completely is shown first and in full, so that a list that lacks its events never looks complete.
 */
export function SourceStatusPanel({ statuses, colors, pages }: Props) {
  const [open, setOpen] = useState<string | null>(null);
  const failing = statuses.filter((s) => isIncomplete(s.state));
  const ordered = [...failing, ...statuses.filter((s) => !isIncomplete(s.state))];
  const shown = statuses.find((s) => s.id === open);
  return (
    <section className="status-panel" aria-label="Source status">
      {failing.length > 0 && (
        <div className="alert" role="alert">
          <strong>
            {failing.length} of {statuses.length} sources did not answer completely.
          </strong>{' '}
          These events are not everything in the window: {failing.map((s) => `${s.id} ${s.state}${s.failedPages.length && pages > 1 ? ` on page ${s.failedPages.join(', ')}` : ''}`).join('; ')}.
        </div>
      )}
      <ul className="status-cards">
        {ordered.map((s) => (
          <li key={s.id} className={`status-card state-${stateClass(s.state)}`} data-source={s.id} data-state={s.state}>
            <button
              type="button"
              className="status-summary"
              aria-expanded={open === s.id}
              aria-controls="status-detail"
              aria-label={`${s.id}: ${s.state}, ${s.eventsReturned} events returned of ${s.eventsScanned} records read; details`}
              onClick={() => setOpen(open === s.id ? null : s.id)}
            >
              <i className="dot" style={{ background: colors.get(s.id) }} aria-hidden="true" />
              <span className="status-id">{s.id}</span>
              <span className={`badge ${stateClass(s.state)}`}>{s.state}</span>
              <span className="status-counts mono" title="events returned / records read">
                {formatCount(s.eventsReturned)} / {formatCount(s.eventsScanned)}
              </span>
            </button>
            {isIncomplete(s.state) && <p className="status-message error-text">{s.messages.join(' | ') || 'no message'}</p>}
          </li>
        ))}
      </ul>
      {shown && <SourceDetail s={shown} />}
    </section>
  );
}
