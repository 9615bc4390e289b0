import type * as http from 'node:http';
import type * as https from 'node:https';
import type { Duplex } from 'node:stream';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { RequestContext } from '../resolvers/context';
import type { RequestContexts } from './request-context';

const CONTEXT = Symbol('auditgraph.context');
type Upgraded = http.IncomingMessage & { [CONTEXT]?: RequestContext };

/**
 * GraphQL subscriptions (`tail`) over the GraphQL over WebSocket protocol (graphql-ws) on /graphql. The
 * upgrade request is authenticated like every other API request (`RequestContexts.fromHttp`: the
 * Authorization header); a refused caller gets the same HTTP status and body before any WebSocket exists. Each
 * connection's subscriptions run on that caller's context and stop when the socket closes.
 */
/**
 * What a WebSocket upgrade must pass before it is authenticated, as every HTTP request does in the pipeline: the
 * `Host` allow-list (DNS rebinding) and the `Origin` check (browsers let any page open a WebSocket to any host, so a
 * page elsewhere could otherwise subscribe on a loopback server: cross-site WebSocket hijacking).
 */
export interface UpgradeChecks {
  host(header: string | undefined): boolean;
  origin(headers: { origin?: string; host?: string }): boolean;
}

export function attachSubscriptions(server: http.Server | https.Server, schema: GraphQLSchema, contexts: RequestContexts, logger: Logger, checks: UpgradeChecks): { close(): Promise<void> } {
  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<AbortController>();
  const handler = useServer<Record<string, unknown>, { request: Upgraded }>(
    {
      schema,
      context: (ctx) => ctx.extra.request[CONTEXT],
      onError: (_ctx, _id, _payload, errors) => {
        logger.warn({ errors: errors.map((e) => e.message) }, 'subscription refused');
      },
    },
    wss,
  );
  const onUpgrade = (req: Upgraded, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://request.invalid');
    if (url.pathname !== '/graphql') {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const refuse = (code: string, message: string) => {
      logger.warn({ host: req.headers.host?.slice(0, 255), origin: req.headers.origin?.slice(0, 255) }, message);
      const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
      socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    };
    if (!checks.host(req.headers.host)) return refuse('HOST_NOT_ALLOWED', 'this Host is not served here (server.allowedHosts)');
    if (!checks.origin(req.headers)) return refuse('ORIGIN_NOT_ALLOWED', 'WebSocket connections from this Origin are not served (server.cors.origins)');
    const closed = new AbortController();
    sockets.add(closed);
    socket.once('close', () => {
      closed.abort(new Error('client disconnected'));
      sockets.delete(closed);
    });
    void contexts.fromHttp(req, closed.signal).then(
      (authorized) => {
        if (!authorized.ok) {
          const body = JSON.stringify({ errors: [{ message: authorized.refusal.message, extensions: { code: authorized.refusal.code } }] });
          socket.end(`HTTP/1.1 ${authorized.refusal.status} Refused\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
          return;
        }
        req[CONTEXT] = authorized.context;
        wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
      },
      (err: unknown) => {
        logger.error({ err }, 'websocket upgrade failed');
        socket.destroy();
      },
    );
  };
  server.on('upgrade', onUpgrade);
  return {
    async close() {
      server.off('upgrade', onUpgrade);
      for (const c of sockets) c.abort(new Error('the server is shutting down'));
      await handler.dispose();
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
