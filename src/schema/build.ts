import 'reflect-metadata';
import { printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { ActorResolver, EventActorResolver } from '../resolvers/actor.resolver';
import { AuditEventResolver, EventsResolver, SourceStatusResolver } from '../resolvers/event.resolver';
import { HistogramResolver, HistogramSeriesResolver, IdentityHistogramResolver } from '../resolvers/histogram.resolver';
import { IdentityResolver } from '../resolvers/identity.resolver';
import { RunResolver } from '../resolvers/run.resolver';
import { SourcePlanResolver, SourceResolver } from '../resolvers/source.resolver';
import { TailResolver } from '../resolvers/tail.resolver';
import './enums';

export const RESOLVERS = [EventsResolver, AuditEventResolver, SourceStatusResolver, SourceResolver, SourcePlanResolver, RunResolver, IdentityResolver, EventActorResolver, ActorResolver, HistogramResolver, IdentityHistogramResolver, HistogramSeriesResolver, TailResolver] as const;

export async function buildAuditgraphSchema(): Promise<GraphQLSchema> {
  // every subscription brings its own `subscribe` (no topics), but type-graphql wants a PubSub to exist
  const pubSub = { publish: () => undefined, subscribe: () => { throw new Error('no topics: subscriptions subscribe themselves'); } };
  return buildSchema({ resolvers: RESOLVERS, validate: false, pubSub });
}

/** The SDL committed as schema.graphql. */
export async function schemaSDL(): Promise<string> {
  return `${printSchema(await buildAuditgraphSchema())}\n`;
}
