import { Field, Float, Int, ObjectType } from 'type-graphql';
import type { AuditEvent } from '../domain';
import type { TailSourceStatus } from '../query/tail';
import { AuditEventObject } from './event.type';

@ObjectType('TailSourceStatus', { description: 'How one source is followed: its delivery lag, how far it is delivered, and whether its polls succeed.' })
export class TailSourceStatusObject implements TailSourceStatus {
  @Field(() => String, { description: 'the source id' })
  source!: string;

  @Field(() => String, { description: 'FOLLOWING, or RETRYING when the last poll failed (message): the next retries from the same place' })
  state!: 'FOLLOWING' | 'RETRYING';

  @Field(() => String, { nullable: true })
  message?: string;

  @Field(() => Float, { description: "an event is sent once this long has passed since its time: the source's delivery lag" })
  lagMs!: number;

  @Field(() => Float)
  pollMs!: number;

  @Field(() => String, { description: 'where the lag comes from' })
  lag!: string;

  @Field(() => String, { description: 'every event of this source before this time has been sent' })
  settledUntil!: string;

  @Field(() => Int)
  polls!: number;

  @Field(() => Int)
  events!: number;

  @Field(() => Int)
  failures!: number;

  @Field(() => Int, { description: 'secrets replaced by a `[redacted: …]` marker in the events sent so far (SourceStatus.redactions)' })
  redactions!: number;
}

@ObjectType('TailMessage', { description: 'One message of a tail: an event, or a status of every followed source. Reconnect with `resumeToken` to lose and repeat nothing.' })
export class TailMessageObject {
  @Field(() => String, { description: 'pass as `after` to go on from right after this message' })
  resumeToken!: string;

  @Field(() => AuditEventObject, { nullable: true, description: 'the event (null in a status message)' })
  event?: AuditEvent | null;

  @Field(() => [TailSourceStatusObject], { nullable: true, description: 'each source\'s follow status (status messages only)' })
  sources?: TailSourceStatus[] | null;
}
