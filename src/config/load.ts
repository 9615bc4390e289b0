import * as fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parseIdentityConfig } from '../correlation/identity-config';
import type { Source, SourceDeps, SourceMode } from '../domain';
import { COMMON_SOURCE_KEYS } from '../sources/definition';
import { definitionOf, SOURCE_TYPES } from '../sources/registry';
import { parseAccessLogConfig, type AccessLogConfig } from './access-log';
import { parseAuthConfig } from './auth';
import type { AppConfig } from './config';
import { ConfigError } from './errors';
import { parseCursorSecrets } from './cursor-secrets';
import { ConfigNode } from './fields';
import { parseMetricsConfig, parseTracingConfig } from './telemetry';
import { parseRedactionConfig } from './redaction';
import { parseTaskLogs } from './task-logs';
import { parseLimitsConfig, parseLoggingConfig, parseServerConfig } from './server';
import { DEFAULT_PAGE_CACHE } from '../query/page-cache';
import { DEFAULT_CONCURRENT_READS } from '../query/read-slots';
import { DEFAULT_FILE_CACHE_BYTES } from '../query/file-cache';

const TOP_KEYS = ['sources', 'identity', 'server', 'limits', 'logging', 'metrics', 'tracing', 'query', 'auth', 'accessLog', 'redaction', 'taskLogs'] as const;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Builds every source of a `sources:` list, checking ids, types and modes before each source's own keys. */
export function buildSources(entries: ConfigNode[], deps: SourceDeps): Source[] {
  const seen = new Set<string>();
  return entries.map((node) => {
    const id = node.string('id');
    if (!ID_PATTERN.test(id)) throw new ConfigError(node.key('id'), `expected letters, digits, '.', '_' or '-' (up to 63), got ${JSON.stringify(id)}`);
    if (seen.has(id)) throw new ConfigError(node.key('id'), `duplicate source id ${JSON.stringify(id)}: ids must be unique`);
    seen.add(id);
    const type = node.string('type');
    const def = definitionOf(type);
    if (!def) throw new ConfigError(node.key('type'), `unknown source type ${JSON.stringify(type)}; expected one of ${SOURCE_TYPES.join(', ')}`);
    const mode = node.oneOf<SourceMode>('mode', def.modes, def.modes[0]);
    return def.create(node, { id, mode }, deps);
  });
}

const accessLogOf = (a: AccessLogConfig | undefined) => (a ? { accessLog: a } : {});

/** Validates a parsed config document; every error names the key at fault. */
export function configFromDocument(doc: unknown, origin: string, deps: SourceDeps, env: NodeJS.ProcessEnv = process.env): AppConfig {
  const root = ConfigNode.of(doc ?? {}, '');
  root.allowOnly(TOP_KEYS);
  const entries = root.list('sources');
  if (entries.length === 0) throw new ConfigError('sources', 'expected at least one source');
  const sources = buildSources(entries, deps);

  const query = root.child('query');
  query?.allowOnly(['deadlineMs', 'sourceTimeoutMs', 'cursorSecretEnv', 'cursorSecretFile', 'cursorSecrets', 'pageCacheBytes', 'maxConcurrentReads', 'fileCacheBytes']);
  const cursor = parseCursorSecrets(query, env);
  const deadlineMs = query?.number('deadlineMs', 30_000, { min: 100, max: 600_000, integer: true }) ?? 30_000;
  // a source's budget must leave the page time to go on without it
  const sourceTimeoutMs = query?.number('sourceTimeoutMs', Math.min(10_000, Math.floor(deadlineMs / 3)), { min: 50, integer: true }) ?? Math.min(10_000, Math.floor(deadlineMs / 3));
  if (sourceTimeoutMs >= deadlineMs) {
    throw new ConfigError('query.sourceTimeoutMs', `must be shorter than query.deadlineMs (${deadlineMs}), so that a page can go on without a silent source; got ${sourceTimeoutMs}`);
  }
  return {
    origin,
    sources,
    server: parseServerConfig(root.child('server'), env),
    limits: parseLimitsConfig(root.child('limits')),
    logging: parseLoggingConfig(root.child('logging'), env),
    metrics: parseMetricsConfig(root.child('metrics')),
    tracing: parseTracingConfig(root.child('tracing'), env),
    query: {
      deadlineMs,
      sourceTimeoutMs,
      cursorSecrets: cursor.secrets,
      cursorSecretConfigured: cursor.configured,
      pageCacheBytes: query?.number('pageCacheBytes', DEFAULT_PAGE_CACHE.maxBytes, { min: 0, max: 16 * 1024 ** 3, integer: true }) ?? DEFAULT_PAGE_CACHE.maxBytes,
      fileCacheBytes: query?.number('fileCacheBytes', DEFAULT_FILE_CACHE_BYTES, { min: 0, max: 16 * 1024 ** 3, integer: true }) ?? DEFAULT_FILE_CACHE_BYTES,
      maxConcurrentReads: query?.number('maxConcurrentReads', DEFAULT_CONCURRENT_READS, { min: 0, max: 10_000, integer: true }) ?? DEFAULT_CONCURRENT_READS,
    },
    identity: parseIdentityConfig(root.value.identity, { sources: entries }),
    auth: parseAuthConfig(root.child('auth'), sources),
    redaction: parseRedactionConfig(root.child('redaction')),
    taskLogs: parseTaskLogs(root.list('taskLogs'), new Set(sources.map((s) => s.id))),
    ...accessLogOf(parseAccessLogConfig(root.child('accessLog'))),
  };
}

/** Reads and validates a config file (YAML or JSON). */
export function loadConfigFile(path: string, deps: SourceDeps, env: NodeJS.ProcessEnv = process.env): AppConfig {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('--config', `cannot read ${path}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError('--config', `${path} is not valid YAML: ${(err as Error).message}`);
  }
  return configFromDocument(doc, path, deps, env);
}

export { COMMON_SOURCE_KEYS };
