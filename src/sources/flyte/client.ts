import { SourceError, type RateLimiter, type SourceCallContext } from '../../domain';
import { callUpstream, isNetworkError, type ThrottleVerdict, pageCacheOf } from '../shared/upstream';
import type { ProjectDomain } from './config';
import type { FlyteRunId } from './runs';
import { isObject, type RawExecutionList, type RawNodeExecutionList, type RawTaskExecutionList } from './wire';

/** An HTTP answer other than 2xx from Flyte Admin, with the grpc-gateway status body when it sent one. */
export class FlyteHttpError extends Error {
  constructor(
    readonly status: number,
    /** the gRPC status code from the body (`{"code":3,"message":"...","details":[]}`), when present */
    readonly grpcCode: number | undefined,
    readonly serverMessage: string,
    readonly retryAfterMs: number | undefined,
    readonly location?: string,
  ) {
    super(`HTTP ${status}${grpcCode !== undefined ? ` (gRPC code ${grpcCode})` : ''}: ${serverMessage}`);
    this.name = 'FlyteHttpError';
  }
}

export interface ListParams {
  limit: number;
  /** the row offset flyteadmin uses as page token */
  offset?: number;
  filters?: string[];
  sortKey?: string;
  direction?: 'ASCENDING' | 'DESCENDING';
}

export interface ListPage<T> {
  items: T[];
  /** the server's next-page token: present only when the page was full */
  token: string;
}

export interface FlyteAdminClientOptions {
  sourceId: string;
  endpoint: string;
  token?: string;
  limiter?: RateLimiter;
}

/** Retry-After as seconds or an HTTP date, in milliseconds from now. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function listQuery(params: ListParams): URLSearchParams {
  const q = new URLSearchParams();
  q.set('limit', String(params.limit));
  if (params.offset) q.set('token', String(params.offset));
  // URLSearchParams writes `+` as %2B: a bare `+` would reach flyteadmin as a space and break the filter
  if (params.filters && params.filters.length > 0) q.set('filters', params.filters.join('+'));
  if (params.sortKey) {
    q.set('sort_by.key', params.sortKey);
    q.set('sort_by.direction', params.direction ?? 'ASCENDING');
  }
  return q;
}

function segment(value: string): string {
  return encodeURIComponent(value);
}

/**
 * Flyte Admin's REST API (grpc-gateway over the AdminService) with plain fetch: no SDK covers it. Every call
 * goes through `callUpstream` (shared rate limit, request counting, throttling retries, typed errors).
 */
export class FlyteAdminClient {
  readonly host: string;

  constructor(private readonly opts: FlyteAdminClientOptions) {
    this.host = new URL(opts.endpoint).host;
  }

  /** `GET /api/v1/executions/{project}/{domain}` (ExecutionList). */
  async listExecutions(pair: ProjectDomain, params: ListParams, ctx: SourceCallContext): Promise<ListPage<unknown>> {
    const body = await this.get<RawExecutionList>(`/api/v1/executions/${segment(pair.project)}/${segment(pair.domain)}`, listQuery(params), ctx);
    return { items: this.listOf(body.executions, 'executions'), token: body.token ?? '' };
  }

  /** `GET /api/v1/executions/{project}/{domain}/{name}`; null when flyteadmin has no such execution (404). */
  async getExecution(id: FlyteRunId, ctx: SourceCallContext): Promise<unknown | null> {
    try {
      return await this.get<unknown>(this.runPath('executions', id), new URLSearchParams(), ctx, true);
    } catch (err) {
      if (err instanceof SourceError && err.code === 'NOT_FOUND') return null;
      throw err;
    }
  }

  /** `GET /api/v1/node_executions/{project}/{domain}/{name}` (NodeExecutionList); children of a parent node with `uniqueParentId`. */
  async listNodeExecutions(id: FlyteRunId, params: ListParams & { uniqueParentId?: string }, ctx: SourceCallContext): Promise<ListPage<unknown>> {
    const q = listQuery(params);
    if (params.uniqueParentId) q.set('unique_parent_id', params.uniqueParentId);
    const body = await this.get<RawNodeExecutionList>(this.runPath('node_executions', id), q, ctx);
    return { items: this.listOf(body.node_executions, 'node_executions'), token: body.token ?? '' };
  }

  /** `GET /api/v1/task_executions/{project}/{domain}/{name}/{node_id}` (TaskExecutionList). */
  async listTaskExecutions(id: FlyteRunId, nodeId: string, params: ListParams, ctx: SourceCallContext): Promise<ListPage<unknown>> {
    const body = await this.get<RawTaskExecutionList>(`${this.runPath('task_executions', id)}/${segment(nodeId)}`, listQuery(params), ctx);
    return { items: this.listOf(body.task_executions, 'task_executions'), token: body.token ?? '' };
  }

  /** The list request in words, for `explain`. */
  describeList(pair: ProjectDomain, params: ListParams): string {
    const q = listQuery(params);
    const shown = [...q.entries()].map(([k, v]) => `${k}=${v}`).join('&');
    return `GET ${this.opts.endpoint}/api/v1/executions/${pair.project}/${pair.domain}?${shown}`;
  }

