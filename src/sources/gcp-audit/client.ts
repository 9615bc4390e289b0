import * as grpc from '@grpc/grpc-js';
import { v2 } from '@google-cloud/logging';
import {
  SortOrder,
  SourceError,
  SourceKind,
  newSourceStats,
  recordMalformed,
  type AuditEvent,
  type Capabilities,
  type RateLimiter,
  type Source,
  type SourceCallContext,
  type SourceDeps,
  type SourceHealth,
  type SourcePlanDetail,
  type SourceQuery,
} from '../../domain';
import { RepeatGuard } from '../shared/pages';
import { callUpstream, throwIfAborted, pageCacheOf } from '../shared/upstream';
import { StaticTokenAuth } from './auth';
import { logEntryToJson, registerPayloadTypes, type ProtoNamespaceLike } from './auditlog';
import { apiCapabilities, MAX_PAGE_SIZE } from './capabilities';
import type { GcpAuditApiConfig } from './config';
import { classifyError, throttleVerdict } from './errors';
import { buildFilter, logNameOf, type BuiltFilter } from './filter';
import { MalformedEntryError, normalizeEntry } from './normalize';
import { identityAliases } from './identity';

/** `ListLogEntriesRequest` as the client library takes it. */
export interface ListLogEntriesRequest {
  resourceNames: string[];
  filter: string;
  orderBy: 'timestamp asc' | 'timestamp desc';
  pageSize: number;
  pageToken?: string;
}

interface CallOptions {
  autoPaginate: false;
  retry: null;
  timeout: number;
  otherArgs?: { headers: Record<string, string> };
}

/**
 * The part of `v2.LoggingServiceV2Client` this source uses. The package types `v2` as `any`; this names what
 * is relied on. With `autoPaginate: false` one call is one request: `[entries, nextRequest, rawResponse]`.
 */
interface LoggingServiceClient {
  listLogEntries(request: ListLogEntriesRequest, options: CallOptions): Promise<[object[] | null, unknown, { nextPageToken?: string | null } | null | undefined]>;
  close(): Promise<void>;
  auth: { getRequestHeaders(): Promise<Headers | Record<string, string>> };
  /** the protobufjs root the REST transport parses JSON with */
  _protos?: unknown;
}

export interface EntriesPage {
  entries: object[];
  nextPageToken?: string;
}

function isProtoNamespace(root: unknown): root is ProtoNamespaceLike {
  return root !== null && typeof root === 'object' && typeof (root as ProtoNamespaceLike).addJSON === 'function';
}

/** Rejects as soon as `signal` aborts; the library's promise cannot be cancelled (see `listPage`). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('aborted'));
    const onAbort = () => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/**
 * One entries.list page at a time through @google-cloud/logging's LoggingServiceV2Client: gRPC by default,
 * the REST transport with `fallback`. Its own retries are off (`retry: null`): throttling and errors are
 * handled by `callUpstream`, so every attempt is counted and rate-limited.
 */
export class LogEntriesClient {
  private readonly client: LoggingServiceClient;
  private readonly token?: StaticTokenAuth;
  /** gRPC without TLS: the library will not attach call credentials, so the token goes in each call's metadata */
  private readonly plaintextGrpc: boolean;

  constructor(private readonly config: GcpAuditApiConfig) {
    const options: Record<string, unknown> = { projectId: config.projectId };
    if (config.apiEndpoint) {
      options.apiEndpoint = config.apiEndpoint.host;
      options.port = config.apiEndpoint.port;
    }
    if (config.accessToken) {
      this.token = new StaticTokenAuth(config.accessToken);
      options.authClient = this.token;
    }
    this.plaintextGrpc = !config.fallback && config.protocol === 'http';
    if (config.fallback) {
      options.fallback = true;
      options.protocol = config.protocol;
    } else if (this.plaintextGrpc) {
      options.sslCreds = grpc.credentials.createInsecure();
    }
    this.client = new v2.LoggingServiceV2Client(options) as LoggingServiceClient;
    if (config.fallback) {
      // the REST transport parses protoPayload JSON into protobuf itself and fails on types it lacks
      const root = this.client._protos;
      if (!isProtoNamespace(root)) throw new Error('this version of @google-cloud/logging does not expose its REST protos; use gRPC (fallback: false)');
      registerPayloadTypes(root);
    }
  }

