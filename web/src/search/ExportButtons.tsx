import { Download } from 'lucide-react';
import { useState } from 'react';
import { authHeaders } from '../auth/session';
import type { EventFilterInput, SortOrder } from '../generated/graphql';

export type ExportFormat = 'ndjson' | 'csv' | 'ocsf';

const FORMATS: { format: ExportFormat; label: string; ext: string }[] = [
  { format: 'ndjson', label: 'NDJSON', ext: 'ndjson' },
  { format: 'csv', label: 'CSV', ext: 'csv' },
  { format: 'ocsf', label: 'OCSF', ext: 'ocsf.json' },
];

/** A search's filter as the parameters of the plain-HTTP routes (`/export`, `/tail`: docs/export.md). */
export function filterParams(filter: EventFilterInput, params = new URLSearchParams()): URLSearchParams {
  for (const v of filter.identity ?? []) params.append('identity', v);
  for (const v of filter.sourceIp ?? []) params.append('sourceIp', v);
  for (const v of filter.action ?? []) params.append('action', v);
  for (const v of filter.runId ?? []) params.append('runId', v);
  for (const v of filter.outcome ?? []) params.append('outcome', v);
  for (const v of filter.sources ?? []) params.append('source', v);
  for (const v of filter.kinds ?? []) params.append('kind', v);
  if (filter.resource) params.set('resource', filter.resource);
  return params;
}

/** `GET /export` for the search on screen: the same absolute window, filter and order as the list. */
export function exportHref(format: ExportFormat, window: { from: string; to: string }, filter: EventFilterInput, order: SortOrder): string {
  return `/export?${filterParams(filter, new URLSearchParams({ format, from: window.from, to: window.to, order })).toString()}`;
}

/**
 * Export buttons for the current search. Without a credential a plain download link (the browser streams the
 * file to disk); with one, the file is fetched with the Authorization header, which a link cannot carry.
 */
export function ExportButtons({ window, filter, order }: { window: { from: string; to: string }; filter: EventFilterInput; order: SortOrder }) {
  const [error, setError] = useState<string | null>(null);
  const headers = authHeaders();
  const stamp = `${window.from}_${window.to}`.replace(/[:]/g, '');
  const fetchFile = async (href: string, name: string) => {
    setError(null);
    const res = await fetch(href, { headers });
    if (!res.ok) {
      setError(`export failed: ${res.status} ${await res.text()}`);
      return;
    }
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <div className="export" role="group" aria-label="Export this search">
      <Download size={14} aria-hidden="true" />
      {FORMATS.map(({ format, label, ext }) => {
        const href = exportHref(format, window, filter, order);
        const name = `auditgraph-${stamp}.${ext}`;
        return headers.authorization ? (
          <button key={format} type="button" className="subtle" onClick={() => void fetchFile(href, name)} aria-label={`Export as ${label}`}>
            {label}
          </button>
        ) : (
          <a key={format} className="button subtle" href={href} download={name} aria-label={`Export as ${label}`}>
            {label}
          </a>
        );
      })}
      {error && (
        <span className="error-text" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
