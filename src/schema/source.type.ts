import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import type { Capabilities, FilterPushdown, SourceHealth } from '../domain';
import { SortOrder, SourceKind } from './enums';
import { DateTimeScalar } from './scalars';

/** The declaration as the API shows it; how values are translated (`translate`) is shown per query by `explain`. */
@ObjectType({ description: 'A filter field the source sends upstream.' })
export class FilterPushdownObject implements Omit<FilterPushdown, 'translate'> {
  @Field(() => String)
  field!: FilterPushdown['field'];

  @Field(() => Int, { description: 'alternative values one upstream request can carry' })
  maxValues!: number;

  @Field(() => String, { description: 'the upstream parameter it becomes' })
  upstream!: string;
}

@ObjectType()
export class PageSizeObject {
  @Field(() => Int)
  default!: number;

  @Field(() => Int)
  max!: number;
}

@ObjectType()
export class RateLimitObject {
  @Field(() => Int)
  requests!: number;

  @Field(() => Float)
  perMs!: number;

  @Field(() => String, { description: 'sources with the same scope share one token bucket' })
  scope!: string;
}

@ObjectType('Capabilities', { description: 'What the source can do upstream; the planner decides pushdown from it.' })
export class CapabilitiesObject implements Capabilities {
  @Field(() => [SortOrder], { description: 'orders the upstream returns natively' })
  orders!: SortOrder[];

  @Field(() => [FilterPushdownObject], { description: 'pushable fields, most selective first' })
  pushdown!: FilterPushdown[];

  @Field(() => Int, { description: 'filter fields one upstream request can carry at once' })
  maxPushedFields!: number;

  @Field(() => PageSizeObject)
  pageSize!: { default: number; max: number };

  @Field(() => RateLimitObject, { nullable: true })
  rateLimit?: { requests: number; perMs: number; scope: string };

  @Field(() => Int, { nullable: true, description: 'how far back the upstream keeps events; null for archives' })
  retentionDays?: number;

  @Field(() => Boolean, { description: 'archives: files are skipped by the time in their paths and names' })
  partitionPruning!: boolean;
}

@ObjectType('SourceHealth')
export class SourceHealthObject implements SourceHealth {
  @Field(() => Boolean)
  ok!: boolean;

  @Field(() => String)
  message!: string;

  @Field(() => DateTimeScalar)
  checkedAt!: Date;
}

@ObjectType('Source', { description: 'One configured source instance. `health` checks it when asked.' })
export class SourceObject {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'okta, flyte, k8s-audit, cloudtrail, gcp-audit or azure-activity' })
  type!: string;

  @Field(() => SourceKind)
  kind!: SourceKind;

  @Field(() => String, { description: 'api, archive, file or cloudwatch' })
  mode!: string;

  @Field(() => String, { description: 'where it reads from (path, endpoint, region); never a secret' })
  location!: string;

  @Field(() => CapabilitiesObject)
  capabilities!: Capabilities;
}
