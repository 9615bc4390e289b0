import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AppConfig } from '../../src/config/config';
import { configFromDocument } from '../../src/config/load';
import type { Source } from '../../src/domain';
import { testDeps } from './deps';

/**
 * A whole AppConfig around sources built in the test (every other section at its defaults, as the loader
 * makes them), so that tests do not spell out sections they do not care about.
 */
export function appConfigWith(sources: Source[], overrides: Partial<AppConfig> = {}): AppConfig {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-config-'));
  const defaults = configFromDocument({ sources: [{ id: 'placeholder', type: 'k8s-audit', mode: 'file', path: dir }] }, 'test', testDeps(), {});
  return { ...defaults, origin: 'test', sources, ...overrides };
}
