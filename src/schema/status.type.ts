import { Field, Float, Int, ObjectType } from 'type-graphql';
import type { SourceStatus, TimeWindow } from '../domain';
import { SourceState } from './enums';
import { TimeWindowObject } from './window.type';

type StatusFields = Omit<SourceStatus, 'sourceId' | 'sourceType' | 'kind' | 'mode'>;

@ObjectType('SourceStatus', { description: 'What one source did for this page: nothing is hidden, a failing source does not fail the query.' })
export class SourceStatusObject implements StatusFields {
  @Field(() => SourceState)
  state!: SourceState;

  @Field(() => String, { nullable: true, description: 'why it failed, was clamped, throttled, partial or empty; files not recognized, damaged or unreadable; malformed record samples; order notes' })
  message?: string;

  @Field(() => TimeWindowObject, { nullable: true, description: 'the window asked of this source after cursor narrowing and retention clamping' })
  window?: TimeWindow;

  @Field(() => Int, { description: 'upstream requests (API calls, or files opened for archives)' })
  requests!: number;

  @Field(() => Int, { description: 'raw records read' })
  eventsScanned!: number;

  @Field(() => Int, { description: 'events that passed every filter (some may be left for the next page)' })
  eventsMatched!: number;

  @Field(() => Int, { description: 'events of this source in this page' })
  eventsReturned!: number;

  @Field(() => Int, { description: 'records that could not be read, counted and skipped' })
  malformed!: number;

  @Field(() => [String])
  malformedSamples!: string[];

  @Field(() => Int, { description: 'throttling replies absorbed by waiting' })
  throttled!: number;

  @Field(() => Float)
  bytesRead!: number;

  @Field(() => Int, { description: 'archives: files opened' })
  partitionsRead!: number;

  @Field(() => Int, { description: 'archives: files (or folders) skipped by the time in their paths and names' })
  partitionsPruned!: number;

  @Field(() => Int, {
    description:
      'identical copies of records merged into one event (CloudTrail delivers at least once, exports get re-run), each counted on the page that returns the event; Kubernetes stage lines read twice and Flyte runs in several exports are merged by their source and counted as read',
  })
  duplicates!: number;

  @Field(() => Int, {
    description: 'events of this page that share their id and time with a different record of the same source: all are returned, each flagged in `EventEdge.idConflict`, samples in `message`',
  })
  idConflicts!: number;

  @Field(() => Int, { description: 'archives: files and folders under the root the reader does not recognize, not read; `message` names the first few and why' })
  partitionsIgnored!: number;

  @Field(() => Int, { description: 'archives: files read only up to damage (truncated or corrupt gzip, garbage appended, a cut JSON document); what decoded before it is returned' })
  partitionsDamaged!: number;

  @Field(() => Int, { description: 'archives: files and folders that could not be read at all (permissions, I/O errors, a link whose target is gone); the state is then PARTIAL' })
  partitionsUnreadable!: number;

  @Field(() => Int, {
    description:
      'live sources: upstream pages served from the page cache instead of a request (not counted in `requests`). A window that has settled (its end older than the source\'s delivery lag) is served again without asking the upstream; an open window\'s pages are kept for seconds. Archives: files served decoded from the file cache instead of read (not counted in `partitionsRead` or `bytesRead`; what they hold is counted as if read)',
  })
  cacheHits!: number;

  @Field(() => Int, {
    description:
      'archives: records of eventsScanned skipped without being parsed, because their text holds none of the strings the filter needs (an identity\'s aliases, the source IP, the run\'s execution name, compared without regard to case and after JSON escapes): they cannot match',
  })
  prefiltered!: number;

  @Field(() => Int, { description: 'records whose raw was larger than the source\'s maxRawBytes: returned, with raw cut and marked `truncated`' })
  rawTruncated!: number;

  @Field(() => Int, {
    description:
      'secrets replaced by a `[redacted: …]` marker in what this page returned of the source: values in its events\' raw records (Kubernetes Secret data, values under secret-named keys such as password or Authorization, bearer tokens, JWTs and private keys in text) and in the malformed samples; the normalized fields are never redacted (redaction: in the config)',
  })
  redactions!: number;

  @Field(() => Float)
  durationMs!: number;

  @Field(() => [String], { description: 'filters sent upstream, and as what' })
  pushedDown!: string[];

  @Field(() => [String], { description: 'filters applied here, and why they were not pushed down' })
  residual!: string[];
}
