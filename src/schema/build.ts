import 'reflect-metadata';
import { printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AuditEventResolver, EventsResolver, SourceStatusResolver } from '../resolvers/event.resolver';
import { SourcePlanResolver, SourceResolver } from '../resolvers/source.resolver';
import './enums';

export const RESOLVERS = [EventsResolver, AuditEventResolver, SourceStatusResolver, SourceResolver, SourcePlanResolver] as const;

export async function buildAuditgraphSchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: RESOLVERS, validate: false });
}

/** The SDL committed as schema.graphql. */
export async function schemaSDL(): Promise<string> {
  return `${printSchema(await buildAuditgraphSchema())}\n`;
}
