import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { configFromDocument } from '../../src/config/load';
import { testDeps } from '../helpers/deps';
import { fencedBlocks } from '../helpers/docs';

/** Every YAML example of the README and docs/, as a new user would paste it, must load. */
const blocks = fencedBlocks('yaml');
const examples = blocks.map((b) => b.text);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-config-'));

/** Folders, files and environment variables the example names, made real in a scratch folder. */
function materialise(node: unknown, env: Record<string, string>): unknown {
  if (Array.isArray(node)) return node.map((n) => materialise(n, env));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === 'path' && typeof value === 'string') {
      const dir = path.join(scratch, value.replace(/[^A-Za-z0-9]+/g, '_'));
      fs.mkdirSync(dir, { recursive: true });
      out[key] = dir;
    } else if (key.endsWith('Env') && typeof value === 'string') {
      // long enough for any secret's minimum (a cursor secret needs 32 characters)
      env[value] = `example-${value.toLowerCase()}-0123456789abcdef0123456789abcdef`;
      out[key] = value;
    } else if (key.endsWith('File') && typeof value === 'string') {
      const file = path.join(scratch, value.replace(/[^A-Za-z0-9.]+/g, '_'));
      // a CA file is checked for PEM when the config loads; a secret file only for being readable and non-empty
      // (server.tls's certFile and keyFile too, by their PEM markers)
      const pem = key === 'caFile' || key === 'certFile' ? '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' : key === 'keyFile' ? '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n' : undefined;
      fs.writeFileSync(file, pem ?? 'example secret 0123456789abcdef0123456789abcdef\n');
      out[key] = file;
    } else out[key] = materialise(value, env);
  }
  return out;
}

describe('the configuration examples of the README and docs/', () => {
  it('has examples for every source type', () => {
    // the types of `sources:` entries (a `taskLogs:` entry has a type too: not a source)
    const types = new Set(
      examples.flatMap((e) => {
        const doc = (parseYaml(e) ?? {}) as { sources?: { type?: string }[] };
        return (Array.isArray(doc.sources) ? doc.sources : []).flatMap((s) => (typeof s?.type === 'string' ? [s.type] : []));
      }),
    );
    expect([...types].sort()).toEqual(['auditgraph', 'azure-activity', 'cloudtrail', 'flyte', 'gcp-audit', 'k8s-audit', 'okta']);
  });

  it.each(blocks.map((b, i) => [`${b.file} #${i}`, b.text]))('example %s loads as written', (_, text) => {
    const doc = (parseYaml(text as string) ?? {}) as Record<string, unknown>;
    const env: Record<string, string> = {};
    const complete = materialise(doc.sources ? doc : { ...doc, sources: [{ id: 'prod-eks-audit', type: 'k8s-audit', mode: 'file', path: '/var/log/audit' }] }, env) as Record<string, unknown>;
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const config = configFromDocument(complete, 'README', testDeps(), {});
      expect(config.sources.length).toBe((complete.sources as unknown[]).length);
    } finally {
      for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
    }
  });
});
