import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { Actor, ActorAlias, AuditEvent, CloudContext, JsonValue, ResourceRef } from '../domain';
import { ActorType, AliasKind, EventCategory, Outcome } from './enums';
import { DateTimeScalar, JSONScalar } from './scalars';

@ObjectType({ description: 'A name the actor goes by in this record, and the field it was read from.' })
export class ActorAliasObject implements ActorAlias {
  @Field(() => AliasKind)
  kind!: AliasKind;

  @Field(() => String)
  value!: string;

  @Field(() => String, { description: 'the record field, e.g. `userIdentity.arn`' })
  field!: string;
}

@ObjectType('Actor', { description: 'Who did it (OCSF `actor`).' })
export class ActorObject implements Actor {
  @Field(() => String)
  name!: string;

  @Field(() => ActorType)
  type!: ActorType;

  @Field(() => String, { nullable: true, description: "the upstream's stable id for the actor" })
  uid?: string;

  @Field(() => String, { nullable: true })
  sessionId?: string;

  @Field(() => String, { nullable: true, description: 'who really made the request when the actor was impersonated or delegated to' })
  onBehalfOf?: string;

  @Field(() => [ActorAliasObject])
  aliases!: ActorAlias[];
}

@ObjectType('ResourceRef', { description: 'What the action was done to.' })
export class ResourceRefObject implements ResourceRef {
  @Field(() => String)
  type!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  uid?: string;

  @Field(() => String, { nullable: true })
  namespace?: string;
}

@ObjectType('CloudContext')
export class CloudContextObject implements CloudContext {
  @Field(() => String, { description: 'aws, gcp, azure, kubernetes, okta or flyte' })
  provider!: string;

  @Field(() => String, { nullable: true, description: 'AWS account, GCP project, Azure subscription, Okta org or cluster' })
  account?: string;

  @Field(() => String, { nullable: true })
  region?: string;
}

type EventFields = Omit<AuditEvent, 'sourceId' | 'sourceType'>;

@ObjectType('AuditEvent', { description: 'One audit record from one source, normalized (OCSF-aligned). `source` resolves to the source it came from.' })
export class AuditEventObject implements EventFields {
  @Field(() => ID, { description: 'unique within its source' })
  id!: string;

  @Field(() => DateTimeScalar)
  time!: Date;

  @Field(() => EventCategory)
  category!: EventCategory;

  @Field(() => Int, { description: 'OCSF class: 1006 Scheduled Job, 3001 Account Change, 3002 Authentication, 3005 User Access, 3006 Group Management, 6003 API Activity' })
  ocsfClassUid!: number;

  @Field(() => String, { description: 'normalized action, e.g. `iam:CreateAccessKey`, `secrets.list`, `user.session.start`' })
  action!: string;

  @Field(() => String, { description: "the upstream's own name for the action" })
  rawAction!: string;

  @Field(() => ActorObject)
  actor!: Actor;

  @Field(() => [ResourceRefObject])
  targets!: ResourceRef[];

  @Field(() => Outcome)
  outcome!: Outcome;

  @Field(() => String, { nullable: true })
  outcomeReason?: string;

  @Field(() => String, { nullable: true })
  sourceIp?: string;

  @Field(() => String, { nullable: true })
  userAgent?: string;

  @Field(() => String, { nullable: true, description: 'the workflow run (`project/domain/name`) the record names' })
  runId?: string;

  @Field(() => String, { nullable: true, description: 'the upstream request or transaction id (OCSF metadata.correlation_uid)' })
  correlationId?: string;

  @Field(() => CloudContextObject, { nullable: true })
  cloud?: CloudContext;

  @Field(() => JSONScalar, { description: 'the record exactly as the source returned it' })
  raw!: JsonValue;
}
