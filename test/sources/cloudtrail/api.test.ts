import { SortOrder, SourceError, newSourceStats, type AuditEvent, type Source, type SourceQuery } from '../../../src/domain';
import { ConfigError } from '../../../src/config/errors';
import { ConfigNode } from '../../../src/config/fields';
import { Limiters, TokenBucket } from '../../../src/query/limiter';
import { cloudtrailDefinition, CloudTrailApiSource } from '../../../src/sources/cloudtrail';
import { collect } from '../../contract/source-contract';
import { testDeps } from '../../helpers/deps';
import { ACCESS_KEY_ID, RecordingLimiters, apiSource, incidentRecords, startFake, storedIncident, useFakeAwsEnvironment } from './api-fixture';
import type { FakeCloudTrail } from './fake-cloudtrail';
import { ACCOUNT, REGION } from './records';

const WINDOW = { from: new Date('2026-03-14T09:00:00Z'), to: new Date('2026-03-14T10:00:00Z') };

function query(over: Partial<SourceQuery> = {}): SourceQuery {
  return { window: WINDOW, order: SortOrder.NEWEST_FIRST, filter: {}, pageSizeHint: 50, ...over };
}

/** A limiter registry that lets the source send as fast as it likes, so that the fake's own limit is what bites. */
function unlimitedDeps() {
  const limiters = new Limiters();
  return { ...testDeps(), limiters: { get: (scope: string) => limiters.get(`${scope}:fast`, 1000, 1000) } };
}

beforeAll(() => useFakeAwsEnvironment());

