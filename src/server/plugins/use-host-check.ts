import { isIP } from 'node:net';
import { ErrorCode } from '../../domain';
import { sendError } from '../http';
import type { ServerPlugin } from './types';

export interface HostCheckOptions {
  /** names served besides IP addresses and localhost: exact, or `.corp.com` for the domain and below; '*': any */
  allowedHosts: readonly string[] | '*';
  /** the configured listen host: a name there is allowed too */
  listenHost: string;
}

/** The name of a Host header value, lowercased, without port, brackets or the trailing dot of an absolute name. */
export function hostName(header: string): string {
  let h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? h : h.slice(1, end);
  }
  const colon = h.lastIndexOf(':');
  if (colon >= 0) h = h.slice(0, colon);
  return h.replace(/\.$/, '');
}

/** Whether a Host header value names this server: an IP address, localhost, or a configured name. */
export function hostAllowed(header: string, allowed: readonly string[]): boolean {
  const name = hostName(header);
  if (isIP(name) !== 0) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  return allowed.some((a) => (a.startsWith('.') ? name === a.slice(1) || name.endsWith(a) : name === a));
}

/**
 * DNS-rebinding protection: a page on evil.example that re-points its name at 127.0.0.1 reaches a server on
 * localhost with `Host: evil.example`; such requests are refused (403) before anything else runs. IP addresses
 * and localhost names are always served (a rebinding attack cannot make a browser send them for its own site).
 */
/** The check itself, for the pipeline and for WebSocket upgrades (src/server/subscriptions.ts). */
export function hostChecker(opts: HostCheckOptions): (header: string | undefined) => boolean {
  if (opts.allowedHosts === '*') return () => true;
  const listen = hostName(opts.listenHost);
  const allowed = isIP(listen) === 0 && listen !== '' ? [...opts.allowedHosts, listen] : [...opts.allowedHosts];
  // HTTP/1.1 requires Host (node:http refuses a request without one); an HTTP/1.0 client without it is no browser
  return (header) => header === undefined || hostAllowed(header, allowed);
}

export function useHostCheck(opts: HostCheckOptions): ServerPlugin {
  if (opts.allowedHosts === '*') return { name: 'host-check' };
  const ok = hostChecker(opts);
  return {
    name: 'host-check',
    async onRequest(ex, next) {
      const host = ex.req.headers.host;
      if (host !== undefined && !ok(host)) {
        ex.log.warn({ host: host.slice(0, 255) }, 'Host header not allowed');
        sendError(ex.res, 403, ErrorCode.HOST_NOT_ALLOWED, `Host ${JSON.stringify(hostName(host).slice(0, 255))} is not served here; add it to server.allowedHosts if it is this server's name`);
        return;
      }
      await next();
    },
  };
}
