import { Client, DefaultRequestExecutor, type Collection } from '@okta/okta-sdk-nodejs';
import { SourceError, type RateLimiter, type SourceStats, type UpstreamPageCache } from '../../domain';
import { RepeatGuard } from '../shared/pages';
import { callUpstream, isNetworkError, pageCacheOf, throwIfAborted, type ThrottleVerdict } from '../shared/upstream';
import type { OktaApiConfig } from './config';

/** The System Log API serves at most 1000 events a page. */
export const MAX_PAGE_SIZE = 1000;

/** One bounded System Log request: since and until are always both set, so Okta orders by `published` and the paging ends. */
export interface LogRequest {
  since: Date;
  until: Date;
  sortOrder: 'ASCENDING' | 'DESCENDING';
  limit: number;
  filter?: string;
  /** keyword search: every keyword must match some attribute value, without case */
  q?: string;
}

export interface PageCallContext {
  sourceId: string;
  signal: AbortSignal;
  stats: SourceStats;
  remainingMs?: () => number;
  /** the engine's upstream page cache and whether the window has settled (SourceCallContext) */
  cache?: UpstreamPageCache;
  settled?: boolean;
}

/** The SDK's client, built only from explicit options so that okta.yaml and OKTA_CLIENT_* cannot change it. */
export function createSdkClient(config: OktaApiConfig): Client {
  // retries are ours (callUpstream, under the shared limiter); the SDK's own 429 retry would sleep outside it
  const requestExecutor = new DefaultRequestExecutor({ maxRetries: 0, requestTimeout: 0 });
  if (config.auth.mode === 'SSWS') {
    return new Client({ orgUrl: config.orgUrl, authorizationMode: 'SSWS', token: config.auth.token, requestExecutor });
  }
  return new Client({
    orgUrl: config.orgUrl,
    authorizationMode: 'PrivateKey',
    clientId: config.auth.clientId,
    scopes: ['okta.logs.read'],
    privateKey: config.auth.privateKey,
    keyId: config.auth.keyId,
    requestExecutor,
  });
}

/**
 * The parts of the SDK's Collection this adapter drives. The SDK's own iterator cannot be used as is: it hides
 * page boundaries (so no limiter token or retry per page), yields `null` and refetches forever on an empty page
 * that still has a `next` link, and its model classes drop fields they do not know and turn `published` into a
 * Date, while `raw` must be the record as Okta sent it.
 */
interface PagedCollection {
  nextUri?: string;
  factory: { parseResponse: (rsp: { body: { text(): Promise<string> } }) => Promise<unknown> };
  /** the SDK request the collection re-sends for every page; its fields are handed to node-fetch as-is */
  request: { signal?: AbortSignal };
  getNextPage(): Promise<unknown[]>;
}

/** Pages parsed as plain JSON: the records exactly as Okta sent them. A page that is not a JSON array fails the query (classified as UPSTREAM_ERROR). */
const RAW_PAGE = {
  async parseResponse(rsp: { body: { text(): Promise<string> } }): Promise<unknown[]> {
    const text = await rsp.body.text();
    let page: unknown;
    try {
      page = JSON.parse(text);
    } catch {
      throw new Error(`the page is not JSON: ${text.slice(0, 200)}`);
    }
    if (!Array.isArray(page)) throw new Error(`the page is a JSON ${typeof page}, not an array of LogEvents`);
    return page;
  },
};

/** The System Log API of one org, page by page, each page a separate request under the org's rate limit. */
export class SystemLogClient {
  constructor(
    private readonly sdk: Client,
    private readonly limiter: RateLimiter,
    readonly orgUrl: string,
  ) {}

