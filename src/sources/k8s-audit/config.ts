import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../../config/errors';
import type { ConfigNode } from '../../config/fields';
import { COMMON_SOURCE_KEYS } from '../definition';
import { RAW_LIMIT_KEY, rawLimitOf } from '../shared/raw';
import type { AuditLocation } from './layout';

/** `mode: file`: the kube-apiserver log backend's files (`--audit-log-path`), read in place. */
export interface K8sAuditFileConfig {
  location: AuditLocation;
  /** the cluster's name, shown as each event's cloud account */
  cluster?: string;
  /** a request line longer than this keeps its fields, and its raw is cut and marked (default 1 MiB) */
  maxRawBytes?: number;
}

const FILE_KEYS = ['path', 'cluster', RAW_LIMIT_KEY] as const;

export function parseFileConfig(node: ConfigNode): K8sAuditFileConfig {
  node.allowOnly([...COMMON_SOURCE_KEYS, ...FILE_KEYS]);
  const p = node.string('path');
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    throw new ConfigError(node.key('path'), `expected an existing folder of audit logs or the live audit log file, but ${p} does not exist`);
  }
  let location: AuditLocation;
  if (stat.isDirectory()) location = { root: p };
  else if (stat.isFile()) location = { root: path.dirname(p), liveFile: path.basename(p) };
  else throw new ConfigError(node.key('path'), `expected a folder or a file, but ${p} is neither`);
  const config: K8sAuditFileConfig = { location };
  const cluster = node.optionalString('cluster');
  if (cluster !== undefined) config.cluster = cluster;
  if (node.has(RAW_LIMIT_KEY)) config.maxRawBytes = rawLimitOf(node);
  return config;
}
