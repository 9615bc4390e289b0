import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { isLoopbackHost, type OidcConfig } from '../../config/auth';

/** Why a token was not accepted: `invalid` is the caller's problem (401), `unavailable` ours (503). */
export class TokenRejected extends Error {
  constructor(
    readonly kind: 'invalid' | 'unavailable',
    /** for the server's own log and the access log, never for the caller */
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'TokenRejected';
  }
}

const DISCOVERY_TIMEOUT_MS = 5_000;
/** a failed discovery is retried at most this often, so that a dead issuer is not asked once per request */
const DISCOVERY_RETRY_MS = 10_000;

/** Errors that say the token is bad, as opposed to our fetch of the keys failing. */
const INVALID_TOKEN_CODES = new Set<string>([
  errors.JWTExpired.code,
  errors.JWTClaimValidationFailed.code,
  errors.JWSSignatureVerificationFailed.code,
  errors.JWKSNoMatchingKey.code,
  errors.JWKSMultipleMatchingKeys.code,
  errors.JOSEAlgNotAllowed.code,
  errors.JOSENotSupported.code,
  errors.JWSInvalid.code,
  errors.JWTInvalid.code,
  errors.JWKInvalid.code,
]);

function checkedUrl(value: unknown, what: string): URL {
  if (typeof value !== 'string') throw new TokenRejected('unavailable', `${what} is missing`);
  const url = new URL(value);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) throw new TokenRejected('unavailable', `${what} ${value} is not https`);
  return url;
}

/**
 * Verifies OIDC bearer JWTs with jose against the issuer's JWKS: signature with an allowed algorithm, `iss`,
 * `aud`, `exp` (required) and `nbf` with a small leeway. Keys are cached by jose and fetched again when a token
 * names a `kid` the cache does not have (at most once per cooldown), which is how key rotation is followed.
 */
export class OidcVerifier {
  private jwks?: ReturnType<typeof createRemoteJWKSet>;
  private discovering?: Promise<ReturnType<typeof createRemoteJWKSet>>;
  private lastFailure = 0;

  constructor(private readonly config: OidcConfig) {}

  /** Finds the keys now (at start-up), so that a misconfigured issuer shows before the first request. */
  async prepare(): Promise<void> {
    await this.keys();
  }

  private keys(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (this.jwks) return Promise.resolve(this.jwks);
    if (!this.discovering) {
      if (Date.now() - this.lastFailure < DISCOVERY_RETRY_MS) return Promise.reject(new TokenRejected('unavailable', `OIDC discovery of ${this.config.issuer} failed recently`));
      this.discovering = this.discover().then(
        (jwks) => (this.jwks = jwks),
        (err: unknown) => {
          this.discovering = undefined;
          this.lastFailure = Date.now();
          throw err instanceof TokenRejected ? err : new TokenRejected('unavailable', `OIDC discovery of ${this.config.issuer} failed: ${(err as Error).message}`);
        },
      );
    }
    return this.discovering;
  }

  private async discover(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    let jwksUri: URL;
    if (this.config.jwksUri) jwksUri = new URL(this.config.jwksUri);
    else {
      const where = `${this.config.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
      const res = await fetch(where, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS), redirect: 'error', headers: { accept: 'application/json' } });
      if (!res.ok) throw new TokenRejected('unavailable', `GET ${where} answered HTTP ${res.status}`);
      const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
      // OpenID Connect Discovery 1.0 §4.3: the document must name the issuer it was asked for
      if (doc.issuer !== this.config.issuer) throw new TokenRejected('unavailable', `${where} names issuer ${JSON.stringify(doc.issuer)}, not ${this.config.issuer}`);
      jwksUri = checkedUrl(doc.jwks_uri, `jwks_uri of ${where}`);
    }
    return createRemoteJWKSet(jwksUri, { cooldownDuration: this.config.jwksCooldownSeconds * 1000, timeoutDuration: DISCOVERY_TIMEOUT_MS });
  }

  /** The verified claims of `token`, or TokenRejected. */
  async verify(token: string): Promise<JWTPayload> {
    const jwks = await this.keys();
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: this.config.algorithms,
        clockTolerance: this.config.clockSkewSeconds,
        requiredClaims: ['exp', 'sub'],
      });
      return payload;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code && INVALID_TOKEN_CODES.has(code)) throw new TokenRejected('invalid', `${code}: ${(err as Error).message}`);
      throw new TokenRejected('unavailable', `verifying a token needed the issuer's keys: ${(err as Error).message}`);
    }
  }
}
