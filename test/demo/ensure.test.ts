import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureDemo, readDemoManifest, rebuildDemo } from '../../src/demo/ensure';
import { DEMO_SOURCE_DIRS, MANIFEST_FILE } from '../../src/demo/generate';
import { GENERATOR_VERSION } from '../../src/demo/manifest';

const SMALL = { scale: 0.02 };

describe('ensureDemo', () => {
  let tmp: string;

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'auditgraph-demo-ensure-'));
  });

  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** Folders the build left beside the demo (there must be none once it settles). */
  const leftovers = (): string[] => fs.readdirSync(tmp).filter((n) => n !== 'demo');

  it('builds the demo when it is missing', async () => {
    const root = path.join(tmp, 'demo');
    const manifest = await ensureDemo(root, SMALL);
    expect(manifest.generatorVersion).toBe(GENERATOR_VERSION);
    expect(await readDemoManifest(root)).toEqual(JSON.parse(JSON.stringify(manifest)));
    for (const dir of DEMO_SOURCE_DIRS) expect(fs.statSync(path.join(root, dir)).isDirectory()).toBe(true);
    expect(leftovers()).toEqual([]);
  });

  it('returns a current demo as it is, without rebuilding', async () => {
    const root = path.join(tmp, 'demo');
    const first = await ensureDemo(root, SMALL);
    const marker = path.join(root, 'okta', 'marker');
    fs.writeFileSync(marker, 'still here');
    const mtime = fs.statSync(path.join(root, MANIFEST_FILE)).mtimeMs;
    const again = await ensureDemo(root);
    expect(again).toEqual(JSON.parse(JSON.stringify(first)));
    expect(fs.existsSync(marker)).toBe(true);
    expect(fs.statSync(path.join(root, MANIFEST_FILE)).mtimeMs).toBe(mtime);
  });

  it('rebuilds a demo from another generator version, or of another seed or scale when asked for one', async () => {
    const root = path.join(tmp, 'demo');
    await ensureDemo(root, SMALL);
    const file = path.join(root, MANIFEST_FILE);
    const old = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...old, generatorVersion: GENERATOR_VERSION - 1 }));
    fs.writeFileSync(path.join(root, 'okta', 'marker'), 'old demo');
    const rebuilt = await ensureDemo(root);
    expect(rebuilt.generatorVersion).toBe(GENERATOR_VERSION);
    expect(fs.existsSync(path.join(root, 'okta', 'marker'))).toBe(false);

    const reseeded = await ensureDemo(root, { ...SMALL, seed: 99 });
    expect(reseeded.seed).toBe(99);
    expect((await readDemoManifest(root))?.seed).toBe(99);
    expect(leftovers()).toEqual([]);
  }, 30_000);

  it('takes a demo whose Flyte export has no node executions for that variant only, and rebuilds it for the full one', async () => {
    const root = path.join(tmp, 'demo');
    const variant = await ensureDemo(root, { ...SMALL, flyteNodeExecutions: false });
    expect(variant.flyteNodeExecutions).toBe(false);
    expect(fs.existsSync(path.join(root, 'flyte', 'node_executions'))).toBe(false);
    expect((await ensureDemo(root, { ...SMALL, flyteNodeExecutions: false })).flyteNodeExecutions).toBe(false);
    const full = await ensureDemo(root, SMALL);
    expect(full.flyteNodeExecutions).toBe(true);
    expect(fs.readdirSync(path.join(root, 'flyte', 'node_executions')).length).toBeGreaterThan(0);
    expect(full.sources.flyte.taskExecutions).toBeGreaterThan(0);
  }, 60_000);

  it('does not take a folder without a manifest (or with a broken one) for a demo', async () => {
    const root = path.join(tmp, 'demo');
    fs.mkdirSync(path.join(root, 'okta'), { recursive: true });
    fs.writeFileSync(path.join(root, 'okta', 'half-written.ndjson'), '{"uuid":');
    const built = await ensureDemo(root, SMALL);
    expect(fs.existsSync(path.join(root, 'okta', 'half-written.ndjson'))).toBe(false);
    expect(built.sources.okta.records).toBeGreaterThan(0);

    fs.writeFileSync(path.join(root, MANIFEST_FILE), '{"generator":');
    fs.writeFileSync(path.join(root, 'okta', 'marker'), 'x');
    await ensureDemo(root, SMALL);
    expect(fs.existsSync(path.join(root, 'okta', 'marker'))).toBe(false);
    expect((await readDemoManifest(root))?.generatorVersion).toBe(GENERATOR_VERSION);
  }, 30_000);

  it('never lets the demo folder be seen half written while it builds', async () => {
    const root = path.join(tmp, 'demo');
    let done = false;
    let looks = 0;
    const seen: string[] = [];
    const watch = (async () => {
      while (!done) {
        // whenever the folder exists, it is a whole demo: manifest and every source folder
        // absent is allowed (between the two renames of a swap), so it may vanish between the look and the read
        let names: string[] | undefined;
        try {
          names = fs.readdirSync(root);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
        if (names) {
          looks++;
          if (!names.includes(MANIFEST_FILE) || DEMO_SOURCE_DIRS.some((d) => !names.includes(d))) seen.push(names.join(','));
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    await ensureDemo(root, SMALL);
    await rebuildDemo(root, { ...SMALL, seed: 5 });
    done = true;
    await watch;
    expect(seen).toEqual([]);
    expect(looks).toBeGreaterThan(0);
  }, 30_000);

  it('settles on one complete demo when called concurrently', async () => {
    const root = path.join(tmp, 'demo');
    const results = await Promise.all([ensureDemo(root, SMALL), ensureDemo(root, SMALL), ensureDemo(root, SMALL)]);
    const onDisk = await readDemoManifest(root);
    for (const m of results) expect(JSON.parse(JSON.stringify(m))).toEqual(onDisk);
    expect(leftovers()).toEqual([]);
  }, 30_000);

  it('leaves the previous demo and no debris when a build fails', async () => {
    const root = path.join(tmp, 'demo');
    await ensureDemo(root, SMALL);
    const before = fs.readFileSync(path.join(root, MANIFEST_FILE), 'utf8');
    await expect(rebuildDemo(root, { scale: -1 })).rejects.toThrow(/scale/);
    expect(fs.readFileSync(path.join(root, MANIFEST_FILE), 'utf8')).toBe(before);
    expect(leftovers()).toEqual([]);
  });
});
