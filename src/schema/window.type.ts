import { Field, ObjectType } from 'type-graphql';
import type { TimeWindow } from '../domain';
import { DateTimeScalar } from './scalars';

@ObjectType('TimeWindow', { description: 'A resolved half-open window [from, to).' })
export class TimeWindowObject implements TimeWindow {
  @Field(() => DateTimeScalar)
  from!: Date;

  @Field(() => DateTimeScalar)
  to!: Date;
}