  get transport(): string {
    return this.config.fallback ? `REST (${this.config.protocol})` : this.plaintextGrpc ? 'gRPC (plaintext)' : 'gRPC';
  }

  private async headers(): Promise<Record<string, string> | undefined> {
    if (!this.plaintextGrpc) return undefined;
    if (this.token) return { authorization: this.token.authorization() };
    const h = await this.client.auth.getRequestHeaders();
    const authorization = h instanceof Headers ? h.get('authorization') : h.authorization ?? h.Authorization;
    return authorization ? { authorization } : undefined;
  }

  /**
   * One request. The library takes no AbortSignal and its generated method drops the cancellable promise, so
   * an abort stops waiting at once and the in-flight answer is discarded; no further page is asked for.
   */
  async listPage(request: ListLogEntriesRequest, signal: AbortSignal): Promise<EntriesPage> {
    const headers = await this.headers();
    const options: CallOptions = { autoPaginate: false, retry: null, timeout: this.config.timeoutMs, ...(headers ? { otherArgs: { headers } } : {}) };
    const [entries, , response] = await untilAborted(this.client.listLogEntries({ ...request }, options), signal);
    const token = response?.nextPageToken;
    return { entries: entries ?? [], ...(token ? { nextPageToken: token } : {}) };
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** An entry's log name and insertId (its identity in Cloud Logging), or the entry when it has none. */
function entryKey(entry: object): string {
  const { logName, insertId } = entry as { logName?: unknown; insertId?: unknown };
  return typeof insertId === 'string' ? `${String(logName)}/${insertId}` : JSON.stringify(entry);
}

/** GCP Cloud Audit Logs read live from Cloud Logging (`mode: api`). */
export class GcpAuditApiSource implements Source {
  readonly identityAliases = identityAliases;
  readonly type = 'gcp-audit' as const;
  readonly kind = SourceKind.CLOUD_AUDIT;
  readonly mode = 'api' as const;
  readonly capabilities: Capabilities;
  readonly location: string;
  private readonly limiter?: RateLimiter;
  private clientInstance?: LogEntriesClient;

  constructor(
    readonly id: string,
    private readonly config: GcpAuditApiConfig,
    private readonly deps: SourceDeps,
  ) {
    this.capabilities = apiCapabilities(config);
    const rate = this.capabilities.rateLimit;
    if (rate) this.limiter = deps.limiters.get(rate.scope, rate.requests, rate.perMs);
    const endpoint = config.apiEndpoint ? `${config.apiEndpoint.host}:${config.apiEndpoint.port}` : 'logging.googleapis.com';
    this.location = `${endpoint} ${config.resourceNames.join(', ')} (${config.logs.join(', ')})`;
  }

  /** Built on first use: the client library loads its protos and credentials lazily anyway. */
  private get client(): LogEntriesClient {
    this.clientInstance ??= new LogEntriesClient(this.config);
    return this.clientInstance;
  }

  private filterFor(q: SourceQuery): BuiltFilter {
    try {
      return buildFilter({ window: q.window, resourceNames: this.config.resourceNames, logs: this.config.logs, includeGke: this.config.includeGke, pushed: q.filter });
    } catch (err) {
      throw new SourceError('INVALID_REQUEST', (err as Error).message, this.id, { cause: err });
    }
  }

  private request(q: SourceQuery, built: BuiltFilter): ListLogEntriesRequest {
    return {
      resourceNames: [...this.config.resourceNames],
      filter: built.filter,
      orderBy: q.order === SortOrder.NEWEST_FIRST ? 'timestamp desc' : 'timestamp asc',
      pageSize: Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(q.pageSizeHint) || 1)),
    };
  }

  private call<T>(ctx: SourceCallContext, run: (signal: AbortSignal) => Promise<T>, cacheKey?: unknown): Promise<T> {
    return callUpstream(
      {
        sourceId: this.id,
        operation: 'entries.list',
        signal: ctx.signal,
        stats: ctx.stats,
        remainingMs: ctx.remainingMs,
        limiter: this.limiter,
        throttled: throttleVerdict,
        classify: (err) => classifyError(err, this.id, 'entries.list'),
        ...(cacheKey !== undefined ? { cache: pageCacheOf(ctx, cacheKey) } : {}),
      },
      run,
    );
  }

