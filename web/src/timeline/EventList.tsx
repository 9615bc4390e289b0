import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import { formatClock, formatDay } from '../ui/format';
import type { EventEdge } from './pages';

export const ROW_HEIGHT = 30;
/** start loading the next page this many rows before the end, so that a steady scroll rarely waits */
const PREFETCH_ROWS = 150;

export const edgeKey = (e: EventEdge) => `${e.node.source.id}/${e.node.id}`;

interface Props {
  label: string;
  edges: EventEdge[];
  hasNextPage: boolean;
  loadingMore: boolean;
  loadMore: () => void;
  /** an error while loading more: shown as the last row, with a retry */
  error?: Error | null;
  retry?: () => void;
  selected: number;
  onSelect: (index: number) => void;
  colors: Map<string, string>;
  /** show each edge's evidence (identity and run timelines) */
  evidence?: boolean;
  empty?: string;
  /** narrower columns (the detail is open beside the list) */
  compact?: boolean;
  /** the first page is on its way */
  loading?: boolean;
}

function target(edge: EventEdge): string {
  const t = edge.node.targets[0];
  if (!t) return '';
  const more = edge.node.targets.length > 1 ? ` +${edge.node.targets.length - 1}` : '';
  return `${t.namespace ? `${t.namespace}/` : ''}${t.name}${more}`;
}

interface RowProps {
  edge: EventEdge;
  index: number;
  start: number;
  selected: boolean;
  columns: string;
  colors: Map<string, string>;
  evidence: boolean;
  onSelect: (index: number) => void;
}

/** One event's row; memoized, so that a scroll renders only the rows that come into view. */
const Row = memo(function Row({ edge, index, start, selected, columns, colors, evidence, onSelect }: RowProps) {
  const e = edge.node;
  const t = target(edge);
  return (
    <div
      id={`row-${index}`}
      className={`${columns}${selected ? ' selected' : ''}${e.outcome === 'FAILURE' ? ' failure' : ''}`}
      style={{ transform: `translateY(${start}px)`, height: ROW_HEIGHT }}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-index={index}
      onClick={() => onSelect(index)}
    >
      <span role="cell" className="c-time mono" title={e.time}>
        <span className="day">{formatDay(e.time)} </span>
        {formatClock(e.time)}
      </span>
      <span role="cell" className="c-source source-cell" title={`${e.source.id} (${e.source.type})`}>
        <i className="dot" style={{ background: colors.get(e.source.id) }} aria-hidden="true" />
        {e.source.id}
      </span>
      <span role="cell" className="c-action mono" title={e.action}>
        {e.action}
      </span>
      <span role="cell" className="c-actor" title={`${e.actor.name} (${e.actor.type})`}>
        {e.actor.name}
      </span>
      <span role="cell" className="c-target target-cell" title={t}>
        {t}
      </span>
      <span role="cell" className={`c-outcome outcome outcome-${e.outcome.toLowerCase()}`}>
        {e.outcome}
      </span>
      <span role="cell" className="c-ip mono">
        {e.sourceIp ?? ''}
      </span>
      {evidence && (
        <span role="cell" className="c-evidence evidence-cell" title={edge.evidence.join('\n')}>
          {edge.evidence[0] ?? ''}
        </span>
      )}
    </div>
  );
});

/** The time-ordered events, virtualized (only the rows on screen are in the DOM), paging on as it scrolls. */
export function EventList({ label, edges, hasNextPage, loadingMore, loadMore, error, retry, selected, onSelect, colors, evidence, empty, compact, loading }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const count = edges.length + (hasNextPage || error ? 1 : 0);
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1].index : -1;

  useEffect(() => {
    if (hasNextPage && !loadingMore && !error && lastIndex >= edges.length - PREFETCH_ROWS) loadMore();
  }, [lastIndex, edges.length, hasNextPage, loadingMore, error, loadMore]);

  useEffect(() => {
    if (selected >= 0 && selected < edges.length) virtualizer.scrollToIndex(selected, { align: 'auto' });
  }, [selected, edges.length, virtualizer]);

  const columns = `list-row${evidence ? ' with-evidence' : ''}${compact ? ' compact' : ''}`;
  return (
    <div className="event-list" role="table" aria-label={label} aria-rowcount={edges.length + 1} data-loaded={edges.length} data-loading={loading ? 'true' : 'false'} data-complete={!loading && !hasNextPage && !error ? 'true' : 'false'}>
      <div className={`${columns} list-head`} role="row" aria-rowindex={1}>
        <span role="columnheader" className="c-time">
          Time (UTC)
        </span>
        <span role="columnheader" className="c-source">
          Source
        </span>
        <span role="columnheader" className="c-action">
          Action
        </span>
        <span role="columnheader" className="c-actor">
          Actor
        </span>
        <span role="columnheader" className="c-target target-cell">
          Target
        </span>
        <span role="columnheader" className="c-outcome">
          Outcome
        </span>
        <span role="columnheader" className="c-ip">
          Source IP
        </span>
        {evidence && (
          <span role="columnheader" className="c-evidence">
            Evidence
          </span>
        )}
      </div>
      <div
        className="list-scroll"
        ref={scroller}
        tabIndex={0}
        aria-label={`${label}: j and k move, enter opens`}
        aria-activedescendant={selected >= 0 && selected < edges.length ? `row-${selected}` : undefined}
      >
        {edges.length === 0 && !hasNextPage && !error && <p className="list-empty">{loading ? 'Loading…' : (empty ?? 'No events match.')}</p>}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const style = { transform: `translateY(${item.start}px)`, height: ROW_HEIGHT };
            if (item.index >= edges.length) {
              return (
                <div key="more" className="list-row list-more" style={style} role="row" aria-rowindex={item.index + 2}>
                  {error ? (
                    <span role="cell" className="error-text">
                      Loading more failed: {error.message}{' '}
                      <button type="button" onClick={retry}>
                        Retry
                      </button>
                    </span>
                  ) : (
                    <span role="cell">Loading more events…</span>
                  )}
                </div>
              );
            }
            return <Row key={edgeKey(edges[item.index])} edge={edges[item.index]} index={item.index} start={item.start} selected={item.index === selected} columns={columns} colors={colors} evidence={!!evidence} onSelect={onSelect} />;
          })}
        </div>
      </div>
    </div>
  );
}
