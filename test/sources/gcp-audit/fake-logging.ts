import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { getProtoPath } from 'google-proto-files';
import * as protobuf from 'protobufjs';
import { sendFaulty, type HttpFault } from '../../helpers/http-faults';
import { compileFilter, FilterSyntaxError, timeKey } from './fake-filter';
import type { Json, JsonObject } from './fixtures';

/**
 * A fake Cloud Logging `entries.list` that speaks both of the client library's transports: gRPC
 * (`google.logging.v2.LoggingServiceV2/ListLogEntries`, built from the googleapis protos, payloads encoded as
 * real `Any` bytes) and REST (`POST /v2/entries:list`, proto3 JSON). Like the service it checks the bearer
 * token, applies the filter, orders by timestamp then insertId, pages with opaque tokens, refuses page sizes
 * above 1,000 and filters above 20,000 characters, and answers RESOURCE_EXHAUSTED above its quota.
 */

export const VALID_TOKEN = 'ya29.test-reader-token';
/** a real token whose principal lacks logging.privateLogEntries.list */
export const NO_ROLE_TOKEN = 'ya29.test-no-logging-role';

export interface ReceivedRequest {
  transport: 'grpc' | 'rest';
  authorization?: string;
  resourceNames: string[];
  filter: string;
  orderBy: string;
  pageSize: number;
  pageToken?: string;
  /** what the request got: entries served, or the error code */
  served: number;
  error?: number;
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly httpStatus: number,
    readonly status: string,
    message: string,
    readonly details: JsonObject[] = [],
  ) {
    super(message);
  }
}

const QUOTA_MESSAGE =
  "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute' of service 'logging.googleapis.com' for consumer 'project_number:318274650912'.";

interface PageState {
  offset: number;
  /** the empty page before this offset was already served */
  emptyServed: boolean;
  digest: string;
}

export interface FakeLoggingOptions {
  /** the requests allowed per fixed window before RESOURCE_EXHAUSTED */
  quota?: { requests: number; windowMs: number };
  /** serve an empty page carrying a token before every page but the first, as the service does when it stops at its time budget */
  emptyPages?: boolean;
}

export class FakeLogging {
  readonly requests: ReceivedRequest[] = [];
  /** errors to answer with, one per request, before serving normally again */
  readonly failures: StatusError[] = [];
  /** every REST reply is spoiled this way until cleared (see test/helpers/http-faults.ts) */
  fault?: HttpFault;
  /** the first page served, for `repeat` */
  private firstPage?: { entries: JsonObject[]; nextPageToken?: string };
  private windowStart = 0;
  private windowCount = 0;

  constructor(
    public entries: JsonObject[],
    public options: FakeLoggingOptions = {},
  ) {}

  /** One ListLogEntries call, transport-neutral; entries come back in JSON form. */
  list(req: Omit<ReceivedRequest, 'served' | 'error'>): { entries: JsonObject[]; nextPageToken?: string } {
    const record: ReceivedRequest = { ...req, served: 0 };
    this.requests.push(record);
    try {
      const page = this.answer(req);
      record.served = page.entries.length;
      return page;
    } catch (err) {
      if (err instanceof StatusError) record.error = err.code;
      throw err;
    }
  }

  private answer(req: Omit<ReceivedRequest, 'served' | 'error'>): { entries: JsonObject[]; nextPageToken?: string } {
    const injected = this.failures.shift();
    if (injected) throw injected;
    // a broken service: pages of 5, and every page after the first is the first again, with the same token
    if (this.fault?.kind === 'repeat') {
      if (req.pageToken && this.firstPage) return this.firstPage;
      const page = this.pageOf({ ...req, pageSize: Math.min(req.pageSize || 5, 5) });
      this.firstPage = { entries: page.entries, nextPageToken: page.nextPageToken ?? token({ offset: 5, emptyServed: false, digest: 'repeat' }) };
      return this.firstPage;
    }
    return this.pageOf(req);
  }

