import * as crypto from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendFaulty, type HttpFault } from '../../helpers/http-faults';
import { KeywordError, ScimSyntaxError, matchesKeywords, matchesScim, parseScim, pathsOf, type ScimNode } from './scim-eval';

/**
 * A loopback Okta org serving `GET /api/v1/logs` as Okta does for bounded requests (since and until set):
 * `Authorization: SSWS <token>` (or an OAuth bearer token from `POST /oauth2/v1/token` with a private-key JWT
 * client assertion), `since`/`until` over `published`, a SCIM `filter` (values compared with case, as Okta documents)
 * and the keyword search `q` (without case), `sortOrder`, `limit` 0..1000, pages linked
 * by absolute `Link: <…>; rel="self"` and `rel="next"` headers carrying an opaque `after` cursor, the
 * `X-Rate-Limit-*` headers on every reply, 429 E0000047 past its rate, and Okta's JSON error bodies.
 */

export interface FakeOktaOptions {
  /** the LogEvents the org holds, as Okta returns them (records may be deliberately broken) */
  events: Record<string, unknown>[];
  /** the API token accepted in `Authorization: SSWS <token>` */
  token?: string;
  /** requests allowed per window, like Okta's per-minute limits; aligned on whole seconds so the reset is exact */
  rateLimit?: { limit: number; windowMs: number };
  /** Okta does not document whether `until` is inclusive: the fake includes events at exactly `until` (the harder case) */
  untilInclusive?: boolean;
  /** also send `rel="next"` on the last page, so the client sees an empty page with a next link */
  emptyPageWithNext?: boolean;
  /** an OAuth service app allowed to get tokens with a private-key JWT */
  oauthClient?: { clientId: string; publicKeyPem: string; grantedScopes: string[] };
  /** hold every System Log reply this long, to let a client give up while a request is in flight */
  delayMs?: number;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** the status sent, 0 while none has been */
  status: number;
  /** the client closed the connection before the reply was sent */
  clientGaveUp: boolean;
}

type ErrorBody = { errorCode: string; errorSummary: string; errorCauses?: { errorSummary: string }[] };

const PAGE_MAX = 1000;

