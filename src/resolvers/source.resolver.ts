import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { SortOrder, type Source, type SourceHealth } from '../domain';
import { EventFilterInput } from '../schema/filter.input';
import { QueryPlanObject, SourcePlanObject } from '../schema/plan.type';
import { SourceHealthObject, SourceObject } from '../schema/source.type';
import { TimeWindowInput } from '../schema/window.input';
import { toFilter, toWindow } from './args';
import type { RequestContext } from './context';
import { toQueryPlan } from './plan';
import { sourceById } from './event.resolver';

@Resolver(() => SourceObject)
export class SourceResolver {
  @Query(() => [SourceObject], { description: 'Every configured source.' })
  sources(@Ctx() ctx: RequestContext): readonly Source[] {
    return ctx.engine.sources;
  }

  @FieldResolver(() => SourceHealthObject, { description: 'checked when asked: a cheap upstream call or a look at the folder' })
  health(@Root() source: Source): Promise<SourceHealth> {
    return source.health();
  }

  @Query(() => QueryPlanObject, { description: 'How a query would run: per source, what is pushed down, what is filtered here, which files are read.' })
  async explain(
    @Arg('window', () => TimeWindowInput) window: TimeWindowInput,
    @Arg('filter', () => EventFilterInput, { nullable: true }) filter: EventFilterInput | null,
    @Arg('order', () => SortOrder, { nullable: true, defaultValue: SortOrder.NEWEST_FIRST }) order: SortOrder | null,
    @Ctx() ctx: RequestContext,
  ): Promise<QueryPlanObject> {
    const plan = await ctx.engine.explain({ window: toWindow(window, ctx), filter: toFilter(filter), order, first: 100 });
    return toQueryPlan(plan);
  }
}

@Resolver(() => SourcePlanObject)
export class SourcePlanResolver {
  @FieldResolver(() => SourceObject)
  source(@Root() plan: SourcePlanObject, @Ctx() ctx: RequestContext): Source {
    return sourceById(ctx, plan.sourceId);
  }
}