  private pageOf(req: Omit<ReceivedRequest, 'served' | 'error'>): { entries: JsonObject[]; nextPageToken?: string } {
    const auth = req.authorization ?? '';
    if (!auth.startsWith('Bearer ') || (auth !== `Bearer ${VALID_TOKEN}` && auth !== `Bearer ${NO_ROLE_TOKEN}`)) {
      throw new StatusError(
        16,
        401,
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
      );
    }
    if (auth === `Bearer ${NO_ROLE_TOKEN}`) {
      throw new StatusError(7, 403, 'PERMISSION_DENIED', `Permission 'logging.privateLogEntries.list' denied on resource (or it may not exist).`, [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'IAM_PERMISSION_DENIED', domain: 'iam.googleapis.com', metadata: { permission: 'logging.privateLogEntries.list' } },
      ]);
    }
    if (this.options.quota) {
      const now = Date.now();
      if (now - this.windowStart >= this.options.quota.windowMs) {
        this.windowStart = now;
        this.windowCount = 0;
      }
      this.windowCount += 1;
      if (this.windowCount > this.options.quota.requests) {
        throw new StatusError(8, 429, 'RESOURCE_EXHAUSTED', QUOTA_MESSAGE, [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'RATE_LIMIT_EXCEEDED', domain: 'googleapis.com', metadata: { service: 'logging.googleapis.com', quota_metric: 'logging.googleapis.com/read_requests', quota_limit: 'ReadRequestsPerMinutePerProject' } },
        ]);
      }
    }
    if (req.resourceNames.length === 0) throw invalid('resource_names: must be specified');
    if (req.pageSize < 0 || req.pageSize > 1000) throw invalid(`page_size: must be between 0 and 1000, got ${req.pageSize}`);
    if (req.filter.length > 20_000) throw invalid('filter: exceeds the maximum length of 20000 characters');
    const order = req.orderBy.trim().toLowerCase();
    if (!['', 'timestamp asc', 'timestamp desc'].includes(order)) throw invalid(`order_by: invalid value "${req.orderBy}"; only "timestamp asc" and "timestamp desc" are supported`);
    let predicate;
    try {
      predicate = compileFilter(req.filter);
    } catch (err) {
      if (err instanceof FilterSyntaxError) throw invalid(`Unparseable filter: ${err.message}`);
      throw err;
    }
    const parents = req.resourceNames.map((r) => `${r}/logs/`);
    const matching = this.entries
      .filter((e) => parents.some((p) => String(e.logName).startsWith(p)) && predicate(e))
      .sort((a, b) => compareEntries(a, b) * (order === 'timestamp desc' ? -1 : 1));

    const digest = `${req.resourceNames.join(',')}|${req.filter}|${order}`;
    let state: PageState = { offset: 0, emptyServed: false, digest };
    if (req.pageToken) {
      try {
        state = JSON.parse(Buffer.from(req.pageToken, 'base64url').toString('utf8')) as PageState;
      } catch {
        throw invalid('page_token: invalid page token');
      }
      if (state.digest !== digest) throw invalid('page_token: the page token does not match the request parameters');
    }
    if (this.options.emptyPages && state.offset > 0 && !state.emptyServed) {
      return { entries: [], nextPageToken: token({ ...state, emptyServed: true }) };
    }
    const size = req.pageSize === 0 ? 50 : req.pageSize;
    const entries = matching.slice(state.offset, state.offset + size);
    const next = state.offset + size;
    return next < matching.length ? { entries, nextPageToken: token({ offset: next, emptyServed: false, digest }) } : { entries };
  }
}

function token(state: PageState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

function invalid(message: string): StatusError {
  return new StatusError(3, 400, 'INVALID_ARGUMENT', message);
}

function compareEntries(a: JsonObject, b: JsonObject): number {
  const ta = timeKey(String(a.timestamp)) ?? '';
  const tb = timeKey(String(b.timestamp)) ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ia = String(a.insertId);
  const ib = String(b.insertId);
  return ia < ib ? -1 : ia > ib ? 1 : 0;
}

// ---- protobuf: the googleapis protos, loaded here independently of the code under test ----

let protoRoot: protobuf.Root | undefined;

export function protos(): protobuf.Root {
  if (!protoRoot) {
    const dir = path.dirname(getProtoPath());
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(dir, target));
    root.loadSync(['google/logging/v2/logging.proto', 'google/cloud/audit/audit_log.proto', 'google/iam/v1/logging/audit_data.proto', 'google/rpc/status.proto', 'google/rpc/error_details.proto']);
    root.resolveAll();
    protoRoot = root;
  }
  return protoRoot;
}

