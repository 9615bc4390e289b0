import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isLoopbackHost } from '../../src/config/auth';
import { ConfigError } from '../../src/config/errors';
import { configFromDocument } from '../../src/config/load';
import { testDeps } from '../helpers/deps';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-config-'));
const sources = [
  { id: 'okta', type: 'okta', mode: 'archive', path: dir },
  { id: 'prod-audit', type: 'k8s-audit', mode: 'file', path: dir },
];
const HASH = 'a'.repeat(64);
const load = (auth: unknown) => configFromDocument({ sources, auth }, 'test', testDeps(), {});
const oidc = { issuer: 'https://idp.example.com', audience: 'auditgraph' };

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('auth: in the config', () => {
  it('is unset without auth:, none with none: true, required otherwise', () => {
    expect(configFromDocument({ sources }, 'test', testDeps(), {}).auth.mode).toBe('unset');
    expect(load({ none: true }).auth.mode).toBe('none');
    const auth = load({ oidc, apiKeys: [{ id: 'siem-job', sha256: HASH.toUpperCase(), roles: ['r'] }], roles: [{ name: 'r', sources: ['okta'] }] }).auth;
    expect(auth.mode).toBe('required');
    expect(auth.oidc).toMatchObject({ issuer: 'https://idp.example.com', audience: ['auditgraph'], clockSkewSeconds: 30, claims: { groups: 'groups', email: 'email' } });
    expect(auth.roles[0]).toMatchObject({ name: 'r', raw: false, admin: false });
    expect([...auth.roles[0].sourceIds]).toEqual(['okta']);
    expect([...auth.roles[0].apiKeys]).toEqual(['siem-job']);
  });

  it('resolves role sources written as ids, kinds or "*"', () => {
    const auth = load({
      apiKeys: [{ id: 'k', sha256: HASH, roles: ['all', 'k8s'] }],
      roles: [
        { name: 'all', sources: ['*'] },
        { name: 'k8s', sources: ['KUBERNETES_AUDIT'], raw: true, admin: true },
      ],
    }).auth;
    expect([...auth.roles[0].sourceIds]).toEqual(['okta', 'prod-audit']);
    expect([...auth.roles[1].sourceIds]).toEqual(['prod-audit']);
  });

  it('maps groups and subjects to the claims that carry them', () => {
    const auth = load({ oidc: { ...oidc, groupsClaim: 'cognito:groups' }, roles: [{ name: 'r', sources: ['okta'], claims: { groups: ['sec'], subjects: ['u1'], 'realm_access.roles': ['auditor'] } }] }).auth;
    expect([...auth.roles[0].claims.keys()]).toEqual(['cognito:groups', 'sub', 'realm_access.roles']);
  });

  it.each([
    [{}, 'auth', 'expected oidc or apiKeys (or none: true'],
    [{ none: false }, 'auth.none', 'expected true'],
    [{ none: true, oidc }, 'auth.oidc', 'remove none or this key'],
    [{ oidc: { ...oidc, issuer: 'http://idp.example.com' } }, 'auth.oidc.issuer', 'expected an https URL (plain http is accepted only to a loopback address)'],
    [{ oidc: { ...oidc, jwksUri: 'http://10.0.0.8/keys' } }, 'auth.oidc.jwksUri', 'expected an https URL'],
    [{ oidc: { issuer: oidc.issuer } }, 'auth.oidc.audience', 'expected the audience'],
    [{ oidc: { ...oidc, algorithms: ['RS256', 'none'] } }, 'auth.oidc.algorithms', '"none" is not accepted'],
    [{ oidc: { ...oidc, algorithms: ['HS256'] } }, 'auth.oidc.algorithms', 'never none or HS*'],
    [{ oidc: { ...oidc, clockSkewSeconds: 3600 } }, 'auth.oidc.clockSkewSeconds', 'expected at most 300'],
    [{ apiKeys: [{ id: 'k', sha256: 'not-hex' }] }, 'auth.apiKeys[0].sha256', 'expected the SHA-256 of the key as 64 hex digits'],
    [{ apiKeys: [{ id: 'k', key: 'plain' }] }, 'auth.apiKeys[0].key', 'unknown key'],
    [{ apiKeys: [{ id: 'k', sha256: HASH }, { id: 'k', sha256: 'b'.repeat(64) }] }, 'auth.apiKeys[1].id', 'duplicate API key id "k"'],
    [{ apiKeys: [{ id: 'k', sha256: HASH }, { id: 'j', sha256: HASH }] }, 'auth.apiKeys[1].sha256', 'two API keys have the same sha256'],
    [{ apiKeys: [{ id: 'k', sha256: HASH, roles: ['nope'] }] }, 'auth.apiKeys[0].roles', 'no role named "nope"'],
    [{ apiKeys: [{ id: 'k', sha256: HASH }], roles: [{ name: 'r', sources: ['splunk'] }] }, 'auth.roles[0].sources', '"splunk" is neither a configured source id (okta, prod-audit) nor a kind'],
    [{ apiKeys: [{ id: 'k', sha256: HASH }], roles: [{ name: 'r', sources: [] }] }, 'auth.roles[0].sources', 'expected the sources the role sees'],
    [{ apiKeys: [{ id: 'k', sha256: HASH }], roles: [{ name: 'r', sources: ['okta'], claims: { groups: ['x'] } }] }, 'auth.roles[0].claims.groups', 'token claims need auth.oidc'],
    [{ apiKeys: [{ id: 'k', sha256: HASH }], roles: [{ name: 'r', sources: ['okta'], claims: { apiKeys: ['j'] } }] }, 'auth.roles[0].claims.apiKeys', 'no API key with id "j"'],
    [{ apiKeys: [{ id: 'k', sha256: HASH }], roles: [{ name: 'r', sources: ['*'] }, { name: 'r', sources: ['*'] }] }, 'auth.roles[1].name', 'duplicate role name'],
    [{ apiKeys: [{ id: 'k', sha256: HASH }], roles: [{ name: 'r', sources: ['*'], raw: 'yes' }] }, 'auth.roles[0].raw', 'expected true or false'],
  ])('refuses %j at %s', (auth, key, message) => {
    const err = errorOf(() => load(auth));
    expect(err.key).toBe(key);
    expect(err.message).toContain(message);
  });

  it('warns about roles nobody holds and keys without roles, without refusing to start', () => {
    const auth = load({ apiKeys: [{ id: 'k', sha256: HASH }], roles: [{ name: 'orphan', sources: ['okta'] }] }).auth;
    expect(auth.warnings).toEqual(['auth.apiKeys[0] (k) has no role: requests with it are refused (403)', 'auth.roles[0] (orphan) is held by nobody: it has no claims and no API key names it']);
  });

  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'api.localhost']) expect([h, isLoopbackHost(h)]).toEqual([h, true]);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', 'example.com', '128.0.0.1', '::ffff:10.0.0.1']) expect([h, isLoopbackHost(h)]).toEqual([h, false]);
  });
});
