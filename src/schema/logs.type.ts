import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { LogStream } from '../domain';
import { PageInfoObject } from './connection.type';
import { DateTimeScalar } from './scalars';

registerEnumType(LogStream, { name: 'LogStream', description: 'The stream of a container a line was written to.' });

@ObjectType('LogLine', { description: "One line a task's container printed, in time order with the others." })
export class LogLineObject {
  @Field(() => DateTimeScalar, { description: "when the container runtime received it (millisecond precision; `timeNs` has the runtime's own)" })
  time!: Date;

  @Field(() => String, { description: 'the timestamp as the runtime wrote it (RFC 3339, up to nanoseconds)' })
  timeNs!: string;

  @Field(() => LogStream)
  stream!: LogStream;

  @Field(() => String, { description: 'the line, with secret-looking values redacted (redaction: in the config)' })
  text!: string;

  @Field(() => String)
  namespace!: string;

  @Field(() => String)
  pod!: string;

  @Field(() => String)
  container!: string;

  @Field(() => Int, { description: "the container's restart count: 0 for its first run" })
  restart!: number;

  @Field(() => String, { description: 'the task log source (taskLogs[].id) it was read from' })
  source!: string;
}

@ObjectType('RunLogs', { description: "The lines a run's task containers printed, in time order, from the configured task log sources." })
export class RunLogsObject {
  @Field(() => [LogLineObject])
  lines!: LogLineObject[];

  @Field(() => PageInfoObject)
  pageInfo!: PageInfoObject;

  @Field(() => [String], { description: 'the pods whose logs were looked for (`namespace/name`): the task attempts\' and those the Kubernetes audit showed' })
  pods!: string[];

  @Field(() => Int, { description: 'log files read' })
  files!: number;

  @Field(() => Int, { description: 'files read only up to damage (a truncated or corrupt gzip rotation; `notes` names them): the lines after the damage are missing' })
  filesDamaged!: number;

  @Field(() => Int, { description: 'secrets replaced by a `[redacted: …]` marker in the lines of this page' })
  redactions!: number;

  @Field(() => Int, { description: 'lines that are not CRI log records, skipped (samples in `notes`)' })
  malformed!: number;

  @Field(() => [String], { description: 'what was not found and why: no task log source configured, pods without log files, malformed samples' })
  notes!: string[];
}
