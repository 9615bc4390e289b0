import pino, { type DestinationStream, type Logger } from 'pino';
import type { LoggingConfig } from '../config/config';

/**
 * The server's structured log: one JSON object a line on stdout (pino), `time` in ISO-8601. Request lines carry
 * `reqId`. Nothing secret is logged: no header values, no variables, no tokens.
 */
export function createLogger(config: LoggingConfig, destination?: DestinationStream): Logger {
  const options = {
    level: config.level,
    base: { service: 'auditgraph' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // defence in depth: should an error object carry a request's headers, they are not written
    redact: { paths: ['*.headers.authorization', '*.headers.cookie', '*.headers["x-api-key"]', 'headers.authorization', 'headers.cookie'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
