import { Field, Float, Int, ObjectType } from 'type-graphql';
import type { SourceStatus, TimeWindow } from '../domain';
import type { HistogramSeries } from '../query/histogram';
import { DateTimeScalar } from './scalars';
import { SourceStatusObject } from './status.type';
import { TimeWindowObject } from './window.type';

@ObjectType('HistogramSeries', { description: "One source's counts per bucket. `source` resolves to the source." })
export class HistogramSeriesObject implements HistogramSeries {
  sourceId!: string;

  @Field(() => [Int], { description: 'matching events per bucket (only those inside the window)' })
  counts!: number[];

  @Field(() => Int)
  total!: number;

  @Field(() => Boolean, { description: 'false when the count stopped early (budget, failure, deadline, retention): see `counted` and the status' })
  complete!: boolean;

  @Field(() => TimeWindowObject, { nullable: true, description: 'the part of the window whose every event was counted; null when none was' })
  counted!: TimeWindow | null;
}

@ObjectType('EventHistogram', {
  description:
    'How many matching events each source holds per time bucket over the window. Counting reads the whole window (not one page), up to a budget per source; `complete` and each series say whether everything was counted.',
})
export class EventHistogramObject {
  @Field(() => TimeWindowObject)
  window!: TimeWindow;

  @Field(() => Float, { description: 'the width of a bucket: 1 s, 5 s … 1 h … 1 d, the smallest that fits the asked number' })
  bucketMs!: number;

  @Field(() => [DateTimeScalar], { description: 'bucket i covers [bucketStarts[i], + bucketMs), aligned to UTC multiples of bucketMs' })
  bucketStarts!: Date[];

  @Field(() => [HistogramSeriesObject], { description: 'one per selected source' })
  series!: HistogramSeries[];

  @Field(() => Boolean, { description: 'every series counted the whole window' })
  complete!: boolean;

  @Field(() => [SourceStatusObject], { description: 'what each source did for the count' })
  sources!: SourceStatus[];
}
