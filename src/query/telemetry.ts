import { channel } from 'node:diagnostics_channel';
import { context, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { SOURCE_PAGE_CHANNEL, SourceState, type SourcePageEvent, type SourceQuery, type SourceStatus } from '../domain';
import type { SourcePlan } from './planner';

const pages = channel(SOURCE_PAGE_CHANNEL);
// a no-op until the server registers a tracer provider (tracing: enabled); looked up each time, as that can change
const tracer = () => trace.getTracer('auditgraph');

/**
 * One source's part in one page, as a trace span (`source <id>`, with the request's shape: window, order, what was
 * pushed down and what is filtered here, never a value or a secret) whose context the source's upstream calls
 * run in, so that they are its children.
 */
export class SourceTrace {
  private readonly span: Span;
  private readonly ctx: Context;

  constructor(plan: SourcePlan, q: SourceQuery) {
    const s = plan.source;
    this.span = tracer().startSpan(`source ${s.id}`, {
      attributes: {
        'auditgraph.source.id': s.id,
        'auditgraph.source.type': s.type,
        'auditgraph.source.mode': s.mode,
        'auditgraph.query.window.from': q.window.from.toISOString(),
        'auditgraph.query.window.to': q.window.to.toISOString(),
        'auditgraph.query.order': q.order,
        'auditgraph.query.page_size_hint': q.pageSizeHint,
        // the names of the fields, not their values: a filter value can be a person's name
        'auditgraph.query.pushed_down': plan.pushedDown.map((p) => p.split('=')[0]),
        'auditgraph.query.residual': plan.residual.map((p) => p.split('=')[0]),
      },
    });
    this.ctx = trace.setSpan(context.active(), this.span);
  }

  /** runs the next step of the source's stream inside its span */
  run<T>(step: () => T): T {
    return context.with(this.ctx, step);
  }

  end(status: SourceStatus): void {
    this.span.setAttributes({
      'auditgraph.source.state': status.state,
      'auditgraph.source.requests': status.requests,
      'auditgraph.source.events_scanned': status.eventsScanned,
      'auditgraph.source.events_returned': status.eventsReturned,
    });
    if (status.state === SourceState.FAILED || status.state === SourceState.TIMED_OUT || status.state === SourceState.THROTTLED) {
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: status.state });
    }
    this.span.end();
  }
}

/** A page is done: each source's status goes to the metrics (if anyone listens) and ends its span. */
export function observeSourcePage(status: SourceStatus, traced: SourceTrace | undefined): void {
  traced?.end(status);
  if (pages.hasSubscribers) pages.publish({ status } satisfies SourcePageEvent);
}
