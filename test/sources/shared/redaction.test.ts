import fc from 'fast-check';
import type { JsonValue } from '../../../src/domain';
import { DEFAULT_REDACTION, Redactor, secretKey } from '../../../src/sources/shared/redaction';

const redactor = new Redactor();
const raw = (v: JsonValue) => redactor.raw(v);
const NO_RULES = { extra: new Set<string>(), allowed: new Set<string>() };

/** Every string of a JSON value, at any depth. */
function strings(v: JsonValue): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object') return Object.values(v).flatMap(strings);
  return [];
}

/** The keys of a JSON value, at any depth, as paths. */
function paths(v: JsonValue, at = ''): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => paths(x, `${at}[${i}]`));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => [`${at}.${k}`, ...paths(x, `${at}.${k}`)]);
  return [];
}

describe('Kubernetes Secrets', () => {
  const secretEvent = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    verb: 'create',
    objectRef: { resource: 'secrets', namespace: 'ml', name: 'db-creds', apiVersion: 'v1' },
    requestObject: {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: {
        name: 'db-creds',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"aHVudGVyMg=="}}', team: 'ml' },
      },
      type: 'Opaque',
      data: { password: 'aHVudGVyMg==', username: 'YWRtaW4=' },
      stringData: { 'config.yaml': 'db: prod' },
    },
    responseObject: { kind: 'Secret', apiVersion: 'v1', metadata: { name: 'db-creds' }, data: { password: 'aHVudGVyMg==', username: 'YWRtaW4=' } },
  };

  it('replaces every data and stringData value and the last-applied annotation, keeping the keys', () => {
    const r = raw(secretEvent);
    const out = r.value as typeof secretEvent;
    expect(Object.keys(out.requestObject.data)).toEqual(['password', 'username']);
    expect(out.requestObject.data.username).toBe('[redacted: Kubernetes Secret data]');
    expect(out.requestObject.stringData['config.yaml']).toBe('[redacted: Kubernetes Secret stringData]');
    expect(out.requestObject.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toBe('[redacted: last-applied configuration of a Secret]');
    expect(out.requestObject.metadata.annotations.team).toBe('ml');
    expect(out.requestObject.metadata.name).toBe('db-creds');
    expect(out.objectRef.name).toBe('db-creds');
    expect(out.responseObject.data.password).toBe('[redacted: Kubernetes Secret data]');
    // 3 request values + the annotation + 2 response values
    expect(r.count).toBe(6);
    expect(strings(r.value).join('\n')).not.toMatch(/aHVudGVyMg|YWRtaW4|db: prod/);
    // the input is not changed
    expect(secretEvent.requestObject.data.password).toBe('aHVudGVyMg==');
  });

  it('treats the objects of a secrets request as Secrets even without kind: a patch, and a list whose items have no kind', () => {
    const patch = { objectRef: { resource: 'secrets', name: 'x' }, requestObject: { data: { token: 'c2VjcmV0' } } };
    const list = { objectRef: { resource: 'secrets' }, responseObject: { kind: 'SecretList', items: [{ metadata: { name: 'a' }, data: { k: 'dmFsdWU=' } }, { metadata: { name: 'b' }, data: { k: 'b3RoZXI=' } }] } };
    expect(strings(raw(patch).value)).not.toContain('c2VjcmV0');
    const l = raw(list);
    expect(l.count).toBe(2);
    expect(strings(l.value).join(' ')).not.toMatch(/dmFsdWU|b3RoZXI/);
    expect(strings(l.value)).toEqual(expect.arrayContaining(['a', 'b']));
  });

  it('leaves ConfigMaps alone, and Secrets of another API group are not taken for core Secrets', () => {
    const cm = { objectRef: { resource: 'configmaps' }, requestObject: { kind: 'ConfigMap', data: { 'app.yaml': 'replicas: 3' } } };
    expect(raw(cm)).toEqual({ value: cm, count: 0 });
    const crd = { objectRef: { resource: 'secrets', apiGroup: 'example.com' }, requestObject: { data: { note: 'visible' } } };
    expect(raw(crd).count).toBe(0);
  });
});