describe('CloudTrail api: the request on the wire', () => {
  let fake: FakeCloudTrail;
  let source: Source;
  beforeAll(async () => {
    fake = await startFake(storedIncident(), null);
    source = apiSource(fake.url, unlimitedDeps());
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.requests.splice(0));

  it('signs with SigV4 for cloudtrail in the configured region, as LookupEvents over AWS JSON 1.1', async () => {
    const { events } = await collect(source, query());
    expect(events).toHaveLength(12);
    expect(fake.requests).toHaveLength(1);
    const r = fake.requests[0];
    expect(r.status).toBe(200);
    expect(r.target).toBe('CloudTrail_20131101.LookupEvents');
    expect(r.contentType).toBe('application/x-amz-json-1.1');
    expect(r.credential).toMatchObject({ accessKeyId: ACCESS_KEY_ID, region: REGION, service: 'cloudtrail' });
    expect(r.body.StartTime).toBe(WINDOW.from.getTime() / 1000);
    expect(r.body.EndTime).toBe(WINDOW.to.getTime() / 1000);
    expect(r.body.LookupAttributes).toBeUndefined();
  });

  it('pages with NextToken, repeating the other parameters unchanged, at the hinted page size', async () => {
    const { events, stats } = await collect(source, query({ pageSizeHint: 5 }));
    expect(events.map((e) => e.id)).toHaveLength(12);
    expect(fake.requests.map((r) => r.body.MaxResults)).toEqual([5, 5, 5]);
    expect(fake.requests.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(fake.requests[0].body.NextToken).toBeUndefined();
    expect(fake.requests[1].body.NextToken).toEqual(expect.any(String));
    const withoutToken = fake.requests.map(({ body: { NextToken: _t, ...rest } }) => rest);
    expect(withoutToken[1]).toEqual(withoutToken[0]);
    expect(withoutToken[2]).toEqual(withoutToken[0]);
    expect(stats.requests).toBe(3);
    expect(stats.scanned).toBe(12);
  });

  it('clamps the page size to LookupEvents maximum of 50', async () => {
    await collect(source, query({ pageSizeHint: 1000 }));
    expect(fake.requests[0].body.MaxResults).toBe(50);
  });

  it('returns events newest first', async () => {
    const { events } = await collect(source, query());
    const times = events.map((e) => e.time.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('keeps the window half-open although EndTime is inclusive upstream', async () => {
    const window = { from: new Date('2026-03-14T09:04:40Z'), to: new Date('2026-03-14T09:20:00Z') };
    const { events } = await collect(source, query({ window }));
    // the fake answers inclusively: the calls at 09:20:00 came back and were dropped
    expect(fake.requests[0].body.EndTime).toBe(window.to.getTime() / 1000);
    expect(events.map((e) => e.id).sort()).toEqual(['e03', 'e04', 'e05', 'e06']);
  });

  it('keeps a user or session name local: LookupEvents matches Username with case, auditgraph without', async () => {
    const stats = newSourceStats();
    const events: AuditEvent[] = [];
    for await (const e of source.events(query({ filter: { identity: ['Alice@Example.COM'] }, pageSizeHint: 50 }), { signal: new AbortController().signal, stats })) events.push(e);
    expect(fake.requests[0].body.LookupAttributes).toBeUndefined();
    expect(stats.notes.join(' ')).toMatch(/identity not sent upstream: LookupEvents matches Username with case/);
    // every event of the window comes back for the engine to match (`Username=Alice@Example.COM` upstream would
    // have found none of alice@example.com's five)
    expect(events).toHaveLength(12);
  });

  it('sends an access key, in any case, as AccessKeyId in upper case, and nothing for user or role ARNs', async () => {
    await collect(source, query({ filter: { identity: ['akiaexamplecibot0001'] } }));
    await collect(source, query({ filter: { identity: [`arn:aws:iam::${ACCOUNT}:user/ci-bot`] } }));
    await collect(source, query({ filter: { identity: [`arn:aws:iam::${ACCOUNT}:role/ml-training-irsa`] } }));
    expect(fake.requests.map((r) => r.body.LookupAttributes)).toEqual([[{ AttributeKey: 'AccessKeyId', AttributeValue: 'AKIAEXAMPLECIBOT0001' }], undefined, undefined]);
  });

  it('sends a service action or pattern as its EventSource, in lower case, and finds what the engine matches', async () => {
    for (const action of ['iam:CreateAccessKey', 'IAM:*', 'iam:create*']) {
      fake.requests.length = 0;
      const { events } = await collect(source, query({ filter: { action: [action] } }));
      expect(fake.requests[0].body.LookupAttributes).toEqual([{ AttributeKey: 'EventSource', AttributeValue: 'iam.amazonaws.com' }]);
      // the source hands back the whole service; the engine keeps the calls its pattern names
      expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['iam:CreateAccessKey', 'iam:AttachUserPolicy']));
    }
  });

  it('keeps a bare event name, or actions of several services, local', async () => {
    await collect(source, query({ filter: { action: ['createaccesskey'] } }));
    await collect(source, query({ filter: { action: ['iam:CreateAccessKey', 'secretsmanager:GetSecretValue'] } }));
    expect(fake.requests.map((r) => r.body.LookupAttributes)).toEqual([undefined, undefined]);
  });

  it('sends one attribute even when handed two fields', async () => {
    await collect(source, query({ filter: { identity: ['alice@example.com'], action: ['iam:CreateAccessKey'] } }));
    expect(fake.requests[0].status).toBe(200);
    expect(fake.requests[0].body.LookupAttributes).toHaveLength(1);
  });

  it('plans the request in words without calling the service', async () => {
    const detail = await source.plan(query({ filter: { identity: ['ASIAEXAMPLERUN00001'] }, pageSizeHint: 3 }));
    expect(fake.requests).toHaveLength(0);
    expect(detail.request).toContain('LookupAttributes=[AccessKeyId=ASIAEXAMPLERUN00001]');
    expect(detail.request).toContain('MaxResults=3');
    expect(detail.request).toContain(WINDOW.from.toISOString());
  });
});

describe('CloudTrail api: capabilities and config', () => {
  it('declares one lookup attribute, newest first only, 50 a page, 2 requests/s per account-region, 90 days', async () => {
    const recording = new RecordingLimiters(new Limiters());
    const source = apiSource('http://127.0.0.1:9', { ...testDeps(), limiters: recording });
    expect(source.capabilities).toMatchObject({
      orders: [SortOrder.NEWEST_FIRST],
      maxPushedFields: 1,
      pageSize: { max: 50 },
      rateLimit: { requests: 2, perMs: 1000, scope: `cloudtrail:${ACCOUNT}:${REGION}` },
      retentionDays: 90,
      partitionPruning: false,
    });
    expect(source.capabilities.pushdown.map((p) => [p.field, p.maxValues])).toEqual([
      ['identity', 1],
      ['action', 50],
    ]);
    expect(recording.asked).toEqual([{ scope: `cloudtrail:${ACCOUNT}:${REGION}`, requests: 2, perMs: 1000 }]);
  });

  it('scopes the limiter to "default" without an account id', () => {
    const node = ConfigNode.of({ id: 't', type: 'cloudtrail', mode: 'api', region: 'eu-west-1' }, 'sources[0]');
    const source = cloudtrailDefinition.create(node, { id: 't', mode: 'api' }, testDeps());
    expect(source.capabilities.rateLimit?.scope).toBe('cloudtrail:default:eu-west-1');
  });

  it.each([
    [{ region: undefined }, 'sources[0].region'],
    [{ region: 'Virginia' }, 'sources[0].region'],
    [{ accountId: '1234' }, 'sources[0].accountId'],
    [{ endpoint: 'ftp://x' }, 'sources[0].endpoint'],
    [{ regions: ['us-east-1'] }, 'sources[0].regions'],
  ])('refuses %j naming %s', (over, key) => {
    const node = ConfigNode.of({ id: 't', type: 'cloudtrail', mode: 'api', region: REGION, ...over }, 'sources[0]');
    let thrown: unknown;
    try {
      cloudtrailDefinition.create(node, { id: 't', mode: 'api' }, testDeps());
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).key).toBe(key);
  });
});

describe('CloudTrail api: throttling', () => {
  it('slows down on ThrottlingException and still returns every event', async () => {
    // the fake allows 2 requests/s; the source is let loose so that it trips the service's limit
    const fake = await startFake(storedIncident(), { requests: 2, perMs: 1000 });
    try {
      const source = apiSource(fake.url, unlimitedDeps());
      const { events, stats } = await collect(source, query({ pageSizeHint: 3 }));
      expect(events.map((e) => e.id).sort()).toEqual(incidentRecords().map((r) => r.eventID).sort());
      const throttled = fake.requests.filter((r) => r.errorType === 'ThrottlingException');
      expect(throttled.length).toBeGreaterThan(0);
      expect(stats.throttled).toBe(throttled.length);
      expect(stats.requests).toBe(fake.requests.length);
      // a throttled page is asked again with the very same parameters and token
      const i = fake.requests.findIndex((r) => r.errorType === 'ThrottlingException');
      expect(fake.requests[i + 1].body).toEqual(fake.requests[i].body);
      expect(fake.served).toHaveLength(4);
    } finally {
      await fake.stop();
    }
  });
});

describe('CloudTrail api: failures are typed', () => {
  let fake: FakeCloudTrail;
  beforeAll(async () => {
    fake = await startFake(storedIncident(), null);
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.requests.splice(0);
    fake.failures.splice(0);
    fake.acceptedAccessKeyId = ACCESS_KEY_ID;
  });

  async function failure(source: Source): Promise<SourceError> {
    try {
      await collect(source, query());
    } catch (err) {
      expect(err).toBeInstanceOf(SourceError);
      return err as SourceError;
    }
    throw new Error('expected the query to fail');
  }

  it('a refused key is UNAUTHENTICATED, with the AWS error code and message', async () => {
    fake.acceptedAccessKeyId = 'AKIAANOTHERKEY000001';
    const err = await failure(apiSource(fake.url, testDeps()));
    expect(err.code).toBe('UNAUTHENTICATED');
    expect(err.message).toContain('UnrecognizedClientException');
    expect(err.message).toContain('The security token included in the request is invalid.');
    expect(err.message).toContain('HTTP 400');
    expect(err.sourceId).toBe('prod-trail');
  });

  it('a wrong secret fails the signature check: UNAUTHENTICATED', async () => {
    const source = new CloudTrailApiSource('prod-trail', { region: REGION, endpoint: fake.url }, testDeps(), {
      credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: 'not-the-secret' },
    });
    const err = await failure(source);
    expect(err.code).toBe('UNAUTHENTICATED');
    expect(err.message).toContain('InvalidSignatureException');
  });

  it('a client from another region is refused by the credential scope check', async () => {
    const node = ConfigNode.of({ id: 'eu', type: 'cloudtrail', mode: 'api', region: 'eu-west-1', endpoint: fake.url }, 'sources[0]');
    const err = await failure(cloudtrailDefinition.create(node, { id: 'eu', mode: 'api' }, testDeps()));
    expect(err.code).toBe('UNAUTHENTICATED');
    expect(fake.requests[0].credential?.region).toBe('eu-west-1');
  });

  it.each([
    [400, 'InvalidLookupAttributesException', 'INVALID_REQUEST'],
    [400, 'InvalidTimeRangeException', 'INVALID_REQUEST'],
    [400, 'InvalidNextTokenException', 'INVALID_REQUEST'],
    [400, 'AccessDeniedException', 'FORBIDDEN'],
    [400, 'OperationNotPermittedException', 'FORBIDDEN'],
    [500, 'InternalFailure', 'UPSTREAM_ERROR'],
    [503, 'ServiceUnavailable', 'UPSTREAM_ERROR'],
  ])('HTTP %d %s is %s', async (status, type, code) => {
    fake.failures.push({ status, type, message: `the service said ${type}` });
    const err = await failure(apiSource(fake.url, testDeps()));
    expect(err.code).toBe(code);
    expect(err.message).toContain(type);
    expect(err.message).toContain(`the service said ${type}`);
  });

  it('a failure on a later page is not an empty or partial success', async () => {
    const source = apiSource(fake.url, unlimitedDeps());
    const got: string[] = [];
    const run = (async () => {
      for await (const e of source.events(query({ pageSizeHint: 5 }), { signal: new AbortController().signal, stats: newSourceStats() })) {
        got.push(e.id);
        if (got.length === 5) fake.failures.push({ status: 500, type: 'InternalFailure', message: 'boom' });
      }
    })();
    await expect(run).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    expect(got).toHaveLength(5);
  });

  it('a closed port is UNREACHABLE, and health says so without throwing', async () => {
    const closed = await startFake([], null);
    const url = closed.url;
    await closed.stop();
    const source = apiSource(url, testDeps());
    const err = await failure(source);
    expect(err.code).toBe('UNREACHABLE');
    const health = await source.health();
    expect(health.ok).toBe(false);
    expect(health.message).toMatch(/unreachable/);
  });

  it('health asks for one event', async () => {
    const health = await apiSource(fake.url, testDeps()).health();
    expect(health.ok).toBe(true);
    expect(fake.requests.map((r) => r.body)).toEqual([{ MaxResults: 1 }]);
  });
});

describe('CloudTrail api: abort', () => {
  it('stops calling the service once the signal aborts', async () => {
    const fake = await startFake(storedIncident(), null);
    try {
      const source = apiSource(fake.url, unlimitedDeps());
      const controller = new AbortController();
      const stats = newSourceStats();
      const it = source.events(query({ pageSizeHint: 3 }), { signal: controller.signal, stats })[Symbol.asyncIterator]();
      await it.next();
      controller.abort();
      await expect(it.next()).rejects.toMatchObject({ code: 'ABORTED' });
      expect(fake.requests).toHaveLength(1);
      expect(stats.requests).toBe(1);
    } finally {
      await fake.stop();
    }
  });

  it('an abort during a throttling backoff ends the wait at once', async () => {
    const fake = await startFake(storedIncident(), null);
    try {
      fake.failures.push({ status: 400, type: 'ThrottlingException', message: 'Rate exceeded' });
      const source = apiSource(fake.url, { ...testDeps(), limiters: { get: () => new TokenBucket(1000, 1000) } });
      const controller = new AbortController();
      const stats = newSourceStats();
      const pending = source.events(query(), { signal: controller.signal, stats })[Symbol.asyncIterator]().next();
      // wait until the throttling reply has been received, then abort inside the backoff
      while (stats.throttled === 0) await new Promise((r) => setTimeout(r, 5));
      controller.abort();
      await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
      expect(fake.requests).toHaveLength(1);
    } finally {
      await fake.stop();
    }
  });
});
