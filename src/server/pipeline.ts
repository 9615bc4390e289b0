import { randomUUID } from 'node:crypto';
import type * as http from 'node:http';
import type { Logger } from 'pino';
import { sendError, sendJson } from './http';
import type { HttpExchange, Route, ServerPlugin } from './plugins/types';

/** A caller's request id is echoed only when it cannot smuggle anything into logs or headers. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

function matchRoute(routes: readonly Route[], path: string): Route | undefined {
  return routes.find((r) => (r.path.endsWith('/') ? path.startsWith(r.path) : path === r.path));
}

/**
 * The request pipeline: each plugin's `onRequest` in order around the matched route. It also counts the
 * requests in flight, so that a shutdown can wait for them (`idle`) and then stop what is left (`abortAll`).
 */
export class Pipeline {
  private readonly routes: Route[];
  private readonly inFlight = new Set<AbortController>();
  private idleWaiters: (() => void)[] = [];
  private draining = false;

  constructor(
    private readonly plugins: readonly ServerPlugin[],
    private readonly logger: Logger,
  ) {
    this.routes = plugins.flatMap((p) => p.routes ?? []);
  }

  /** the node:http request listener */
  readonly listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const controller = new AbortController();
    this.inFlight.add(controller);
    res.on('close', () => {
      if (!res.writableFinished) controller.abort(new Error('client disconnected'));
      this.inFlight.delete(controller);
      if (this.inFlight.size === 0) this.wakeIdle();
    });
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', id);
    // a draining server finishes this request and closes the connection, so keep-alive clients go elsewhere
    if (this.draining) res.setHeader('connection', 'close');
    const url = new URL(req.url ?? '/', 'http://request.invalid');
    const ex: HttpExchange = {
      req,
      res,
      url,
      id,
      log: this.logger.child({ reqId: id }),
      route: matchRoute(this.routes, url.pathname),
      signal: controller.signal,
      clientIp: req.socket.remoteAddress ?? '',
    };
    this.run(ex, 0).catch((err: unknown) => {
      ex.log.error({ err }, 'request failed');
      if (!res.headersSent) sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'the server failed to answer this request; its log has the details (request id in x-request-id)');
      else res.destroy();
    });
  };

  private async run(ex: HttpExchange, i: number): Promise<void> {
    const plugin = this.plugins[i];
    if (plugin) {
      if (plugin.onRequest) return plugin.onRequest(ex, () => this.run(ex, i + 1));
      return this.run(ex, i + 1);
    }
    const route = ex.route;
    if (!route) {
      sendJson(ex.res, 404, { error: `no route ${ex.url.pathname}; the API is at /graphql` });
      return;
    }
    const method = (ex.req.method ?? 'GET').toUpperCase();
    if (!route.methods.includes(method)) {
      sendJson(ex.res, 405, { error: `${ex.url.pathname} takes ${route.methods.join(', ')}, not ${method}` }, { allow: route.methods.join(', ') });
      return;
    }
    await route.handle(ex);
  }

  /** New requests on open connections still get answered, each then closing its connection. */
  drain(): void {
    this.draining = true;
  }

  get requestsInFlight(): number {
    return this.inFlight.size;
  }

  /** Resolves when no request is in flight, or after `timeoutMs`; true when it went idle. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== wake);
        resolve(false);
      }, timeoutMs);
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(wake);
    });
  }

  /** Stops whatever is still running (its upstream calls abort); their clients get what the route does then. */
  abortAll(reason: string): void {
    for (const c of this.inFlight) c.abort(new Error(reason));
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