  async *events(q: SourceQuery, ctx: SourceCallContext): AsyncGenerator<AuditEvent> {
    const { signal, stats } = ctx;
    const built = this.filterFor(q);
    stats.notes.push(...built.notes);
    const request = this.request(q, built);
    let client: LogEntriesClient;
    try {
      client = this.client;
    } catch (err) {
      throw new SourceError('UPSTREAM_ERROR', `cannot set up the Cloud Logging client: ${(err as Error).message}`, this.id, { cause: err });
    }
    let pageToken: string | undefined;
    const guard = new RepeatGuard(this.id, `entries.list of ${this.config.resourceNames.join(', ')}`, stats);
    do {
      if (pageToken) guard.follow(pageToken);
      const pageRequest: ListLogEntriesRequest = { ...request, ...(pageToken ? { pageToken } : {}) };
      const page = await this.call(ctx, (s) => client.listPage(pageRequest, s), pageRequest);
      for (const sdkEntry of guard.fresh(page.entries, entryKey)) {
        throwIfAborted(signal, this.id);
        stats.scanned += 1;
        const insertId = (sdkEntry as { insertId?: unknown }).insertId;
        try {
          yield normalizeEntry(logEntryToJson(sdkEntry), this.id);
        } catch (err) {
          if (err instanceof SourceError) throw err;
          const reason = err instanceof MalformedEntryError ? err.message : `cannot decode: ${(err as Error).message}`;
          recordMalformed(stats, `entry ${typeof insertId === 'string' ? insertId : '?'}`, reason);
        }
      }
      // an empty page may still carry a token (the service stopped at its time budget): keep going
      pageToken = page.nextPageToken;
    } while (pageToken);
  }

  async plan(q: SourceQuery): Promise<SourcePlanDetail> {
    const built = this.filterFor(q);
    const r = this.request(q, built);
    const sent = built.sent.length > 0 ? built.sent.join(', ') : 'none';
    return {
      request: `entries.list resourceNames=[${r.resourceNames.join(', ')}] orderBy="${r.orderBy}" pageSize=${r.pageSize} filter=${r.filter}`,
      notes: [
        ...built.notes,
        `pushed down: ${sent}`,
        `transport: ${this.config.fallback ? 'REST' : 'gRPC'}; pages are fetched one at a time, each after the previous is consumed`,
        `retention: ${this.capabilities.retentionDays} days (${this.config.logs.join(', ')})`,
      ],
    };
  }

  async health(): Promise<SourceHealth> {
    const checkedAt = this.deps.now();
    const stats = newSourceStats();
    const signal = AbortSignal.timeout(Math.min(this.config.timeoutMs, 15_000));
    const window = { from: new Date(checkedAt.getTime() - 3_600_000), to: checkedAt };
    const logNames = this.config.resourceNames.flatMap((r) => this.config.logs.map((l) => logNameOf(r, l)));
    try {
      const client = this.client;
      const built = buildFilter({ window, resourceNames: this.config.resourceNames, logs: this.config.logs, includeGke: true, pushed: {} });
      const page = await this.call({ signal, stats }, (s) => client.listPage({ resourceNames: [...this.config.resourceNames], filter: built.filter, orderBy: 'timestamp desc', pageSize: 1 }, s));
      const seen = page.entries.length > 0 ? 'an entry in the last hour' : 'no entry in the last hour';
      return { ok: true, message: `entries.list answered over ${client.transport} (${seen} in ${logNames.length} log(s))`, checkedAt };
    } catch (err) {
      if (signal.aborted) return { ok: false, message: `entries.list did not answer within ${Math.min(this.config.timeoutMs, 15_000) / 1000}s`, checkedAt };
      const message = err instanceof SourceError ? `${err.code}: ${err.message}` : String((err as Error)?.message ?? err);
      return { ok: false, message, checkedAt };
    }
  }

  /** Closes the gRPC channel (tests, shutdown). */
  async close(): Promise<void> {
    await this.clientInstance?.close();
    this.clientInstance = undefined;
  }
}
