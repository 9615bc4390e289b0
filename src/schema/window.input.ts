import { Field, InputType } from 'type-graphql';
import { DateTimeScalar } from './scalars';

@InputType({ description: 'A half-open time window [from, to). Give `from` (and `to`, default now) or `last` (an ISO-8601 duration such as PT1H, ending at `to` or now).' })
export class TimeWindowInput {
  @Field(() => DateTimeScalar, { nullable: true })
  from?: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  to?: Date;

  @Field(() => String, { nullable: true, description: 'ISO-8601 duration: PT15M, PT1H, P1D, P7D, P1DT12H' })
  last?: string;
}
