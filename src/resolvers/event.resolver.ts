import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { SortOrder, type AuditEvent, type JsonValue, type Source, type SourceStatus } from '../domain';
import type { EventsPage } from '../query/engine';
import { EventConnectionObject } from '../schema/connection.type';
import { AuditEventObject } from '../schema/event.type';
import { EventFilterInput } from '../schema/filter.input';
import { JSONScalar } from '../schema/scalars';
import { SourceObject } from '../schema/source.type';
import { SourceStatusObject } from '../schema/status.type';
import { TimeWindowInput } from '../schema/window.input';
import { toFilter, toWindow } from './args';
import type { RequestContext } from './context';

export function toConnection(page: EventsPage): EventConnectionObject {
  return {
    // the cursor is signed only if the query asks for it
    edges: page.edges.map((edge) => ({
      get cursor() {
        return edge.cursor;
      },
      node: edge.event,
      evidence: edge.evidence,
      duplicates: edge.duplicates,
      idConflict: edge.idConflict,
    })),
    pageInfo: { hasNextPage: page.hasNextPage, startCursor: page.startCursor, endCursor: page.endCursor },
    complete: page.complete,
    window: page.window,
    order: page.order,
    sources: page.statuses,
  };
}

export function sourceById(ctx: RequestContext, id: string): Source {
  const source = ctx.engine.source(id);
  if (!source) throw new Error(`internal: no source ${id}`);
  return source;
}

@Resolver()
export class EventsResolver {
  @Query(() => EventConnectionObject, { description: 'Events of every selected source in the window, merged into one time-ordered page.' })
  async events(
    @Arg('window', () => TimeWindowInput) window: TimeWindowInput,
    @Arg('filter', () => EventFilterInput, { nullable: true }) filter: EventFilterInput | null,
    @Arg('order', () => SortOrder, { nullable: true, defaultValue: SortOrder.NEWEST_FIRST }) order: SortOrder | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 100, description: '1 to 1000' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: "a previous page's endCursor" }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<EventConnectionObject> {
    const page = await ctx.engine.events({ window: toWindow(window, ctx), filter: toFilter(filter), order, first, after }, ctx.signal);
    return toConnection(page);
  }
}

@Resolver(() => AuditEventObject)
export class AuditEventResolver {
  @FieldResolver(() => SourceObject)
  source(@Root() event: AuditEvent, @Ctx() ctx: RequestContext): Source {
    return sourceById(ctx, event.sourceId);
  }

  @FieldResolver(() => JSONScalar, {
    description: "the record as the source returned it; a string `[withheld: …]` when the caller's roles do not show this source's raw payloads (auth.roles[].raw)",
  })
  raw(@Root() event: AuditEvent, @Ctx() ctx: RequestContext): JsonValue {
    if (!ctx.access.raw.has(event.sourceId)) return `[withheld: the raw payloads of ${event.sourceId} are not visible to your roles (auth.roles[].raw)]`;
    return ctx.engine.rawOf(event);
  }
}

@Resolver(() => SourceStatusObject)
export class SourceStatusResolver {
  @FieldResolver(() => SourceObject)
  source(@Root() status: SourceStatus, @Ctx() ctx: RequestContext): Source {
    return sourceById(ctx, status.sourceId);
  }
}
