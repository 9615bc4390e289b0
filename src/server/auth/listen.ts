import { isLoopbackHost, type AuthConfig } from '../../config/auth';
import { ConfigError } from '../../config/errors';

/**
 * Whether the server may listen on `host` with this `auth:`, and the start-up line that says how callers are
 * authenticated. Without `auth:` only a loopback address is allowed: anything else would hand every trail to
 * whoever reaches the port. `auth: { none: true }` is the explicit way to do that anyway.
 */
export function authAtStartup(auth: AuthConfig, host: string): string {
  switch (auth.mode) {
    case 'unset':
      if (!isLoopbackHost(host)) {
        throw new ConfigError(
          'auth',
          `the server would listen on ${host}, which is not a loopback address, without authentication: configure auth.oidc or auth.apiKeys, or write auth: { none: true } to serve everyone who can reach the port`,
        );
      }
      return `no auth configured: answering unauthenticated requests, which is allowed only because ${host} is a loopback address`;
    case 'none':
      return `auth.none: true: answering every request without authentication on ${host}; every caller sees every source and raw payload`;
    case 'required': {
      const ways = [auth.oidc ? `OIDC tokens from ${auth.oidc.issuer} for ${auth.oidc.audience.join(', ')}` : undefined, auth.apiKeys.length ? `${auth.apiKeys.length} API key(s)` : undefined].filter(Boolean);
      return `authentication required: ${ways.join(' and ')}; ${auth.roles.length} role(s)`;
    }
  }
}
