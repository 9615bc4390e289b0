import { useLayoutEffect, useRef, useState, type PointerEvent } from 'react';
import type { EventHistogramQuery } from '../generated/graphql';
import { formatCount, formatSpan, formatTime } from '../ui/format';

export type HistogramData = EventHistogramQuery['histogram'];

interface Props {
  data: HistogramData;
  colors: Map<string, string>;
  /** a brushed (or clicked) range, to zoom the search to */
  onZoom: (from: string, to: string) => void;
  height?: number;
}

const TICKS_MS = [1, 5, 10, 30, 60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800].map((s) => s * 1000);
const M = { left: 44, right: 8, top: 8, bottom: 22 };

function ticks(from: number, to: number, width: number): number[] {
  const want = Math.max(2, Math.floor(width / 110));
  const step = TICKS_MS.find((s) => (to - from) / s <= want) ?? TICKS_MS[TICKS_MS.length - 1];
  const out: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) out.push(t);
  return out;
}

function tickLabel(t: number, spanMs: number): string {
  const iso = new Date(t).toISOString();
  if (spanMs > 2 * 86_400_000) return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
  if (spanMs < 120_000) return iso.slice(11, 19);
  return iso.slice(11, 16);
}

/** ~nice upper bound for the y axis */
function niceMax(n: number): number {
  if (n <= 5) return Math.max(1, n);
  const p = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 2.5, 5, 10].map((f) => f * p).find((v) => v >= n) ?? n;
}

