/**
 * A loopback CloudTrail that speaks LookupEvents' wire protocol (AWS JSON 1.1) as the service does:
 * `POST /` with `x-amz-target: CloudTrail_20131101.LookupEvents`, a verified SigV4 signature, epoch-second
 * times, StartTime/EndTime both inclusive, newest first, MaxResults 1..50, one lookup attribute, a NextToken
 * bound to the parameters it was issued for, and `ThrottlingException` above its request rate. It records every
 * request so that tests can assert on what the source sent.
 */

import * as crypto from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendFaulty, type HttpFault } from '../../helpers/http-faults';

export const TARGET = 'CloudTrail_20131101.LookupEvents';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
const ATTRIBUTE_KEYS = ['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId'];

/** One event as CloudTrail stores it for lookup: the indexed fields plus the record as a JSON string. */
export interface StoredEvent {
  eventId: string;
  eventName: string;
  eventSource: string;
  eventTime: Date;
  username?: string;
  accessKeyId?: string;
  readOnly?: string;
  resources: { ResourceType?: string; ResourceName?: string }[];
  cloudTrailEvent: string;
}

interface RecordShape {
  eventID: string;
  eventName: string;
  eventSource: string;
  eventTime: string;
  readOnly?: boolean;
  resources?: { ARN?: string; type?: string }[];
  userIdentity?: { type?: string; userName?: string; arn?: string; accessKeyId?: string; sessionContext?: { sessionIssuer?: { userName?: string } } };
}

/** How CloudTrail indexes a record for lookup (`Username` is the user name, or the role session name). */
export function storedEvent(record: RecordShape): StoredEvent {
  const identity = record.userIdentity;
  const session = identity?.type === 'AssumedRole' ? identity.arn?.split('/').pop() : undefined;
  const username = identity?.userName ?? session ?? (identity?.type === 'Root' ? 'root' : undefined);
  return {
    eventId: record.eventID,
    eventName: record.eventName,
    eventSource: record.eventSource,
    eventTime: new Date(record.eventTime),
    ...(username ? { username } : {}),
    ...(identity?.accessKeyId ? { accessKeyId: identity.accessKeyId } : {}),
    ...(record.readOnly !== undefined ? { readOnly: String(record.readOnly) } : {}),
    resources: (record.resources ?? []).map((r) => ({ ResourceType: r.type, ResourceName: r.ARN })),
    cloudTrailEvent: JSON.stringify(record),
  };
}

export interface ReceivedRequest {
  target?: string;
  contentType?: string;
  authorization?: string;
  /** the access key id in the SigV4 credential scope, and the scope's region and service */
  credential?: { accessKeyId: string; date: string; region: string; service: string };
  body: {
    StartTime?: number;
    EndTime?: number;
    MaxResults?: number;
    NextToken?: string;
    LookupAttributes?: { AttributeKey?: string; AttributeValue?: string }[];
    [key: string]: unknown;
  };
  status: number;
  errorType?: string;
}

export interface FakeCloudTrailOptions {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  events: StoredEvent[];
  /** the service's limit; null turns throttling off */
  rate?: { requests: number; perMs: number } | null;
}

interface AwsError {
  status: number;
  type: string;
  message: string;
}

class ThrottleBucket {
  private tokens: number;
  private last = Date.now();
  constructor(private readonly capacity: number, private readonly perMs: number) {
    this.tokens = capacity;
  }
  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.capacity) / this.perMs);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

function sha256Hex(data: string | Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return crypto.createHmac('sha256', key).update(data).digest();
}

export class FakeCloudTrail {
  readonly requests: ReceivedRequest[] = [];
  /** errors to answer with, one per request, before serving normally again */
  readonly failures: AwsError[] = [];
  /** every reply is spoiled this way until cleared (see test/helpers/http-faults.ts) */
  fault?: HttpFault;
  /** the first page served, for `repeat` */
  private firstPage?: { Events: unknown[]; NextToken?: string };
  /** an access key the server no longer recognises (as after the key is deleted) */
  acceptedAccessKeyId: string;
  private readonly server: http.Server;
  private readonly bucket?: ThrottleBucket;
  private readonly events: StoredEvent[];

