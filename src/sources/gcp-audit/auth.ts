/**
 * Credentials from an OAuth access token minted elsewhere (`gcloud auth print-access-token`, a token broker).
 * It is handed to the client library as its `authClient`, and offers exactly what the library asks of one:
 * request headers (gRPC over TLS) and `fetch` (the REST transport). A static token is not refreshed: once it
 * expires the service answers UNAUTHENTICATED, which the source reports as such.
 */
export class StaticTokenAuth {
  readonly universeDomain = 'googleapis.com';

  constructor(private readonly token: string) {}

  authorization(): string {
    return `Bearer ${this.token}`;
  }

  async getRequestHeaders(): Promise<Headers> {
    return new Headers({ authorization: this.authorization() });
  }

  async getAccessToken(): Promise<{ token: string }> {
    return { token: this.token };
  }

  async fetch(url: string | URL, init: { method?: string; headers?: ConstructorParameters<typeof Headers>[0]; body?: string | Uint8Array; signal?: AbortSignal } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', this.authorization());
    return fetch(url, { method: init.method, headers, body: init.body, signal: init.signal });
  }
}
