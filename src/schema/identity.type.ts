import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { TimeWindow } from '../domain';
import type { ResolvedIdentity } from '../correlation/identity';
import { AliasKind } from './enums';
import { TimeWindowObject } from './window.type';

@ObjectType('IdentityAlias', { description: 'One name the identity goes by, and why it is taken for this identity.' })
export class IdentityAliasObject {
  @Field(() => AliasKind)
  kind!: AliasKind;

  @Field(() => String)
  value!: string;

  @Field(() => String, { nullable: true, description: 'the cluster (k8s source id) a Kubernetes username belongs to' })
  scope?: string;

  @Field(() => String, { description: 'the rule that tied it: config.*, lookup.*, aws.*, okta.actor, same-value… (`canonical` for the identity\'s own name)' })
  rule!: string;

  @Field(() => String, { description: 'why, in words, with the event (source, id, time) or lookup it was read from' })
  evidence!: string;

  @Field(() => [String], { description: 'what does not add up: a key used by another principal, a link refused because it would merge two people' })
  flags!: string[];
}

@ObjectType('IdentityDiscovery', { description: 'How `identity(ref)` found the aliases: what it read, and whether it stopped at a bound.' })
export class IdentityDiscoveryObject {
  @Field(() => TimeWindowObject, { description: 'the window whose events were read' })
  window!: TimeWindow;

  @Field(() => Int, { description: 'rounds of "search the new aliases" (identity.discovery.maxRounds bounds them)' })
  rounds!: number;

  @Field(() => Int, { description: 'engine queries (pages) made' })
  queries!: number;

  @Field(() => Int, { description: 'events read (identity.discovery.maxEvents bounds them)' })
  eventsRead!: number;

  @Field(() => Int, { description: 'Okta user lookups sent in this request' })
  oktaLookups!: number;

  @Field(() => Int, { description: 'Kubernetes ServiceAccount lookups sent in this request' })
  kubernetesLookups!: number;

  @Field(() => Boolean, { description: 'the event budget ran out: aliases only older events show may be missing' })
  truncated!: boolean;

  @Field(() => Boolean, { description: "the deadline all rounds share (query.deadlineMs) ran out: aliases the rest of the window would show may be missing" })
  timedOut!: boolean;

  @Field(() => [String])
  notes!: string[];
}

@ObjectType('Identity', { description: 'One person or workload across every trail: its aliases, each with evidence, and its events.' })
export class IdentityObject {
  @Field(() => ID, { description: 'the canonical alias (an email for a person); `identity(ref:)` takes it back' })
  id!: string;

  @Field(() => String, { description: 'the best human name: the email, the IAM user name, the service account' })
  displayName!: string;

  @Field(() => [IdentityAliasObject])
  aliases!: IdentityAliasObject[];

  @Field(() => [String], { description: 'names shared with other principals and therefore not tied, failed lookups' })
  notes!: string[];

  @Field(() => IdentityDiscoveryObject, { nullable: true, description: 'set by `identity(ref)`; null for an actor\'s identity (resolved from the events the request read)' })
  discovery?: IdentityDiscoveryObject;

  /** the graph's identity behind this object, for `events` and `explain` */
  resolved!: ResolvedIdentity;
}
