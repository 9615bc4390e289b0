import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { identitiesOf } from '../correlation/identity';
import type { Source } from '../domain';
import { eventHistogram, type EventHistogram, type HistogramSeries } from '../query/histogram';
import { EventFilterInput } from '../schema/filter.input';
import { EventHistogramObject, HistogramSeriesObject } from '../schema/histogram.type';
import { IdentityObject } from '../schema/identity.type';
import { SourceObject } from '../schema/source.type';
import { TimeWindowInput } from '../schema/window.input';
import { toFilter, toWindow } from './args';
import type { RequestContext } from './context';
import { sourceById } from './event.resolver';

const BUCKETS = { nullable: true, defaultValue: 60, description: 'at most this many buckets (1 to 500); the width is rounded up to a readable one' } as const;

function toHistogramObject(h: EventHistogram): EventHistogramObject {
  return { window: h.window, bucketMs: h.bucketMs, bucketStarts: h.bucketStarts, series: h.series, complete: h.complete, sources: h.statuses };
}

@Resolver()
export class HistogramResolver {
  @Query(() => EventHistogramObject, { description: 'Counts of the events `events` would return for the same window and filter, per source and time bucket.' })
  async histogram(
    @Arg('window', () => TimeWindowInput) window: TimeWindowInput,
    @Arg('filter', () => EventFilterInput, { nullable: true }) filter: EventFilterInput | null,
    @Arg('buckets', () => Int, BUCKETS) buckets: number | null,
    @Ctx() ctx: RequestContext,
  ): Promise<EventHistogramObject> {
    return toHistogramObject(await eventHistogram(ctx.engine, { window: toWindow(window, ctx), filter: toFilter(filter), buckets: buckets ?? 60 }, ctx.signal));
  }
}

@Resolver(() => IdentityObject)
export class IdentityHistogramResolver {
  @FieldResolver(() => EventHistogramObject, { description: "Counts of the identity's events (as `events` returns them) per source and time bucket." })
  async histogram(
    @Root() identity: IdentityObject,
    @Arg('window', () => TimeWindowInput) window: TimeWindowInput,
    @Arg('filter', () => EventFilterInput, { nullable: true }) filter: EventFilterInput | null,
    @Arg('buckets', () => Int, BUCKETS) buckets: number | null,
    @Ctx() ctx: RequestContext,
  ): Promise<EventHistogramObject> {
    const req = identitiesOf(ctx).eventsRequest(identity.resolved, { window: toWindow(window, ctx), filter: toFilter(filter), first: 1 });
    return toHistogramObject(await eventHistogram(ctx.engine, { ...req, buckets: buckets ?? 60 }, ctx.signal));
  }
}

@Resolver(() => HistogramSeriesObject)
export class HistogramSeriesResolver {
  @FieldResolver(() => SourceObject)
  source(@Root() series: HistogramSeries, @Ctx() ctx: RequestContext): Source {
    return sourceById(ctx, series.sourceId);
  }
}
