import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { identitiesOf, type DiscoveryReport, type ResolvedIdentity } from '../correlation/identity';
import { AuditgraphError, ErrorCode, SortOrder } from '../domain';
import { EventConnectionObject } from '../schema/connection.type';
import { EventFilterInput } from '../schema/filter.input';
import { IdentityObject } from '../schema/identity.type';
import { QueryPlanObject } from '../schema/plan.type';
import { TimeWindowInput } from '../schema/window.input';
import { toFilter, toWindow } from './args';
import type { RequestContext } from './context';
import { toQueryPlan } from './plan';
import { toConnection } from './event.resolver';

const objects = new WeakMap<ResolvedIdentity, IdentityObject>();

/** The schema object of a graph identity (made once per identity snapshot: a page of actors shares them). */
export function toIdentityObject(identity: ResolvedIdentity, discovery?: DiscoveryReport): IdentityObject {
  const known = discovery ? undefined : objects.get(identity);
  if (known) return known;
  const object: IdentityObject = {
    id: identity.id,
    displayName: identity.displayName,
    aliases: identity.aliases.map((v) => ({ kind: v.alias.kind, value: v.alias.value, scope: v.alias.scope, rule: v.rule, evidence: v.evidence, flags: v.flags })),
    notes: identity.notes,
    discovery: discovery && {
      window: discovery.window,
      rounds: discovery.rounds,
      queries: discovery.queries,
      eventsRead: discovery.eventsRead,
      oktaLookups: discovery.lookups.okta,
      kubernetesLookups: discovery.lookups.kubernetes,
      truncated: discovery.truncated,
      timedOut: discovery.timedOut,
      notes: discovery.notes,
    },
    resolved: identity,
  };
  if (!discovery) objects.set(identity, object);
  return object;
}


@Resolver(() => IdentityObject)
export class IdentityResolver {
  @Query(() => IdentityObject, {
    nullable: true,
    description:
      'The identity an alias names (an email, Okta user id, IAM user ARN or name, session ARN, access key, Kubernetes user or service account, GCP principal, Azure caller or object id, Flyte principal), with every alias found from the configuration, lookups and the events of `window` (default: the last 7 days). Null when nothing knows the ref: no configured alias, no lookup hit, no event in the window.',
  })
  async identity(
    @Arg('ref', () => String) ref: string,
    @Arg('window', () => TimeWindowInput, { nullable: true, description: 'whose events discovery reads; default the last 7 days (P7D)' }) window: TimeWindowInput | null,
    @Ctx() ctx: RequestContext,
  ): Promise<IdentityObject | null> {
    const trimmed = ref.trim();
    if (trimmed === '') throw new AuditgraphError(ErrorCode.BAD_FILTER, 'identity(ref): give an alias (an email, an id, an ARN, an access key…)');
    const found = await identitiesOf(ctx).find(trimmed, window ? toWindow(window, ctx) : undefined);
    return found ? toIdentityObject(found.identity, found.discovery) : null;
  }

  @FieldResolver(() => EventConnectionObject, {
    description: "The identity's events from every source, each source asked only for the aliases it understands (see `sources.pushedDown`); each edge's evidence names the alias that matched and how it is tied to the identity.",
  })
  async events(
    @Root() identity: IdentityObject,
    @Arg('window', () => TimeWindowInput) window: TimeWindowInput,
    @Arg('filter', () => EventFilterInput, { nullable: true, description: 'further conditions; `identity` is this identity and must be left out' }) filter: EventFilterInput | null,
    @Arg('order', () => SortOrder, { nullable: true, defaultValue: SortOrder.NEWEST_FIRST }) order: SortOrder | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 100, description: '1 to 1000' }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<EventConnectionObject> {
    const req = identitiesOf(ctx).eventsRequest(identity.resolved, { window: toWindow(window, ctx), filter: toFilter(filter), order, first, after });
    return toConnection(await ctx.engine.events(req, ctx.signal));
  }

  @FieldResolver(() => QueryPlanObject, { description: 'What `events` would ask of every source for this identity, without reading any event.' })
  async explain(
    @Root() identity: IdentityObject,
    @Arg('window', () => TimeWindowInput) window: TimeWindowInput,
    @Arg('filter', () => EventFilterInput, { nullable: true }) filter: EventFilterInput | null,
    @Arg('order', () => SortOrder, { nullable: true, defaultValue: SortOrder.NEWEST_FIRST }) order: SortOrder | null,
    @Ctx() ctx: RequestContext,
  ): Promise<QueryPlanObject> {
    const req = identitiesOf(ctx).eventsRequest(identity.resolved, { window: toWindow(window, ctx), filter: toFilter(filter), order, first: 100 });
    return toQueryPlan(await ctx.engine.explain(req));
  }
}
