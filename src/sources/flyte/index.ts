import { SourceKind } from '../../domain';
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

