import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ApolloServerPlugin } from '@apollo/server';
import { Kind } from 'graphql';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ErrorCode, SOURCE_PAGE_CHANNEL, UPSTREAM_CALL_CHANNEL, type SourcePageEvent, type UpstreamCallEvent } from '../../domain';
import type { RequestContext } from '../../resolvers/context';
import { sendError } from '../http';
import type { ServerPlugin } from './types';

export interface MetricsOptions {
  /** the configured sources, so that each has its series from the start (a rate of nothing is 0, not absent) */
  sourceIds: readonly string[];
  version: string;
  /** when callers must authenticate, /metrics needs an admin caller (the series name every source) */
  authRequired: boolean;
  /** the last known health of each source (from /readyz), for `auditgraph_source_up` */
  sourceHealth: () => ReadonlyMap<string, boolean>;
  /** what the engine holds and shares right now (read slots, shared reads, suspended reads, the page cache) */
  engineState?: () => EngineState;
}

/** The engine's own figures, read when /metrics is scraped. */
export interface EngineState {
  readsActive: number;
  readsWaiting: number;
  /** since start: reads that waited for a slot, reads answered by another identical read */
  readsQueued: number;
  readsShared: number;
  suspendedReads: number;
  /** since start: suspended reads a later page continued */
  readsContinued: number;
  pageCacheBytes: number;
  pageCacheEntries: number;
  /** since start */
  pageCacheHits: number;
  pageCacheMisses: number;
  pageCacheEvictions: number;
  fileCacheBytes: number;
  fileCacheEntries: number;
  /** since start */
  fileCacheHits: number;
  fileCacheMisses: number;
}

const METHODS = new Set(['GET', 'POST', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'PATCH']);
/** seconds: from a cached archive page to a page that waits out the query deadline */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * `GET /metrics` in the Prometheus text format (prom-client), on a registry of this server's own: per-source
 * upstream requests by outcome, errors by code, throttles and latency (from every callUpstream, on the
 * upstream-call channel); per-source pages by state, events scanned and returned and time taken (from the engine,
 * on the source-page channel); per-operation counts, errors by code and latency; HTTP requests by route and status;
 * and the process's own metrics (CPU, memory, event-loop lag, GC). Label values come from the config and the
 * schema, never from what a caller sends.
 */
