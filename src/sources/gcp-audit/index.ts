import { AliasKind, SourceKind } from '../../domain';
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

/**
 * The identity alias kinds this source's events carry (authenticationInfo.principalEmail/principalSubject and the delegation chain, all of which the entries.list filter names), and those its live mode's identity pushdown can
 * send upstream. The planner pushes an identity's aliases to each source by these, and does not ask a source
 * none of whose kinds the identity has.
 */
export const IDENTITY_ALIASES: { produced: AliasKind[]; pushed: AliasKind[] } = {
  produced: [AliasKind.GCP_PRINCIPAL, AliasKind.EMAIL, AliasKind.K8S_SERVICE_ACCOUNT, AliasKind.K8S_USER],
  pushed: [AliasKind.GCP_PRINCIPAL, AliasKind.EMAIL, AliasKind.K8S_SERVICE_ACCOUNT, AliasKind.K8S_USER],
};
