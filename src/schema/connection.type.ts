import { Field, ObjectType } from 'type-graphql';
import type { AuditEvent, SourceStatus, TimeWindow } from '../domain';
import { SortOrder } from './enums';
import { AuditEventObject } from './event.type';
import { SourceStatusObject } from './status.type';
import { TimeWindowObject } from './window.type';

@ObjectType('PageInfo')
export class PageInfoObject {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor?: string;

  @Field(() => String, { nullable: true, description: 'pass as `after` for the next page, with the same window, filter and order' })
  endCursor?: string;
}

@ObjectType('EventEdge')
export class EventEdgeObject {
  @Field(() => String)
  cursor!: string;

  @Field(() => AuditEventObject)
  node!: AuditEvent;

  @Field(() => [String], { description: 'why this event matched an identity or a run (empty for plain filters)' })
  evidence!: string[];
}

@ObjectType('EventConnection', { description: 'One page of the merged, time-ordered stream, with what every source did for it.' })
export class EventConnectionObject {
  @Field(() => [EventEdgeObject])
  edges!: EventEdgeObject[];

  @Field(() => PageInfoObject)
  pageInfo!: PageInfoObject;

  @Field(() => TimeWindowObject, { description: 'the window resolved on the first page (fixed for every later page)' })
  window!: TimeWindow;

  @Field(() => SortOrder)
  order!: SortOrder;

  @Field(() => [SourceStatusObject], { description: 'one per selected source' })
  sources!: SourceStatus[];
}
