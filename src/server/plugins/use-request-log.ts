import type { ServerPlugin } from './types';

/**
 * One log line per HTTP request when it ends: method, path (never the query string, which can carry a query's
 * variables), status, duration, client address and, when authentication set one, the principal. 5xx are
 * errors, 4xx warnings, probes (health, metrics) debug.
 */
export function useRequestLog(): ServerPlugin {
  return {
    name: 'request-log',
    async onRequest(ex, next) {
      const started = performance.now();
      ex.res.once('close', () => {
        const status = ex.res.statusCode;
        const line = {
          method: ex.req.method,
          path: ex.url.pathname,
          status,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
          clientIp: ex.clientIp,
          ...(ex.principal ? { principal: ex.principal } : {}),
          ...(ex.res.writableFinished ? {} : { aborted: true }),
        };
        if (status >= 500) ex.log.error(line, 'request');
        else if (status >= 400) ex.log.warn(line, 'request');
        else if (ex.route?.kind === 'probe' || ex.route?.kind === 'asset') ex.log.debug(line, 'request');
        else ex.log.info(line, 'request');
      });
      await next();
    },
  };
}