/** Events per source over the window as stacked bars; drag across it to zoom the search to a range. */
export function Histogram({ data, colors, onZoom, height = 132 }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  const [brush, setBrush] = useState<{ x0: number; x1: number } | null>(null);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(([entry]) => setWidth(Math.max(200, Math.floor(entry.contentRect.width))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const from = Date.parse(data.window.from);
  const to = Date.parse(data.window.to);
  const span = to - from;
  const innerW = width - M.left - M.right;
  const innerH = height - M.top - M.bottom;
  const x = (t: number) => M.left + ((Math.min(Math.max(t, from), to) - from) / span) * innerW;
  const timeAt = (px: number) => from + ((Math.min(Math.max(px, M.left), M.left + innerW) - M.left) / innerW) * span;
  const starts = data.bucketStarts.map((s) => Date.parse(s));
  const stacked = starts.map((_, i) => data.series.reduce((n, s) => n + (s.counts[i] ?? 0), 0));
  const top = niceMax(Math.max(0, ...stacked));
  const y = (n: number) => M.top + innerH - (n / top) * innerH;
  const total = data.series.reduce((n, s) => n + s.total, 0);
  const incomplete = data.series.filter((s) => !s.complete);

  const px = (e: PointerEvent<SVGSVGElement>) => e.clientX - e.currentTarget.getBoundingClientRect().left;
  const down = (e: PointerEvent<SVGSVGElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    const p = px(e);
    setBrush({ x0: p, x1: p });
  };
  const move = (e: PointerEvent<SVGSVGElement>) => {
    if (brush) setBrush({ ...brush, x1: px(e) });
  };
  const up = (e: PointerEvent<SVGSVGElement>) => {
    if (!brush) return;
    const x1 = px(e);
    setBrush(null);
    let a = timeAt(Math.min(brush.x0, x1));
    let b = timeAt(Math.max(brush.x0, x1));
    if (Math.abs(x1 - brush.x0) < 4) {
      // a click zooms to the bucket under the pointer
      const i = starts.findIndex((s) => a >= s && a < s + data.bucketMs);
      if (i < 0) return;
      a = Math.max(from, starts[i]);
      b = Math.min(to, starts[i] + data.bucketMs);
    }
    a = Math.floor(a / 1000) * 1000;
    b = Math.ceil(b / 1000) * 1000;
    if (b - a >= 1000) onZoom(new Date(a).toISOString(), new Date(b).toISOString());
  };

  const summary = `${formatCount(total)} events per ${formatSpan(data.bucketMs)}: ${data.series.map((s) => `${s.source.id} ${formatCount(s.total)}`).join(', ')}`;
  return (
    <section className="histogram" aria-label="Events over the window">
      <div className="histogram-head">
        <span>
          <strong>{formatCount(total)}</strong> events, per {formatSpan(data.bucketMs)} · drag to zoom
        </span>
        <ul className="legend" aria-label="Events per source">
          {data.series.map((s) => (
            <li key={s.source.id} className={s.complete ? undefined : 'incomplete'} data-source={s.source.id} data-total={s.total}>
              <i className="dot" style={{ background: colors.get(s.source.id) }} aria-hidden="true" />
              {s.source.id} <span className="mono">{formatCount(s.total)}</span>
              {!s.complete && <span className="badge warn">partial</span>}
            </li>
          ))}
        </ul>
      </div>
      {incomplete.length > 0 && (
        <p className="warning" role="status">
          Not every event was counted:{' '}
          {incomplete
            .map((s) => `${s.source.id} ${s.counted ? `counted ${formatTime(s.counted.from)} – ${formatTime(s.counted.to)} only` : 'counted nothing'}`)
            .join('; ')}{' '}
          (see its status).
        </p>
      )}
      <div ref={box} className="histogram-box">
        <svg width={width} height={height} role="img" aria-label={summary} onPointerDown={down} onPointerMove={move} onPointerUp={up} onPointerCancel={() => setBrush(null)}>
          <defs>
            <pattern id="uncounted" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
              <rect width="3" height="6" className="uncounted-stripe" />
            </pattern>
          </defs>
          {(top % 2 === 0 ? [0, top / 2, top] : [0, top]).map((v) => (
            <g key={v}>
              <line x1={M.left} x2={M.left + innerW} y1={y(v)} y2={y(v)} className="grid" />
              <text x={M.left - 6} y={y(v) + 4} textAnchor="end" className="axis">
                {formatCount(Math.round(v))}
              </text>
            </g>
          ))}
          {incomplete.map((s) => {
            const counted = s.counted ? [Date.parse(s.counted.from), Date.parse(s.counted.to)] : [to, to];
            return (
              <g key={`u-${s.source.id}`}>
                {counted[0] > from && <rect x={x(from)} width={x(counted[0]) - x(from)} y={M.top} height={innerH} fill="url(#uncounted)" />}
                {counted[1] < to && <rect x={x(counted[1])} width={x(to) - x(counted[1])} y={M.top} height={innerH} fill="url(#uncounted)" />}
              </g>
            );
          })}
          {starts.map((start, i) => {
            const x0 = x(start);
            const w = Math.max(1, x(start + data.bucketMs) - x0 - 1);
            let acc = 0;
            return (
              <g key={start}>
                <title>{`${formatTime(new Date(Math.max(start, from)).toISOString())}: ${data.series.map((s) => `${s.source.id} ${s.counts[i] ?? 0}`).join(', ')}`}</title>
                {data.series.map((s) => {
                  const n = s.counts[i] ?? 0;
                  if (n === 0) return null;
                  const y0 = y(acc + n);
                  const h = y(acc) - y0;
                  acc += n;
                  return <rect key={s.source.id} x={x0} width={w} y={y0} height={Math.max(h, 1)} fill={colors.get(s.source.id)} />;
                })}
              </g>
            );
          })}
          <line x1={M.left} x2={M.left + innerW} y1={M.top + innerH} y2={M.top + innerH} className="axis-line" />
          {ticks(from, to, innerW).map((t) => (
            <text key={t} x={x(t)} y={height - 6} textAnchor={x(t) > M.left + innerW - 30 ? 'end' : x(t) < M.left + 30 ? 'start' : 'middle'} className="axis">
              {tickLabel(t, span)}
            </text>
          ))}
          {brush && <rect className="brush" x={Math.min(brush.x0, brush.x1)} width={Math.abs(brush.x1 - brush.x0)} y={M.top} height={innerH} />}
        </svg>
      </div>
    </section>
  );
}
