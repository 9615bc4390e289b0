import { Field, InputType } from 'type-graphql';
import type { EventFilter } from '../domain';
import { EventCategory, Outcome, SourceKind } from './enums';

@InputType({ description: 'Values inside one field are alternatives (OR); fields combine with AND.' })
export class EventFilterInput implements EventFilter {
  @Field(() => [String], { nullable: true, description: 'source ids from the config' })
  sources?: string[];

  @Field(() => [SourceKind], { nullable: true })
  kinds?: SourceKind[];

  @Field(() => [String], { nullable: true, description: "an actor's name, id or alias (email, Okta id, ARN, access key, Kubernetes user…), case-insensitive" })
  identity?: string[];

  @Field(() => [String], { nullable: true, description: 'a run ID, `project/domain/name` or the bare execution name' })
  runId?: string[];

  @Field(() => [String], { nullable: true, description: 'normalized or upstream action name, case-insensitive; `*` is a wildcard (`iam:*`)' })
  action?: string[];

  @Field(() => [EventCategory], { nullable: true })
  category?: EventCategory[];

  @Field(() => [Outcome], { nullable: true })
  outcome?: Outcome[];

  @Field(() => [String], { nullable: true, description: 'IPv4 or IPv6 address, exact' })
  sourceIp?: string[];

  @Field(() => String, { nullable: true, description: "a substring of a target's name or id, case-insensitive" })
  resource?: string;
}
