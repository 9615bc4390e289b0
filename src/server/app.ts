import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config';
import { expandIdentities } from '../correlation/expand';
import { QueryEngine } from '../query/engine';
import { buildAuditgraphSchema } from '../schema/build';
import { hideLocations } from './auth/disclosure';
import { authAtStartup } from './auth/listen';
import { createLogger } from './logger';
import { Pipeline } from './pipeline';
import { ConfigError } from '../config/errors';
import { useAccessLog } from './plugins/use-access-log';
import { useAuthentication } from './plugins/use-authentication';
import { useCallerLimits } from './plugins/use-caller-limits';
import { useExport } from './plugins/use-export';
import { useTail } from './plugins/use-tail';
import { useGraphQL } from './plugins/use-graphql';
import { useHealth } from './plugins/use-health';
import { hostChecker, useHostCheck } from './plugins/use-host-check';
import { useLocationHiding } from './plugins/use-location-hiding';
import { useQueryLimits } from './plugins/use-query-limits';
import { useMetrics, type EngineState } from './plugins/use-metrics';
import { useRequestLog } from './plugins/use-request-log';
import { useTracing } from './plugins/use-tracing';
import { SourceReadiness } from './readiness';
import { runtime } from './runtime';
import { useUi } from './plugins/use-ui';
import type { ServerPlugin } from './plugins/types';
import { RequestContexts } from './request-context';
import { Redactor } from '../sources/shared/redaction';
import { allowedOrigins, originVerdict, useCors } from './plugins/use-cors';
import { useExplorer } from './plugins/use-explorer';
import { attachSubscriptions } from './subscriptions';
import { DEFAULT_PAGE_CACHE, PageCache } from '../query/page-cache';
import { ReadSlots } from '../query/read-slots';
import { fileCache } from '../query/file-cache';

export { formatError } from './graphql/format-error';

export interface RunningServer {
  url: string;
  port: number;
  engine: QueryEngine;
  /** from an HTTP request to the caller's authenticated, authorized context: for every route over the data */
  contexts: RequestContexts;
  /** start-up lines: how callers are authenticated, and what could not be checked yet */
  notices: string[];
  logger: Logger;
  /**
   * Stops taking requests, lets those in flight finish (a page being read completes and is sent) for up to
   * `graceMs`, then stops what is left.
   */
  close(opts?: { graceMs?: number }): Promise<void>;
}

export interface StartOptions {
  port?: number;
  host?: string;
  /** where the server logs (default: JSON lines on stdout at `logging.level`) */
  logger?: Logger;
  /** with `tracing.enabled`, where spans go instead of OTLP (tests: an in-memory exporter) */
  spanExporter?: SpanExporter;
  /** the built UI (default: dist/web) */
  uiDir?: string;
}

/**
 * The server, assembled from its plugins in request order: request id and log, Host check, authentication,
 * then the routes (/healthz, /export, /tail, /graphql, the UI at /). Each concern is one `useX(options)` plugin in src/server/plugins.
 */
