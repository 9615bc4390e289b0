import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface FakeServiceAccount {
  namespace: string;
  name: string;
  annotations?: Record<string, string>;
}

/**
 * kube-apiserver's `GET /api/v1/namespaces/{ns}/serviceaccounts/{name}` over TLS with a throwaway certificate made
 * at test time (the client trusts it through `caFile`), bearer-token auth, and errors as `Status` objects.
 */
export class FakeKubeApiServer {
  readonly requests: string[] = [];
  /** answer nothing (to test aborts) */
  hang = false;
  private server?: https.Server;
  private dir?: string;
  caFile = '';

  constructor(
    private readonly accounts: FakeServiceAccount[],
    readonly token = 'k8s-lookup-token',
  ) {}

  get url(): string {
    return `https://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  private status(res: http.ServerResponse, code: number, reason: string, message: string, details?: Record<string, string>): void {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code }));
  }

  async start(): Promise<this> {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auditgraph-kube-tls-'));
    const keyFile = path.join(this.dir, 'key.pem');
    this.caFile = path.join(this.dir, 'ca.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', this.caFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    this.server = https.createServer({ key: fs.readFileSync(keyFile), cert: fs.readFileSync(this.caFile) }, (req, res) => {
      const url = new URL(req.url ?? '/', 'https://localhost');
      this.requests.push(`${req.method} ${url.pathname}`);
      if (this.hang) return;
      if (req.headers.authorization !== `Bearer ${this.token}`) return this.status(res, 401, 'Unauthorized', 'Unauthorized');
      const m = /^\/api\/v1\/namespaces\/([^/]+)\/serviceaccounts\/([^/]+)$/.exec(url.pathname);
      if (req.method !== 'GET' || !m) return this.status(res, 404, 'NotFound', 'the server could not find the requested resource');
      const sa = this.accounts.find((a) => a.namespace === m[1] && a.name === m[2]);
      if (!sa) return this.status(res, 404, 'NotFound', `serviceaccounts "${m[2]}" not found`, { name: m[2], kind: 'serviceaccounts' });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'ServiceAccount',
          apiVersion: 'v1',
          metadata: {
            name: sa.name,
            namespace: sa.namespace,
            uid: `5f8e0c2a-${sa.name.length}`,
            resourceVersion: '48213',
            creationTimestamp: '2025-09-01T10:00:00Z',
            ...(sa.annotations ? { annotations: sa.annotations } : {}),
          },
        }),
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
