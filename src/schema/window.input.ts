import { Field, InputType } from 'type-graphql';
import { DateTimeScalar } from './scalars';

@InputType({
  description:
    'A half-open time window [from, to). Give `from` (and `to`, default now), or `last` (an ISO-8601 duration such as PT1H, ending at `to` or now), or `day` (a whole UTC day, or with `time` part of it).',
})
export class TimeWindowInput {
  @Field(() => DateTimeScalar, { nullable: true })
  from?: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  to?: Date;

  @Field(() => String, { nullable: true, description: 'ISO-8601 duration: PT15M, PT1H, P1D, P7D, P1DT12H' })
  last?: string;

  @Field(() => String, {
    nullable: true,
    description: 'A UTC calendar day, YYYY-MM-DD, or "demo" for the day of the bundled demo the server serves (printed at start-up). The whole day, or with `time` part of it; not with `from`, `to` or `last`.',
  })
  day?: string;

  @Field(() => String, { nullable: true, description: 'With `day`: a span of that day, HH:MM[:SS]/HH:MM[:SS] (UTC, half-open, 24:00 for the end of the day), e.g. "08:45/10:00".' })
  time?: string;
}
