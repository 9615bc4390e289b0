import type { QueryExplain } from '../query/engine';
import type { QueryPlanObject } from '../schema/plan.type';

/** The engine's plan as the schema's QueryPlan (each source resolved by id). */
export function toQueryPlan(plan: QueryExplain): QueryPlanObject {
  return {
    window: plan.window,
    order: plan.order,
    sources: plan.sources.map((s) => ({
      sourceId: s.plan.source.id,
      queried: s.plan.window !== null,
      window: s.plan.window ?? undefined,
      pushedDown: s.plan.pushedDown,
      residual: s.plan.residual,
      nativeOrder: s.plan.nativeOrder,
      request: s.request,
      partitions: s.partitions,
      partitionsTotal: s.partitionsTotal,
      notes: s.notes,
    })),
  };
}
