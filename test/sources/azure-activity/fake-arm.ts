import { randomUUID } from 'node:crypto';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { sendFaulty, type HttpFault } from '../../helpers/http-faults';

/**
 * A loopback Azure Resource Manager that serves the activity log's list call the way ARM does:
 * `GET /subscriptions/{id}/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01&$filter=…`
 * over TLS, with a bearer token, the restricted `$filter` grammar (both eventTimestamp bounds, inclusive, plus at
 * most one more clause), pages of `{"value":[…],"nextLink":"<absolute URL with $skipToken>"}`, ARM error bodies
 * `{"error":{"code","message"}}`, and 429 + `Retry-After` above its read rate.
 */

export type ArmRecord = Record<string, unknown> & { eventTimestamp?: string };

export interface FakeArmOptions {
  subscriptionId: string;
  token: string;
  events: ArmRecord[];
  /** events a page (ARM: 200) */
  pageSize?: number;
  /** ARM returns newest first in practice; `shuffled` checks that the source does not rely on it */
  order?: 'newest' | 'shuffled';
  /**
   * `arm`: nextLink as ARM writes it (`&$filter=…&$skipToken=…`, the SDK leaves them alone).
   * `encoded`: `&%24filter=…&%24skiptoken=…`, which makes the SDK append its own `$filter` again.
   */
  nextLinkStyle?: 'arm' | 'encoded';
  /** reads allowed per `perMs`; more get 429 */
  rateLimit?: { requests: number; perMs: number };
  /** what 429 replies put in Retry-After (default: seconds until the rate allows another read) */
  retryAfterSeconds?: number;
  /** answer every list call with this error */
  fail?: { status: number; code: string; message: string };
}

export interface ReceivedRequest {
  path: string;
  apiVersions: string[];
  filters: string[];
  selects: string[];
  skipToken?: string;
  authorization?: string;
  status: number;
  /** records in the page answered */
  returned: number;
}

interface Clause {
  field: string;
  op: string;
  value: string;
}

const EXTRA_FIELDS = ['resourcegroupname', 'resourceuri', 'resourceprovider', 'correlationid', 'caller', 'status'];

export class FakeArm {
  readonly requests: ReceivedRequest[] = [];
  /** errors to answer list calls with, one per request, before serving normally again */
  readonly failures: { status: number; code: string; message: string; headers?: Record<string, string> }[] = [];
  /** every list reply is spoiled this way until cleared (see test/helpers/http-faults.ts) */
  fault?: HttpFault;
  /** the first page served, for `repeat` */
  private firstPage?: { value: ArmRecord[]; nextLink?: string };
  private readonly accepted: number[] = [];
  private server!: https.Server;

  private constructor(public options: FakeArmOptions) {}

  static async start(tls: { key: string; cert: string }, options: FakeArmOptions): Promise<FakeArm> {
    const fake = new FakeArm(options);
    fake.server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => fake.handle(req, res));
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** requests that reached the list handler with a valid token (not throttled) */
  get served(): ReceivedRequest[] {
    return this.requests.filter((r) => r.status === 200);
  }

  reset(): void {
    this.requests.length = 0;
    this.accepted.length = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const params = url.searchParams;
    const log: ReceivedRequest = {
      path: url.pathname,
      apiVersions: params.getAll('api-version'),
      filters: params.getAll('$filter'),
      selects: params.getAll('$select'),
      skipToken: params.get('$skipToken') ?? params.get('$skiptoken') ?? undefined,
      authorization: req.headers.authorization,
      status: 0,
      returned: 0,
    };
    this.requests.push(log);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      log.status = status;
      const all = { 'content-type': 'application/json; charset=utf-8', 'x-ms-request-id': randomUUID(), 'x-ms-correlation-request-id': randomUUID(), ...headers };
      if (this.fault && sendFaulty(res, this.fault, status, all, JSON.stringify(body))) return;
      res.writeHead(status, all);
      res.end(JSON.stringify(body));
    };
    const armError = (status: number, code: string, message: string, headers: Record<string, string> = {}) => reply(status, { error: { code, message } }, headers);