export async function startServer(config: AppConfig, opts: StartOptions = {}): Promise<RunningServer> {
  const logger = opts.logger ?? createLogger(config.logging);
  const host = opts.host ?? config.server.host;
  // refuses, before anything starts, to serve a non-loopback address without authentication
  const notices = [authAtStartup(config.auth, host), ...config.auth.warnings.map((w) => `warning: ${w}`)];
  const pageCache = new PageCache({ ...DEFAULT_PAGE_CACHE, maxBytes: config.query.pageCacheBytes });
  // off (0): no cache at all, so that archive sources read as they do without one (prefiltered, unkept)
  const files = config.query.fileCacheBytes > 0 ? fileCache(config.query.fileCacheBytes) : undefined;
  const engine = new QueryEngine(config.sources, {
    deadlineMs: config.query.deadlineMs,
    sourceTimeoutMs: config.query.sourceTimeoutMs,
    cursorSecret: config.query.cursorSecrets,
    expandIdentity: (values) => expandIdentities(values, config.identity),
    redactor: new Redactor(config.redaction),
    pageCache,
    fileCache: files,
    readSlots: new ReadSlots(config.query.maxConcurrentReads),
  });
  const engineState = (): EngineState => ({
    readsActive: engine.readSlots.active,
    readsWaiting: engine.readSlots.pending,
    readsQueued: engine.readSlots.queued,
    readsShared: engine.sharedPages.joined,
    suspendedReads: engine.parking.size,
    readsContinued: engine.parking.continued,
    pageCacheBytes: pageCache.weight,
    pageCacheEntries: pageCache.size,
    pageCacheHits: pageCache.hits,
    pageCacheMisses: pageCache.misses,
    pageCacheEvictions: pageCache.evictions,
    fileCacheBytes: files?.weight ?? 0,
    fileCacheEntries: files?.size ?? 0,
    fileCacheHits: files?.hits ?? 0,
    fileCacheMisses: files?.misses ?? 0,
  });
  if (!config.redaction.enabled) notices.push('warning: redaction is off (redaction.enabled: false): raw records, Kubernetes Secret data and credential headers among them, go out as the sources returned them');
  const contexts = new RequestContexts(config, engine);
  await contexts.authenticator.oidc?.prepare().catch((err: Error) => notices.push(`warning: ${err.message}; tokens are refused (503) until the issuer answers`));

  const readiness = new SourceReadiness(config.sources, logger);
  const version = runtime().auditgraph;
  let accessLog: ServerPlugin | undefined;
  try {
    accessLog = config.accessLog && useAccessLog(config.accessLog, logger);
  } catch (err) {
    throw new ConfigError('accessLog.path', (err as Error).message);
  }
  notices.push(
    config.accessLog
      ? `access log: every API request is recorded in ${config.accessLog.path} (hash-chained NDJSON, rotated at ${config.accessLog.maxBytes} bytes; check it with verify-log)`
      : 'access log: off (no accessLog: in the config), requests are not recorded',
  );
  const plugins: ServerPlugin[] = [
    useRequestLog(),
    useTracing({ config: config.tracing, version, exporter: opts.spanExporter }),
    ...(config.metrics.enabled ? [useMetrics({ sourceIds: config.sources.map((s) => s.id), version, authRequired: contexts.authenticator.required, sourceHealth: () => readiness.known(), engineState })] : []),
    useHostCheck({ allowedHosts: config.server.allowedHosts, listenHost: host }),
    // before authentication, so that refused requests are recorded too
    ...(accessLog ? [accessLog] : []),
    // before authentication: a preflight carries no credential, and a foreign page's request is refused unread
    useCors({ origins: config.server.corsOrigins }),
    useExplorer(),
    useAuthentication({ contexts }),
    useCallerLimits(config.limits.perCaller),
    useHealth({ sources: config.sources, showSources: !contexts.authenticator.required, readiness }),
    useQueryLimits({ limits: config.limits, sourceCount: config.sources.length }),
  ];
  const locations = useLocationHiding({ sources: config.sources });
  plugins.push(locations);
  plugins.push(
    await useGraphQL({
      schema: hideLocations(await buildAuditgraphSchema(), locations.hider),
      config,
      contributions: plugins.flatMap((p) => (p.graphql ? [p.graphql] : [])),
    }),
  );
  // the plain-HTTP data routes: they run on the caller context authentication made (`ex.context`)
  plugins.push(useExport(), useTail());
  // last: its `/` route is the catch-all
  const has = (name: string) => plugins.some((p) => p.name === name);
  plugins.push(useUi({ config, dir: opts.uiDir, features: { export: has('export'), tail: has('tail') } }));

  const pipeline = new Pipeline(plugins, logger);
  const tls = config.server.tls;
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, pipeline.listener) : http.createServer(pipeline.listener);
  if (tls) notices.push(`tls: serving HTTPS with the certificate in ${tls.certFile}`);
  const origins = allowedOrigins(config.server.corsOrigins);
  const hostCheck = hostChecker({ allowedHosts: config.server.allowedHosts, listenHost: host });
  const subscriptions = attachSubscriptions(server, await buildAuditgraphSchema(), contexts, logger, {
    host: (header) => hostCheck(header),
    origin: (headers) => originVerdict(headers, origins) !== 'refused',
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? config.server.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  const close = async (graceMs: number): Promise<void> => {
    pipeline.drain();
    for (const p of plugins) p.onDrain?.();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    if (!(await pipeline.idle(graceMs))) {
      logger.warn({ requestsInFlight: pipeline.requestsInFlight, graceMs }, 'stopping requests still running after the shutdown grace period');
      pipeline.abortAll('the server is shutting down');
      await pipeline.idle(1_000);
    }
    await subscriptions.close();
    engine.close();
    server.closeAllConnections();
    await closed;
    for (const p of [...plugins].reverse()) await p.onClose?.();
  };
  return {
    url: `${tls ? 'https' : 'http'}://${urlHost}:${port}/graphql`,
    port,
    engine,
    contexts,
    notices,
    logger,
    close: (o = {}) => (closing ??= close(o.graceMs ?? config.query.deadlineMs + 5_000)),
  };
}
