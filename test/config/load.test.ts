import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../../src/config/errors';
import { configFromDocument, loadConfigFile } from '../../src/config/load';
import { testDeps } from '../helpers/deps';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-'));
const k8s = { id: 'prod-audit', type: 'k8s-audit', mode: 'file', path: dir };
const SECRET_A = 'a'.repeat(32);
const SECRET_B = 'b'.repeat(44);

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config loading', () => {
  it('builds the configured sources with defaults for the rest', () => {
    const cfg = configFromDocument({ sources: [k8s] }, 'test', testDeps(), {});
    expect(cfg.sources.map((s) => [s.id, s.type, s.mode])).toEqual([['prod-audit', 'k8s-audit', 'file']]);
    expect(cfg.server).toMatchObject({ host: '127.0.0.1', port: 4000, allowedHosts: [], introspection: true });
    expect(cfg.query.deadlineMs).toBe(30_000);
    expect(cfg.query.sourceTimeoutMs).toBe(10_000);
    expect(cfg.query.cursorSecretConfigured).toBe(false);
    // a shorter deadline gives each source a third of it
    expect(configFromDocument({ sources: [k8s], query: { deadlineMs: 6000 } }, 'test', testDeps(), {}).query.sourceTimeoutMs).toBe(2000);
  });

  it('takes PORT, HOST and the cursor secret from the environment', () => {
    const cfg = configFromDocument({ sources: [k8s] }, 'test', testDeps(), { PORT: '5055', HOST: '0.0.0.0', AUDITGRAPH_CURSOR_SECRET: SECRET_A });
    expect(cfg.server).toMatchObject({ host: '0.0.0.0', port: 5055 });
    expect(cfg.query).toMatchObject({ cursorSecrets: [SECRET_A], cursorSecretConfigured: true });
  });

  it.each([
    [{}, 'sources', 'expected at least one source'],
    [{ sources: [k8s], extra: 1 }, 'extra', 'unknown key'],
    [{ sources: [{ ...k8s, type: 'splunk' }] }, 'sources[0].type', 'unknown source type "splunk"'],
    [{ sources: [{ ...k8s, mode: 'api' }] }, 'sources[0].mode', 'expected one of'],
    [{ sources: [k8s, k8s] }, 'sources[1].id', 'duplicate source id'],
    [{ sources: [{ ...k8s, id: 'bad id!' }] }, 'sources[0].id', 'expected letters'],
    [{ sources: [{ ...k8s, path: path.join(dir, 'missing') }] }, 'sources[0].path', 'does not exist'],
    [{ sources: [k8s], query: { deadlineMs: 5 } }, 'query.deadlineMs', 'at least 100'],
    [{ sources: [k8s], query: { deadlineMs: 5000, sourceTimeoutMs: 5000 } }, 'query.sourceTimeoutMs', 'must be shorter than query.deadlineMs (5000)'],
    [{ sources: [k8s], query: { cursorSecret: 'inline' } }, 'query.cursorSecret', 'secrets are not written in the config'],
    [{ sources: [k8s], query: { cursorSecretEnv: 'NOPE_NOT_SET' } }, 'query.cursorSecretEnv', 'NOPE_NOT_SET is not set'],
  ])('names the key at fault: %j', (doc, key, expected) => {
    const err = errorOf(() => configFromDocument(doc, 'test', testDeps(), {}));
    expect(err.key).toBe(key);
    expect(err.message).toContain(expected);
  });

  it('refuses a bad PORT', () => {
    expect(errorOf(() => configFromDocument({ sources: [k8s] }, 'test', testDeps(), { PORT: 'eighty' })).key).toBe('PORT (environment)');
  });

  it('reads YAML files and says which file could not be read or parsed', () => {
    const good = path.join(dir, 'auditgraph.yaml');
    fs.writeFileSync(good, `sources:\n  - { id: prod-audit, type: k8s-audit, mode: file, path: ${dir} }\nidentity:\n  emailDomains: [example.com]\n`);
    expect(loadConfigFile(good, testDeps(), {}).identity.emailDomains).toEqual(['example.com']);
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'sources: [\n');
    expect(errorOf(() => loadConfigFile(bad, testDeps(), {})).message).toContain('is not valid YAML');
    expect(errorOf(() => loadConfigFile(path.join(dir, 'none.yaml'), testDeps(), {})).message).toContain('cannot read');
  });

  describe('cursor secrets', () => {
    const envKeys = ['CURSOR_NEW', 'CURSOR_OLD', 'CURSOR_SHORT', 'CURSOR_EMPTY'];
    beforeAll(() => {
      Object.assign(process.env, { CURSOR_NEW: SECRET_A, CURSOR_OLD: SECRET_B, CURSOR_SHORT: 'short', CURSOR_EMPTY: '' });
    });
    afterAll(() => {
      for (const k of envKeys) delete process.env[k];
    });

    it('takes several from query.cursorSecrets, the first one first (it signs; all verify)', () => {
      const oldFile = path.join(dir, 'cursor-old');
      fs.writeFileSync(oldFile, `${SECRET_B}\n`);
      const cfg = configFromDocument({ sources: [k8s], query: { cursorSecrets: [{ secretEnv: 'CURSOR_NEW' }, { secretFile: oldFile }] } }, 'test', testDeps(), {});
      expect(cfg.query).toMatchObject({ cursorSecrets: [SECRET_A, SECRET_B], cursorSecretConfigured: true });
    });

    it('takes several from AUDITGRAPH_CURSOR_SECRET separated by commas', () => {
      const cfg = configFromDocument({ sources: [k8s] }, 'test', testDeps(), { AUDITGRAPH_CURSOR_SECRET: `${SECRET_B},${SECRET_A}` });
      expect(cfg.query.cursorSecrets).toEqual([SECRET_B, SECRET_A]);
    });

    it('makes one up, and says so, when none is configured', () => {
      const cfg = configFromDocument({ sources: [k8s] }, 'test', testDeps(), {});
      expect(cfg.query.cursorSecretConfigured).toBe(false);
      expect(cfg.query.cursorSecrets).toHaveLength(1);
      expect(cfg.query.cursorSecrets[0].length).toBeGreaterThanOrEqual(32);
    });

    it.each([
      [{}, { AUDITGRAPH_CURSOR_SECRET: '' }, 'AUDITGRAPH_CURSOR_SECRET (environment)', 'got an empty one'],
      [{}, { AUDITGRAPH_CURSOR_SECRET: 's3cret' }, 'AUDITGRAPH_CURSOR_SECRET (environment)', 'at least 32 characters, got 6'],
      [{}, { AUDITGRAPH_CURSOR_SECRET: `${SECRET_A},` }, 'AUDITGRAPH_CURSOR_SECRET (environment), secret 2', 'got an empty one'],
      [{ query: { cursorSecretEnv: 'CURSOR_SHORT' } }, {}, 'query.cursorSecretEnv', 'at least 32 characters, got 5'],
      [{ query: { cursorSecretEnv: 'CURSOR_EMPTY' } }, {}, 'query.cursorSecretEnv', 'CURSOR_EMPTY is not set'],
      [{ query: { cursorSecrets: [{ secretEnv: 'CURSOR_NEW' }, { secretEnv: 'CURSOR_SHORT' }] } }, {}, 'query.cursorSecrets[1].secretEnv', 'at least 32 characters'],
      [{ query: { cursorSecrets: [{ secret: 'inline' }] } }, {}, 'query.cursorSecrets[0].secret', 'secrets are not written in the config'],
      [{ query: { cursorSecrets: [] } }, {}, 'query.cursorSecrets', 'expected at least one'],
      [{ query: { cursorSecrets: [{ secretEnv: 'CURSOR_NEW' }], cursorSecretEnv: 'CURSOR_OLD' } }, {}, 'query.cursorSecrets', 'not both'],
    ])('refuses %j with env %j, naming %s', (extra, env, key, expected) => {
      const err = errorOf(() => configFromDocument({ sources: [k8s], ...extra }, 'test', testDeps(), env));
      expect(err.key).toBe(key);
      expect(err.message).toContain(expected);
    });
  });

  describe('credentials over plain http', () => {
    beforeAll(() => {
      process.env.HTTP_TEST_TOKEN = 'token';
    });
    afterAll(() => {
      delete process.env.HTTP_TEST_TOKEN;
    });
    const okta = { id: 'okta', type: 'okta', mode: 'api', tokenEnv: 'HTTP_TEST_TOKEN' };
    const flyte = { id: 'flyte', type: 'flyte', mode: 'api', projects: [{ project: 'ml', domains: ['production'] }] };
    const trail = { id: 'trail', type: 'cloudtrail', mode: 'api', region: 'us-east-1' };
    const gcp = { id: 'gcp', type: 'gcp-audit', mode: 'api', projectId: 'acme-ml-prod', protocol: 'http', accessTokenEnv: 'HTTP_TEST_TOKEN' };

    it.each([
      [{ ...okta, orgUrl: 'http://corp.okta.example' }, 'sources[0].orgUrl'],
      [{ ...flyte, endpoint: 'http://flyte.corp.example', tokenEnv: 'HTTP_TEST_TOKEN' }, 'sources[0].endpoint'],
      [{ ...trail, endpoint: 'http://10.0.0.5:4566' }, 'sources[0].endpoint'],
      [{ ...gcp, apiEndpoint: 'logging.corp.example:8080' }, 'sources[0].protocol'],
    ])('refuses to send a credential to %j in clear text, naming %s', (source, key) => {
      const err = errorOf(() => configFromDocument({ sources: [source] }, 'test', testDeps(), {}));
      expect(err.key).toBe(key);
      expect(err.message).toMatch(/clear text.*allowed only to loopback/);
    });

    it.each([
      { ...okta, orgUrl: 'http://127.0.0.1:8080' },
      { ...okta, orgUrl: 'http://localhost:8080' },
      { ...okta, orgUrl: 'http://[::1]:8080' },
      { ...okta, orgUrl: 'https://corp.okta.example' },
      // no token, nothing secret travels
      { ...flyte, endpoint: 'http://flyte.corp.example' },
      { ...trail, endpoint: 'http://127.0.0.2:4566' },
      { ...gcp, apiEndpoint: '127.0.0.1:8080' },
    ])('allows %j (loopback, TLS, or no credential)', (source) => {
      expect(configFromDocument({ sources: [source] }, 'test', testDeps(), {}).sources).toHaveLength(1);
    });

    it('refuses plain http for identity lookups with a token too', () => {
      const identity = { lookups: { okta: { orgUrl: 'http://okta.corp.example', tokenEnv: 'HTTP_TEST_TOKEN' } } };
      const err = errorOf(() => configFromDocument({ sources: [k8s], identity }, 'test', testDeps(), {}));
      expect(err.key).toBe('identity.lookups.okta.orgUrl');
    });
  });

  describe('server, limits and logging', () => {
    it('reads allowed hosts, lowercased, and "*"', () => {
      expect(configFromDocument({ sources: [k8s], server: { allowedHosts: ['Auditgraph.Corp.example', '.corp.example'] } }, 'test', testDeps(), {}).server.allowedHosts).toEqual([
        'auditgraph.corp.example',
        '.corp.example',
      ]);
      expect(configFromDocument({ sources: [k8s], server: { allowedHosts: '*' } }, 'test', testDeps(), {}).server.allowedHosts).toBe('*');
    });

    it.each([
      [{ server: { allowedHosts: ['https://auditgraph.corp.example'] } }, {}, 'server.allowedHosts[0]', 'without scheme or port'],
      [{ server: { allowedHosts: ['auditgraph:4000'] } }, {}, 'server.allowedHosts[0]', 'without scheme or port'],
      [{ server: { introspection: 'no' } }, {}, 'server.introspection', 'expected true or false'],
      [{ limits: { maxBodyBytes: 10 } }, {}, 'limits.maxBodyBytes', 'at least 1024'],
      [{ logging: { level: 'loud' } }, {}, 'logging.level', 'expected one of'],
      [{}, { AUDITGRAPH_LOG_LEVEL: 'loud' }, 'AUDITGRAPH_LOG_LEVEL (environment)', 'expected one of'],
    ])('refuses %j with env %j, naming %s', (extra, env, key, expected) => {
      const err = errorOf(() => configFromDocument({ sources: [k8s], ...extra }, 'test', testDeps(), env));
      expect(err.key).toBe(key);
      expect(err.message).toContain(expected);
    });
  });
});
