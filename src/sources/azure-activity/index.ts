import { ConfigError } from '../../config/errors';
import { SourceKind } from '../../domain';
import type { SourceDefinition } from '../definition';
import { AzureActivityApiSource } from './api-source';
import { AzureActivityArchiveSource } from './archive-source';
import { readApiConfig, readArchiveConfig } from './config';

/** `type: azure-activity`: the Azure activity log, live (`mode: api`) or from a storage-account export (`mode: archive`). */
export const azureActivityDefinition: SourceDefinition = {
  type: 'azure-activity',
  kind: SourceKind.CLOUD_AUDIT,
  modes: ['api', 'archive'],
  create(node, common, deps) {
    if (common.mode === 'archive') return new AzureActivityArchiveSource(common.id, readArchiveConfig(node));
    if (common.mode === 'api') return new AzureActivityApiSource(common.id, readApiConfig(node), deps);
    throw new ConfigError(node.key('mode'), `expected api or archive, got ${JSON.stringify(common.mode)}`);
  },
};

export { AzureActivityApiSource } from './api-source';
export { AzureActivityArchiveSource } from './archive-source';
export { normalizeExportRecord, normalizeRestEvent } from './normalize';

