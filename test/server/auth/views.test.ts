import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { configFromDocument } from '../../../src/config/load';
import { callerCursorSecret, SourceViews } from '../../../src/server/auth/views';
import { testDeps } from '../../helpers/deps';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'views-'));

describe("a caller's view of the configuration", () => {
  const saved = { ...process.env };
  beforeAll(() => Object.assign(process.env, { VIEWS_OKTA: 'okta-token', VIEWS_KUBE: 'kube-token' }));
  afterAll(() => {
    for (const k of ['VIEWS_OKTA', 'VIEWS_KUBE']) if (saved[k] === undefined) delete process.env[k];
  });

  const config = () =>
    configFromDocument(
      {
        sources: [
          { id: 'okta', type: 'okta', mode: 'api', orgUrl: 'https://corp.okta.com', tokenEnv: 'VIEWS_OKTA' },
          { id: 'prod', type: 'k8s-audit', mode: 'file', path: dir },
          { id: 'staging', type: 'k8s-audit', mode: 'file', path: dir },
        ],
        identity: {
          oidcPrefixes: [{ source: 'prod', prefix: 'oidc:' }, 'sso:'],
          aliases: [{ identity: 'alice@corp.com', values: ['okta:00u1', { kind: 'K8S_USER', value: 'alice', source: 'prod' }, { kind: 'K8S_USER', value: 'al', source: 'staging' }] }],
          lookups: { kubernetes: [{ source: 'prod', server: 'https://prod.k8s', tokenEnv: 'VIEWS_KUBE' }] },
        },
      },
      'test',
      testDeps(),
      {},
    );

  it('holds no lookup, prefix or scoped alias of a hidden source', () => {
    const full = config();
    expect(full.identity.lookups.okta?.from).toBe('sources[id=okta]');
    const views = new SourceViews(full);
    const staging = views.of({ sources: new Set(['staging']), raw: new Set(), admin: false });
    expect(staging.sources.map((s) => s.id)).toEqual(['staging']);
    expect(staging.identity.lookups).toEqual({ okta: undefined, kubernetes: [] });
    expect(staging.identity.oidcPrefixes).toEqual([{ prefix: 'sso:' }]);
    expect(staging.identity.aliases[0].values.map((v) => v.value)).toEqual(['00u1', 'al']);
    const withOkta = views.of({ sources: new Set(['okta', 'prod']), raw: new Set(), admin: false });
    expect(withOkta.identity.lookups.okta?.orgUrl).toBe('https://corp.okta.com');
    expect(withOkta.identity.lookups.kubernetes.map((k) => k.source)).toEqual(['prod']);
  });

  it('is made once per set of visible sources (lookup clients hang off it), and is the config itself for everything', () => {
    const full = config();
    const views = new SourceViews(full);
    const a = views.of({ sources: new Set(['staging', 'okta']), raw: new Set(), admin: false });
    expect(views.of({ sources: new Set(['okta', 'staging']), raw: new Set(['okta']), admin: true })).toBe(a);
    expect(views.of({ sources: new Set(['okta', 'prod', 'staging']), raw: new Set(), admin: false })).toBe(full);
  });

  it('derives a cursor secret per caller, the same on every replica', () => {
    const alice = { method: 'oidc' as const, subject: 'u1', issuer: 'https://idp', roles: [] };
    const job = { method: 'api-key' as const, subject: 'job', apiKeyId: 'job', roles: [] };
    expect(callerCursorSecret('s', alice)).toBe(callerCursorSecret('s', { ...alice, roles: ['x'] }));
    expect(callerCursorSecret('s', alice)).not.toBe(callerCursorSecret('s', job));
    expect(callerCursorSecret('s', alice)).not.toBe(callerCursorSecret('t', alice));
    expect(callerCursorSecret('s', { method: 'anonymous', subject: 'anonymous', roles: [] })).toBe('s');
  });
});
