import { createHash, createHmac } from 'node:crypto';
import { SignJWT } from 'jose';
import { ConfigError } from '../../../src/config/errors';
import { configFromDocument } from '../../../src/config/load';
import { demoConfigDocument } from '../../../src/demo/document';
import { startServer } from '../../../src/server/app';
import { testDeps } from '../../helpers/deps';
import { DemoServer, E2E_DEMO_ROOT } from '../../e2e/harness';
import { FakeIdp, makeKey, type SigningKey } from './fake-idp';

const SIEM_KEY = 'ag_test_5iem-key-Zq0v8b4k1mXc2';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const SOURCES = '{ sources { id } }';

let idp: FakeIdp;
let demo: DemoServer;
let key1: SigningKey;

function authConfig(extra: Record<string, unknown> = {}) {
  return {
    oidc: { issuer: idp.issuer, audience: 'auditgraph', jwksCooldownSeconds: 0, ...extra },
    apiKeys: [{ id: 'siem-job', sha256: sha256(SIEM_KEY), roles: ['okta-reader'] }],
    roles: [
      { name: 'okta-reader', sources: ['okta'], raw: false },
      { name: 'responder', sources: ['*'], raw: true, claims: { groups: ['security'] } },
    ],
  };
}

beforeAll(async () => {
  idp = await FakeIdp.start();
  key1 = await makeKey('k1');
  idp.published = [key1];
  demo = await DemoServer.startWith({ auth: authConfig() });
}, 120_000);
afterAll(async () => {
  await demo?.stop();
  await idp?.stop();
});

