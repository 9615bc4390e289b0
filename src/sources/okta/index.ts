import { AliasKind, SourceKind } from '../../domain';
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

/**
 * The identity alias kinds this source's events carry (actor.id (OKTA_USER_ID) and actor.alternateId (EMAIL, the login); SCIM `actor.id eq` / `actor.alternateId eq` take both), and those its live mode's identity pushdown can
 * send upstream. The planner pushes an identity's aliases to each source by these, and does not ask a source
 * none of whose kinds the identity has.
 */
export const IDENTITY_ALIASES: { produced: AliasKind[]; pushed: AliasKind[] } = {
  produced: [AliasKind.OKTA_USER_ID, AliasKind.EMAIL],
  pushed: [AliasKind.OKTA_USER_ID, AliasKind.EMAIL],
};
