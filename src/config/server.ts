import * as fs from 'node:fs';
import type { LimitsConfig, LoggingConfig, LogLevel, ServerConfig } from './config';
import { ConfigError } from './errors';
import type { ConfigNode } from './fields';

export const SERVER_KEYS = ['host', 'port', 'allowedHosts', 'introspection', 'cors', 'tls'] as const;
export const LIMITS_KEYS = [
  'maxBodyBytes',
  'maxTokens',
  'maxDepth',
  'maxAliases',
  'maxDirectives',
  'maxFields',
  'maxCost',
  'maxSourceQueries',
  'maxListValues',
  'maxValueLength',
  'perCaller',
  'batching',
] as const;
export const LOGGING_KEYS = ['level'] as const;
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const HOST_NAME = /^\.?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

function allowedHosts(node: ConfigNode | undefined): string[] | '*' {
  if (!node?.has('allowedHosts')) return [];
  const raw = node.value.allowedHosts;
  if (raw === '*') return '*';
  const list = node.stringList('allowedHosts');
  if (list.includes('*')) return '*';
  return list.map((h, i) => {
    const name = h.toLowerCase();
    if (!HOST_NAME.test(name)) {
      throw new ConfigError(node.key(`allowedHosts[${i}]`), `expected a host name such as auditgraph.corp.com (or .corp.com for the domain and every name under it), without scheme or port, got ${JSON.stringify(h)}`);
    }
    return name;
  });
}

/** `server.cors`: `{ origins: [https://siem.corp.example, …] }` or `{ origins: "*" }`. */
function corsOrigins(node: ConfigNode | undefined): string[] | '*' {
  const cors = node?.child('cors');
  if (!cors) return [];
  cors.allowOnly(['origins']);
  if (cors.value.origins === '*') return '*';
  const list = cors.stringList('origins');
  if (list.includes('*')) return '*';
  return list.map((o, i) => {
    let url: URL | undefined;
    try {
      url = new URL(o);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin.toLowerCase() !== o.toLowerCase().replace(/\/$/, '')) {
      throw new ConfigError(cors.key(`origins[${i}]`), `expected an origin such as https://siem.corp.example (scheme, host and port only, no path), got ${JSON.stringify(o)}`);
    }
    return url.origin.toLowerCase();
  });
}

/** `server.tls`: `{ certFile, keyFile }`, both PEM, read at start-up. */
function tlsOf(node: ConfigNode | undefined): ServerConfig['tls'] {
  const tls = node?.child('tls');
  if (!tls) return undefined;
  tls.allowOnly(['certFile', 'keyFile']);
  const read = (key: 'certFile' | 'keyFile', what: RegExp, expected: string) => {
    const file = tls.string(key);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(tls.key(key), `cannot read ${file}: ${(err as Error).message}`);
    }
    if (!what.test(text)) throw new ConfigError(tls.key(key), `${file} is not ${expected}`);
    return { file, text };
  };
  const cert = read('certFile', /-----BEGIN CERTIFICATE-----/, 'a PEM certificate (-----BEGIN CERTIFICATE-----)');
  const key = read('keyFile', /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/, 'a PEM private key (-----BEGIN PRIVATE KEY-----)');
  return { cert: cert.text, key: key.text, certFile: cert.file };
}

/** `server:`, with HOST and PORT from the environment winning. */
export function parseServerConfig(node: ConfigNode | undefined, env: NodeJS.ProcessEnv): ServerConfig {
  node?.allowOnly(SERVER_KEYS);
  const port = env.PORT ? Number(env.PORT) : (node?.number('port', 4000, { min: 0, max: 65535, integer: true }) ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError('PORT (environment)', `expected a port number, got ${JSON.stringify(env.PORT)}`);
  return {
    host: env.HOST ?? node?.optionalString('host') ?? '127.0.0.1',
    port,
    allowedHosts: allowedHosts(node),
    introspection: node?.boolean('introspection', true) ?? true,
    corsOrigins: corsOrigins(node),
    ...(node?.has('tls') ? { tls: tlsOf(node) } : {}),
  };
}

export const DEFAULT_LIMITS: LimitsConfig = {
  maxBodyBytes: 1_000_000,
  maxTokens: 2_000,
  maxDepth: 12,
  maxAliases: 15,
  maxDirectives: 50,
  maxFields: 1_000,
  maxCost: 200_000,
  maxSourceQueries: 20,
  maxListValues: 100,
  maxValueLength: 4_096,
  perCaller: { maxConcurrent: 8, requestsPerMinute: 600 },
  batching: { enabled: false, maxOperations: 10 },
};

/** `limits:`: what one request may cost the server. */
export function parseLimitsConfig(node: ConfigNode | undefined): LimitsConfig {
  const d = DEFAULT_LIMITS;
  if (!node) return { ...d, perCaller: { ...d.perCaller }, batching: { ...d.batching } };
  node.allowOnly(LIMITS_KEYS);
  const int = (name: string, fallback: number, min: number, max: number) => node.number(name, fallback, { min, max, integer: true });
  const perCaller = node.child('perCaller');
  perCaller?.allowOnly(['maxConcurrent', 'requestsPerMinute']);
  const batching = node.child('batching');
  batching?.allowOnly(['enabled', 'maxOperations']);
  return {
    maxBodyBytes: int('maxBodyBytes', d.maxBodyBytes, 1024, 100_000_000),
    maxTokens: int('maxTokens', d.maxTokens, 100, 1_000_000),
    maxDepth: int('maxDepth', d.maxDepth, 2, 100),
    maxAliases: int('maxAliases', d.maxAliases, 0, 10_000),
    maxDirectives: int('maxDirectives', d.maxDirectives, 0, 10_000),
    maxFields: int('maxFields', d.maxFields, 10, 1_000_000),
    maxCost: int('maxCost', d.maxCost, 100, 1_000_000_000),
    maxSourceQueries: int('maxSourceQueries', d.maxSourceQueries, 1, 10_000),
    maxListValues: int('maxListValues', d.maxListValues, 1, 1_000_000),
    maxValueLength: int('maxValueLength', d.maxValueLength, 64, 100_000_000),
    perCaller: {
      maxConcurrent: perCaller?.number('maxConcurrent', d.perCaller.maxConcurrent, { min: 1, max: 10_000, integer: true }) ?? d.perCaller.maxConcurrent,
      requestsPerMinute: perCaller?.number('requestsPerMinute', d.perCaller.requestsPerMinute, { min: 1, max: 1_000_000, integer: true }) ?? d.perCaller.requestsPerMinute,
    },
    batching: {
      enabled: batching?.boolean('enabled', d.batching.enabled) ?? d.batching.enabled,
      maxOperations: batching?.number('maxOperations', d.batching.maxOperations, { min: 2, max: 1_000, integer: true }) ?? d.batching.maxOperations,
    },
  };
}

/** `logging:`, with AUDITGRAPH_LOG_LEVEL from the environment winning. */
export function parseLoggingConfig(node: ConfigNode | undefined, env: NodeJS.ProcessEnv): LoggingConfig {
  node?.allowOnly(LOGGING_KEYS);
  const fromEnv = env.AUDITGRAPH_LOG_LEVEL;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!(LOG_LEVELS as readonly string[]).includes(fromEnv)) throw new ConfigError('AUDITGRAPH_LOG_LEVEL (environment)', `expected one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(fromEnv)}`);
    return { level: fromEnv as LogLevel };
  }
  return { level: node?.oneOf('level', LOG_LEVELS, 'info') ?? 'info' };
}
