import { Field, Int, ObjectType } from 'type-graphql';
import type { AuditEvent, SourceStatus, TimeWindow } from '../domain';
import { SortOrder } from './enums';
import { AuditEventObject } from './event.type';
import { SourceStatusObject } from './status.type';
import { TimeWindowObject } from './window.type';

@ObjectType('PageInfo')
export class PageInfoObject {
  @Field(() => Boolean, { description: 'whether the sources that answer have more; a source left out of this page does not count (see `complete`)' })
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor?: string;

  @Field(() => String, {
    nullable: true,
    description: 'pass as `after` for the next page, with the same window, filter and order; it also remembers where each source that did not answer stood, so the next page asks it again from there',
  })
  endCursor?: string;
}

@ObjectType('IdConflict', { description: 'Other, different records of the same source share this event\'s id and time: each is returned as its own edge.' })
export class IdConflictObject {
  @Field(() => String, { description: "a digest of this record's content (its raw record included), which tells it from the others" })
  digest!: string;

  @Field(() => Int, { description: 'how many different records share the id and time (2 or more)' })
  records!: number;
}

@ObjectType('EventEdge')
export class EventEdgeObject {
  @Field(() => String)
  cursor!: string;

  @Field(() => AuditEventObject)
  node!: AuditEvent;

  @Field(() => [String], { description: 'why this event matched an identity or a run (empty for plain filters)' })
  evidence!: string[];

  @Field(() => Int, { description: 'identical copies of this record the source returned (at-least-once delivery, re-run exports), merged into this edge; 0 when it came once' })
  duplicates!: number;

  @Field(() => IdConflictObject, { nullable: true, description: 'set when a different record of the same source has this id and time: never merged, never dropped, flagged here' })
  idConflict?: IdConflictObject;
}

@ObjectType('EventConnection', { description: 'One page of the merged, time-ordered stream, with what every source did for it.' })
export class EventConnectionObject {
  @Field(() => [EventEdgeObject])
  edges!: EventEdgeObject[];

  @Field(() => PageInfoObject)
  pageInfo!: PageInfoObject;

  @Field(() => Boolean, {
    description:
      'false when a selected source did not contribute fully: it failed, was throttled or timed out on this page, was left out, or is still behind where the page ends (see `sources`). true: this page and those before it on the same cursor hold every event of every selected source up to the end of this page. A client paging an export is done when hasNextPage is false and complete is true.',
  })
  complete!: boolean;

  @Field(() => TimeWindowObject, { description: 'the window resolved on the first page (fixed for every later page)' })
  window!: TimeWindow;

  @Field(() => SortOrder)
  order!: SortOrder;

  @Field(() => [SourceStatusObject], { description: 'one per selected source' })
  sources!: SourceStatus[];
}
