import type { Writable } from 'node:stream';
import { graphql, type GraphQLSchema } from 'graphql';
import type { AppConfig } from '../config/config';
import { ConfigError } from '../config/errors';
import { expandIdentities } from '../correlation/expand';
import { AuditgraphError, type SourceDeps } from '../domain';
import { exportWriter, parseFormat } from '../export/format';
import { pipeExport } from '../export/pipe';
import { eventRecord, summaryRecord } from '../export/record';
import { Tail } from '../query/tail';
import { parseDuration } from '../query/window';
import { Limiters } from '../query/limiter';
import { QueryEngine } from '../query/engine';
import { streamEvents } from '../query/stream';
import { createRequestContext, type RequestContext } from '../resolvers/context';
import { buildAuditgraphSchema } from '../schema/build';
import { resolveConfig } from '../server/main';
import { flag, parameterOf, parseQuery, positiveInt } from '../server/params';
import { SortOrder } from '../domain';
import type { Client, ExportProgressInfo, ExportResult } from './client';
import { CliError, EXIT } from './errors';
import { Redactor } from '../sources/shared/redaction';
import { DEFAULT_PAGE_CACHE, PageCache } from '../query/page-cache';

/** A local error as the CLI shows it: a bad parameter is a usage error, like the server's 400. */
function asCliError(err: unknown): unknown {
  if (err instanceof ConfigError) return new CliError(`config: ${err.message}`, EXIT.USAGE, 'CONFIG');
  if (err instanceof AuditgraphError) {
    const usage = ['BAD_PARAMETER', 'BAD_WINDOW', 'BAD_FILTER', 'UNKNOWN_SOURCE', 'BAD_PAGE_SIZE', 'NO_SOURCES'].includes(err.code);
    const parameter = parameterOf(err);
    return new CliError(`${err.message} (${err.code}${parameter ? `, parameter ${parameter}` : ''})`, usage ? EXIT.USAGE : EXIT.FAILED, err.code);
  }
  return err;
}

/**
 * auditgraph inside the CLI's own process, on `--config FILE` (or AUDITGRAPH_CONFIG) or the bundled demo: the
 * same engine, schema and export writers the server runs, with the local operator's full view (they hold the
 * config and its credentials already). No server, no port.
 */
export class EmbeddedClient implements Client {
  private constructor(
    readonly config: AppConfig,
    readonly engine: QueryEngine,
    private readonly schema: GraphQLSchema,
  ) {}

  static async open(configPath: string | undefined, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<EmbeddedClient> {
    const deps: SourceDeps = { limiters: new Limiters(), now: () => new Date() };
    let config: AppConfig;
    try {
      config = await resolveConfig(configPath ? ['--config', configPath] : [], env, deps, (line) => log(line.replace(/^no --config or AUDITGRAPH_CONFIG: serving/, 'no --server, --config or AUDITGRAPH_CONFIG: running on')));
    } catch (err) {
      throw asCliError(err);
    }
    const engine = new QueryEngine(config.sources, {
      deadlineMs: config.query.deadlineMs,
      cursorSecret: config.query.cursorSecrets,
      expandIdentity: (values) => expandIdentities(values, config.identity),
      redactor: new Redactor(config.redaction),
      pageCache: new PageCache({ ...DEFAULT_PAGE_CACHE, maxBytes: config.query.pageCacheBytes }),
    });
    return new EmbeddedClient(config, engine, await buildAuditgraphSchema());
  }

  get where(): string {
    return `embedded: ${this.config.origin}`;
  }

  context(signal: AbortSignal = new AbortController().signal): RequestContext {
    return createRequestContext(this.engine, this.config, signal);
  }

  async graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const result = await graphql({ schema: this.schema, source: query, variableValues: variables, contextValue: this.context() });
    if (result.errors?.length) {
      const e = result.errors[0]!;
      throw asCliError(e.originalError instanceof AuditgraphError ? e.originalError : new CliError(e.message));
    }
    return result.data as T;
  }

  async export(params: URLSearchParams, out: Writable, onProgress?: (p: ExportProgressInfo) => void): Promise<ExportResult> {
    try {
      const { window, filter, order } = parseQuery(params, ['format', 'limit', 'columns', 'progress'], { window: true, defaultOrder: SortOrder.NEWEST_FIRST });
      const writer = exportWriter(parseFormat(params.get('format')), { columns: params.getAll('columns').flatMap((c) => c.split(',')).filter(Boolean) });
      const stream = streamEvents(this.engine, { window, filter, order, limit: positiveInt(params, 'limit') });
      const summary = await pipeExport(stream, writer, out, { progressEveryMs: flag(params, 'progress') ? 1000 : 0, onProgress });
      const failedSources = summary.statuses.filter((s) => ['FAILED', 'TIMED_OUT', 'THROTTLED'].includes(s.state)).map((s) => s.sourceId);
      return { complete: summary.complete, events: summary.events, failedSources, limitReached: summary.limitReached, status: JSON.parse(JSON.stringify(summaryRecord(summary))) as Record<string, unknown> };
    } catch (err) {
      throw asCliError(err);
    }
  }

  async tail(params: URLSearchParams, onEvent: (event: string, data: string, id?: string) => void | Promise<void>, signal: AbortSignal): Promise<void> {
    try {
      const { filter } = parseQuery(params, ['since', 'after'], { window: false, defaultOrder: SortOrder.OLDEST_FIRST });
      const since = params.get('since');
      const tail = new Tail(this.engine, this.config.query.cursorSecrets, { filter, sinceMs: since ? parseDuration(since) : 0, resume: params.get('after'), signal });
      for await (const item of tail) {
        if (item.type === 'event') await onEvent('audit', JSON.stringify({ type: 'event', ...eventRecord(item.event) }), item.token);
        else await onEvent('status', JSON.stringify({ type: 'status', sources: item.sources }), item.token);
      }
    } catch (err) {
      throw asCliError(err);
    }
  }

  async close(): Promise<void> {}
}
