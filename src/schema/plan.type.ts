import { Field, Int, ObjectType } from 'type-graphql';
import type { TimeWindow } from '../domain';
import { SortOrder } from './enums';
import { TimeWindowObject } from './window.type';

@ObjectType('SourcePlan', { description: 'How one source takes part in a query. `source` resolves to the source.' })
export class SourcePlanObject {
  sourceId!: string;

  @Field(() => Boolean, { description: 'false when the whole window is outside the source\'s retention' })
  queried!: boolean;

  @Field(() => TimeWindowObject, { nullable: true })
  window?: TimeWindow;

  @Field(() => [String])
  pushedDown!: string[];

  @Field(() => [String])
  residual!: string[];

  @Field(() => Boolean, { description: 'whether the source returns the asked order itself' })
  nativeOrder!: boolean;

  @Field(() => String, { nullable: true, description: 'the upstream request, in words (live sources)' })
  request?: string;

  @Field(() => [String], { nullable: true, description: 'archives: the files the window selects' })
  partitions?: string[];

  @Field(() => Int, { nullable: true, description: 'archives: how many files there are in all' })
  partitionsTotal?: number;

  @Field(() => [String])
  notes!: string[];
}

@ObjectType('QueryPlan', { description: 'What a query would ask of every selected source, without reading any event.' })
export class QueryPlanObject {
  @Field(() => TimeWindowObject)
  window!: TimeWindow;

  @Field(() => SortOrder)
  order!: SortOrder;

  @Field(() => [SourcePlanObject])
  sources!: SourcePlanObject[];
}
