import 'reflect-metadata';
import { printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { ActorResolver, EventActorResolver } from '../resolvers/actor.resolver';
import { AuditEventResolver, EventsResolver, SourceStatusResolver } from '../resolvers/event.resolver';
import { HistogramResolver, HistogramSeriesResolver, IdentityHistogramResolver } from '../resolvers/histogram.resolver';
import { IdentityResolver } from '../resolvers/identity.resolver';
import { RunResolver } from '../resolvers/run.resolver';
import { SourcePlanResolver, SourceResolver } from '../resolvers/source.resolver';
import './enums';

export const RESOLVERS = [EventsResolver, AuditEventResolver, SourceStatusResolver, SourceResolver, SourcePlanResolver, RunResolver, IdentityResolver, EventActorResolver, ActorResolver, HistogramResolver, IdentityHistogramResolver, HistogramSeriesResolver] as const;

export async function buildAuditgraphSchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: RESOLVERS, validate: false });
}

/** The SDL committed as schema.graphql. */
export async function schemaSDL(): Promise<string> {
  return `${printSchema(await buildAuditgraphSchema())}\n`;
}
