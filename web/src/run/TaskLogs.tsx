import { useInfiniteQuery } from '@tanstack/react-query';
import { request } from '../api/client';
import { markerSpans } from '../event/redaction';
import { RunLogsDocument, type RunLogsQuery } from '../generated/graphql';
import { formatCount } from '../ui/format';

type Logs = NonNullable<RunLogsQuery['run']>['logs'];

/** A line's text with the server's redaction markers shown as such. */
function Text({ text }: { text: string }) {
  return (
    <>
      {markerSpans(text).map((s, i) =>
        s.marker ? (
          <span key={i} className="redacted" aria-label="redacted value">
            {s.text}
          </span>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </>
  );
}

/** What the run's task containers printed (Run.logs), in time order, beside its timeline; more on demand. */
export function TaskLogs({ id }: { id: string }) {
  const q = useInfiniteQuery({
    queryKey: ['run-logs', id],
    queryFn: async ({ pageParam, signal }) => (await request(RunLogsDocument, { id, first: 500, after: pageParam }, signal)).run?.logs ?? null,
    initialPageParam: null as string | null,
    getNextPageParam: (last: Logs | null) => (last?.pageInfo.hasNextPage ? last.pageInfo.endCursor : undefined),
    staleTime: Infinity,
    retry: false,
  });
  const pages = (q.data?.pages ?? []).filter((p): p is Logs => p !== null);
  const lines = pages.flatMap((p) => p.lines);
  const notes = [...new Set(pages.flatMap((p) => p.notes))];
  const redactions = pages.reduce((n, p) => n + p.redactions, 0);
  return (
    <section className="card task-logs" aria-label="Task logs">
      <h2>Task logs</h2>
      {q.isPending ? (
        <p className="muted">Reading the task logs…</p>
      ) : q.error ? (
        <p className="error-text" role="alert">
          The task logs could not be read: {q.error.message}
        </p>
      ) : (
        <>
          <p className="muted">
            {formatCount(lines.length)} line{lines.length === 1 ? '' : 's'} of {pages[0]?.pods.join(', ') || 'no pods'}
            {redactions > 0 && `; ${redactions} secret value${redactions === 1 ? '' : 's'} redacted`}
          </p>
          {notes.map((n) => (
            <p key={n} className="warning" role="note">
              {n}
            </p>
          ))}
          {lines.length > 0 && (
            <ol className="log-lines" aria-label="Log lines">
              {lines.map((l, i) => (
                <li key={`${l.pod}/${l.container}/${l.timeNs}/${i}`} className={l.stream === 'STDERR' ? 'stderr' : 'stdout'}>
                  <span className="mono muted">{l.timeNs.replace('T', ' ').replace('Z', '')}</span> <span className="mono">{l.container}{l.restart ? `#${l.restart}` : ''}</span>{' '}
                  <span className="badge">{l.stream === 'STDERR' ? 'stderr' : 'stdout'}</span> <span className="mono log-text"><Text text={l.text} /></span>
                </li>
              ))}
            </ol>
          )}
          {q.hasNextPage && (
            <button type="button" onClick={() => void q.fetchNextPage()} disabled={q.isFetchingNextPage}>
              {q.isFetchingNextPage ? 'Loading…' : 'More lines'}
            </button>
          )}
        </>
      )}
    </section>
  );
}