  /** The pages of one bounded request, fetched only when the consumer asks for the next one. */
  async *pages(request: LogRequest, ctx: PageCallContext): AsyncGenerator<unknown[]> {
    // listLogEvents only builds the request (URL with since/until/filter/limit/sortOrder, auth); nothing is sent yet
    const collection = (await this.sdk.systemLogApi.listLogEvents({
      since: request.since.toISOString(),
      until: request.until.toISOString(),
      filter: request.filter,
      q: request.q,
      limit: request.limit,
      sortOrder: request.sortOrder,
    })) as Collection<unknown> as unknown as PagedCollection;
    collection.factory = RAW_PAGE;
    // The SDK's request executor passes the request object to node-fetch as its options: a signal set here
    // aborts the page in flight (the SDK has no other way to take one).
    collection.request.signal = ctx.signal;
    await this.checkOAuthToken(ctx);

    const guard = new RepeatGuard(ctx.sourceId, `the System Log of ${this.orgUrl}`, ctx.stats);
    while (collection.nextUri) {
      guard.follow(collection.nextUri);
      // getNextPage moves nextUri forward only on success, so a throttled page is re-sent unchanged. A page is
      // cached by its URL with the `next` link it gave, so that a page served again moves on as a fetched one does.
      const uri = collection.nextUri;
      const fetched = await callUpstream({ ...this.callOptions(ctx), cache: pageCacheOf(ctx, uri) }, async () => {
        const records = await collection.getNextPage();
        return { records, next: collection.nextUri };
      });
      collection.nextUri = fetched.next;
      const page = fetched.records;
      // A bounded request's last page has no `next` link; an empty page means nothing is left either way
      // (and the SDK would follow its `next` link forever).
      if (page.length === 0) return;
      yield guard.fresh(page, recordKey);
    }
  }

  /**
   * With a service app, make sure the SDK holds a real access token first: the SDK (8.1) does not check the
   * token endpoint's reply, caches an OAuth error body as the token and sends `Bearer undefined`, so the refusal
   * would only show as a misleading 401 E0000011 from the System Log.
   */
  private async checkOAuthToken(ctx: PageCallContext): Promise<void> {
    const oauth = this.sdk.oauth as Client['oauth'] | undefined;
    if (!oauth) return;
    throwIfAborted(ctx.signal, ctx.sourceId);
    let reply: { access_token?: unknown; error?: unknown; error_description?: unknown } | undefined;
    try {
      reply = await oauth.getAccessToken();
    } catch (err) {
      throw classifyOktaError(err, ctx.sourceId, this.orgUrl);
    }
    if (typeof reply?.access_token === 'string' && reply.access_token !== '') return;
    oauth.clearCachedAccessToken();
    const why = [reply?.error, reply?.error_description].filter((x) => typeof x === 'string').join(': ') || 'no access_token in the reply';
    throw new SourceError(
      'UNAUTHENTICATED',
      `Okta refused the OAuth token request (${why}); check clientId, the private key and keyId, and that the service app is granted okta.logs.read`,
      ctx.sourceId,
    );
  }

  private callOptions(ctx: PageCallContext) {
    return {
      sourceId: ctx.sourceId,
      operation: 'GET /api/v1/logs',
      signal: ctx.signal,
      stats: ctx.stats,
      remainingMs: ctx.remainingMs,
      limiter: this.limiter,
      throttled: throttleVerdict,
      classify: (err: unknown) => classifyOktaError(err, ctx.sourceId, this.orgUrl),
    };
  }
}

/** A LogEvent's uuid, or the record itself when it has none. */
function recordKey(record: unknown): string {
  const uuid = (record as { uuid?: unknown } | null)?.uuid;
  return typeof uuid === 'string' ? uuid : JSON.stringify(record);
}

/** What the SDK throws for a non-2xx reply: OktaApiError (JSON body) or HttpError (any other body). */
interface OktaErrorShape {
  status?: number | string;
  errorCode?: string;
  errorSummary?: string;
  errorCauses?: { errorSummary?: string }[];
  errorId?: string;
  message?: string;
  url?: string;
  headers?: { get(name: string): string | null };
}

function asOktaError(err: unknown): OktaErrorShape | undefined {
  return err !== null && typeof err === 'object' && 'status' in err ? (err as OktaErrorShape) : undefined;
}

