import type { SourceDeps } from '../../src/domain';
import { Limiters } from '../../src/query/limiter';

/** Fresh dependencies for one test's sources: its own limiter registry, the real clock unless given. */
export function testDeps(now?: () => Date): SourceDeps {
  return { limiters: new Limiters(), now: now ?? (() => new Date()) };
}
