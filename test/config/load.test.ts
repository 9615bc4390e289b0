import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../../src/config/errors';
import { configFromDocument, loadConfigFile } from '../../src/config/load';
import { testDeps } from '../helpers/deps';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-'));
const k8s = { id: 'prod-audit', type: 'k8s-audit', mode: 'file', path: dir };

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
    expect(cfg.server).toEqual({ host: '127.0.0.1', port: 4000 });
    expect(cfg.query.deadlineMs).toBe(30_000);
    expect(cfg.query.cursorSecretConfigured).toBe(false);
  });

  it('takes PORT, HOST and the cursor secret from the environment', () => {
    const cfg = configFromDocument({ sources: [k8s] }, 'test', testDeps(), { PORT: '5055', HOST: '0.0.0.0', AUDITGRAPH_CURSOR_SECRET: 's3cret' });
    expect(cfg.server).toEqual({ host: '0.0.0.0', port: 5055 });
    expect(cfg.query).toMatchObject({ cursorSecret: 's3cret', cursorSecretConfigured: true });
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
});
