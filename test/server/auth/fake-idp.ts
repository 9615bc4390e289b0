import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function makeKey(kid: string, alg = 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/**
 * An OpenID provider on 127.0.0.1 as auditgraph sees one: `/.well-known/openid-configuration` naming its issuer
 * and `jwks_uri`, and the JWKS with the keys it currently publishes. Keys can be rotated; fetches are counted.
 */
export class FakeIdp {
  published: SigningKey[] = [];
  jwksFetches = 0;
  discoveryFetches = 0;
  /** what discovery says the issuer is (a mix-up test changes it) */
  advertisedIssuer?: string;

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<FakeIdp> {
    const server = http.createServer();
    const idp = new FakeIdp(server);
    server.on('request', (req, res) => idp.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return idp;
  }

  get issuer(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/.well-known/openid-configuration') {
      this.discoveryFetches += 1;
      json(200, { issuer: this.advertisedIssuer ?? this.issuer, jwks_uri: `${this.issuer}/keys`, id_token_signing_alg_values_supported: ['RS256', 'ES256'] });
    } else if (req.url === '/keys') {
      this.jwksFetches += 1;
      json(200, { keys: this.published.map((k) => k.publicJwk) });
    } else json(404, { error: 'not_found' });
  }

  /** A token signed with `key` (published or not), with sane defaults for every claim a test does not set. */
  async token(key: SigningKey, claims: JWTPayload = {}, opts: { audience?: string; issuer?: string; expiresIn?: string | number; kid?: string | null } = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    let jwt = new SignJWT({ sub: 'u-alice', email: 'alice@example.com', ...claims })
      .setProtectedHeader(opts.kid === null ? { alg: key.alg } : { alg: key.alg, kid: opts.kid ?? key.kid })
      .setIssuer(opts.issuer ?? this.issuer)
      .setAudience(opts.audience ?? 'auditgraph')
      .setIssuedAt(now);
    if (opts.expiresIn !== undefined) jwt = jwt.setExpirationTime(opts.expiresIn);
    else if (claims.exp === undefined) jwt = jwt.setExpirationTime('10m');
    return jwt.sign(key.privateKey);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