    if (req.method !== 'GET') return armError(405, 'MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`);
    const auth = req.headers.authorization;
    if (!auth) {
      return armError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.", {
        'www-authenticate': 'Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The authentication failed because of missing \'Authorization\' header."',
      });
    }
    if (auth !== `Bearer ${this.options.token}`) {
      return armError(401, 'InvalidAuthenticationToken', 'The access token is invalid.', {
        'www-authenticate': 'Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The access token is invalid."',
      });
    }
    const m = /^\/subscriptions\/([^/]+)\/providers\/microsoft\.insights\/eventtypes\/management\/values$/i.exec(url.pathname);
    if (!m) return armError(404, 'InvalidResourceType', `The resource type could not be found for path '${url.pathname}'.`);
    if (m[1].toLowerCase() !== this.options.subscriptionId.toLowerCase()) {
      return armError(404, 'SubscriptionNotFound', `The subscription '${m[1]}' could not be found.`);
    }
    if (log.apiVersions.length === 0 || log.apiVersions.some((v) => v !== '2015-04-01')) {
      return armError(400, 'InvalidApiVersionParameter', `The api-version '${log.apiVersions.join(',')}' is invalid. The supported versions are '2015-04-01'.`);
    }
    if (this.overRate()) {
      const perMs = this.options.rateLimit!.perMs;
      const waitMs = this.accepted.length > 0 ? this.accepted[0] + perMs - Date.now() : perMs;
      const retryAfter = this.options.retryAfterSeconds ?? Math.max(1, Math.ceil(waitMs / 1000));
      return armError(
        429,
        'SubscriptionRequestsThrottled',
        `Number of 'read' requests for subscription '${this.options.subscriptionId}' actor '${randomUUID()}' exceeded. Please try again after '${retryAfter}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling`,
        { 'retry-after': String(retryAfter), 'x-ms-ratelimit-remaining-subscription-reads': '0', 'x-ms-failure-cause': 'gateway' },
      );
    }
    this.accepted.push(Date.now());
    if (this.options.fail) return armError(this.options.fail.status, this.options.fail.code, this.options.fail.message);
    const injected = this.failures.shift();
    if (injected) return armError(injected.status, injected.code, injected.message, injected.headers);

    // the SDK may send $filter twice (its own after the nextLink's): they must agree
    if (log.filters.length === 0) return armError(400, 'BadRequest', 'The $filter query parameter is required.');
    if (new Set(log.filters).size > 1) return armError(400, 'BadRequest', `Conflicting $filter values: ${log.filters.join(' | ')}`);
    const filter = log.filters[0];
    const clauses = parseFilter(filter);
    if (!clauses) return armError(400, 'BadRequest', `The filter '${filter}' is invalid.`);
    const ge = clauses.find((c) => c.field === 'eventtimestamp' && c.op === 'ge');
    const le = clauses.find((c) => c.field === 'eventtimestamp' && c.op === 'le');
    const extra = clauses.filter((c) => c.field !== 'eventtimestamp');
    if (!ge || !le || clauses.length !== extra.length + 2 || extra.length > 1 || extra.some((c) => c.op !== 'eq' || !EXTRA_FIELDS.includes(c.field))) {
      return armError(400, 'BadRequest', `The filter '${filter}' is invalid.`);
    }
    const from = ticks(ge.value);
    const to = ticks(le.value);
    if (from === undefined || to === undefined) return armError(400, 'BadRequest', `The filter '${filter}' is invalid: unparseable eventTimestamp.`);

    let matching = this.options.events.filter((e) => {
      const t = typeof e.eventTimestamp === 'string' ? ticks(e.eventTimestamp) : undefined;
      return t !== undefined && t >= from && t <= to && extra.every((c) => matches(e, c));
    });
    matching = this.options.order === 'shuffled' ? shuffle(matching, filter) : [...matching].sort((a, b) => compareTicks(ticks(b.eventTimestamp!)!, ticks(a.eventTimestamp!)!));

    const offset = log.skipToken ? decodeSkipToken(log.skipToken, filter) : 0;
    if (offset === undefined) return armError(400, 'BadRequest', 'The $skipToken is invalid.');
    const pageSize = this.fault?.kind === 'repeat' ? 2 : (this.options.pageSize ?? 200);
    // a broken service: every page after the first is the first again, with the same nextLink
    if (this.fault?.kind === 'repeat' && log.skipToken && this.firstPage) return reply(200, this.firstPage);
    const value = matching.slice(offset, offset + pageSize);
    const body: { value: ArmRecord[]; nextLink?: string } = { value };
    if (offset + pageSize < matching.length) body.nextLink = this.nextLink(m[1], filter, encodeSkipToken(offset + pageSize, filter));
    if (this.fault?.kind === 'repeat' && body.nextLink) this.firstPage ??= body;
    log.returned = value.length;
    reply(200, body, { 'x-ms-ratelimit-remaining-subscription-reads': '11999' });
  }

  private nextLink(subscription: string, filter: string, skipToken: string): string {
    const base = `${this.url}/subscriptions/${subscription}/providers/microsoft.insights/eventtypes/management/values?api-version=2015-04-01`;
    if (this.options.nextLinkStyle === 'encoded') return `${base}&%24filter=${encodeURIComponent(filter)}&%24skiptoken=${encodeURIComponent(skipToken)}`;
    return `${base}&$filter=${encodeURIComponent(filter)}&$skipToken=${skipToken}`;
  }

  private overRate(): boolean {
    const limit = this.options.rateLimit;
    if (!limit) return false;
    const now = Date.now();
    while (this.accepted.length > 0 && this.accepted[0] <= now - limit.perMs) this.accepted.shift();
    return this.accepted.length >= limit.requests;
  }
}

