import JsonView from '@uiw/react-json-view';
import type { HTMLAttributes } from 'react';
import { countRedacted, isRedacted, markerSpans } from './redaction';

interface ValueProps extends HTMLAttributes<HTMLSpanElement> {
  type: string;
  value?: unknown;
  [k: string]: unknown;
}

/**
 * A redacted value, or the redacted spans of a text, are shown as such (never as an ordinary string), with an
 * accessible name that says so.
 */
function value({ type, value: v }: ValueProps) {
  if (type === 'string' && isRedacted(v)) {
    return (
      <span className="json-string">
        "
        {markerSpans(String(v)).map((span, i) =>
          span.marker ? (
            <span key={i} className="redacted" title="removed by the server's redaction (redaction: in its config) or withheld by your roles" aria-label="redacted value">
              {span.text}
            </span>
          ) : (
            <span key={i}>{span.text}</span>
          ),
        )}
        "
      </span>
    );
  }
  return undefined;
}

/** The record exactly as the source returned it, as a collapsible tree. */
export function RawRecord({ value: record }: { value: unknown }) {
  const redacted = countRedacted(record);
  const tree = record !== null && typeof record === 'object' ? record : { value: record };
  return (
    <div className="raw-record">
      {redacted > 0 && (
        <p className="warning" role="note">
          {redacted} value{redacted === 1 ? ' is' : 's are'} redacted for you (marked below).
        </p>
      )}
      <JsonView
        value={tree}
        collapsed={3}
        displayDataTypes={false}
        shortenTextAfterLength={120}
        highlightUpdates={false}
        className="json-view"
        components={{ value: value as never }}
      />
    </div>
  );
}
