import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ConfigNode } from '../../config/fields';
import { ConfigError } from '../../config/errors';
import { COMMON_SOURCE_KEYS } from '../definition';
import { RAW_LIMIT_KEY, rawLimitOf } from '../shared/raw';

export interface AccessLogSourceConfig {
  id: string;
  /** the access log file (`accessLog.path`; its rotated files beside it are read too), or a folder of such trails */
  path: string;
  maxRawBytes: number;
}

export function parseAccessLogSourceConfig(node: ConfigNode, id: string): AccessLogSourceConfig {
  node.allowOnly([...COMMON_SOURCE_KEYS, 'path', RAW_LIMIT_KEY]);
  const p = path.resolve(node.string('path'));
  // a trail that does not exist yet is fine when its folder does (the server creates the file on its first request)
  if (!fs.existsSync(p) && !fs.existsSync(path.dirname(p))) {
    throw new ConfigError(node.key('path'), `expected the access log file (accessLog.path) or its folder, but neither ${p} nor its folder exists`);
  }
  return { id, path: p, maxRawBytes: rawLimitOf(node) };
}