/** Bytes that no AuditLog decoder accepts: field 1 claims more bytes than follow. */
export const CORRUPT_PAYLOAD_MARKER = '__corruptBytes';

function parseTimestamp(s: string): { seconds: number; nanos: number } {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(s);
  if (!m) throw new Error(`not an RFC 3339 UTC time: ${s}`);
  return { seconds: Date.parse(`${m[1]}Z`) / 1000, nanos: Number((m[2] ?? '').padEnd(9, '0')) };
}

function valueObject(v: Json): object {
  if (v === null) return { nullValue: 0 };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(valueObject) } };
  return { structValue: structObject(v) };
}

function structObject(v: JsonObject): object {
  return { fields: Object.fromEntries(Object.entries(v).map(([k, x]) => [k, valueObject(x)])) };
}

/** An `Any` from its proto3 JSON (`@type` + fields): the type's bytes. */
export function encodeAny(json: JsonObject): { type_url: string; value: Uint8Array } {
  const typeUrl = String(json['@type']);
  if (json[CORRUPT_PAYLOAD_MARKER]) return { type_url: typeUrl, value: Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]) };
  const type = protos().lookupType(typeUrl.slice(typeUrl.lastIndexOf('/') + 1));
  const rest = Object.fromEntries(Object.entries(json).filter(([k]) => k !== '@type'));
  return { type_url: typeUrl, value: type.encode(type.fromObject(toProtoObject(type, rest))).finish() };
}

/** proto3 JSON -> the object form protobufjs `fromObject` takes (Struct, Timestamp and Any spelled out). */
export function toProtoObject(type: protobuf.Type, json: JsonObject): Record<string, unknown> {
  switch (type.fullName) {
    case '.google.protobuf.Struct':
      return structObject(json) as Record<string, unknown>;
    case '.google.protobuf.Any':
      return encodeAny(json);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    const field = type.fields[key];
    if (!field) throw new Error(`${type.fullName} has no field ${key}`);
    field.resolve();
    const convert = (v: Json): unknown => {
      const t = field.resolvedType;
      if (t instanceof protobuf.Type) {
        if (t.fullName === '.google.protobuf.Timestamp') return parseTimestamp(String(v));
        if (t.fullName === '.google.protobuf.Value') return valueObject(v);
        return toProtoObject(t, v as JsonObject);
      }
      return v;
    };
    if (field.map) out[key] = Object.fromEntries(Object.entries(value as JsonObject).map(([k, v]) => [k, convert(v)]));
    else if (field.repeated) out[key] = (value as Json[]).map(convert);
    else out[key] = convert(value);
  }
  return out;
}

export function logEntryObject(json: JsonObject): Record<string, unknown> {
  return toProtoObject(protos().lookupType('google.logging.v2.LogEntry'), json);
}

// ---- gRPC ----