  private constructor(private readonly options: FakeCloudTrailOptions) {
    this.acceptedAccessKeyId = options.accessKeyId;
    const rate = options.rate === undefined ? { requests: 2, perMs: 1000 } : options.rate;
    if (rate) this.bucket = new ThrottleBucket(rate.requests, rate.perMs);
    // newest first; CloudTrail's own tie order is unspecified, this one is fixed
    this.events = [...options.events].sort((a, b) => b.eventTime.getTime() - a.eventTime.getTime() || (a.eventId < b.eventId ? 1 : -1));
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, Buffer.concat(chunks), res));
    });
  }

  static async start(options: FakeCloudTrailOptions): Promise<FakeCloudTrail> {
    const fake = new FakeCloudTrail(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** requests the service answered (not throttled, not refused) */
  get served(): ReceivedRequest[] {
    return this.requests.filter((r) => r.status === 200);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, rawBody: Buffer, res: http.ServerResponse): void {
    const received: ReceivedRequest = {
      target: header(req, 'x-amz-target'),
      contentType: header(req, 'content-type'),
      authorization: header(req, 'authorization'),
      body: {},
      status: 200,
    };
    this.requests.push(received);
    const reply = (status: number, payload: unknown, errorType?: string) => {
      received.status = status;
      if (errorType) received.errorType = errorType;
      const body = JSON.stringify(payload);
      const headers = { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': crypto.randomUUID() };
      if (this.fault && sendFaulty(res, this.fault, status, headers, body)) return;
      res.writeHead(status, headers);
      res.end(body);
    };
    const fail = (e: AwsError) => reply(e.status, { __type: e.type, Message: e.message }, e.type);

    if (req.method !== 'POST' || req.url !== '/') return fail({ status: 404, type: 'UnknownOperationException', message: `${req.method} ${req.url}` });
    const authError = this.checkSignature(req, rawBody, received);
    if (authError) return fail(authError);
    if (received.target !== TARGET) return fail({ status: 400, type: 'UnknownOperationException', message: `unknown target ${received.target}` });
    if (received.contentType !== CONTENT_TYPE) return fail({ status: 400, type: 'SerializationException', message: `expected ${CONTENT_TYPE}` });
    try {
      received.body = rawBody.length ? JSON.parse(rawBody.toString('utf8')) : {};
    } catch {
      return fail({ status: 400, type: 'SerializationException', message: 'body is not JSON' });
    }
    if (this.bucket && !this.bucket.take()) return fail({ status: 400, type: 'ThrottlingException', message: 'Rate exceeded' });
    const injected = this.failures.shift();
    if (injected) return fail(injected);

    const result = this.lookup(received.body);
    if ('type' in result) return fail(result);
    // a broken service: pages of 5, and every page after the first is the first again, with the same NextToken
    if (this.fault?.kind === 'repeat') {
      if (received.body.NextToken !== undefined && this.firstPage) return reply(200, this.firstPage);
      this.firstPage ??= { Events: result.Events.slice(0, 5), NextToken: result.NextToken ?? encodeToken(5, paramsDigest(received.body)) };
      return reply(200, this.firstPage);
    }
    reply(200, result);
  }

  /** SigV4 as AWS checks it: credential scope, known key, and the signature recomputed over the request. */
  private checkSignature(req: http.IncomingMessage, body: Buffer, received: ReceivedRequest): AwsError | undefined {
    const auth = received.authorization;
    if (!auth) return { status: 400, type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
    const m = auth.match(/^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/);
    if (!m) return { status: 400, type: 'IncompleteSignatureException', message: `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature': ${auth}` };
    const [, accessKeyId, date, region, service, signedHeaders, signature] = m;
    received.credential = { accessKeyId, date, region, service };
    if (service !== 'cloudtrail') return { status: 400, type: 'InvalidSignatureException', message: `Credential should be scoped to correct service: 'cloudtrail'.` };
    if (region !== this.options.region) return { status: 400, type: 'InvalidSignatureException', message: `Credential should be scoped to a valid region.` };
    if (accessKeyId !== this.acceptedAccessKeyId) return { status: 400, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
    const amzDate = header(req, 'x-amz-date');
    if (!amzDate || !amzDate.startsWith(date)) return { status: 400, type: 'IncompleteSignatureException', message: 'x-amz-date is missing or outside the credential date' };
    const names = signedHeaders.split(';');
    if (!names.includes('host') || !names.includes('x-amz-date')) return { status: 400, type: 'IncompleteSignatureException', message: 'host and x-amz-date must be signed' };
    const canonicalHeaders = names.map((n) => `${n}:${(header(req, n) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
    const payloadHash = header(req, 'x-amz-content-sha256') ?? sha256Hex(body);
    const canonicalRequest = ['POST', '/', '', canonicalHeaders, signedHeaders, payloadHash].join('\n');
    const scope = `${date}/${region}/${service}/aws4_request`;
    const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
    const key = hmac(hmac(hmac(hmac(`AWS4${this.options.secretAccessKey}`, date), region), service), 'aws4_request');
    const expected = hmac(key, stringToSign).toString('hex');
    if (expected !== signature) {
      return { status: 400, type: 'InvalidSignatureException', message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.' };
    }
    return undefined;
  }

  private lookup(body: ReceivedRequest['body']): AwsError | { Events: unknown[]; NextToken?: string } {
    const attributes = body.LookupAttributes ?? [];
    if (attributes.length > 1) {
      return { status: 400, type: 'InvalidLookupAttributesException', message: 'You cannot specify more than one lookup attribute.' };
    }
    const attribute = attributes[0];
    if (attribute && (!attribute.AttributeKey || !ATTRIBUTE_KEYS.includes(attribute.AttributeKey) || !attribute.AttributeValue)) {
      return { status: 400, type: 'InvalidLookupAttributesException', message: `Invalid lookup attribute ${JSON.stringify(attribute)}.` };
    }
    const max = body.MaxResults ?? 50;
    if (!Number.isInteger(max) || max < 1 || max > 50) {
      return { status: 400, type: 'InvalidMaxResultsException', message: 'MaxResults must be between 1 and 50.' };
    }
    const start = body.StartTime;
    const end = body.EndTime;
    if (start !== undefined && end !== undefined && start > end) {
      return { status: 400, type: 'InvalidTimeRangeException', message: 'Start time must be before end time.' };
    }
    const digest = paramsDigest(body);
    let offset = 0;
    if (body.NextToken !== undefined) {
      const token = decodeToken(body.NextToken);
      if (!token || token.digest !== digest) return { status: 400, type: 'InvalidNextTokenException', message: 'Invalid NextToken' };
      offset = token.offset;
    }
    const matching = this.events.filter((e) => {
      const t = e.eventTime.getTime() / 1000;
      if (start !== undefined && t < start) return false;
      if (end !== undefined && t > end) return false;
      return !attribute || matches(e, attribute.AttributeKey!, attribute.AttributeValue!);
    });
    const page = matching.slice(offset, offset + max);
    const more = offset + max < matching.length;
    return {
      Events: page.map((e) => ({
        EventId: e.eventId,
        EventName: e.eventName,
        ...(e.readOnly !== undefined ? { ReadOnly: e.readOnly } : {}),
        ...(e.accessKeyId ? { AccessKeyId: e.accessKeyId } : {}),
        EventTime: e.eventTime.getTime() / 1000,
        EventSource: e.eventSource,
        ...(e.username ? { Username: e.username } : {}),
        Resources: e.resources,
        CloudTrailEvent: e.cloudTrailEvent,
      })),
      ...(more ? { NextToken: encodeToken(offset + max, digest) } : {}),
    };
  }
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function matches(e: StoredEvent, key: string, value: string): boolean {
  switch (key) {
    case 'EventId':
      return e.eventId === value;
    case 'EventName':
      return e.eventName === value;
    case 'EventSource':
      return e.eventSource === value;
    case 'Username':
      return e.username === value;
    case 'AccessKeyId':
      return e.accessKeyId === value;
    case 'ReadOnly':
      return e.readOnly === value;
    case 'ResourceType':
      return e.resources.some((r) => r.ResourceType === value);
    case 'ResourceName':
      return e.resources.some((r) => r.ResourceName === value);
    default:
      return false;
  }
}

/** Everything but the token: a NextToken is only valid with the parameters it was issued for. */
function paramsDigest(body: ReceivedRequest['body']): string {
  const { NextToken: _ignored, ...rest } = body;
  const canonical = JSON.stringify(Object.keys(rest).sort().map((k) => [k, rest[k]]));
  return sha256Hex(canonical).slice(0, 16);
}

function encodeToken(offset: number, digest: string): string {
  return Buffer.from(JSON.stringify({ offset, digest })).toString('base64');
}

function decodeToken(token: string): { offset: number; digest: string } | undefined {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown; digest?: unknown };
    return typeof v.offset === 'number' && typeof v.digest === 'string' ? { offset: v.offset, digest: v.digest } : undefined;
  } catch {
    return undefined;
  }
}
