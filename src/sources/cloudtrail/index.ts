import { SourceKind } from '../../domain';
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

