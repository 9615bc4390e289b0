import { AliasKind, SourceKind } from '../../domain';
import type { SourceDefinition } from '../definition';
import { FlyteApiSource } from './api';
import { FlyteArchiveSource } from './archive';
import { parseApiConfig, parseArchiveConfig } from './config';

/**
 * Flyte / Union execution lifecycle: `mode: api` (Flyte Admin's REST API) or `mode: archive` (uctl/flytectl
 * and REST JSON exports). Both sources also expose `runs` (see runs.ts) for run correlation.
 */
export const flyteDefinition: SourceDefinition = {
  type: 'flyte',
  kind: SourceKind.EXECUTION,
  modes: ['api', 'archive'],
  create(node, common, deps) {
    if (common.mode === 'archive') return new FlyteArchiveSource(parseArchiveConfig(node, common.id), deps.now);
    return new FlyteApiSource(parseApiConfig(node, common.id), deps);
  },
};

export { FlyteApiSource } from './api';
export { FlyteArchiveSource } from './archive';
export { lifecycleEvents, normalizeExecution, readExecution } from './normalize';
export { isFlyteSource } from './runs';
export type { FlyteNodeExecution, FlyteRun, FlyteRunFilter, FlyteRunId, FlyteRuns, FlyteSource, FlyteTaskExecution } from './runs';

/**
 * The identity alias kinds this source's events carry (the principal (spec.metadata.principal, abort_metadata.principal), typed as it reads; the `user` filter column holds the same string), and those its live mode's identity pushdown can
 * send upstream. The planner pushes an identity's aliases to each source by these, and does not ask a source
 * none of whose kinds the identity has.
 */
export const IDENTITY_ALIASES: { produced: AliasKind[]; pushed: AliasKind[] } = {
  produced: [AliasKind.FLYTE_PRINCIPAL, AliasKind.EMAIL, AliasKind.OKTA_USER_ID, AliasKind.K8S_SERVICE_ACCOUNT],
  pushed: [AliasKind.FLYTE_PRINCIPAL, AliasKind.EMAIL, AliasKind.OKTA_USER_ID, AliasKind.K8S_SERVICE_ACCOUNT],
};
