import type { Source } from '../../domain';
import { sendJson } from '../http';
import type { SourceReadiness } from '../readiness';
import type { ServerPlugin } from './types';

export interface HealthOptions {
  sources: readonly Source[];
  /** whether the source ids are shown: not when callers must authenticate (which sources exist is for them) */
  showSources: boolean;
  readiness: SourceReadiness;
}

/**
 * `GET /healthz`: the process is up and answering (liveness); it asks no source.
 * `GET /readyz`: whether to send it traffic: 200 while at least one source is healthy (a query answers with what
 * the healthy ones hold, each other source's state in its status), 503 when none is or the server is shutting
 * down; the body says which sources are healthy (how many, when callers must authenticate).
 */
export function useHealth(opts: HealthOptions): ServerPlugin {
  const ids = opts.sources.map((s) => s.id);
  let draining = false;
  return {
    name: 'health',
    routes: [
      {
        path: '/healthz',
        methods: ['GET', 'HEAD'],
        kind: 'probe',
        handle: async (ex) => sendJson(ex.res, 200, opts.showSources ? { status: 'ok', sources: ids } : { status: 'ok' }),
      },
      {
        path: '/readyz',
        methods: ['GET', 'HEAD'],
        kind: 'probe',
        handle: async (ex) => {
          if (draining) {
            sendJson(ex.res, 503, { status: 'not ready', reason: 'shutting down: finishing the requests in flight' }, { 'cache-control': 'no-store' });
            return;
          }
          const results = await opts.readiness.check();
          const healthy = results.filter((r) => r.healthy).length;
          const ready = healthy > 0;
          const body = {
            status: ready ? 'ready' : 'not ready',
            ...(ready ? {} : { reason: 'no source is healthy (the log says why for each)' }),
            healthy,
            total: results.length,
            ...(opts.showSources ? { sources: results.map((r) => ({ id: r.id, healthy: r.healthy })) } : {}),
          };
          sendJson(ex.res, ready ? 200 : 503, body, { 'cache-control': 'no-store' });
        },
      },
    ],
    onDrain() {
      draining = true;
    },
  };
}
