import { SourceKind } from '../../domain';
import type { SourceDefinition } from '../definition';
import { parseAccessLogSourceConfig } from './config';
import { AccessLogSource } from './source';

/** auditgraph's own access log (`accessLog:`), read back: `mode: file`. */
export const auditgraphDefinition: SourceDefinition = {
  type: 'auditgraph',
  kind: SourceKind.ACCESS_LOG,
  modes: ['file'],
  create(node, common, deps) {
    return new AccessLogSource(parseAccessLogSourceConfig(node, common.id), deps.now);
  },
};

export { AccessLogSource } from './source';
export { normalizeAccessLogLine } from './normalize';
