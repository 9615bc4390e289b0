import * as path from 'node:path';
import type { ConfigNode } from './fields';

/** `accessLog:`: where the server records every operation it answers (off when absent). */
export interface AccessLogConfig {
  /** the NDJSON file being written (absolute); rotated files sit beside it as `<path>.000001`, ... */
  path: string;
  /** a file is rotated before a line would take it past this size */
  maxBytes: number;
}

export const DEFAULT_ACCESS_LOG_MAX_BYTES = 100 * 1024 * 1024;

export function parseAccessLogConfig(node: ConfigNode | undefined): AccessLogConfig | undefined {
  if (!node) return undefined;
  node.allowOnly(['path', 'maxBytes']);
  return {
    path: path.resolve(node.string('path')),
    maxBytes: node.number('maxBytes', DEFAULT_ACCESS_LOG_MAX_BYTES, { min: 4096, integer: true }),
  };
}
