import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultDemoDate } from './config';
import { checkOptions, generateDemo, MANIFEST_FILE, type GenerateOptions } from './generate';
import { GENERATOR_NAME, GENERATOR_VERSION, type DemoManifest } from './manifest';

/** The manifest of the demo under `root`, or undefined when there is none or it cannot be read. */
export async function readDemoManifest(root: string): Promise<DemoManifest | undefined> {
  let text: string;
  try {
    text = await fs.promises.readFile(path.join(root, MANIFEST_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as Partial<DemoManifest>;
    return typeof parsed === 'object' && parsed !== null && typeof parsed.generatorVersion === 'number' ? (parsed as DemoManifest) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a manifest is this generator's and of the wanted day (`opts.date`, else the default day: a demo built
 * yesterday for the day before is stale today), and, when options name them, of that seed and scale.
 */
export function isCurrentDemo(manifest: DemoManifest | undefined, opts?: GenerateOptions): manifest is DemoManifest {
  if (!manifest || manifest.generator !== GENERATOR_NAME || manifest.generatorVersion !== GENERATOR_VERSION) return false;
  if (manifest.date !== (opts?.date ?? defaultDemoDate())) return false;
  if ((manifest.flyteNodeExecutions ?? true) !== (opts?.flyteNodeExecutions ?? true)) return false;
  if (opts?.seed === undefined && opts?.scale === undefined) return true;
  const wanted = checkOptions(opts);
  return manifest.seed === wanted.seed && manifest.scale === wanted.scale;
}

/**
 * The demo under `root`, built first when `manifest.json` is missing, unreadable, from another generator
 * version or for another day (or, when options are given, another seed or scale). A build never happens in place: see
 * `rebuildDemo`. When several callers race, the first complete demo to land is kept.
 */
export async function ensureDemo(root: string, opts?: GenerateOptions): Promise<DemoManifest> {
  const existing = await readDemoManifest(root);
  if (isCurrentDemo(existing, opts)) return existing;
  return build(root, opts, true);
}

/**
 * Generates into a fresh sibling folder and renames it into place, so that `root` is at every moment either
 * absent, the previous complete demo, or the new complete one: never half written. The manifest is the last
 * file written, so a folder without one is never taken for a demo.
 */
export async function rebuildDemo(root: string, opts?: GenerateOptions): Promise<DemoManifest> {
  return build(root, opts, false);
}

async function build(root: string, opts: GenerateOptions | undefined, keepOthers: boolean): Promise<DemoManifest> {
  const target = path.resolve(root);
  const parent = path.dirname(target);
  const base = path.basename(target);
  await fs.promises.mkdir(parent, { recursive: true });
  const building = await fs.promises.mkdtemp(path.join(parent, `.${base}.building-`));
  try {
    const manifest = await generateDemo(building, opts);
    if (keepOthers) {
      // Another process or a concurrent call may have put the same demo in place meanwhile: keep theirs.
      const current = await readDemoManifest(target);
      if (isCurrentDemo(current, { seed: manifest.seed, scale: manifest.scale, date: manifest.date, flyteNodeExecutions: manifest.flyteNodeExecutions })) {
        await fs.promises.rm(building, { recursive: true, force: true });
        return current;
      }
    }
    await swapIn(building, target);
    return manifest;
  } catch (err) {
    await fs.promises.rm(building, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Moves the previous demo aside, the new one into place, then deletes the previous one. Another build may land
 * its demo between the two renames (the second then finds the target taken): move that one aside too and try
 * again, a bounded number of times.
 */
async function swapIn(building: string, target: string): Promise<void> {
  const retired: string[] = [];
  for (let attempt = 0; ; attempt++) {
    const aside = building.replace(/\.building-([^/\\]*)$/, `.retired-$1-${attempt}`);
    try {
      await fs.promises.rename(target, aside);
      retired.push(aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    try {
      await fs.promises.rename(building, target);
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || attempt >= 5) throw err;
    }
  }
  for (const dir of retired) await fs.promises.rm(dir, { recursive: true, force: true });
}
