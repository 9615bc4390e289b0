import { DefaultAzureCredential, type AccessToken, type GetTokenOptions, type TokenCredential } from '@azure/identity';

/**
 * A bearer token fetched beforehand (`az account get-access-token --query accessToken -o tsv`). Its expiry is not
 * known here: it is reported an hour ahead on every call, and Azure's 401 says when it has run out.
 */
export class StaticTokenCredential implements TokenCredential {
  constructor(private readonly token: string) {}

  async getToken(): Promise<AccessToken> {
    return { token: this.token, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

const REFRESH_MARGIN_MS = 120_000;

/**
 * Each query builds its own SDK client, and so its own bearer policy with an empty token cache; this keeps one
 * token per scope for the source, so that a credential that shells out (Azure CLI) runs once an hour, not once a query.
 */
export class CachedTokenCredential implements TokenCredential {
  private readonly tokens = new Map<string, Promise<AccessToken | null>>();

  constructor(private readonly inner: TokenCredential) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const key = ([] as string[]).concat(scopes).sort().join(' ');
    const cached = this.tokens.get(key);
    if (cached) {
      const token = await cached.catch(() => null);
      if (token && token.expiresOnTimestamp - REFRESH_MARGIN_MS > Date.now()) return token;
    }
    const fresh = this.inner.getToken(scopes, options);
    this.tokens.set(key, fresh);
    fresh.catch(() => {
      if (this.tokens.get(key) === fresh) this.tokens.delete(key);
    });
    return fresh;
  }
}

export function credentialFor(config: { token?: string; tenantId?: string }): TokenCredential {
  if (config.token) return new StaticTokenCredential(config.token);
  return new CachedTokenCredential(new DefaultAzureCredential(config.tenantId ? { tenantId: config.tenantId } : {}));
}
