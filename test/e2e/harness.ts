import * as os from 'node:os';
import * as path from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import type { Logger } from 'pino';
import { configFromDocument } from '../../src/config/load';
import { demoConfigDocument } from '../../src/demo/document';
import { ensureDemo } from '../../src/demo/ensure';
import type { GenerateOptions } from '../../src/demo/generate';
import type { DemoManifest } from '../../src/demo/manifest';
import { startServer, type RunningServer } from '../../src/server/app';
import { testDeps } from '../helpers/deps';
import { quietLogger } from '../helpers/logs';

/** One demo for every end-to-end test file (deterministic, rebuilt only when the generator changes). */
export const E2E_DEMO_ROOT = path.join(os.tmpdir(), 'auditgraph-e2e-demo');

export interface GraphQLReply<T> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown } }[];
}

/** The HTTP server on the demo config, and a client that speaks to it over HTTP as any client would. */
export class DemoServer {
  private constructor(
    readonly server: RunningServer,
    readonly manifest: DemoManifest,
  ) {}

  /** The demo of the pinned day (2026-03-14) under E2E_DEMO_ROOT, or another build (`opts.demo`) under `opts.root`. */
  static async start(env: NodeJS.ProcessEnv = {}, opts: { root?: string; demo?: GenerateOptions } = {}): Promise<DemoServer> {
    return DemoServer.startWith({}, env, {}, opts);
  }

  /**
   * The demo config with top-level keys added or replaced (`auth`, `redaction`, `server`, `limits`…; `sources` may
   * be a function of the demo's), on a loopback port; `opts.logger` receives the server's log (default: silent);
   * `opts.root` and `opts.demo` serve another build of the demo (another day, a Flyte export without node
   * executions) from another folder.
   */
  static async startWith(
    extra: Record<string, unknown> & { sources?: (demo: Record<string, unknown>[]) => Record<string, unknown>[] },
    env: NodeJS.ProcessEnv = {},
    headers: Record<string, string> = {},
    opts: { logger?: Logger; root?: string; demo?: GenerateOptions } = {},
  ): Promise<DemoServer> {
    const root = opts.root ?? E2E_DEMO_ROOT;
    const manifest = await ensureDemo(root, opts.demo);
    const base = demoConfigDocument(root);
    const { sources, ...rest } = extra;
    const doc = { ...base, ...rest, sources: sources ? sources(base.sources) : base.sources };
    const config = { ...configFromDocument(doc, `demo:${root}`, testDeps(), env), demo: { date: manifest.date } };
    const server = await startServer(config, { port: 0, host: '127.0.0.1', logger: opts.logger ?? quietLogger() });
    const demo = new DemoServer(server, manifest);
    demo.headers = headers;
    return demo;
  }

  /** headers every request sends (e.g. an Authorization) */
  headers: Record<string, string> = {};

  /** The same server, as another caller: the headers given instead of this one's. */
  as(headers: Record<string, string>): DemoServer {
    const other = new DemoServer(this.server, this.manifest);
    other.headers = headers;
    return other;
  }

  get url(): string {
    return this.server.url;
  }

  async raw<T>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLReply<T>> {
    const res = await fetch(this.url, { method: 'POST', headers: { 'content-type': 'application/json', ...this.headers }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as Omit<GraphQLReply<T>, 'status'>;
    return { status: res.status, ...body };
  }

  /** Sends a typed operation and fails the test on any GraphQL error. */
  async query<TData, TVars extends Record<string, unknown>>(doc: TypedDocumentNode<TData, TVars>, variables: TVars): Promise<TData> {
    const reply = await this.raw<TData>(print(doc), variables);
    if (reply.errors?.length || !reply.data) throw new Error(`GraphQL errors: ${JSON.stringify(reply.errors)}`);
    return reply.data;
  }

  stop(): Promise<void> {
    return this.server.close();
  }
}
