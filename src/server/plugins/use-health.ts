import type { Source } from '../../domain';
import { sendJson } from '../http';
import type { ServerPlugin } from './types';

export interface HealthOptions {
  sources: readonly Source[];
  /** whether the source ids are shown: not when callers must authenticate (which sources exist is for them) */
  showSources: boolean;
}

/** `GET /healthz`: the process is up and answering (liveness); it asks no source. */
export function useHealth(opts: HealthOptions): ServerPlugin {
  const ids = opts.sources.map((s) => s.id);
  return {
    name: 'health',
    routes: [
      {
        path: '/healthz',
        methods: ['GET', 'HEAD'],
        kind: 'probe',
        handle: async (ex) => sendJson(ex.res, 200, opts.showSources ? { status: 'ok', sources: ids } : { status: 'ok' }),
      },
    ],
  };
}