export function useMetrics(opts: MetricsOptions): ServerPlugin {
  const registers = [new Registry()];
  const [registry] = registers;
  collectDefaultMetrics({ register: registry });
  new Gauge({ name: 'auditgraph_build_info', help: 'auditgraph version and the Node.js it runs on (always 1)', labelNames: ['version', 'node'], registers }).set({ version: opts.version, node: process.version }, 1);
  new Gauge({
    name: 'auditgraph_source_up',
    help: 'whether the source answered its last health check (/readyz): 1 healthy, 0 not; absent until checked',
    labelNames: ['source'],
    registers,
    collect() {
      this.reset();
      for (const [source, ok] of opts.sourceHealth()) this.set({ source }, ok ? 1 : 0);
    },
  });

  if (opts.engineState) engineMetrics(opts.engineState, registers);
  const upstreamRequests = new Counter({ name: 'auditgraph_upstream_requests_total', help: 'upstream requests (API calls) by source and outcome: ok, throttled, error, aborted', labelNames: ['source', 'outcome'], registers });
  const upstreamErrors = new Counter({ name: 'auditgraph_upstream_errors_total', help: 'failed upstream requests by source and error code (UNAUTHENTICATED, UPSTREAM_ERROR, UNREACHABLE…)', labelNames: ['source', 'code'], registers });
  const upstreamThrottles = new Counter({ name: 'auditgraph_upstream_throttles_total', help: 'throttling replies from the upstream (each waited for and retried, or given up)', labelNames: ['source'], registers });
  const upstreamLatency = new Histogram({ name: 'auditgraph_upstream_request_duration_seconds', help: 'time of one upstream request', labelNames: ['source'], buckets: LATENCY_BUCKETS, registers });
  const sourcePages = new Counter({ name: 'auditgraph_source_pages_total', help: 'pages a source took part in, by the state it ended in (OK, CLAMPED, FAILED, TIMED_OUT, THROTTLED)', labelNames: ['source', 'state'], registers });
  const scanned = new Counter({ name: 'auditgraph_source_events_scanned_total', help: 'records read from the source, before any local filter', labelNames: ['source'], registers });
  const returned = new Counter({ name: 'auditgraph_source_events_returned_total', help: 'events of the source returned in pages', labelNames: ['source'], registers });
  const malformed = new Counter({ name: 'auditgraph_source_records_malformed_total', help: 'records of the source that could not be read (counted, never dropped silently)', labelNames: ['source'], registers });
  const sourceLatency = new Histogram({ name: 'auditgraph_source_page_duration_seconds', help: "time of one source's part in one page", labelNames: ['source'], buckets: LATENCY_BUCKETS, registers });
  const operations = new Counter({ name: 'auditgraph_graphql_operations_total', help: 'GraphQL operations by type, root field and outcome (ok, error)', labelNames: ['type', 'field', 'outcome'], registers });
  const operationErrors = new Counter({ name: 'auditgraph_graphql_errors_total', help: 'errors in GraphQL responses by extensions.code (limits, bad input, failed sources…)', labelNames: ['code'], registers });
  const operationLatency = new Histogram({ name: 'auditgraph_graphql_operation_duration_seconds', help: 'time of one GraphQL operation, from the parsed request to the response', labelNames: ['type', 'field'], buckets: LATENCY_BUCKETS, registers });
  const httpRequests = new Counter({ name: 'auditgraph_http_requests_total', help: 'HTTP requests by route, method and status', labelNames: ['route', 'method', 'status'], registers });
  const httpLatency = new Histogram({ name: 'auditgraph_http_request_duration_seconds', help: 'time of one HTTP request until its response ended', labelNames: ['route', 'method'], buckets: LATENCY_BUCKETS, registers });

  for (const source of opts.sourceIds) {
    for (const outcome of ['ok', 'throttled', 'error']) upstreamRequests.inc({ source, outcome }, 0);
    upstreamThrottles.inc({ source }, 0);
    scanned.inc({ source }, 0);
    returned.inc({ source }, 0);
    malformed.inc({ source }, 0);
  }

  const known = new Set(opts.sourceIds);
  const onUpstream = (message: unknown) => {
    const e = message as UpstreamCallEvent;
    // identity lookups borrow a source's id; anything else is not a configured source and gets no series
    if (!known.has(e.sourceId)) return;
    upstreamRequests.inc({ source: e.sourceId, outcome: e.outcome });
    upstreamLatency.observe({ source: e.sourceId }, e.durationMs / 1000);
    if (e.outcome === 'throttled') upstreamThrottles.inc({ source: e.sourceId });
    if (e.outcome === 'error' && e.errorCode) upstreamErrors.inc({ source: e.sourceId, code: e.errorCode });
  };
  const onPage = (message: unknown) => {
    const { status } = message as SourcePageEvent;
    if (!known.has(status.sourceId)) return;
    const source = status.sourceId;
    sourcePages.inc({ source, state: status.state });
    scanned.inc({ source }, status.eventsScanned);
    returned.inc({ source }, status.eventsReturned);
    malformed.inc({ source }, status.malformed);
    sourceLatency.observe({ source }, status.durationMs / 1000);
  };
  subscribe(UPSTREAM_CALL_CHANNEL, onUpstream);
  subscribe(SOURCE_PAGE_CHANNEL, onPage);

  const knownCodes = new Set<string>([...Object.values(ErrorCode), 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST', 'INTERNAL_SERVER_ERROR', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE']);
  const apollo: ApolloServerPlugin<RequestContext> = {
    async requestDidStart() {
      const started = performance.now();
      let type = 'unknown';
      let fields: string[] = [''];
      return {
        async didResolveOperation({ operation }) {
          if (!operation) return;
          type = operation.operation;
          const names = operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
          fields = names.length ? [...new Set(names)] : [''];
        },
        async willSendResponse({ response }) {
          const seconds = (performance.now() - started) / 1000;
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          for (const e of errors) {
            const code = typeof e.extensions?.code === 'string' && knownCodes.has(e.extensions.code) ? e.extensions.code : 'OTHER';
            operationErrors.inc({ code });
          }
          for (const field of fields) {
            operations.inc({ type, field, outcome: errors.length ? 'error' : 'ok' });
            operationLatency.observe({ type, field }, seconds);
          }
        },
      };
    },
  };

  return {
    name: 'metrics',
    routes: [
      {
        path: '/metrics',
        methods: ['GET'],
        // behind authentication when callers must authenticate (an admin's API key in the scraper's config)
        kind: opts.authRequired ? 'api' : 'probe',
        handle: async (ex) => {
          if (opts.authRequired && !ex.context?.access.admin) {
            sendError(ex.res, 403, ErrorCode.FORBIDDEN, 'the metrics name every source: they are for callers with an admin role');
            return;
          }
          const text = await registry.metrics();
          ex.res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
          ex.res.end(text);
        },
      },
    ],
    async onRequest(ex, next) {
      const started = performance.now();
      ex.res.once('close', () => {
        const route = ex.route?.path ?? 'unmatched';
        const method = METHODS.has(ex.req.method ?? '') ? ex.req.method! : 'OTHER';
        httpRequests.inc({ route, method, status: String(ex.res.statusCode) });
        httpLatency.observe({ route, method }, (performance.now() - started) / 1000);
      });
      await next();
    },
    graphql: { plugins: [apollo] },
    onClose() {
      unsubscribe(UPSTREAM_CALL_CHANNEL, onUpstream);
      unsubscribe(SOURCE_PAGE_CHANNEL, onPage);
      registry.clear();
    },
  };
}

