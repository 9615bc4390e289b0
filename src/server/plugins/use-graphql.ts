import { ApolloServer, HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { AppConfig } from '../../config/config';
import type { RequestContext } from '../../resolvers/context';
import { readBody } from '../body';
import { formatError } from '../graphql/format-error';
import { ErrorCode } from '../../domain';
import { sendError } from '../http';
import type { GraphQLContribution, HttpExchange, ServerPlugin } from './types';

export interface GraphQLOptions {
  schema: GraphQLSchema;
  config: AppConfig;
  /** what the other plugins add to the endpoint, in plugin order */
  contributions: readonly GraphQLContribution[];
}

export interface GraphQLPlugin extends ServerPlugin {
  readonly apollo: ApolloServer<RequestContext>;
}

/** The `/graphql` endpoint (GET and POST, GraphQL over HTTP) on Apollo Server, with what the other plugins add. */
export async function useGraphQL(opts: GraphQLOptions): Promise<GraphQLPlugin> {
  const { config, contributions } = opts;
  const apollo = new ApolloServer<RequestContext>({
    schema: opts.schema,
    formatError,
    // the server's own shutdown (app.ts) drains the requests in flight first, then stops Apollo
    stopOnTerminationSignals: false,
    introspection: config.server.introspection,
    // with introspection off, "did you mean …" suggestions would still spell out the schema
    hideSchemaDetailsFromClientErrors: !config.server.introspection,
    validationRules: contributions.flatMap((c) => c.validationRules ?? []),
    parseOptions: Object.assign({}, ...contributions.map((c) => c.parseOptions ?? {})),
    allowBatchedHttpRequests: config.limits.batching.enabled,
    // the explorer is GraphiQL from this server (/graphiql, use-explorer.ts): never Apollo's page from a CDN
    plugins: [ApolloServerPluginLandingPageDisabled(), ...contributions.flatMap((c) => c.plugins ?? [])],
    // stack traces name our files and the SDKs' internals: only for whoever runs the server with AUDITGRAPH_DEBUG=1
    includeStacktraceInErrorResponses: process.env.AUDITGRAPH_DEBUG === '1',
  });
  await apollo.start();

  const execute = async (ex: HttpExchange, body: unknown) => {
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(ex.req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    const httpGraphQLRequest: HTTPGraphQLRequest = { method: (ex.req.method ?? 'GET').toUpperCase(), headers, search: ex.url.search, body };
    return apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: async () => {
        // authentication made it (the caller's view of the sources); without it nothing may be served
        const ctx = ex.context;
        if (!ctx) throw new Error('no request context: the authentication plugin did not run before /graphql');
        for (const c of contributions) c.context?.(ex, ctx);
        return ctx;
      },
    });
  };

  const handle = async (ex: HttpExchange): Promise<void> => {
    let body: unknown;
    if (ex.req.method === 'POST') {
      const read = await readBody(ex.req, config.limits.maxBodyBytes);
      if (!read.ok) {
        ex.log.warn({ receivedBytes: read.receivedBytes, maxBodyBytes: config.limits.maxBodyBytes }, 'request body too large');
        sendError(ex.res, 413, ErrorCode.PAYLOAD_TOO_LARGE, `the request body is over the limit of ${config.limits.maxBodyBytes} bytes (limits.maxBodyBytes)`, { limit: 'maxBodyBytes', max: config.limits.maxBodyBytes }, { connection: 'close' });
        return;
      }
      try {
        body = read.text ? JSON.parse(read.text) : {};
      } catch {
        sendError(ex.res, 400, 'BAD_REQUEST', 'the request body is not valid JSON');
        return;
      }
      if (Array.isArray(body)) {
        const { enabled, maxOperations } = config.limits.batching;
        if (!enabled) {
          sendError(ex.res, 400, ErrorCode.BATCHING_DISABLED, 'several operations in one request (a JSON array) are not accepted: send one operation per request, or enable limits.batching');
          return;
        }
        if (body.length > maxOperations) {
          sendError(ex.res, 400, ErrorCode.BATCH_TOO_LARGE, `${body.length} operations in one request: the limit is ${maxOperations} (limits.batching.maxOperations)`, { limit: 'batching.maxOperations', max: maxOperations, found: body.length });
          return;
        }
      }
    }
    // plugins that run the operation inside something (a trace span) wrap it, first plugin outermost
    let run = () => execute(ex, body);
    for (const c of [...contributions].reverse()) {
      const inner = run;
      if (c.around) run = () => c.around!(ex, inner);
    }
    const result = await run();
    const outHeaders: Record<string, string> = {};
    for (const [k, v] of result.headers) outHeaders[k] = v;
    ex.res.writeHead(result.status ?? 200, outHeaders);
    if (result.body.kind === 'complete') {
      ex.res.end(result.body.string);
    } else {
      for await (const chunk of result.body.asyncIterator) ex.res.write(chunk);
      ex.res.end();
    }
  };

  return {
    name: 'graphql',
    apollo,
    routes: [{ path: '/graphql', methods: ['GET', 'POST'], kind: 'api', handle }],
    onClose: () => apollo.stop(),
  };
}
