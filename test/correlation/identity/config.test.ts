import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../../../src/config/errors';
import { configFromDocument } from '../../../src/config/load';
import { parseIdentityConfig } from '../../../src/correlation/identity-config';
import { AliasKind } from '../../../src/domain';
import { testDeps } from '../../helpers/deps';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'identity-config-'));
const ca = path.join(dir, 'ca.pem');
fs.writeFileSync(ca, 'not checked here');
const k8s = { id: 'prod-eks-audit', type: 'k8s-audit', mode: 'file', path: dir };
const oktaLive = { id: 'okta', type: 'okta', mode: 'api', orgUrl: 'https://example.okta.com', tokenEnv: 'IDC_OKTA_TOKEN' };

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const load = (identity: unknown, sources: unknown[] = [k8s]) => configFromDocument({ sources, identity }, 'test', testDeps(), {});

describe('the identity: section', () => {
  beforeAll(() => {
    process.env.IDC_OKTA_TOKEN = 'from-env';
    process.env.IDC_KUBE_TOKEN = 'kube-from-env';
  });

  it('takes OIDC prefixes for every cluster or for one, by its source id', () => {
    const cfg = load({ oidcPrefixes: ['oidc:', { source: 'prod-eks-audit', prefix: 'eks:' }] });
    expect(cfg.identity.oidcPrefixes).toEqual([{ prefix: 'oidc:' }, { prefix: 'eks:', source: 'prod-eks-audit' }]);
    expect(errorOf(() => load({ oidcPrefixes: [{ source: 'staging', prefix: 'oidc:' }] }))).toEqual(new ConfigError('identity.oidcPrefixes[0].source', 'no source with id "staging"; configured: prod-eks-audit'));
    expect(errorOf(() => load({ oidcPrefixes: [{ source: 'okta', prefix: 'oidc:' }] }, [k8s, oktaLive])).message).toBe(
      'config identity.oidcPrefixes[0].source: source "okta" is a okta source, not k8s-audit',
    );
  });

  it('types static aliases by their shape, by a KIND: prefix, or as a mapping; refuses what it cannot type', () => {
    const cfg = parseIdentityConfig({
      aliases: [{ identity: 'alice@corp.com', values: ['okta:00u1abc', 'arn:aws:iam::1234:user/alice', 'K8S_USER:alice', { kind: 'K8S_USER', value: 'alice-admin', source: 'prod-eks-audit' }, 'AKIAALICE0000000001'] }],
    });
    expect(cfg.aliases[0]).toEqual({
      identity: { kind: AliasKind.EMAIL, value: 'alice@corp.com' },
      values: [
        { kind: AliasKind.OKTA_USER_ID, value: '00u1abc' },
        { kind: AliasKind.AWS_IAM_USER, value: 'arn:aws:iam::1234:user/alice' },
        { kind: AliasKind.K8S_USER, value: 'alice' },
        { kind: AliasKind.K8S_USER, value: 'alice-admin', scope: 'prod-eks-audit' },
        { kind: AliasKind.AWS_ACCESS_KEY, value: 'AKIAALICE0000000001' },
      ],
      at: 'identity.aliases[0]',
    });
    expect(errorOf(() => parseIdentityConfig({ aliases: [{ identity: 'alice@corp.com', values: ['alice'] }] })).message).toMatch(
      /^config identity.aliases\[0\].values\[0\]: cannot tell what kind of alias "alice" is: write it as KIND:value .* e.g. "K8S_USER:alice"$/,
    );
    expect(errorOf(() => parseIdentityConfig({ aliases: [{ identity: 'alice@corp.com', values: [{ kind: 'EMAIL', value: 'a@b.c', source: 'x' }] }] })).key).toBe('identity.aliases[0].values[0].source');
  });

  it("borrows a live Okta source's org and token for user lookups, unless told otherwise", () => {
    expect(load(undefined, [k8s, oktaLive]).identity.lookups.okta).toEqual({ orgUrl: 'https://example.okta.com', token: 'from-env', rateLimitPerMinute: 300, from: 'sources[id=okta]' });
    expect(load({ lookups: { okta: false } }, [k8s, oktaLive]).identity.lookups.okta).toBeUndefined();
    expect(load({ lookups: { okta: { orgUrl: 'https://other.okta.com', tokenEnv: 'IDC_OKTA_TOKEN', rateLimitPerMinute: 100 } } }, [k8s, oktaLive]).identity.lookups.okta).toMatchObject({ orgUrl: 'https://other.okta.com', rateLimitPerMinute: 100 });
    expect(load({ lookups: { okta: { source: 'okta' } } }, [k8s, oktaLive]).identity.lookups.okta).toMatchObject({ orgUrl: 'https://example.okta.com', token: 'from-env' });
    // an archive cannot lend a token
    expect(load(undefined, [k8s, { id: 'okta', type: 'okta', mode: 'archive', path: dir }]).identity.lookups.okta).toBeUndefined();
    expect(errorOf(() => load({ lookups: { okta: { source: 'okta', orgUrl: 'https://x.okta.com' } } }, [k8s, oktaLive])).key).toBe('identity.lookups.okta.orgUrl');
    expect(errorOf(() => load({ lookups: { okta: { orgUrl: 'https://x.okta.com', token: 'inline' } } })).message).toContain('secrets are not written in the config');
  });

  it('names each cluster API server by the k8s source it serves', () => {
    const cfg = load({ lookups: { kubernetes: [{ source: 'prod-eks-audit', server: 'https://eks.example:443', tokenEnv: 'IDC_KUBE_TOKEN', caFile: ca }] } });
    expect(cfg.identity.lookups.kubernetes).toEqual([{ source: 'prod-eks-audit', server: 'https://eks.example:443', token: 'kube-from-env', caFile: ca, skipTlsVerify: false, rateLimitPerSecond: 20 }]);
    expect(errorOf(() => load({ lookups: { kubernetes: [{ source: 'prod-eks-audit', server: 'https://eks.example', tokenEnv: 'IDC_KUBE_TOKEN', caFile: path.join(dir, 'missing.pem') }] } })).key).toBe('identity.lookups.kubernetes[0].caFile');
    expect(errorOf(() => load({ lookups: { kubernetes: [{ source: 'prod-eks-audit', server: 'https://eks.example', tokenEnv: 'IDC_NOT_SET' }] } })).message).toBe(
      'config identity.lookups.kubernetes[0].tokenEnv: environment variable IDC_NOT_SET is not set',
    );
    const twice = { source: 'prod-eks-audit', server: 'https://eks.example', tokenEnv: 'IDC_KUBE_TOKEN' };
    expect(errorOf(() => load({ lookups: { kubernetes: [twice, twice] } })).message).toContain('two entries for source "prod-eks-audit"');
  });

  it('bounds discovery, with defaults', () => {
    expect(parseIdentityConfig({}).discovery).toEqual({ maxRounds: 4, maxEvents: 5000 });
    expect(parseIdentityConfig({ discovery: { maxRounds: 2, maxEvents: 1000 } }).discovery).toEqual({ maxRounds: 2, maxEvents: 1000 });
    expect(errorOf(() => parseIdentityConfig({ discovery: { maxRounds: 0 } })).key).toBe('identity.discovery.maxRounds');
  });
});
