import { RAW_LIMIT_KEY, rawLimitOf } from '../shared/raw';
import * as path from 'node:path';
import { ConfigError } from '../../config/errors';
import { ConfigNode } from '../../config/fields';
import { COMMON_SOURCE_KEYS } from '../definition';

/** One (project, domain) pair: Flyte lists executions per pair, so a query asks each pair configured. */
export interface ProjectDomain {
  project: string;
  domain: string;
}

export interface FlyteApiConfig {
  id: string;
  /** Flyte Admin's HTTP base URL, without trailing slash */
  endpoint: string;
  /** bearer token; absent for an unauthenticated (local sandbox) Flyte */
  token?: string;
  pairs: ProjectDomain[];
  rateLimitPerSecond: number;
}

export interface FlyteArchiveConfig {
  id: string;
  path: string;
  /** a record larger than this keeps its fields, and its raw is cut and marked */
  maxRawBytes: number;
}

/** Flyte's default domains, used when the config names none. */
export const DEFAULT_DOMAINS = ['development', 'staging', 'production'];

const API_KEYS = ['endpoint', 'tokenEnv', 'tokenFile', 'projects', 'domains', 'rateLimitPerSecond'];
const ARCHIVE_KEYS = ['path', RAW_LIMIT_KEY];
/** Flyte project and domain ids: they appear in URL paths and Kubernetes namespaces */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkId(value: string, key: string, what: string): string {
  if (!ID_PATTERN.test(value)) throw new ConfigError(key, `expected a Flyte ${what} id (letters, digits, '.', '_', '-'), got ${JSON.stringify(value)}`);
  return value;
}

/**
 * `projects` is a list whose items are either a project id (asked in every domain of `domains`) or
 * `{project, domains}` for a project with its own domains.
 */
export function parseProjects(node: ConfigNode): ProjectDomain[] {
  const defaultDomains = node.stringList('domains', DEFAULT_DOMAINS).map((d, i) => checkId(d, `${node.key('domains')}[${i}]`, 'domain'));
  if (defaultDomains.length === 0) throw new ConfigError(node.key('domains'), 'expected at least one domain');
  const raw = node.value.projects;
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new ConfigError(node.key('projects'), 'expected a non-empty list of projects: names (e.g. [ml, data]) or {project, domains} mappings');
  }
  const pairs: ProjectDomain[] = [];
  raw.forEach((item, i) => {
    const key = `${node.key('projects')}[${i}]`;
    let project: string;
    let domains = defaultDomains;
    if (typeof item === 'string') {
      project = checkId(item, key, 'project');
    } else {
      const entry = ConfigNode.of(item, key);
      entry.allowOnly(['project', 'domains']);
      project = checkId(entry.string('project'), entry.key('project'), 'project');
      if (entry.has('domains')) {
        domains = entry.stringList('domains').map((d, j) => checkId(d, `${entry.key('domains')}[${j}]`, 'domain'));
        if (domains.length === 0) throw new ConfigError(entry.key('domains'), 'expected at least one domain');
      }
    }
    for (const domain of domains) {
      if (pairs.some((p) => p.project === project && p.domain === domain)) throw new ConfigError(key, `project ${project} domain ${domain} is listed twice`);
      pairs.push({ project, domain });
    }
  });
  return pairs;
}

export function parseApiConfig(node: ConfigNode, id: string): FlyteApiConfig {
  node.allowOnly([...COMMON_SOURCE_KEYS, ...API_KEYS]);
  return {
    id,
    // without a token nothing secret travels, and plain http to an internal Flyte is the user's choice
    endpoint: node.has('tokenEnv') || node.has('tokenFile') ? node.credentialUrl('endpoint', 'the Flyte token') : node.url('endpoint'),
    token: node.secret('token', false),
    pairs: parseProjects(node),
    rateLimitPerSecond: node.number('rateLimitPerSecond', 10, { min: 0.1, max: 1000 }),
  };
}

export function parseArchiveConfig(node: ConfigNode, id: string): FlyteArchiveConfig {
  node.allowOnly([...COMMON_SOURCE_KEYS, ...ARCHIVE_KEYS]);
  return { id, path: path.resolve(node.directory('path')), maxRawBytes: rawLimitOf(node) };
}
