import { ErrorCode } from '../../domain';
import { sendError } from '../http';
import type { ServerPlugin } from './types';

export interface CorsOptions {
  /** origins (`https://siem.corp.example`) whose pages may call the API; `'*'`: any (no credentials are cookies here) */
  origins: readonly string[] | '*';
}

const ALLOW_HEADERS = 'authorization, content-type, apollo-require-preflight, x-apollo-operation-name, x-request-id, last-event-id';
const EXPOSE_HEADERS = 'x-request-id';

/** `scheme://host[:port]` of an Origin header, lowercased; undefined for `null` or something that is not one. */
export function originOf(header: string): string | undefined {
  try {
    const u = new URL(header);
    return u.origin === 'null' ? undefined : u.origin.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * CORS for the API routes, by an allow-list (`server.cors.origins`). A request with an `Origin` the server does not
 * serve as its own (its UI sends its own origin) and that the list does not name is refused with 403
 * ORIGIN_NOT_ALLOWED before anything runs, preflights included: a page elsewhere cannot make the server do work for
 * it, let alone read the answer. An allowed origin gets `Access-Control-Allow-Origin` for it (and `Vary: Origin`),
 * its preflights 204 with the methods and headers the API takes.
 */
export function useCors(opts: CorsOptions): ServerPlugin {
  const allowed = opts.origins === '*' ? '*' : new Set(opts.origins.map((o) => o.toLowerCase()));
  return {
    name: 'cors',
    async onRequest(ex, next) {
      const header = ex.req.headers.origin;
      if (typeof header !== 'string' || ex.route?.kind === 'asset' || ex.route?.kind === 'probe') return next();
      const origin = originOf(header);
      const own = origin !== undefined && ex.req.headers.host !== undefined && new URL(origin).host === ex.req.headers.host.toLowerCase();
      if (own) return next();
      const ok = allowed === '*' || (origin !== undefined && allowed.has(origin));
      if (!ok) {
        ex.log.warn({ origin: header.slice(0, 255) }, 'Origin not allowed');
        sendError(ex.res, 403, ErrorCode.ORIGIN_NOT_ALLOWED, `requests from ${JSON.stringify(header.slice(0, 255))} are not served: add the origin to server.cors.origins if its pages may call this API`);
        return;
      }
      ex.res.setHeader('access-control-allow-origin', allowed === '*' ? '*' : origin!);
      ex.res.setHeader('vary', 'Origin');
      ex.res.setHeader('access-control-expose-headers', EXPOSE_HEADERS);
      if ((ex.req.method ?? 'GET').toUpperCase() === 'OPTIONS' && typeof ex.req.headers['access-control-request-method'] === 'string') {
        ex.res.writeHead(204, {
          'access-control-allow-methods': (ex.route?.methods ?? ['GET', 'POST']).join(', '),
          'access-control-allow-headers': ALLOW_HEADERS,
          'access-control-max-age': '600',
        });
        ex.res.end();
        return;
      }
      await next();
    },
  };
}
