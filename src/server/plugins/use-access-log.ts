import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { redactVariables } from '../../access-log/redact';
import { TrailWriter } from '../../access-log/writer';
import type { AccessLogConfig } from '../../config/access-log';
import { SOURCE_PAGE_CHANNEL, type SourcePageEvent } from '../../domain';
import type { RequestContext } from '../../resolvers/context';
import type { HttpExchange, ServerPlugin } from './types';

/** One GraphQL operation of a request, as Apollo saw it. */
interface OperationSeen {
  name: string | null;
  type: string | null;
  documentSha256: string | null;
  variables: unknown;
  started: number;
  durationMs?: number;
  errorCodes: string[];
}

/** What one API request did, gathered while it runs (the engine's pages arrive on the source-page channel). */
interface RequestSeen {
  ex: HttpExchange;
  started: number;
  operations: OperationSeen[];
  sources: Map<string, { pages: number; eventsReturned: number; states: Set<string> }>;
}

export interface AccessLogPlugin extends ServerPlugin {
  readonly writer: TrailWriter;
}

const ms = (from: number) => Math.round((performance.now() - from) * 10) / 10;
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

function codesOf(errors: readonly GraphQLFormattedError[] | undefined): string[] {
  return [...new Set((errors ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
}

/**
 * auditgraph's own audit trail (`accessLog:`): a line for every request to an API route (every GraphQL operation,
 * and what other API routes answer), also those refused before they run (authentication, limits): when, who
 * (subject, method, email, API-key id, roles), from where, the operation's name, type and document hash (sha256),
 * its variables (secret-looking names redacted), the sources it read with their events returned, the duration
 * and the outcome. Written to a hash-chained NDJSON trail (src/access-log); the line is on disk before the
 * response's request ends in the pipeline, so a graceful shutdown loses none. Placed before authentication so
 * that refused requests are recorded too.
 */
export function useAccessLog(config: AccessLogConfig, logger: Logger): AccessLogPlugin {
  const writer = new TrailWriter(config.path, config.maxBytes);
  const store = new AsyncLocalStorage<RequestSeen>();
  // requests whose line is not written yet: the writer closes only after them (a request the client left can
  // still be unwinding when the server stops)
  const pending = new Set<Promise<void>>();

  const onPage = (message: unknown) => {
    const seen = store.getStore();
    if (!seen) return;
    const { status } = message as SourcePageEvent;
    const s = seen.sources.get(status.sourceId) ?? { pages: 0, eventsReturned: 0, states: new Set<string>() };
    s.pages++;
    s.eventsReturned += status.eventsReturned;
    s.states.add(status.state);
    seen.sources.set(status.sourceId, s);
  };
  subscribe(SOURCE_PAGE_CHANNEL, onPage);

  const write = (seen: RequestSeen) => {
    const { ex } = seen;
    const caller = ex.context?.caller;
    const sources = [...seen.sources].map(([id, s]) => ({ id, pages: s.pages, eventsReturned: s.eventsReturned, states: [...s.states] }));
    const common = {
      time: writer.stamp(),
      reqId: ex.id,
      caller: caller
        ? { method: caller.method, subject: caller.subject, ...(caller.issuer ? { issuer: caller.issuer } : {}), ...(caller.email ? { email: caller.email } : {}), ...(caller.apiKeyId ? { apiKeyId: caller.apiKeyId } : {}), roles: caller.roles }
        : null,
      clientIp: ex.clientIp,
      ...(typeof ex.req.headers['user-agent'] === 'string' ? { userAgent: ex.req.headers['user-agent'].slice(0, 256) } : {}),
      method: ex.req.method ?? 'GET',
      path: ex.url.pathname,
      status: ex.res.statusCode,
      sources,
      eventsReturned: sources.reduce((n, s) => n + s.eventsReturned, 0),
    };
    if (seen.operations.length === 0) {
      const ok = ex.res.statusCode < 400;
      // what a plain-HTTP route was asked (an export's window and filter): its query parameters, redacted like variables
      const params = ex.url.search ? { params: redactVariables(queryParams(ex.url.searchParams)) } : {};
      writer.append({ ...common, ...params, operation: null, durationMs: ms(seen.started), outcome: ok ? 'ok' : 'error', errorCodes: ok ? [] : [`HTTP_${ex.res.statusCode}`] });
      return;
    }
    for (const op of seen.operations) {
      writer.append({
        ...common,
        operation: { name: op.name, type: op.type, documentSha256: op.documentSha256, variables: op.variables },
        ...(seen.operations.length > 1 ? { batch: seen.operations.length } : {}),
        durationMs: op.durationMs ?? ms(seen.started),
        outcome: op.errorCodes.length === 0 && ex.res.statusCode < 400 ? 'ok' : 'error',
        errorCodes: op.errorCodes.length ? op.errorCodes : ex.res.statusCode >= 400 ? [`HTTP_${ex.res.statusCode}`] : [],
      });
    }
  };

  const apollo: ApolloServerPlugin<RequestContext> = {
    async requestDidStart({ request }) {
      const seen = store.getStore();
      if (!seen) return;
      const op: OperationSeen = {
        name: request.operationName ?? null,
        type: null,
        documentSha256: typeof request.query === 'string' ? sha256(request.query) : null,
        variables: request.variables ? redactVariables(request.variables) : null,
        started: performance.now(),
        errorCodes: [],
      };
      seen.operations.push(op);
      return {
        async didResolveOperation({ operation }) {
          op.name ??= operation?.name?.value ?? null;
          op.type = operation?.operation ?? null;
        },
        async willSendResponse({ response }) {
          op.durationMs = ms(op.started);
          op.errorCodes = response.body.kind === 'single' ? codesOf(response.body.singleResult.errors) : codesOf(response.body.initialResult.errors);
        },
      };
    },
  };

  return {
    name: 'access-log',
    writer,
    graphql: { plugins: [apollo] },
    async onRequest(ex, next) {
      if (ex.route?.kind !== 'api') return next();
      const seen: RequestSeen = { ex, started: performance.now(), operations: [], sources: new Map() };
      const running = store.run(seen, next).finally(() => {
        try {
          write(seen);
        } catch (err) {
          // the trail could not be written (disk full, file removed): say so loudly; the answer has gone already
          ex.log.error({ err, accessLog: writer.file }, 'could not write the access log line');
        }
      });
      const settled = running.then(
        () => undefined,
        () => undefined,
      );
      pending.add(settled);
      try {
        await running;
      } finally {
        pending.delete(settled);
      }
    },
    async onClose() {
      await Promise.all(pending);
      unsubscribe(SOURCE_PAGE_CHANNEL, onPage);
      writer.close();
      // the chain cannot show an edited or removed last line: the server's own log keeps where the trail ended
      logger.info({ accessLog: writer.file, head: writer.head, lines: writer.written }, `access log closed: ${writer.written} lines written, head ${writer.head}`);
    },
  };
}

/** A request's query parameters, the `variables` of a GET GraphQL request as the object it encodes (so that it is redacted by name too). */
function queryParams(search: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of search) {
    if (k === 'variables' || k === 'extensions') {
      try {
        out[k] = JSON.parse(v) as unknown;
        continue;
      } catch {
        // kept as the text it is
      }
    }
    out[k] = v;
  }
  return out;
}