/** A gRPC server for google.logging.v2.LoggingServiceV2/ListLogEntries on 127.0.0.1, plaintext or TLS. */
export async function startGrpc(fake: FakeLogging, tls?: { cert: Buffer; key: Buffer }): Promise<{ port: number; close: () => Promise<void> }> {
  const root = protos();
  const Req = root.lookupType('google.logging.v2.ListLogEntriesRequest');
  const Resp = root.lookupType('google.logging.v2.ListLogEntriesResponse');
  const Status = root.lookupType('google.rpc.Status');
  const server = new grpc.Server();
  const service: grpc.ServiceDefinition = {
    ListLogEntries: {
      path: '/google.logging.v2.LoggingServiceV2/ListLogEntries',
      requestStream: false,
      responseStream: false,
      requestSerialize: (o: object) => Buffer.from(Req.encode(Req.fromObject(o)).finish()),
      requestDeserialize: (b: Buffer) => Req.toObject(Req.decode(b), { longs: Number, defaults: true }),
      responseSerialize: (o: object) => Buffer.from(Resp.encode(Resp.fromObject(o)).finish()),
      responseDeserialize: (b: Buffer) => Resp.toObject(Resp.decode(b)),
    },
  };
  server.addService(service, {
    ListLogEntries: (call: grpc.ServerUnaryCall<Record<string, unknown>, object>, callback: grpc.sendUnaryData<object>) => {
      const r = call.request;
      const authorization = call.metadata.get('authorization')[0];
      try {
        const page = fake.list({
          transport: 'grpc',
          authorization: typeof authorization === 'string' ? authorization : undefined,
          resourceNames: (r.resourceNames as string[]) ?? [],
          filter: String(r.filter ?? ''),
          orderBy: String(r.orderBy ?? ''),
          pageSize: Number(r.pageSize ?? 0),
          ...(r.pageToken ? { pageToken: String(r.pageToken) } : {}),
        });
        callback(null, { entries: page.entries.map(logEntryObject), nextPageToken: page.nextPageToken ?? '' });
      } catch (err) {
        if (!(err instanceof StatusError)) return callback({ code: grpc.status.INTERNAL, details: String(err) });
        // the service sends google.rpc.Status with its details in grpc-status-details-bin
        const metadata = new grpc.Metadata();
        const status = Status.fromObject({ code: err.code, message: err.message, details: err.details.map((d) => encodeAny(d)) });
        metadata.set('grpc-status-details-bin', Buffer.from(Status.encode(status).finish()));
        callback({ code: err.code, details: err.message, metadata });
      }
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      '127.0.0.1:0',
      tls ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: tls.cert, private_key: tls.key }]) : grpc.ServerCredentials.createInsecure(),
      (err, p) => (err ? reject(err) : resolve(p)),
    ),
  );
  return { port, close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())) };
}

// ---- REST ----

const SEVERITY_NUMBERS: Record<string, number> = { DEFAULT: 0, DEBUG: 100, INFO: 200, NOTICE: 300, WARNING: 400, ERROR: 500, CRITICAL: 600, ALERT: 700, EMERGENCY: 800 };

/** `POST /v2/entries:list` on 127.0.0.1, answering proto3 JSON (enums as numbers when `$alt=json;enum-encoding=int`). */
export async function startRest(fake: FakeLogging): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
        const all = { 'content-type': 'application/json; charset=UTF-8', ...headers };
        if (fake.fault && sendFaulty(res, fake.fault, status, all, JSON.stringify(json))) return;
        res.writeHead(status, all);
        res.end(JSON.stringify(json));
      };
      if (req.method !== 'POST' || url.pathname !== '/v2/entries:list') {
        return send(404, { error: { code: 404, message: `The requested URL ${url.pathname} was not found on this server.`, status: 'NOT_FOUND' } });
      }
      let r: Record<string, unknown>;
      try {
        r = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return send(400, { error: { code: 400, message: 'Invalid JSON payload received.', status: 'INVALID_ARGUMENT' } });
      }
      const intEnums = (url.searchParams.get('$alt') ?? '').includes('enum-encoding=int');
      try {
        const page = fake.list({
          transport: 'rest',
          authorization: req.headers.authorization,
          resourceNames: (r.resourceNames as string[]) ?? [],
          filter: String(r.filter ?? ''),
          orderBy: String(r.orderBy ?? ''),
          pageSize: Number(r.pageSize ?? 0),
          ...(r.pageToken ? { pageToken: String(r.pageToken) } : {}),
        });
        const entries = page.entries.map((e) => (intEnums && typeof e.severity === 'string' ? { ...e, severity: SEVERITY_NUMBERS[e.severity] } : e));
        send(200, { entries, ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) });
      } catch (err) {
        if (!(err instanceof StatusError)) return send(500, { error: { code: 500, message: String(err), status: 'INTERNAL' } });
        const headers: Record<string, string> = err.httpStatus === 401 ? { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' } : {};
        send(err.httpStatus, { error: { code: err.httpStatus, message: err.message, status: err.status, ...(err.details.length ? { details: err.details } : {}) } }, headers);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
