import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../../../src/config/errors';
import { ConfigNode } from '../../../src/config/fields';
import { flyteDefinition } from '../../../src/sources/flyte';
import { parseApiConfig } from '../../../src/sources/flyte/config';
import { testDeps } from '../../helpers/deps';

function api(entry: Record<string, unknown>) {
  return parseApiConfig(ConfigNode.of({ id: 'flyte', type: 'flyte', mode: 'api', ...entry }, 'sources[0]'), 'flyte');
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('flyte config', () => {
  it('crosses plain project names with the domains, defaulting to Flyte’s three', () => {
    expect(api({ endpoint: 'https://flyte.example.com/', projects: ['ml', 'data'], domains: ['development', 'production'] })).toEqual({
      id: 'flyte',
      endpoint: 'https://flyte.example.com',
      token: undefined,
      pairs: [
        { project: 'ml', domain: 'development' },
        { project: 'ml', domain: 'production' },
        { project: 'data', domain: 'development' },
        { project: 'data', domain: 'production' },
      ],
      rateLimitPerSecond: 10,
    });
    expect(api({ endpoint: 'http://localhost:30080', projects: ['flytesnacks'] }).pairs.map((p) => p.domain)).toEqual(['development', 'staging', 'production']);
  });

  it('takes per-project domains and the token from a file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flyte-config-'));
    try {
      fs.writeFileSync(path.join(dir, 'token'), 'abc.def.ghi\n');
      const cfg = api({ endpoint: 'https://flyte.example.com', tokenFile: path.join(dir, 'token'), projects: [{ project: 'ml', domains: ['production'] }, 'data'], domains: ['development'], rateLimitPerSecond: 3 });
      expect(cfg.token).toBe('abc.def.ghi');
      expect(cfg.rateLimitPerSecond).toBe(3);
      expect(cfg.pairs).toEqual([
        { project: 'ml', domain: 'production' },
        { project: 'data', domain: 'development' },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  it('names the key at fault', () => {
    expect(configError(() => api({ endpoint: 'https://f', projects: [] })).key).toBe('sources[0].projects');
    expect(configError(() => api({ endpoint: 'https://f' })).key).toBe('sources[0].projects');
    expect(configError(() => api({ endpoint: 'https://f', projects: ['ml/prod'] })).key).toBe('sources[0].projects[0]');
    expect(configError(() => api({ endpoint: 'https://f', projects: [{ project: 'ml', domain: 'x' }] })).key).toBe('sources[0].projects[0].domain');
    expect(configError(() => api({ endpoint: 'https://f', projects: ['ml', 'ml'] })).message).toContain('listed twice');
    expect(configError(() => api({ endpoint: 'https://f', projects: ['ml'], token: 'secret' })).key).toBe('sources[0].token');
    expect(configError(() => api({ endpoint: 'https://f', projects: ['ml'], tokenEnv: 'FLYTE_UNSET_TOKEN_VAR' })).key).toBe('sources[0].tokenEnv');
    expect(configError(() => api({ endpoint: 'ftp://f', projects: ['ml'] })).key).toBe('sources[0].endpoint');
    expect(configError(() => api({ endpoint: 'https://f', projects: ['ml'], maxRunDurationHours: 24 })).key).toBe('sources[0].maxRunDurationHours');
    expect(configError(() => api({ endpoint: 'https://f', projects: ['ml'], rateLimitPerSecond: 0 })).key).toBe('sources[0].rateLimitPerSecond');
  });

  it('builds an archive source over an existing folder only', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flyte-config-'));
    try {
      const source = flyteDefinition.create(ConfigNode.of({ id: 'x', type: 'flyte', mode: 'archive', path: dir }, 'sources[2]'), { id: 'x', mode: 'archive' }, testDeps());
      expect(source.mode).toBe('archive');
      expect(source.location).toBe(dir);
      const missing = configError(() => flyteDefinition.create(ConfigNode.of({ id: 'x', type: 'flyte', mode: 'archive', path: path.join(dir, 'nope') }, 'sources[2]'), { id: 'x', mode: 'archive' }, testDeps()));
      expect(missing.key).toBe('sources[2].path');
      const stray = configError(() => flyteDefinition.create(ConfigNode.of({ id: 'x', type: 'flyte', mode: 'archive', path: dir, endpoint: 'https://f' }, 'sources[2]'), { id: 'x', mode: 'archive' }, testDeps()));
      expect(stray.key).toBe('sources[2].endpoint');
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });
});