/** Gauges and counters read from the engine when scraped (its figures are kept by the engine, not here). */
function engineMetrics(state: () => EngineState, registers: Registry[]): void {
  const gauge = (name: string, help: string, value: (s: EngineState) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(value(state()));
      },
    });
  const counter = (name: string, help: string, value: (s: EngineState) => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        // the engine counts; the series shows its count (monotonic: reset, then the whole of it)
        this.reset();
        this.inc(value(state()));
      },
    });
  gauge('auditgraph_reads_active', 'pages being read now (at most query.maxConcurrentReads)', (s) => s.readsActive);
  gauge('auditgraph_reads_waiting', 'page reads waiting for a read slot', (s) => s.readsWaiting);
  counter('auditgraph_reads_queued_total', 'page reads that waited for a read slot', (s) => s.readsQueued);
  counter('auditgraph_reads_shared_total', 'page requests answered by an identical read already in flight', (s) => s.readsShared);
  gauge('auditgraph_suspended_reads', "sources' reads suspended at the end of a page, for the next page of its cursor", (s) => s.suspendedReads);
  counter('auditgraph_suspended_reads_continued_total', 'suspended reads a later page continued', (s) => s.readsContinued);
  gauge('auditgraph_page_cache_bytes', 'what the upstream page cache holds (bytes of JSON)', (s) => s.pageCacheBytes);
  gauge('auditgraph_page_cache_entries', 'upstream pages in the page cache', (s) => s.pageCacheEntries);
  counter('auditgraph_page_cache_hits_total', 'upstream pages served from the page cache instead of a request', (s) => s.pageCacheHits);
  counter('auditgraph_page_cache_misses_total', 'upstream pages the page cache did not hold (requested)', (s) => s.pageCacheMisses);
  counter('auditgraph_page_cache_evictions_total', 'pages evicted to keep the cache within query.pageCacheBytes', (s) => s.pageCacheEvictions);
  gauge('auditgraph_file_cache_bytes', 'what the decoded-file cache of the archive sources holds (bytes, estimated)', (s) => s.fileCacheBytes);
  gauge('auditgraph_file_cache_entries', 'archive files kept decoded', (s) => s.fileCacheEntries);
  counter('auditgraph_file_cache_hits_total', 'archive files served decoded instead of read', (s) => s.fileCacheHits);
  counter('auditgraph_file_cache_misses_total', 'archive files read (and kept when they fit)', (s) => s.fileCacheMisses);
}
