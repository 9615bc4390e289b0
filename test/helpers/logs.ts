import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import type { LogLevel } from '../../src/config/config';
import { createLogger } from '../../src/server/logger';

/** The server's logger, silenced for tests that do not look at the log (set AUDITGRAPH_TEST_LOG=debug to see it). */
export function quietLogger(): Logger {
  return createLogger({ level: (process.env.AUDITGRAPH_TEST_LOG as LogLevel | undefined) ?? 'silent' });
}

/** The server's logger writing into memory: `lines()` parses what was logged so far. */
export function capturedLogger(level: LogLevel = 'debug'): { logger: Logger; lines: () => Record<string, unknown>[]; text: () => string } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  const logger = createLogger({ level }, sink);
  return {
    logger,
    text: () => text,
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
