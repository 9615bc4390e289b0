import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeOktaUser {
  id: string;
  login: string;
  email?: string;
  status?: string;
}

/**
 * Okta's Users API as the org serves it, for `GET /api/v1/users/{id|login}`: `Authorization: SSWS <token>`,
 * the user as JSON (`id`, `status`, `profile.login`, `profile.email`), error bodies with Okta's error codes
 * (E0000011 bad token, E0000007 not found, E0000047 rate limit with X-Rate-Limit-* headers).
 */
export class FakeOkta {
  readonly requests: string[] = [];
  /** reply 429 to this many requests first */
  throttleNext = 0;
  private server?: http.Server;

  constructor(
    private readonly users: FakeOktaUser[],
    readonly token = 'okta-lookup-token',
  ) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  private error(res: http.ServerResponse, status: number, code: string, summary: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ errorCode: code, errorSummary: summary, errorLink: code, errorId: `oae${this.requests.length}`, errorCauses: [] }));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    this.requests.push(`${req.method} ${url.pathname}`);
    if (req.headers.authorization !== `SSWS ${this.token}`) return this.error(res, 401, 'E0000011', 'Invalid token provided');
    if (this.throttleNext > 0) {
      this.throttleNext -= 1;
      return this.error(res, 429, 'E0000047', 'API call exceeded rate limit due to too many requests.', {
        'x-rate-limit-limit': '600',
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': String(Math.floor(Date.now() / 1000)),
      });
    }
    const m = /^\/api\/v1\/users\/([^/]+)$/.exec(url.pathname);
    if (req.method !== 'GET' || !m) return this.error(res, 404, 'E0000022', 'The endpoint does not support the provided HTTP method');
    const key = decodeURIComponent(m[1]);
    const user = this.users.find((u) => u.id === key || u.login.toLowerCase() === key.toLowerCase());
    if (!user) return this.error(res, 404, 'E0000007', `Not found: Resource not found: ${key} (User)`);
    res.writeHead(200, { 'content-type': 'application/json', 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '599' });
    res.end(
      JSON.stringify({
        id: user.id,
        status: user.status ?? 'ACTIVE',
        created: '2024-01-08T10:00:00.000Z',
        activated: null,
        statusChanged: '2024-01-08T10:05:00.000Z',
        lastLogin: '2026-03-14T08:55:20.000Z',
        passwordChanged: '2025-11-02T09:00:00.000Z',
        type: { id: 'oty1abc' },
        profile: { firstName: user.login.split('@')[0], lastName: 'Example', mobilePhone: null, secondEmail: null, login: user.login, email: user.email ?? user.login },
        credentials: { provider: { type: 'OKTA', name: 'OKTA' } },
        _links: { self: { href: `${this.url}/api/v1/users/${user.id}` } },
      }),
    );
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
