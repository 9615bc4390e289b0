import { useCallback, useEffect, useMemo, useState } from 'react';
import { EventDetail } from '../event/EventDetail';
import type { EventRef } from '../search/state';
import { SourceStatusPanel } from '../status/SourceStatusPanel';
import { formatCount } from '../ui/format';
import { useShortcuts } from '../ui/keys';
import { EventList } from './EventList';
import { Histogram, type HistogramData } from './Histogram';
import type { EventPages } from './pages';

interface Props {
  label: string;
  pages: EventPages;
  histogram?: { data?: HistogramData; error: Error | null; loading: boolean };
  colors: Map<string, string>;
  evidence?: boolean;
  /** the event whose detail is open (held in the URL by the page) */
  open?: EventRef;
  onOpen: (ref: EventRef | undefined, opts?: { replace?: boolean }) => void;
  onZoom?: (from: string, to: string) => void;
  empty?: string;
}

const refOf = (e: { node: { source: { id: string }; id: string; time: string } }): EventRef => ({ source: e.node.source.id, id: e.node.id, time: e.node.time });

/** Status, histogram, the virtualized list and the detail of the open event, with j/k/enter/escape. */
export function Timeline({ label, pages, histogram, colors, evidence, open, onOpen, onZoom, empty }: Props) {
  const { edges } = pages;
  const openIndex = useMemo(() => (open ? edges.findIndex((e) => e.node.source.id === open.source && e.node.id === open.id) : -1), [open, edges]);
  const [selected, setSelected] = useState(-1);
  useEffect(() => {
    if (openIndex >= 0) setSelected(openIndex);
  }, [openIndex]);

  const move = useCallback(
    (delta: number) => {
      if (edges.length === 0) return;
      const next = Math.min(edges.length - 1, Math.max(0, (selected < 0 ? -1 : selected) + delta));
      setSelected(next);
      // with the detail open, it follows the selection (without a history entry per step)
      if (open) onOpen(refOf(edges[next]), { replace: true });
    },
    [edges, selected, open, onOpen],
  );
  useShortcuts({
    j: () => move(1),
    k: () => move(-1),
    Enter: () => {
      if (selected >= 0 && selected < edges.length) onOpen(refOf(edges[selected]));
    },
    Escape: () => open && onOpen(undefined),
  });

  const select = useCallback(
    (i: number) => {
      setSelected(i);
      onOpen(refOf(edges[i]));
    },
    [edges, onOpen],
  );
  const openEvidence = openIndex >= 0 ? edges[openIndex].evidence : undefined;

  return (
    <div className="timeline">
      <SourceStatusPanel statuses={pages.statuses} colors={colors} pages={pages.pages.length} />
      {histogram && (
        <div className="histogram-slot">
          {histogram.data ? (
            <Histogram data={histogram.data} colors={colors} onZoom={onZoom ?? (() => undefined)} />
          ) : histogram.error ? (
            <p className="error-text">The histogram could not be counted: {histogram.error.message}</p>
          ) : (
            <p className="muted histogram-loading">Counting events over the window…</p>
          )}
        </div>
      )}
      <div className={open ? 'list-and-detail with-detail' : 'list-and-detail'}>
        <div className="list-column">
          <p className="list-caption" aria-live="polite">
            {pages.loading ? (
              'Loading the first events…'
            ) : (
              <>
                <strong>{formatCount(edges.length)}</strong> events loaded{pages.hasNextPage ? ', more as you scroll' : ', all of them'}
                {pages.loadingMore && ' · loading more…'}
              </>
            )}
          </p>
          {pages.error && edges.length === 0 ? (
            <div className="alert" role="alert">
              <strong>The query failed:</strong> {pages.error.message}
            </div>
          ) : (
            <EventList
              label={label}
              edges={edges}
              hasNextPage={pages.hasNextPage}
              loadingMore={pages.loadingMore}
              loadMore={pages.loadMore}
              error={edges.length > 0 ? pages.error : null}
              retry={pages.loadMore}
              selected={selected}
              onSelect={select}
              colors={colors}
              evidence={evidence}
              compact={!!open}
              loading={pages.loading}
              empty={empty}
            />
          )}
        </div>
        {open && <EventDetail key={`${open.source}/${open.id}`} eventRef={open} evidence={openEvidence} onClose={() => onOpen(undefined)} colors={colors} />}
      </div>
    </div>
  );
}
