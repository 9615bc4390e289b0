import { depthLimit } from '../depth-limit';
import type { ServerPlugin } from './types';

const MAX_QUERY_DEPTH = 12;

/** Limits on what one GraphQL operation may ask, checked before it runs. */
export function useQueryLimits(): ServerPlugin {
  return { name: 'query-limits', graphql: { validationRules: [depthLimit(MAX_QUERY_DEPTH)] } };
}
