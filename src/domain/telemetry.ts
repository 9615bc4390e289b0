import type { SourceErrorCode } from './source';
import type { SourceStatus } from './status';

/**
 * What the lower layers publish for whoever watches (metrics, src/server/plugins/use-metrics.ts), on Node's
 * diagnostics channels: nothing is counted unless someone subscribes, and no layer reaches up to the server.
 */

/** one upstream request (API call) made through callUpstream (src/sources/shared/upstream.ts) */
export const UPSTREAM_CALL_CHANNEL = 'auditgraph:upstream-call';

export interface UpstreamCallEvent {
  sourceId: string;
  /** what was called (`LookupEvents`, `GET /api/v1/logs`), when the source says */
  operation?: string;
  outcome: 'ok' | 'throttled' | 'error' | 'aborted';
  /** the typed error of a failed call */
  errorCode?: SourceErrorCode;
  durationMs: number;
}

/** one source's part in one page of the engine, once the page is done */
export const SOURCE_PAGE_CHANNEL = 'auditgraph:source-page';

export interface SourcePageEvent {
  status: SourceStatus;
}