async function post(headers: Record<string, string>, query = SOURCES) {
  const res = await fetch(demo.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  const text = await res.text();
  return { status: res.status, challenge: res.headers.get('www-authenticate'), body: JSON.parse(text) as { data?: { sources?: { id: string }[] }; errors?: { message: string; extensions: { code: string } }[] }, text };
}
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

/** base64url JSON, for hand-made tokens */
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('authentication through the HTTP server', () => {
  it('refuses a request without credentials: 401, a Bearer challenge, UNAUTHENTICATED and no data', async () => {
    const r = await post({});
    expect(r.status).toBe(401);
    expect(r.challenge).toBe('Bearer realm="auditgraph"');
    expect(r.body.data).toBeUndefined();
    expect(r.body.errors).toEqual([{ message: expect.stringContaining('Authorization: Bearer'), extensions: { code: 'UNAUTHENTICATED' } }]);
  });

  it('accepts a token of the issuer for the audience, and sees what the role grants', async () => {
    const r = await post(bearer(await idp.token(key1, { groups: ['security'] })));
    expect(r.status).toBe(200);
    expect(r.body.data?.sources?.map((s) => s.id)).toEqual(['okta', 'flyte', 'prod-eks-audit', 'aws-trail', 'gcp-audit', 'azure-activity']);
  });

  it('accepts an API key, compared by its SHA-256, with the roles it is given', async () => {
    const r = await post(bearer(SIEM_KEY));
    expect(r.status).toBe(200);
    expect(r.body.data?.sources?.map((s) => s.id)).toEqual(['okta']);
  });

  it('refuses every kind of bad token alike (401 invalid_token), saying nothing that helps a guesser', async () => {
    const other = await makeKey('k1'); // same kid as the published key, another key pair
    const stranger = await makeKey('k-unknown');
    const valid = await idp.token(key1, { groups: ['security'] });
    const [header, payload, signature] = valid.split('.');
    const tampered = `${header}.${b64({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), groups: ['security', 'admins'], sub: 'u-mallory' })}.${signature}`;
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'u-alice', iss: idp.issuer, aud: 'auditgraph', exp: now + 600, groups: ['security'] })}.`;
    // algorithm confusion: HS256 "signed" with the public key as the shared secret
    const hsHeader = b64({ alg: 'HS256', kid: 'k1' });
    const hsBody = b64({ sub: 'u-alice', iss: idp.issuer, aud: 'auditgraph', exp: now + 600, groups: ['security'] });
    const confused = `${hsHeader}.${hsBody}.${createHmac('sha256', JSON.stringify(key1.publicJwk)).update(`${hsHeader}.${hsBody}`).digest('base64url')}`;
    const cases: [string, string][] = [
      ['expired beyond the clock skew', await idp.token(key1, { groups: ['security'] }, { expiresIn: now - 120 })],
      ['not valid yet', await idp.token(key1, { groups: ['security'], nbf: now + 600 })],
      ['for another audience', await idp.token(key1, { groups: ['security'] }, { audience: 'grafana' })],
      ['from another issuer', await idp.token(key1, { groups: ['security'] }, { issuer: 'https://evil.example' })],
      ['alg: none', unsigned],
      ['signed by another key with the published kid', await idp.token(other, { groups: ['security'] })],
      ['signed by a key the issuer never published', await idp.token(stranger, { groups: ['security'] })],
      ['a tampered payload', tampered],
      ['HS256 with the public key as secret', confused],
      ['without exp', await new SignJWT({ sub: 'u-alice', groups: ['security'] }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(idp.issuer).setAudience('auditgraph').sign(key1.privateKey)],
      ['a wrong API key', `${SIEM_KEY}x`],
      ['an API key in other case', SIEM_KEY.toUpperCase()],
      ['garbage', 'not.a.token'],
    ];
    const replies = [];
    for (const [why, token] of cases) {
      const r = await post(bearer(token));
      expect({ why, status: r.status, challenge: r.challenge, data: r.body.data }).toEqual({ why, status: 401, challenge: 'Bearer realm="auditgraph", error="invalid_token"', data: undefined });
      replies.push(r.text);
    }
    // the same body for all: no oracle telling an expired token from a forged one or a near-miss key
    expect(new Set(replies).size).toBe(1);
    expect(JSON.parse(replies[0]).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('takes a token that expired within the clock skew (30 s), and refuses one just beyond it', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await post(bearer(await idp.token(key1, { groups: ['security'] }, { expiresIn: now - 10 })))).status).toBe(200);
    expect((await post(bearer(await idp.token(key1, { groups: ['security'] }, { expiresIn: now - 45 })))).status).toBe(401);
  });

  it('refuses a credential that is not a Bearer one (invalid_request)', async () => {
    const r = await post({ authorization: `Basic ${Buffer.from('alice:pw').toString('base64')}` });
    expect(r.status).toBe(401);
    expect(r.challenge).toBe('Bearer realm="auditgraph", error="invalid_request"');
  });

  it('refuses a valid token that no role grants anything: 403 FORBIDDEN', async () => {
    const r = await post(bearer(await idp.token(key1, { groups: ['marketing'] })));
    expect(r.status).toBe(403);
    expect(r.body.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect(r.body.data).toBeUndefined();
  });

  it('follows key rotation: a token with a new kid makes it fetch the JWKS again', async () => {
    const before = idp.jwksFetches;
    const key2 = await makeKey('k2', 'ES256');
    idp.published = [key1, key2];
    const r = await post(bearer(await idp.token(key2, { groups: ['security'] })));
    expect(r.status).toBe(200);
    expect(idp.jwksFetches).toBe(before + 1);
    // cached: the next token with that kid costs no fetch
    expect((await post(bearer(await idp.token(key2, { groups: ['security'] })))).status).toBe(200);
    expect(idp.jwksFetches).toBe(before + 1);
    // the old key retired: once the JWKS is fetched again, tokens signed with it are refused
    idp.published = [key2];
    const key3 = await makeKey('k3');
    idp.published = [key2, key3];
    expect((await post(bearer(await idp.token(key3, { groups: ['security'] })))).status).toBe(200);
    expect((await post(bearer(await idp.token(key1, { groups: ['security'] })))).status).toBe(401);
  });

  it('does not list the sources on /healthz when authentication is required', async () => {
    const res = await fetch(demo.url.replace('/graphql', '/healthz'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});

describe('an issuer that cannot be trusted or reached', () => {
  it('answers 503 AUTH_UNAVAILABLE (not 401) while the keys cannot be fetched, and says why at start-up', async () => {
    const dead = await FakeIdp.start();
    const issuer = dead.issuer;
    await dead.stop();
    const server = await DemoServer.startWith({ auth: { ...authConfig(), oidc: { issuer, audience: 'auditgraph' } } });
    try {
      expect(server.server.notices.join('\n')).toMatch(/OIDC discovery of http:\/\/127\.0\.0\.1:\d+ failed.*refused \(503\)/);
      const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(await idp.token(key1, { groups: ['security'] }, { issuer })) }, body: JSON.stringify({ query: SOURCES }) });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('AUTH_UNAVAILABLE');
      // API keys do not need the issuer
      const key = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(SIEM_KEY) }, body: JSON.stringify({ query: SOURCES }) });
      expect(key.status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('does not trust a discovery document that names another issuer (mix-up)', async () => {
    const liar = await FakeIdp.start();
    liar.published = [key1];
    liar.advertisedIssuer = 'https://someone-else.example';
    const server = await DemoServer.startWith({ auth: { ...authConfig(), oidc: { issuer: liar.issuer, audience: 'auditgraph' } } });
    try {
      expect(server.server.notices.join('\n')).toContain('names issuer "https://someone-else.example"');
      const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(await liar.token(key1, { groups: ['security'] })) }, body: JSON.stringify({ query: SOURCES }) });
      expect(res.status).toBe(503);
      expect(liar.jwksFetches).toBe(0);
    } finally {
      await server.stop();
      await liar.stop();
    }
  });
});

describe('where the server may listen without authentication', () => {
  const config = (extra: Record<string, unknown>) => configFromDocument({ ...demoConfigDocument(E2E_DEMO_ROOT), ...extra }, 'test', testDeps(), {});

  it('refuses to start on a non-loopback address without auth:, naming the key', async () => {
    const err = await startServer(config({}), { port: 0, host: '0.0.0.0' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).key).toBe('auth');
    expect((err as Error).message).toContain('auth: { none: true }');
  });

  it('starts on loopback without auth:, and says it answers unauthenticated there only', async () => {
    const server = await startServer(config({}), { port: 0, host: '127.0.0.1' });
    try {
      expect(server.notices[0]).toBe('no auth configured: answering unauthenticated requests, which is allowed only because 127.0.0.1 is a loopback address');
    } finally {
      await server.close();
    }
  });

  it('starts anywhere with an explicit auth: { none: true }, and says so', async () => {
    const server = await startServer(config({ auth: { none: true } }), { port: 0, host: '0.0.0.0' });
    try {
      expect(server.notices[0]).toContain('auth.none: true: answering every request without authentication on 0.0.0.0');
    } finally {
      await server.close();
    }
  });
});