/** `eventTimestamp ge '…' and eventTimestamp le '…' and caller eq '…'`: ARM accepts `and` of simple comparisons only. */
function parseFilter(filter: string): Clause[] | undefined {
  const clauses: Clause[] = [];
  const re = /\s*(\w+)\s+(ge|le|eq)\s+'((?:[^']|'')*)'\s*(?:and\b|$)/giy;
  let consumed = 0;
  for (let m = re.exec(filter); m; m = re.exec(filter)) {
    clauses.push({ field: m[1].toLowerCase(), op: m[2].toLowerCase(), value: m[3].replace(/''/g, "'") });
    consumed = re.lastIndex;
    if (consumed >= filter.length) break;
  }
  return consumed === filter.length && clauses.length > 0 ? clauses : undefined;
}

/**
 * ARM documents its resource names and ids as case-insensitive, so those compare without case. It documents
 * nothing for `caller` and `status` (which are not in the documented patterns): they compare exactly, the stricter
 * reading, so that a source relying on a case-insensitive match of them fails here.
 */
function matches(e: ArmRecord, c: Clause): boolean {
  const v = c.value.toLowerCase();
  const localizable = (x: unknown) => (x as { value?: string } | undefined)?.value?.toLowerCase();
  switch (c.field) {
    case 'caller':
      return typeof e.caller === 'string' && e.caller === c.value;
    case 'status':
      return (e.status as { value?: string } | undefined)?.value === c.value;
    case 'correlationid':
      return typeof e.correlationId === 'string' && e.correlationId.toLowerCase() === v;
    case 'resourcegroupname':
      return typeof e.resourceGroupName === 'string' && e.resourceGroupName.toLowerCase() === v;
    case 'resourceuri':
      return typeof e.resourceId === 'string' && e.resourceId.toLowerCase() === v;
    case 'resourceprovider':
      return localizable(e.resourceProviderName) === v;
    default:
      return false;
  }
}

/** Times at the activity log's precision: 100 ns units since the epoch. */
function ticks(text: string): bigint | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,7}))?Z$/.exec(text);
  if (!m) return undefined;
  const wholeSecondsMs = Date.parse(`${m[1]}Z`);
  if (Number.isNaN(wholeSecondsMs)) return undefined;
  return BigInt(wholeSecondsMs) * 10_000n + BigInt((m[2] ?? '').padEnd(7, '0'));
}

function compareTicks(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function encodeSkipToken(offset: number, filter: string): string {
  return Buffer.from(JSON.stringify({ o: offset, f: filter })).toString('base64url');
}

function decodeSkipToken(token: string, filter: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; f?: unknown };
    return parsed.f === filter && typeof parsed.o === 'number' ? parsed.o : undefined;
  } catch {
    return undefined;
  }
}

/** A stable shuffle (same filter, same order), so paging over it is consistent. */
function shuffle<T>(items: T[], seed: string): T[] {
  let h = 2166136261;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    h = Math.imul(h ^ i, 16777619) >>> 0;
    const j = h % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
