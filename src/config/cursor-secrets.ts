import { randomBytes } from 'node:crypto';
import { ConfigError } from './errors';
import type { ConfigNode } from './fields';

/** Shorter HMAC keys can be guessed offline from one cursor; `openssl rand -base64 32` gives 44 characters. */
export const MIN_CURSOR_SECRET_LENGTH = 32;

export const CURSOR_SECRET_ENV = 'AUDITGRAPH_CURSOR_SECRET';

export interface CursorSecrets {
  /** the first signs new cursors; every one is accepted, so that a key can be rotated without breaking cursors */
  secrets: string[];
  /** false when the secret was made up at start-up: cursors then die with the process and do not cross replicas */
  configured: boolean;
}

function checked(key: string, secret: string): string {
  if (secret.length < MIN_CURSOR_SECRET_LENGTH) {
    throw new ConfigError(
      key,
      `a cursor secret needs at least ${MIN_CURSOR_SECRET_LENGTH} characters, got ${secret.length === 0 ? 'an empty one' : secret.length}: anyone could forge cursors signed with it (make one with \`openssl rand -base64 32\`)`,
    );
  }
  return secret;
}

/**
 * The cursor secrets, from `query.cursorSecrets` (a list, for rotation), `query.cursorSecretEnv`/`cursorSecretFile`
 * (one), or the environment's AUDITGRAPH_CURSOR_SECRET (one, or several separated by commas); else a random one.
 */
export function parseCursorSecrets(query: ConfigNode | undefined, env: NodeJS.ProcessEnv): CursorSecrets {
  const list = query?.list('cursorSecrets') ?? [];
  const single = query && (query.has('cursorSecretEnv') || query.has('cursorSecretFile') || query.has('cursorSecret'));
  if (list.length && single) {
    throw new ConfigError(query.key('cursorSecrets'), 'give either cursorSecrets (a list) or cursorSecretEnv/cursorSecretFile (one secret), not both');
  }
  if (query?.has('cursorSecrets') && list.length === 0) throw new ConfigError(query.key('cursorSecrets'), 'expected at least one { secretEnv } or { secretFile }');
  if (list.length) {
    const secrets = list.map((entry) => {
      entry.allowOnly(['secretEnv', 'secretFile']);
      const key = entry.has('secretEnv') ? entry.key('secretEnv') : entry.key('secretFile');
      return checked(key, entry.secret('secret', true) as string);
    });
    return { secrets, configured: true };
  }
  if (single) {
    const key = query.has('cursorSecretEnv') ? query.key('cursorSecretEnv') : query.key('cursorSecretFile');
    return { secrets: [checked(key, query.secret('cursorSecret', true) as string)], configured: true };
  }
  const fromEnv = env[CURSOR_SECRET_ENV];
  if (fromEnv !== undefined) {
    // set but empty is a mistake (an unset deployment variable), never "sign with the empty key"
    const secrets = fromEnv.split(',').map((s) => s.trim());
    secrets.forEach((s, i) => checked(`${CURSOR_SECRET_ENV} (environment)${secrets.length > 1 ? `, secret ${i + 1}` : ''}`, s));
    return { secrets, configured: true };
  }
  return { secrets: [randomBytes(32).toString('base64url')], configured: false };
}