describe('secret-named keys', () => {
  it.each([
    ['password'],
    ['Password'],
    ['db_password'],
    ['client_secret'],
    ['clientSecret'],
    ['sessionToken'],
    ['access_token'],
    ['private_key'],
    ['privateKeyData'],
    ['Authorization'],
    ['cookie'],
    ['Set-Cookie'],
    ['x-api-key'],
    ['apiKey'],
    ['secrets'],
  ])('%s names a secret', (key) => expect(secretKey(key, NO_RULES)).toBeDefined());

  it.each([
    ['secretName'],
    ['secretId'],
    ['secretArn'],
    ['secretKeyRef'],
    ['tokenExpirationSeconds'],
    ['token_type'],
    ['passwordLastUsed'],
    ['accessKeyId'],
    ['authorizationInfo'],
    ['sessionContext'],
    ['externalSessionId'],
    ['username'],
    ['keyName'],
  ])('%s is not a secret itself', (key) => expect(secretKey(key, NO_RULES)).toBeUndefined());

  it('redacts the value under such a key at any depth, leaves identifiers and flags beside it', () => {
    const cloudtrail = {
      eventName: 'AssumeRole',
      requestParameters: { roleArn: 'arn:aws:iam::1:role/x', roleSessionName: 'alice' },
      responseElements: { credentials: { accessKeyId: 'ASIAEXAMPLE', sessionToken: 'FwoGZXIvYXdzEXAMPLE', expiration: 'Jan 1, 2030' } },
      additionalEventData: { MFAUsed: 'No', hasPassword: true },
    };
    const r = raw(cloudtrail);
    const out = r.value as typeof cloudtrail;
    expect(out.responseElements.credentials).toEqual({ accessKeyId: 'ASIAEXAMPLE', sessionToken: '[redacted: value of "sessionToken"]', expiration: 'Jan 1, 2030' });
    expect(out.additionalEventData.hasPassword).toBe(true);
    expect(r.count).toBe(1);
  });

  it('judges the members of an object under a header-like key one by one (Azure authorization), but wipes what sits under a secret word', () => {
    const azure = { authorization: { action: 'Microsoft.Storage/storageAccounts/listKeys/action', scope: '/subscriptions/s' }, headers: { Authorization: 'Bearer abc.def', Cookie: ['a=1', 'b=2'] } };
    const out = raw(azure).value as { authorization: unknown; headers: { Authorization: string; Cookie: string[] } };
    expect(out.authorization).toEqual(azure.authorization);
    expect(out.headers.Authorization).toBe('[redacted: value of "Authorization"]');
    expect(out.headers.Cookie).toEqual(['[redacted: value of "Cookie"]', '[redacted: value of "Cookie"]']);
    const nested = { clientSecret: { value: 's3cr3t', keyName: 'primary' }, spec: { volumes: [{ secret: { secretName: 'tls', items: [{ key: 'tls.crt', path: 'tls.crt' }] } }] } };
    const n = raw(nested);
    expect((n.value as typeof nested).clientSecret).toEqual({ value: '[redacted: value of "clientSecret"]', keyName: 'primary' });
    expect((n.value as typeof nested).spec).toEqual(nested.spec);
    expect(n.count).toBe(1);
  });

  it('leaves values the upstream masked already, and counts nothing for them', () => {
    expect(raw({ requestParameters: { password: 'HIDDEN_DUE_TO_SECURITY_REASONS' } }).count).toBe(0);
  });
});

describe('credentials in text', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
  it.each([
    [`Authorization: Bearer ${jwt}`, 'JWT'],
    ['bearer 00Tx9AbcdefGhijkl', 'bearer credentials'],
    ['postgres://app:hunter2@db.internal:5432/prod', 'password in URL'],
    ['https://example.com/cb?code=1&access_token=abc123xyz&state=2', 'secret URL parameter'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----', 'private key'],
    ['export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY', 'secret assignment'],
  ])('%j loses its credential (%s)', (text, what) => {
    const r = redactor.text(text);
    expect(r.value).toContain(`[redacted: ${what}]`);
    expect(r.count).toBeGreaterThan(0);
    for (const secret of ['hunter2', 'abc123xyz', 'MIIEowIBAAKCAQEA', 'wJalrXUtnFEMI', 'c2lnbmF0dXJl', '00Tx9Abcdef']) expect(r.value).not.toContain(secret);
  });

  it.each([['Basic authentication failed for user alice'], ['the token expired'], ['User login to Okta'], ['https://example.com/path?state=1'], ['system:serviceaccount:ml:trainer']])(
    'leaves prose and identifiers alone: %j',
    (text) => expect(redactor.text(text)).toEqual({ value: text, count: 0 }),
  );
});