/**
 * Okta's throttling reply is 429 E0000047 with `X-Rate-Limit-Reset` in epoch seconds. Like the SDK, measure the
 * wait against the reply's own `Date` (the server's clock, so local clock skew does not matter) and add a second
 * for the sub-second part both headers drop.
 */
export function throttleVerdict(err: unknown): ThrottleVerdict | undefined {
  const e = asOktaError(err);
  if (!e || Number(e.status) !== 429) return undefined;
  const reset = Number(e.headers?.get('x-rate-limit-reset'));
  if (!Number.isFinite(reset) || reset <= 0) return {};
  const dateHeader = e.headers?.get('date');
  const serverNow = dateHeader ? Date.parse(dateHeader) : Date.now();
  const base = Number.isNaN(serverNow) ? Date.now() : serverNow;
  return { retryAfterMs: Math.max(reset * 1000 - base, 0) + 1000 };
}

function describe(e: OktaErrorShape): string {
  const causes = e.errorCauses?.map((c) => c.errorSummary).filter(Boolean).join('; ');
  const code = e.errorCode ? `${e.errorCode} ` : '';
  const summary = e.errorSummary || e.message || 'no error body';
  return `${code}${summary}${causes ? ` (${causes})` : ''}${e.errorId ? ` [errorId ${e.errorId}]` : ''}`;
}

/** Every other failure as a typed error that names the HTTP status and Okta's errorCode and errorSummary. */
export function classifyOktaError(err: unknown, sourceId: string, orgUrl: string): SourceError {
  if (err instanceof SourceError) return err;
  // node-fetch's report of a reply cut off after its headers: Okta was reached, its answer broke off
  if (/^Invalid response body while trying to fetch /.test((err as Error)?.message ?? '')) {
    const why = /: ([^:]+)$/.exec((err as Error).message)?.[1] ?? 'connection lost';
    return new SourceError('UNREACHABLE', `Okta at ${orgUrl} cut the connection while its answer was being read (${why})`, sourceId, { cause: err });
  }
  if (isNetworkError(err)) {
    return new SourceError('UNREACHABLE', `cannot reach Okta at ${orgUrl}: ${(err as Error).message}`, sourceId, { cause: err });
  }
  const e = asOktaError(err);
  const status = Number(e?.status);
  if (!e || !Number.isFinite(status)) {
    const message = err instanceof Error ? err.message : String(err);
    // node-fetch reports refused connections as FetchError with the errno in `code`, covered above; other
    // FetchErrors (bad TLS, reset mid-body) are still a transport failure
    if ((err as { name?: string } | null)?.name === 'FetchError') {
      return new SourceError('UNREACHABLE', `cannot reach Okta at ${orgUrl}: ${message}`, sourceId, { cause: err });
    }
    return new SourceError('UPSTREAM_ERROR', `Okta System Log request failed: ${message}`, sourceId, { cause: err });
  }
  if (e.url?.includes('/oauth2/v1/token')) {
    // the token endpoint answers in OAuth's error format, which the SDK does not keep: status only
    return new SourceError('UNAUTHENTICATED', `Okta refused the OAuth token request (HTTP ${status}); check clientId, the private key and keyId, and that the service app is granted okta.logs.read`, sourceId, { cause: err });
  }
  const what = `Okta System Log HTTP ${status}: ${describe(e)}`;
  if (status === 401) return new SourceError('UNAUTHENTICATED', `${what}; check the API token (tokenEnv/tokenFile) or the OAuth client`, sourceId, { cause: err });
  if (status === 403) return new SourceError('FORBIDDEN', `${what}; the token's admin role or the OAuth grant needs okta.logs.read`, sourceId, { cause: err });
  if (status === 429) return new SourceError('THROTTLED', what, sourceId, { cause: err });
  if (status === 400) return new SourceError('INVALID_REQUEST', what, sourceId, { cause: err });
  if (status === 404) return new SourceError('NOT_FOUND', `${what}; is ${orgUrl} an Okta org?`, sourceId, { cause: err });
  return new SourceError('UPSTREAM_ERROR', what, sourceId, { cause: err });
}