  private runPath(collection: string, id: FlyteRunId): string {
    return `/api/v1/${collection}/${segment(id.project)}/${segment(id.domain)}/${segment(id.name)}`;
  }

  private listOf(items: unknown, field: string): unknown[] {
    if (items === undefined || items === null) return [];
    if (!Array.isArray(items)) throw new SourceError('UPSTREAM_ERROR', `Flyte Admin answered a list whose "${field}" is not an array`, this.opts.sourceId);
    return items;
  }

  private async get<T>(path: string, query: URLSearchParams, ctx: SourceCallContext, notFoundIsTyped = false): Promise<T> {
    const qs = query.toString();
    const url = `${this.opts.endpoint}${path}${qs ? `?${qs}` : ''}`;
    return callUpstream(
      {
        sourceId: this.opts.sourceId,
        signal: ctx.signal,
        stats: ctx.stats,
        remainingMs: ctx.remainingMs,
        limiter: this.opts.limiter,
        throttled: (err) => this.throttled(err),
        classify: (err) => this.classify(err, path, notFoundIsTyped),
        cache: pageCacheOf(ctx, url),
      },
      async (signal) => {
        const headers: Record<string, string> = { Accept: 'application/json' };
        if (this.opts.token) headers.Authorization = `Bearer ${this.opts.token}`;
        // manual redirects: an auth proxy answering with a login redirect is a refusal, not a page of HTML
        const res = await fetch(url, { headers, signal, redirect: 'manual' });
        let text: string;
        try {
          text = await res.text();
        } catch (err) {
          if (signal.aborted) throw err;
          throw new SourceError('UNREACHABLE', `Flyte Admin at ${this.host} cut the connection while its answer to ${path} was being read (${networkCode(err)})`, this.opts.sourceId, { cause: err });
        }
        if (res.status >= 200 && res.status < 300) {
          try {
            return JSON.parse(text) as T;
          } catch {
            throw new SourceError('UPSTREAM_ERROR', `Flyte Admin answered ${path} with HTTP ${res.status} but not JSON: ${text.slice(0, 200)}`, this.opts.sourceId);
          }
        }
        throw toHttpError(res, text);
      },
    );
  }

  private throttled(err: unknown): ThrottleVerdict | undefined {
    if (err instanceof FlyteHttpError && (err.status === 429 || err.status === 503)) return { retryAfterMs: err.retryAfterMs };
    return undefined;
  }

  private classify(err: unknown, path: string, notFoundIsTyped: boolean): SourceError {
    const id = this.opts.sourceId;
    if (err instanceof FlyteHttpError) {
      const what = `Flyte Admin at ${this.host} answered ${path} with ${err.message}`;
      if (err.status >= 300 && err.status < 400) {
        return new SourceError('UNAUTHENTICATED', `${what}${err.location ? ` to ${err.location}` : ''}: redirected, most likely to a login page; give a token with tokenEnv or tokenFile`, id, { cause: err });
      }
      switch (err.status) {
        case 401:
          return new SourceError('UNAUTHENTICATED', `${what}; check the token named by tokenEnv/tokenFile`, id, { cause: err });
        case 403:
          return new SourceError('FORBIDDEN', `${what}; the token's identity may not read this project/domain`, id, { cause: err });
        case 400:
          return new SourceError('INVALID_REQUEST', what, id, { cause: err });
        case 404:
          if (notFoundIsTyped) return new SourceError('NOT_FOUND', what, id, { cause: err });
          return new SourceError('UPSTREAM_ERROR', `${what}; is endpoint the Flyte Admin HTTP address?`, id, { cause: err });
        default:
          return new SourceError('UPSTREAM_ERROR', what, id, { cause: err });
      }
    }
    if (isNetworkError(err)) {
      return new SourceError('UNREACHABLE', `cannot reach Flyte Admin at ${this.host}: ${(err as Error).message} (${networkCode(err)})`, id, { cause: err });
    }
    return new SourceError('UPSTREAM_ERROR', `calling Flyte Admin at ${this.host} failed: ${(err as Error)?.message ?? String(err)}`, id, { cause: err });
  }
}

function networkCode(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  return String(e.code ?? e.cause?.code ?? 'network error');
}

/** grpc-gateway error bodies are the google.rpc.Status as JSON: `{"code":16,"message":"...","details":[]}`. */
function toHttpError(res: Response, text: string): FlyteHttpError {
  let grpcCode: number | undefined;
  let message = text.trim().slice(0, 500) || res.statusText || 'no body';
  try {
    const body: unknown = JSON.parse(text);
    if (isObject(body)) {
      if (typeof body.code === 'number') grpcCode = body.code;
      if (typeof body.message === 'string' && body.message !== '') message = body.message;
      else if (typeof body.error === 'string' && body.error !== '') message = body.error;
    }
  } catch {
    // not JSON (a proxy's page): keep the text
  }
  return new FlyteHttpError(res.status, grpcCode, message, parseRetryAfter(res.headers.get('retry-after')), res.headers.get('location') ?? undefined);
}
