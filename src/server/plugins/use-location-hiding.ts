import type { Source } from '../../domain';
import { PathHider, useErrorLocationHiding } from '../auth/disclosure';
import type { ServerPlugin } from './types';

export interface LocationHidingOptions {
  sources: readonly Source[];
}

/**
 * Callers without an admin role see no absolute path of the server's filesystem, and nobody sees credentials
 * embedded in URLs: in the operational fields (`hider` is applied to the schema by app.ts, see
 * src/server/auth/disclosure.ts) and in error messages (here).
 */
export function useLocationHiding(opts: LocationHidingOptions): ServerPlugin & { hider: PathHider } {
  const hider = new PathHider(opts.sources);
  return { name: 'location-hiding', hider, graphql: { plugins: [useErrorLocationHiding(hider)] } };
}