describe('JSON held as text', () => {
  it('redacts a record cut at maxRawBytes (its head is text), Secret data included, to where the text was cut', () => {
    const head = '{"kind":"Event","objectRef":{"resource":"secrets","name":"db"},"requestObject":{"kind":"Secret","data":{"password":"aHVudGVy","user":"YWRt';
    const r = raw({ truncated: { bytes: 4_000_000, limitBytes: 1_048_576 }, head });
    const out = (r.value as { head: string }).head;
    expect(out).not.toMatch(/aHVudGVy|YWRt/);
    expect(out).toContain('"password":"[redacted: Kubernetes Secret data]"');
    expect(out).toContain('"name":"db"');
    expect(out).toContain('"user":"[redacted: Kubernetes Secret data]"');
    expect(r.count).toBe(2);
  });

  it('redacts string members under secret-named keys in any JSON text, and leaves the rest of it', () => {
    const r = redactor.text('{"client_id":"app","client_secret":"s3cr3t-value","scope":"openid"}');
    expect(r.value).toBe('{"client_id":"app","client_secret":"[redacted: value of client_secret]","scope":"openid"}');
    expect(r.count).toBe(1);
  });
});

describe('configuration', () => {
  it('adds keys and patterns, exempts allowed keys, and can be turned off', () => {
    const custom = new Redactor({ ...DEFAULT_REDACTION, keys: ['ssn'], allowKeys: ['sessionToken'], patterns: [{ name: 'internal token', pattern: 'itk_[a-z0-9]{8}' }] });
    const r = custom.raw({ ssn: '123-45-6789', sessionToken: 'visible', note: 'key itk_abcd1234 used' });
    expect(r.value).toEqual({ ssn: '[redacted: value of "ssn"]', sessionToken: 'visible', note: 'key [redacted: internal token] used' });
    expect(r.count).toBe(2);
    const off = new Redactor({ ...DEFAULT_REDACTION, enabled: false });
    const record = { password: 'x' };
    expect(off.raw(record)).toEqual({ value: record, count: 0 });
  });
});

// ---- properties ----

const SECRET_KEYS = ['password', 'clientSecret', 'sessionToken', 'Authorization', 'private_key', 'apiKey', 'x-api-key'];
const secretValue = fc.stringMatching(/^S3CR3T[A-Za-z0-9]{6,12}$/);
const plainKey = fc.constantFrom('name', 'user', 'verb', 'eventName', 'sourceIPAddress', 'namespace', 'labels', 'spec', 'items', 'message');
const plainText = fc.constantFrom('alice@example.com', 'GetSecretValue', 'create', '10.0.0.7', 'ml/production/fz3k9q2m1x', 'system:serviceaccount:ml:trainer');

/** JSON records whose secrets are all `S3CR3T…` strings placed under secret-named keys, Secret data or in text. */
const record: fc.Arbitrary<JsonValue> = fc.letrec<{ node: JsonValue }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    plainText,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.dictionary(plainKey, tie('node'), { maxKeys: 4 }),
    fc.array(tie('node'), { maxLength: 3 }),
    fc.tuple(fc.constantFrom(...SECRET_KEYS), secretValue).map(([k, v]) => ({ [k]: v })),
    secretValue.map((v) => ({ kind: 'Secret', apiVersion: 'v1', data: { key: v } })),
    secretValue.map((v) => `Authorization: Bearer ${v}`),
    secretValue.map((v) => `https://svc:${v}@host.internal/`),
  ),
})).node;

describe('properties', () => {
  it('no planted secret survives, keys and shape stay, the count matches the markers, and a second pass changes nothing', () => {
    fc.assert(
      fc.property(record, (rec) => {
        const r = raw(rec);
        const texts = strings(r.value);
        expect(texts.some((s) => s.includes('S3CR3T'))).toBe(false);
        expect(paths(r.value)).toEqual(paths(rec));
        const markers = texts.reduce((n, s) => n + (s.match(/\[redacted: /g)?.length ?? 0), 0);
        expect(r.count).toBe(markers);
        expect(raw(r.value)).toEqual({ value: r.value, count: 0 });
      }),
      { numRuns: 500 },
    );
  });

  it('a record without secrets is returned as it is (the same object)', () => {
    const clean = fc.letrec<{ node: JsonValue }>((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, plainText, fc.integer(), fc.boolean(), fc.dictionary(plainKey, tie('node'), { maxKeys: 4 }), fc.array(tie('node'), { maxLength: 3 })),
    })).node;
    fc.assert(
      fc.property(clean, (rec) => {
        const r = raw(rec);
        expect(r.count).toBe(0);
        expect(r.value).toBe(rec);
      }),
    );
  });
});
