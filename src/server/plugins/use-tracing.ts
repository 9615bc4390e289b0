import type { ApolloServerPlugin } from '@apollo/server';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, SimpleSpanProcessor, TraceIdRatioBasedSampler, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION, ATTR_URL_PATH } from '@opentelemetry/semantic-conventions';
import { Kind } from 'graphql';
import type { TracingConfig } from '../../config/config';
import type { RequestContext } from '../../resolvers/context';
import type { ServerPlugin } from './types';

export interface TracingOptions {
  config: TracingConfig;
  version: string;
  /** where spans go instead of OTLP (tests: an in-memory exporter, exported as each span ends) */
  exporter?: SpanExporter;
}

const tracer = () => trace.getTracer('auditgraph');

/**
 * OpenTelemetry traces, off unless `tracing.enabled`: registers a tracer provider (OTLP/HTTP exporter, batched;
 * W3C trace context from the caller's `traceparent`), then per request a server span (`POST /graphql`), inside it a
 * span per GraphQL operation (`query Name`, with its type, name and root fields, never its variables), inside that
 * the engine's span per source (`source <id>`, the request's shape) and callUpstream's span per upstream call
 * (`upstream <id>`). Nothing secret is an attribute: no header, variable, filter value or token.
 */
export function useTracing(opts: TracingOptions): ServerPlugin {
  if (!opts.config.enabled) return { name: 'tracing' };
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: opts.config.serviceName, [ATTR_SERVICE_VERSION]: opts.version }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(opts.config.sampleRatio) }),
    spanProcessors: [opts.exporter ? new SimpleSpanProcessor({ exporter: opts.exporter }) : new BatchSpanProcessor({ exporter: new OTLPTraceExporter(opts.config.endpoint ? { url: opts.config.endpoint } : {}) })],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);

  const apollo: ApolloServerPlugin<RequestContext> = {
    async requestDidStart() {
      // the operation span made by `around` is the active one while Apollo runs the request
      const span = trace.getActiveSpan();
      return {
        async didResolveOperation({ operation, operationName }) {
          if (!span || !operation) return;
          const roots = operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
          span.updateName(`${operation.operation}${operationName ? ` ${operationName}` : ''}`);
          span.setAttributes({ 'graphql.operation.type': operation.operation, ...(operationName ? { 'graphql.operation.name': operationName } : {}), 'auditgraph.graphql.root_fields': roots });
        },
        async willSendResponse({ response }) {
          if (!span || response.body.kind !== 'single') return;
          const codes = (response.body.singleResult.errors ?? []).map((e) => String(e.extensions?.code ?? 'UNKNOWN'));
          if (codes.length) {
            span.setAttribute('auditgraph.graphql.error_codes', codes);
            span.setStatus({ code: SpanStatusCode.ERROR, message: codes.join(', ') });
          }
        },
      };
    },
  };

  return {
    name: 'tracing',
    async onRequest(ex, next) {
      const parent = propagation.extract(context.active(), ex.req.headers);
      const method = ex.req.method ?? 'GET';
      const route = ex.route?.path;
      const span: Span = tracer().startSpan(
        route ? `${method} ${route}` : method,
        { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_URL_PATH]: ex.url.pathname, ...(route ? { [ATTR_HTTP_ROUTE]: route } : {}), 'auditgraph.request_id': ex.id } },
        parent,
      );
      ex.res.once('close', () => {
        span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, ex.res.statusCode);
        if (ex.principal) span.setAttribute('auditgraph.principal', ex.principal);
        if (ex.res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      });
      await context.with(trace.setSpan(parent, span), next);
    },
    graphql: {
      plugins: [apollo],
      around: <T>(_ex: unknown, execute: () => Promise<T>) => tracer().startActiveSpan('graphql', async (span): Promise<T> => {
        try {
          return await execute();
        } finally {
          span.end();
        }
      }),
    },
    async onClose() {
      await provider.forceFlush().catch(() => undefined);
      await provider.shutdown().catch(() => undefined);
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
