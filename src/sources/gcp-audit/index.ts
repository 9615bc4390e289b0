import { SourceKind } from '../../domain';
import type { SourceDefinition } from '../definition';
import { GcpAuditApiSource } from './client';
import { parseApiConfig, parseArchiveConfig } from './config';
import { GcpAuditArchiveSource } from './reader';

export { GcpAuditApiSource } from './client';
export { GcpAuditArchiveSource } from './reader';
export { normalizeEntry } from './normalize';
export { decodeAuditLog, logEntryToJson } from './auditlog';

/** GCP Cloud Audit Logs: Cloud Logging entries.list (`mode: api`) or a Cloud Storage sink's files (`mode: archive`). */
export const gcpAuditDefinition: SourceDefinition = {
  type: 'gcp-audit',
  kind: SourceKind.CLOUD_AUDIT,
  modes: ['api', 'archive'],
  create(node, common, deps) {
    if (common.mode === 'api') return new GcpAuditApiSource(common.id, parseApiConfig(node), deps);
    return new GcpAuditArchiveSource(common.id, parseArchiveConfig(node), deps);
  },
};

