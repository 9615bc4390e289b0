import { AliasKind, SourceKind } from '../../domain';
import type { SourceDefinition } from '../definition';
import { CloudTrailApiSource } from './client';
import { parseApiConfig, parseArchiveConfig } from './config';
import { CloudTrailArchiveSource } from './reader';

export { CloudTrailApiSource } from './client';
export { CloudTrailArchiveSource } from './reader';
export { normalizeRecord } from './normalize';

/** AWS CloudTrail: LookupEvents (`mode: api`) or a trail's S3 layout in a local folder (`mode: archive`). */
export const cloudtrailDefinition: SourceDefinition = {
  type: 'cloudtrail',
  kind: SourceKind.CLOUD_AUDIT,
  modes: ['api', 'archive'],
  create(node, common, deps) {
    if (common.mode === 'api') return new CloudTrailApiSource(common.id, parseApiConfig(node), deps);
    return new CloudTrailArchiveSource(common.id, parseArchiveConfig(node), deps);
  },
};

/**
 * The identity alias kinds this source's events carry (userIdentity: LookupAttributes Username takes IAM user and session names (Identity Center users, emails, web identities), AccessKeyId takes keys; no attribute names a role ARN), and those its live mode's identity pushdown can
 * send upstream. The planner pushes an identity's aliases to each source by these, and does not ask a source
 * none of whose kinds the identity has.
 */
export const IDENTITY_ALIASES: { produced: AliasKind[]; pushed: AliasKind[] } = {
  produced: [AliasKind.AWS_ACCESS_KEY, AliasKind.AWS_IAM_USER, AliasKind.AWS_ROLE_SESSION, AliasKind.AWS_ROLE, AliasKind.AWS_IDENTITY_CENTER_USER, AliasKind.EMAIL, AliasKind.K8S_SERVICE_ACCOUNT],
  pushed: [AliasKind.AWS_ACCESS_KEY, AliasKind.AWS_IAM_USER, AliasKind.AWS_ROLE_SESSION, AliasKind.AWS_IDENTITY_CENTER_USER, AliasKind.EMAIL, AliasKind.K8S_SERVICE_ACCOUNT],
};
