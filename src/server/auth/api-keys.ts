import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKeyConfig } from '../../config/auth';

/**
 * The configured API keys, known only by their SHA-256. A presented key is hashed and compared with every
 * configured hash in constant time (no early exit), so the time taken says nothing of which key came close.
 */
export class ApiKeyRing {
  constructor(private readonly keys: readonly ApiKeyConfig[]) {}

  get size(): number {
    return this.keys.length;
  }

  /** The key's config, or undefined. */
  match(presented: string): ApiKeyConfig | undefined {
    const digest = createHash('sha256').update(presented, 'utf8').digest();
    let found: ApiKeyConfig | undefined;
    for (const key of this.keys) {
      if (timingSafeEqual(digest, key.sha256) && !found) found = key;
    }
    return found;
  }
}
