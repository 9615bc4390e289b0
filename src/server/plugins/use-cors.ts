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
 * Whether a request's `Origin` may be served: none (not a browser page), the server's own (its host is the `Host`
 * asked), or one the list names. What it answers for an allowed foreign origin, or undefined when refused.
 */
export function originVerdict(headers: { origin?: string; host?: string }, allowed: '*' | ReadonlySet<string>): 'none' | 'own' | 'allowed' | 'refused' {
  const header = headers.origin;
  if (typeof header !== 'string') return 'none';
  const origin = originOf(header);
  if (origin !== undefined && headers.host !== undefined && new URL(origin).host === headers.host.toLowerCase()) return 'own';
  return allowed === '*' || (origin !== undefined && allowed.has(origin)) ? 'allowed' : 'refused';
}

export function allowedOrigins(origins: readonly string[] | '*'): '*' | ReadonlySet<string> {
  return origins === '*' ? '*' : new Set(origins.map((o) => o.toLowerCase()));
}

/**
 * CORS for the API routes, by an allow-list (`server.cors.origins`). A request with an `Origin` the server does not
 * serve as its own (its UI sends its own origin) and that the list does not name is refused with 403
 * ORIGIN_NOT_ALLOWED before anything runs, preflights included: a page elsewhere cannot make the server do work for
 * it, let alone read the answer. An allowed origin gets `Access-Control-Allow-Origin` for it (and `Vary: Origin`),
 * its preflights 204 with the methods and headers the API takes.
 */
export function useCors(opts: CorsOptions): ServerPlugin {
  const allowed = allowedOrigins(opts.origins);
  return {
    name: 'cors',
    async onRequest(ex, next) {
      const header = ex.req.headers.origin;
      if (typeof header !== 'string' || ex.route?.kind === 'asset' || ex.route?.kind === 'probe') return next();
      const verdict = originVerdict(ex.req.headers, allowed);
      if (verdict === 'own') return next();
      const origin = originOf(header);
      if (verdict === 'refused') {
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