export class FakeOkta {
  readonly requests: ReceivedRequest[] = [];
  /** every System Log reply is spoiled this way until cleared (see test/helpers/http-faults.ts) */
  fault?: HttpFault;
  /** the first page served, for `repeat`: its body and its Link headers */
  private firstPage?: { body: unknown; links: string[] };
  private readonly failures: { status: number; body: string; headers?: Record<string, string> }[] = [];
  private readonly bearerTokens = new Map<string, string[]>();
  private windowStart = 0;
  private windowCount = 0;
  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    private readonly options: FakeOktaOptions,
  ) {}

  static async start(options: FakeOktaOptions): Promise<FakeOkta> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeOkta(server, `http://127.0.0.1:${port}`, options);
    server.on('request', (req, res) => fake.handle(req, res));
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next request(s) to `/api/v1/logs` fail with this reply, once each. */
  failNext(status: number, body: unknown, headers?: Record<string, string>): void {
    this.failures.push({ status, body: typeof body === 'string' ? body : JSON.stringify(body), headers });
  }

  /** The System Log requests received (token requests excluded). */
  logRequests(): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === '/api/v1/logs');
  }

  private rateHeaders(now: number): Record<string, string> {
    const limit = this.options.rateLimit;
    if (!limit) {
      return { 'X-Rate-Limit-Limit': '120', 'X-Rate-Limit-Remaining': '119', 'X-Rate-Limit-Reset': String(Math.ceil(now / 1000) + 60) };
    }
    return {
      'X-Rate-Limit-Limit': String(limit.limit),
      'X-Rate-Limit-Remaining': String(Math.max(limit.limit - this.windowCount, 0)),
      'X-Rate-Limit-Reset': String(Math.ceil((this.windowStart + limit.windowMs) / 1000)),
    };
  }

  /** Counts the request against the current window; false when it is over the limit. */
  private admit(now: number): boolean {
    const limit = this.options.rateLimit;
    if (!limit) return true;
    if (now >= this.windowStart + limit.windowMs) {
      this.windowStart = Math.floor(now / 1000) * 1000;
      this.windowCount = 0;
    }
    this.windowCount += 1;
    return this.windowCount <= limit.limit;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', this.url);
      const record: ReceivedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, status: 0, clientGaveUp: false };
      this.requests.push(record);
      res.on('close', () => {
        if (!res.writableFinished) record.clientGaveUp = true;
      });
      const send = (status: number, body: unknown, headers: Record<string, string | string[]> = {}) => {
        record.status = status;
        const all = { 'Content-Type': 'application/json', 'X-Okta-Request-Id': crypto.randomBytes(12).toString('base64url'), ...headers };
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        if (url.pathname === '/api/v1/logs' && this.fault && sendFaulty(res, this.fault, status, all, text)) return;
        res.writeHead(status, all);
        res.end(text);
      };
      if (url.pathname === '/oauth2/v1/token' && req.method === 'POST') {
        this.token(Buffer.concat(chunks).toString('utf8'), send);
        return;
      }
      if (url.pathname !== '/api/v1/logs') {
        send(404, oktaError({ errorCode: 'E0000022', errorSummary: 'The endpoint does not support the provided HTTP method' }));
        return;
      }
      if (this.options.delayMs) {
        const timer = setTimeout(() => res.destroyed || this.logs(req, url, send), this.options.delayMs);
        res.on('close', () => clearTimeout(timer));
      }
      else this.logs(req, url, send);
    });
  }

  private logs(req: http.IncomingMessage, url: URL, send: (status: number, body: unknown, headers?: Record<string, string | string[]>) => void): void {
    const now = Date.now();
    const admitted = this.admit(now);
    const rate = this.rateHeaders(now);
    if (!admitted) {
      send(429, oktaError({ errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' }), rate);
      return;
    }
    const auth = req.headers.authorization ?? '';
    const bearer = /^Bearer (.+)$/.exec(auth);
    const scopes = bearer ? this.bearerTokens.get(bearer[1]) : undefined;
    const sswsOk = this.options.token !== undefined && auth === `SSWS ${this.options.token}`;
    if (!sswsOk && !scopes) {
      send(401, oktaError({ errorCode: 'E0000011', errorSummary: 'Invalid token provided' }), rate);
      return;
    }
    if (scopes && !scopes.includes('okta.logs.read')) {
      send(403, oktaError({ errorCode: 'E0000006', errorSummary: 'You do not have permission to perform the requested action' }), {
        ...rate,
        'WWW-Authenticate': 'Bearer authorization_uri="' + this.url + '/oauth2/v1/authorize", realm="IdpMyAccountAPI", scope="okta.logs.read", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", resource="/api/v1/logs"',
      });
      return;
    }
    const failure = this.failures.shift();
    if (failure) {
      send(failure.status, failure.body, { ...rate, ...failure.headers });
      return;
    }

    const q = url.searchParams;
    const invalid = (summary: string, cause: string) => send(400, oktaError({ errorCode: 'E0000001', errorSummary: `Api validation failed: ${summary}`, errorCauses: [{ errorSummary: cause }] }), rate);
    const limitParam = q.get('limit');
    const limit = limitParam === null ? 100 : Number(limitParam);
    if (!Number.isInteger(limit) || limit < 0 || limit > PAGE_MAX) {
      invalid("'limit'", `limit: must be an integer between 0 and ${PAGE_MAX}`);
      return;
    }
    const sortOrder = q.get('sortOrder') ?? 'ASCENDING';
    if (sortOrder !== 'ASCENDING' && sortOrder !== 'DESCENDING') {
      invalid("'sortOrder'", 'sortOrder: must be ASCENDING or DESCENDING');
      return;
    }
    const times: Record<'since' | 'until', number | undefined> = { since: undefined, until: undefined };
    for (const name of ['since', 'until'] as const) {
      const v = q.get(name);
      if (v === null) continue;
      const t = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) ? Date.parse(v) : NaN;
      if (Number.isNaN(t)) {
        invalid(`'${name}': The date format in your query is not recognized. Please enter dates using ISO8601 string format.`, `${name}: The date format in your query is not recognized. Please enter dates using ISO8601 string format.`);
        return;
      }
      times[name] = t;
    }
    let filter: ScimNode | undefined;
    const filterText = q.get('filter');
    if (filterText !== null && filterText !== '') {
      try {
        filter = parseScim(filterText);
      } catch (err) {
        if (!(err instanceof ScimSyntaxError)) throw err;
        send(400, oktaError({ errorCode: 'E0000053', errorSummary: `Invalid filter '${filterText}': ${err.message}` }), rate);
        return;
      }
      if (pathsOf(filter).includes('published')) {
        send(400, oktaError({ errorCode: 'E0000031', errorSummary: 'The supplied combination of operator and field is not currently supported. Field: published' }), rate);
        return;
      }
    }

    const keywords = q.get('q');
    if (keywords !== null && keywords !== '') {
      try {
        matchesKeywords(keywords, {});
      } catch (err) {
        if (!(err instanceof KeywordError)) throw err;
        invalid("'q'", `q: ${err.message}`);
        return;
      }
    }

    // bounded: since defaults to 7 days before until, until to now
    const until = times.until ?? now;
    const since = times.since ?? until - 7 * 86_400_000;
    const inclusive = this.options.untilInclusive ?? true;
    const keyed = this.options.events.map((e, index) => ({ e, index, t: Date.parse(String(e.published)) }));
    let matching = keyed.filter(({ e, t }) => t >= since && (inclusive ? t <= until : t < until) && (!filter || matchesScim(filter, e)) && (!keywords || matchesKeywords(keywords, e)));
    matching.sort((a, b) => a.t - b.t || a.index - b.index);
    if (sortOrder === 'DESCENDING') matching.reverse();

    const after = q.get('after');
    if (after !== null) {
      const cursor = decodeCursor(after);
      if (!cursor) {
        invalid("'after'", 'after: invalid cursor');
        return;
      }
      const pos = matching.findIndex((m) => m.t === cursor.t && m.index === cursor.index);
      matching = pos < 0 ? [] : matching.slice(pos + 1);
    }
    // a broken org pages by 5, to have pages to repeat
    const page = matching.slice(0, this.fault?.kind === 'repeat' ? Math.min(limit, 5) : limit);
    const links = [`<${this.url}${url.pathname}${url.search}>; rel="self"`];
    const last = page[page.length - 1];
    if ((last && matching.length > page.length) || this.options.emptyPageWithNext) {
      const next = new URL(url.pathname, this.url);
      for (const [k, v] of q) if (k !== 'after') next.searchParams.append(k, v);
      next.searchParams.set('after', last ? encodeCursor(last) : (after ?? encodeCursor({ t: until, index: -1 })));
      links.push(`<${next.toString()}>; rel="next"`);
    }
    // a broken org serving its first page again under the same next link
    if (this.fault?.kind === 'repeat' && after !== null && this.firstPage) {
      send(200, this.firstPage.body, { ...rate, Link: this.firstPage.links });
      return;
    }
    this.firstPage ??= { body: page.map((m) => m.e), links };
    // Okta sends `self` and `next` as two separate Link headers
    send(200, page.map((m) => m.e), { ...rate, Link: links });
  }

  private token(body: string, send: (status: number, body: unknown) => void): void {
    const form = new URLSearchParams(body);
    const client = this.options.oauthClient;
    const fail = (status: number, error: string, description: string) => send(status, { error, error_description: description });
    if (form.get('grant_type') !== 'client_credentials') return fail(400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.');
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return fail(401, 'invalid_client', 'client_assertion_type is missing or invalid.');
    const claims = client ? verifyJwt(form.get('client_assertion') ?? '', client.publicKeyPem) : undefined;
    if (!client || !claims) return fail(401, 'invalid_client', 'The client_assertion signature is invalid.');
    if (claims.iss !== client.clientId || claims.sub !== client.clientId) return fail(401, 'invalid_client', 'The client_assertion token has an invalid issuer or subject.');
    if (claims.aud !== `${this.url}/oauth2/v1/token`) return fail(401, 'invalid_client', 'The audience claim for client_assertion must be the endpoint invoked for the request.');
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return fail(401, 'invalid_client', 'The client_assertion token is expired.');
    const asked = (form.get('scope') ?? '').split(' ').filter(Boolean);
    const scopes = asked.filter((s) => client.grantedScopes.includes(s));
    if (asked.length === 0 || scopes.length !== asked.length) return fail(400, 'invalid_scope', 'The authorization server resource does not have any configured default scopes, \'scope\' must be provided.');
    const accessToken = crypto.randomBytes(24).toString('base64url');
    this.bearerTokens.set(accessToken, scopes);
    send(200, { token_type: 'Bearer', expires_in: 3600, access_token: accessToken, scope: scopes.join(' ') });
  }
}

function oktaError(e: ErrorBody): Record<string, unknown> {
  return { errorCode: e.errorCode, errorSummary: e.errorSummary, errorLink: e.errorCode, errorId: `oae${crypto.randomBytes(11).toString('base64url')}`, errorCauses: e.errorCauses ?? [] };
}

/** Opaque to clients, as Okta's are: the position of the last event returned. */
function encodeCursor(m: { t: number; index: number }): string {
  return Buffer.from(`${m.t}:${m.index}`).toString('base64url');
}

function decodeCursor(s: string): { t: number; index: number } | undefined {
  const m = /^(-?\d+):(-?\d+)$/.exec(Buffer.from(s, 'base64url').toString('utf8'));
  return m ? { t: Number(m[1]), index: Number(m[2]) } : undefined;
}

/** Verifies an RS256 compact JWS and returns its claims. */
function verifyJwt(jwt: string, publicKeyPem: string): Record<string, unknown> | undefined {
  const [header, payload, signature] = jwt.split('.');
  if (!header || !payload || !signature) return undefined;
  try {
    const alg = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string }).alg;
    if (alg !== 'RS256') return undefined;
    const ok = crypto.verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), publicKeyPem, Buffer.from(signature, 'base64url'));
    return ok ? (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
