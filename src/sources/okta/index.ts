import { SourceKind } from '../../domain';
import type { SourceDefinition } from '../definition';
import { OktaApiSource } from './api';
import { OktaArchiveSource } from './archive';
import { parseApiConfig, parseArchiveConfig } from './config';

/** Okta System Log: `mode: api` (the live org through @okta/okta-sdk-nodejs) or `mode: archive` (exported files). */
export const oktaDefinition: SourceDefinition = {
  type: 'okta',
  kind: SourceKind.IDENTITY_PROVIDER,
  modes: ['api', 'archive'],
  create(node, common, deps) {
    if (common.mode === 'archive') return new OktaArchiveSource(parseArchiveConfig(node, common.id), deps.now);
    return new OktaApiSource(parseApiConfig(node, common.id), deps);
  },
};

export { OktaApiSource } from './api';
export { OktaArchiveSource } from './archive';
export { normalizeLogEvent } from './normalize';

