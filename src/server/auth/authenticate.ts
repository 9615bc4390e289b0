import type { AuthConfig } from '../../config/auth';
import { ErrorCode, type Access, type Caller, type Source } from '../../domain';
import { ApiKeyRing } from './api-keys';
import { OidcVerifier, TokenRejected } from './oidc';
import { accessOf, fullAccess, rolesOfApiKey, rolesOfToken } from './roles';

/** Why a request is refused before anything runs; `message` is all the caller learns. */
export interface AuthRefusal {
  status: 401 | 403 | 503;
  code: ErrorCode;
  message: string;
  /** the WWW-Authenticate header of a 401 (RFC 6750) */
  challenge?: string;
  /** what really happened, for the server's log and the access log */
  reason: string;
  /** who it was, when the credential was good but grants nothing */
  caller?: Caller;
}

export type Authentication = { ok: true; caller: Caller; access: Access } | { ok: false; refusal: AuthRefusal };

const REALM = 'Bearer realm="auditgraph"';
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function unauthenticated(reason: string, error?: 'invalid_request' | 'invalid_token'): Authentication {
  return {
    ok: false,
    refusal: {
      status: 401,
      code: ErrorCode.UNAUTHENTICATED,
      message: error ? 'the credential was not accepted' : 'authentication required: send Authorization: Bearer <token or API key>',
      challenge: error ? `${REALM}, error="${error}"` : REALM,
      reason,
    },
  };
}

function stringClaim(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Turns a request's Authorization header into a caller and what they may see: an API key (compared by its
 * SHA-256 in constant time), an OIDC JWT (verified against the issuer's keys), or, without `auth:`, the
 * anonymous caller who sees everything. A refusal says as little as a guesser could use.
 */
export class Authenticator {
  private readonly keys: ApiKeyRing;
  readonly oidc?: OidcVerifier;

  constructor(
    private readonly config: AuthConfig,
    private readonly sources: readonly Source[],
  ) {
    this.keys = new ApiKeyRing(config.apiKeys);
    if (config.oidc) this.oidc = new OidcVerifier(config.oidc);
  }

  get required(): boolean {
    return this.config.mode === 'required';
  }

  async authenticate(authorization: string | undefined): Promise<Authentication> {
    if (!this.required) return { ok: true, caller: { method: 'anonymous', subject: 'anonymous', roles: [] }, access: fullAccess(this.sources) };
    if (authorization === undefined || authorization.trim() === '') return unauthenticated('no Authorization header');
    const m = /^Bearer[ ]+(\S+)[ ]*$/i.exec(authorization);
    if (!m) return unauthenticated('Authorization is not a Bearer credential', 'invalid_request');
    const token = m[1];

    const key = this.keys.match(token);
    if (key) {
      const roles = rolesOfApiKey(key.id, this.config.roles);
      return this.granted({ method: 'api-key', subject: key.id, apiKeyId: key.id, roles });
    }
    if (!this.oidc || !JWT_SHAPE.test(token)) return unauthenticated(this.oidc ? 'neither an API key nor a JWT' : 'not a configured API key', 'invalid_token');
    let payload;
    try {
      payload = await this.oidc.verify(token);
    } catch (err) {
      if (!(err instanceof TokenRejected)) throw err;
      if (err.kind === 'invalid') return unauthenticated(err.reason, 'invalid_token');
      return { ok: false, refusal: { status: 503, code: ErrorCode.AUTH_UNAVAILABLE, message: 'tokens cannot be verified right now: the identity provider is unreachable; try again shortly', reason: err.reason } };
    }
    const claims = this.config.oidc!.claims;
    return this.granted({
      method: 'oidc',
      subject: payload.sub!,
      issuer: payload.iss,
      email: stringClaim(payload[claims.email]),
      name: stringClaim(payload[claims.name]) ?? stringClaim(payload.preferred_username),
      roles: rolesOfToken(payload, this.config.roles),
    });
  }

  private granted(caller: Caller): Authentication {
    const access = accessOf(caller.roles, this.config.roles);
    if (caller.roles.length === 0 || access.sources.size === 0) {
      const who = caller.method === 'api-key' ? `API key ${caller.apiKeyId}` : caller.subject;
      return {
        ok: false,
        refusal: { status: 403, code: ErrorCode.FORBIDDEN, message: `authenticated as ${who}, but no role in auth.roles grants you any source`, reason: 'no role', caller },
      };
    }
    return { ok: true, caller, access };
  }
}
