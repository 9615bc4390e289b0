import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { AppConfig } from '../config/config';
import { expandIdentities } from '../correlation/expand';
import { AuditgraphError } from '../domain';
import { QueryEngine } from '../query/engine';
import type { RequestContext } from '../resolvers/context';
import { buildAuditgraphSchema } from '../schema/build';
import { authAtStartup } from './auth/listen';
import { sendRefusal } from './auth/refusal';
import { depthLimit } from './depth-limit';
import { RequestContexts } from './request-context';

const MAX_BODY_BYTES = 1_000_000;
const MAX_QUERY_DEPTH = 12;

export interface RunningServer {
  url: string;
  port: number;
  engine: QueryEngine;
  /** from an HTTP request to the caller's authenticated, authorized context: for every route over the data */
  contexts: RequestContexts;
  /** start-up lines: how callers are authenticated, and what could not be checked yet */
  notices: string[];
  close(): Promise<void>;
}

/** Puts our error codes in `extensions.code`; anything unexpected keeps Apollo's INTERNAL_SERVER_ERROR. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof AuditgraphError) {
    return { ...formatted, message: original.message, extensions: { ...formatted.extensions, code: original.code, ...original.details } };
  }
  return formatted;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** Starts the HTTP server: POST/GET /graphql (Apollo Server), GET /healthz. */
export async function startServer(config: AppConfig, opts: { port?: number; host?: string } = {}): Promise<RunningServer> {
  const host = opts.host ?? config.server.host;
  // refuses, before anything starts, to serve a non-loopback address without authentication
  const notices = [authAtStartup(config.auth, host), ...config.auth.warnings.map((w) => `warning: ${w}`)];
  const engine = new QueryEngine(config.sources, {
    deadlineMs: config.query.deadlineMs,
    cursorSecret: config.query.cursorSecret,
    expandIdentity: (values) => expandIdentities(values, config.identity),
  });
  const apollo = new ApolloServer<RequestContext>({
    schema: await buildAuditgraphSchema(),
    formatError,
    validationRules: [depthLimit(MAX_QUERY_DEPTH)],
    introspection: true,
    // stack traces name our files and the SDKs' internals: only for whoever runs the server with AUDITGRAPH_DEBUG=1
    includeStacktraceInErrorResponses: process.env.AUDITGRAPH_DEBUG === '1',
  });
  await apollo.start();
  const contexts = new RequestContexts(config, engine);
  await contexts.authenticator.oidc?.prepare().catch((err: Error) => notices.push(`warning: ${err.message}; tokens are refused (503) until the issuer answers`));

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      // which sources exist is for callers who may see them
      send(res, 200, contexts.authenticator.required ? { status: 'ok' } : { status: 'ok', sources: config.sources.map((s) => s.id) });
      return;
    }
    if (url.pathname !== '/graphql') {
      send(res, 404, { error: `no route ${url.pathname}; the API is at /graphql` });
      return;
    }
    const clientGone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) clientGone.abort(new Error('client disconnected'));
    });
    const authorized = await contexts.fromHttp(req, clientGone.signal);
    if (!authorized.ok) {
      sendRefusal(res, authorized.refusal);
      return;
    }
    let body: unknown;
    if (req.method === 'POST') {
      let text: string;
      try {
        text = await readBody(req);
      } catch {
        send(res, 413, { errors: [{ message: `request body over ${MAX_BODY_BYTES} bytes`, extensions: { code: 'BAD_REQUEST' } }] });
        return;
      }
      try {
        body = text ? JSON.parse(text) : {};
      } catch {
        send(res, 400, { errors: [{ message: 'request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
        return;
      }
    }
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    const httpGraphQLRequest: HTTPGraphQLRequest = { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body };

    const result = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: async () => authorized.context });
    const outHeaders: Record<string, string> = {};
    for (const [k, v] of result.headers) outHeaders[k] = v;
    res.writeHead(result.status ?? 200, outHeaders);
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
    } else {
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { errors: [{ message: (err as Error).message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? config.server.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}/graphql`,
    port,
    engine,
    contexts,
    notices,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await apollo.stop();
    },
  };
}
