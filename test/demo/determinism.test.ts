import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateDemo } from '../../src/demo/generate';
import type { DemoManifest } from '../../src/demo/manifest';
import { hashTree, isGzip, listFiles } from './demo-files';

// Small scale: determinism does not depend on volume, and three generations must stay fast.
const SCALE = 0.05;

describe('generateDemo determinism', () => {
  let tmp: string;
  const trees: Record<string, { hashes: Map<string, string>; manifest: DemoManifest }> = {};

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'auditgraph-demo-det-'));
    for (const [name, seed] of [['a', 7], ['b', 7], ['c', 8]] as const) {
      const root = path.join(tmp, name);
      const manifest = await generateDemo(root, { seed, scale: SCALE });
      trees[name] = { hashes: hashTree(root), manifest };
    }
  }, 60_000);

  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes byte-identical files, gzip included, for the same seed and scale', () => {
    const a = trees.a.hashes;
    const b = trees.b.hashes;
    expect([...a.keys()]).toEqual([...b.keys()]);
    const differing = [...a.keys()].filter((k) => a.get(k) !== b.get(k));
    expect(differing).toEqual([]);
    // the comparison covered compressed files, not only plain ones
    const gz = [...a.keys()].filter((k) => isGzip(fs.readFileSync(path.join(tmp, 'a', k))));
    expect(gz.some((k) => k.startsWith('cloudtrail/'))).toBe(true);
    expect(gz.some((k) => k.startsWith('k8s-audit/'))).toBe(true);
  });

  it('writes different traffic for a different seed, with the same incident at the same times', () => {
    const a = trees.a.hashes;
    const c = trees.c.hashes;
    const same = [...a.keys()].filter((k) => k !== 'manifest.json' && c.get(k) === a.get(k));
    // background differs everywhere it is drawn from the seed
    expect(same.filter((k) => k.startsWith('okta/') || k.startsWith('k8s-audit/audit.log'))).toEqual([]);
    expect(trees.c.manifest.seed).toBe(8);
    const times = (m: DemoManifest) => m.incident.timeline.map((t) => `${t.time} ${t.source} ${t.action}`);
    expect(times(trees.c.manifest)).toEqual(times(trees.a.manifest));
    expect(trees.c.manifest.incident.okta.apiTokenCreate.id).not.toBe(trees.a.manifest.incident.okta.apiTokenCreate.id);
  });

  it('records the seed and scale in the manifest, and the manifest on disk is the one returned', () => {
    const onDisk = JSON.parse(fs.readFileSync(path.join(tmp, 'a', 'manifest.json'), 'utf8'));
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(trees.a.manifest)));
    expect(onDisk.seed).toBe(7);
    expect(onDisk.scale).toBe(SCALE);
  });

  it('replaces its own folders on regeneration and leaves other files alone', async () => {
    const root = path.join(tmp, 'regen');
    await generateDemo(root, { seed: 1, scale: SCALE });
    fs.writeFileSync(path.join(root, 'okta', 'stale.ndjson'), '{}\n');
    fs.writeFileSync(path.join(root, 'README.local'), 'mine');
    await generateDemo(root, { seed: 7, scale: SCALE });
    const files = listFiles(root);
    expect(files).not.toContain('okta/stale.ndjson');
    expect(files).toContain('README.local');
    const regenerated = hashTree(root);
    regenerated.delete('README.local');
    expect(regenerated).toEqual(trees.a.hashes);
  }, 30_000);

  it('rejects a scale or seed it cannot honour', async () => {
    await expect(generateDemo(path.join(tmp, 'bad'), { scale: 0 })).rejects.toThrow(/scale/);
    await expect(generateDemo(path.join(tmp, 'bad'), { scale: 21 })).rejects.toThrow(/scale/);
    await expect(generateDemo(path.join(tmp, 'bad'), { seed: 1.5 })).rejects.toThrow(/seed/);
    expect(fs.existsSync(path.join(tmp, 'bad'))).toBe(false);
  });
});
