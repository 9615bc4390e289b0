import * as os from 'node:os';
import * as path from 'node:path';
import type { RateLimiter, SourceDeps, TimeWindow } from '../../src/domain';
import { ensureDemo } from '../../src/demo/ensure';
import type { DemoManifest } from '../../src/demo/manifest';
import { readDemo, type DemoData } from '../demo/demo-files';

/** One demo for every parity test file (deterministic, rebuilt only when the generator changes). */
export const PARITY_DEMO_ROOT = path.join(os.tmpdir(), 'auditgraph-parity-demo');

export interface ParityDemo {
  root: string;
  manifest: DemoManifest;
  /** the records as the generator wrote them, read with fs and JSON.parse only */
  data: DemoData;
  /** hours `from`..`to` of the demo day */
  window(fromHour: number, toHour: number): TimeWindow;
  /** a clock after the demo day, so that no retention clamps it */
  now: Date;
}

export async function parityDemo(): Promise<ParityDemo> {
  const manifest = await ensureDemo(PARITY_DEMO_ROOT);
  const day = Date.parse(manifest.day.from);
  return {
    root: PARITY_DEMO_ROOT,
    manifest,
    data: readDemo(PARITY_DEMO_ROOT),
    window: (fromHour, toHour) => ({ from: new Date(day + fromHour * 3_600_000), to: new Date(day + toHour * 3_600_000) }),
    now: new Date(Date.parse(manifest.day.to) + 86_400_000),
  };
}

/**
 * Dependencies whose rate limiters never wait: the parity battery reads the same window a hundred times, and a
 * loopback server has no quota (rate limiting has its own tests in every source).
 */
export function unthrottledDeps(now: Date): SourceDeps {
  const open: RateLimiter = { acquire: async () => undefined, pauseUntil: () => undefined };
  return { limiters: { get: () => open }, now: () => now };
}
