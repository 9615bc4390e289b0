import { RAW_LIMIT_KEY, rawLimitOf } from '../shared/raw';
import * as path from 'node:path';
import { ConfigError } from '../../config/errors';
import { isLoopbackHost, type ConfigNode } from '../../config/fields';
import { COMMON_SOURCE_KEYS } from '../definition';

/** The four Cloud Audit Logs of a project (or folder, organization, billing account). */
export const AUDIT_LOGS = ['activity', 'data_access', 'system_event', 'policy'] as const;
export type AuditLogKind = (typeof AUDIT_LOGS)[number];

/** How long the `_Required` (activity, system_event, policy) and `_Default` (data_access) buckets keep entries by default. */
export const RETENTION_DAYS: Readonly<Record<AuditLogKind, number>> = {
  activity: 400,
  system_event: 400,
  policy: 400,
  data_access: 30,
};

/** `mode: api`: Cloud Logging `entries.list` through @google-cloud/logging. */
export interface GcpAuditApiConfig {
  projectId: string;
  /** where to read: `projects/P` (default), `folders/F`, `organizations/O`, `billingAccounts/B` */
  resourceNames: string[];
  logs: AuditLogKind[];
  /** keep GKE's Kubernetes audit entries (`resource.type: k8s_cluster`), which live in the same logs */
  includeGke: boolean;
  /** another endpoint than logging.googleapis.com:443: a private endpoint, a test server */
  apiEndpoint?: { host: string; port: number };
  /** `http`: no TLS (loopback or a private endpoint behind its own TLS); the token is still sent */
  protocol: 'https' | 'http';
  /** the REST transport (`POST /v2/entries:list`) instead of gRPC */
  fallback: boolean;
  /** an OAuth access token minted elsewhere (`gcloud auth print-access-token`); else Application Default Credentials */
  accessToken?: string;
  rateLimitPerMinute: number;
  timeoutMs: number;
}

/** `mode: archive`: a Cloud Storage sink's files, copied or mounted in a local folder. */
export interface GcpAuditArchiveConfig {
  /** the folder that holds `cloudaudit.googleapis.com/` */
  path: string;
  logs: AuditLogKind[];
  /** a record larger than this keeps its fields, and its raw is cut and marked */
  maxRawBytes: number;
  includeGke: boolean;
}

export const DEFAULT_RATE_LIMIT_PER_MINUTE = 60;

const API_KEYS = [
  'projectId',
  'resourceNames',
  'logs',
  'includeGke',
  'apiEndpoint',
  'protocol',
  'fallback',
  // `accessToken` itself is refused by `secret()` with a message saying where a token goes instead
  'accessToken',
  'accessTokenEnv',
  'accessTokenFile',
  'rateLimitPerMinute',
  'timeoutSeconds',
] as const;
const ARCHIVE_KEYS = ['path', 'logs', 'includeGke', RAW_LIMIT_KEY] as const;

/** Project ids: 6 to 30 lowercase letters, digits and hyphens; older domain-scoped ones look like `example.com:proj`. */
const PROJECT_ID = /^([a-z][a-z0-9.-]*:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const RESOURCE_NAME = /^(projects|folders|organizations|billingAccounts)\/[^/\s]+$/;

function logsOf(node: ConfigNode, fallback: AuditLogKind[]): AuditLogKind[] {
  const logs = node.stringList('logs', fallback);
  if (logs.length === 0) throw new ConfigError(node.key('logs'), `expected at least one of ${AUDIT_LOGS.join(', ')}`);
  logs.forEach((l, i) => {
    if (!(AUDIT_LOGS as readonly string[]).includes(l)) {
      throw new ConfigError(node.key(`logs[${i}]`), `expected one of ${AUDIT_LOGS.join(', ')}, got ${JSON.stringify(l)}`);
    }
  });
  return [...new Set(logs)] as AuditLogKind[];
}

function endpointOf(node: ConfigNode): { host: string; port: number } | undefined {
  const v = node.optionalString('apiEndpoint');
  if (v === undefined) return undefined;
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(v);
  const port = m?.[2] === undefined ? 443 : Number(m[2]);
  if (!m || port < 1 || port > 65535) throw new ConfigError(node.key('apiEndpoint'), `expected host or host:port (no scheme), got ${JSON.stringify(v)}`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

export function parseApiConfig(node: ConfigNode): GcpAuditApiConfig {
  node.allowOnly([...COMMON_SOURCE_KEYS, ...API_KEYS]);
  const projectId = node.string('projectId');
  if (!PROJECT_ID.test(projectId)) throw new ConfigError(node.key('projectId'), `expected a Google Cloud project id such as acme-ml-prod, got ${JSON.stringify(projectId)}`);
  const resourceNames = node.stringList('resourceNames', [`projects/${projectId}`]);
  if (resourceNames.length === 0) throw new ConfigError(node.key('resourceNames'), 'expected at least one resource name');
  resourceNames.forEach((r, i) => {
    if (!RESOURCE_NAME.test(r)) {
      throw new ConfigError(node.key(`resourceNames[${i}]`), `expected projects/<id>, folders/<id>, organizations/<id> or billingAccounts/<id>, got ${JSON.stringify(r)}`);
    }
  });
  const config: GcpAuditApiConfig = {
    projectId,
    resourceNames: [...new Set(resourceNames)],
    logs: logsOf(node, ['activity']),
    includeGke: node.boolean('includeGke', true),
    protocol: node.oneOf('protocol', ['https', 'http'] as const, 'https'),
    fallback: node.boolean('fallback', false),
    rateLimitPerMinute: node.number('rateLimitPerMinute', DEFAULT_RATE_LIMIT_PER_MINUTE, { min: 1, max: 60_000 }),
    timeoutMs: node.number('timeoutSeconds', 60, { min: 1, max: 600 }) * 1000,
  };
  const endpoint = endpointOf(node);
  if (endpoint) config.apiEndpoint = endpoint;
  if (config.protocol === 'http' && !endpoint) {
    throw new ConfigError(node.key('protocol'), 'http is only for an explicit apiEndpoint (loopback or a private endpoint); logging.googleapis.com needs https');
  }
  if (config.protocol === 'http' && endpoint && !isLoopbackHost(endpoint.host)) {
    throw new ConfigError(node.key('protocol'), `http to ${endpoint.host} would send the Google credential in clear text; use https (plain http is allowed only to loopback: 127.0.0.1, ::1, localhost)`);
  }
  const token = node.secret('accessToken', false);
  if (token !== undefined) config.accessToken = token;
  return config;
}

export function parseArchiveConfig(node: ConfigNode): GcpAuditArchiveConfig {
  node.allowOnly([...COMMON_SOURCE_KEYS, ...ARCHIVE_KEYS]);
  let root = node.directory('path');
  // accept the sink's `cloudaudit.googleapis.com` folder itself as well as the bucket root above it
  if (path.basename(path.resolve(root)) === 'cloudaudit.googleapis.com') root = path.dirname(path.resolve(root));
  return { path: root, logs: logsOf(node, [...AUDIT_LOGS]), includeGke: node.boolean('includeGke', true), maxRawBytes: rawLimitOf(node) };
}
