import type * as http from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { ParseOptions, ValidationRule } from 'graphql';
import type { Logger } from 'pino';
import type { RequestContext } from '../../resolvers/context';

/**
 * One HTTP request on its way through the server's plugins (the hook types of every plugin live in this file).
 * Plugins read it and add to it; the route at the end answers it.
 */
export interface HttpExchange {
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  /** the request target, parsed (the host part is not the request's Host header: see `useHostCheck`) */
  readonly url: URL;
  /** the request id: the caller's `x-request-id` when it is a sane one, else made up; echoed in the response */
  readonly id: string;
  /** the request's logger: every line carries `reqId` */
  readonly log: Logger;
  /** the route the path and method matched, if any (hooks can tell an API call from a probe) */
  readonly route?: Route;
  /** aborted when the client goes away or the server is stopped for good, so that upstream calls stop */
  readonly signal: AbortSignal;
  /** the peer's address (the socket's, never a forwarded header) */
  readonly clientIp: string;
  /**
   * Who the request is attributed to for per-caller limits and logs: set by authentication when it knows the
   * caller, else unset (the limits then key on `clientIp`).
   */
  principal?: string;
  /** the caller's context for the resolvers, exports and tails (only their sources): set by authentication on API routes */
  context?: RequestContext;
}

/** What a route is, for the hooks that apply to some routes only (limits to API calls, not to probes). */
export type RouteKind = 'api' | 'probe' | 'asset';

export interface Route {
  /** the exact path, or a prefix ending in `/` (`/graphiql/`) that serves what is below it */
  readonly path: string;
  readonly methods: readonly string[];
  readonly kind: RouteKind;
  handle(ex: HttpExchange): Promise<void>;
}

/** The next plugin's `onRequest`, and at the end of the chain the route (or a 404). */
export type Next = () => Promise<void>;

/** What a plugin adds to the GraphQL endpoint. */
export interface GraphQLContribution {
  /** Apollo Server plugins: the operation-level hooks (resolved operation, errors, response) */
  plugins?: ApolloServerPlugin<RequestContext>[];
  /** validation rules, run after GraphQL's own */
  validationRules?: ValidationRule[];
  /** options for parsing documents (`maxTokens`) */
  parseOptions?: ParseOptions;
  /** adds what the plugin knows of the request to the resolvers' context (the caller, say) */
  context?(ex: HttpExchange, ctx: RequestContext): void;
  /** runs the operation inside something (a trace span): call `execute` exactly once and return its result */
  around?<T>(ex: HttpExchange, execute: () => Promise<T>): Promise<T>;
}

/**
 * A server plugin, made by a `useX(options)` factory: the server is assembled from them (src/server/app.ts).
 * Every hook is optional.
 */
export interface ServerPlugin {
  readonly name: string;
  /**
   * Around every HTTP request, in plugin order: answer it (and not call `next`), or call `next` and act around
   * what the later plugins and the route do.
   */
  onRequest?(ex: HttpExchange, next: Next): Promise<void>;
  /** the routes this plugin answers */
  routes?: readonly Route[];
  graphql?: GraphQLContribution;
  /** the server stops taking new requests: say not ready, end long-lived streams */
  onDrain?(): void;
  /** the server has stopped: release what the plugin holds (timers, subscriptions, exporters) */
  onClose?(): Promise<void> | void;
}
