/** Which stream of a container a log line was written to. */
export enum LogStream {
  STDOUT = 'STDOUT',
  STDERR = 'STDERR',
}

/** One line a task's container printed, where it was read from. */
export interface LogLine {
  /** when the container runtime received it (the CRI log's own timestamp, nanoseconds kept in `timeNs`) */
  time: Date;
  /** the timestamp as written, RFC 3339 with up to nanoseconds: orders lines within one millisecond */
  timeNs: string;
  stream: LogStream;
  text: string;
  namespace: string;
  pod: string;
  container: string;
  /** the container's restart count (the kubelet's `<n>.log`): 0 for the first run of the container */
  restart: number;
  /** the task log source (`taskLogs[].id`) that read it */
  source: string;
}

/** A pod whose logs are asked for. */
export interface PodRef {
  namespace: string;
  name: string;
}

/** What one task log source did for one read: files read, lines, what was malformed, redacted. */
export interface TaskLogStats {
  files: number;
  /** files read only up to damage (a truncated or corrupt gzip rotation): what decoded before it is returned */
  filesDamaged: number;
  malformed: number;
  malformedSamples: string[];
  /** secrets replaced by a marker in the lines returned */
  redactions: number;
  notes: string[];
}

/**
 * Where a run's task logs are read from (`taskLogs:` in the config): today the kubelet's CRI log files on disk
 * (`type: files`). Lines come in time order per container; `pods` it has nothing for give no lines (and a note).
 */
export interface TaskLogSource {
  readonly id: string;
  readonly type: string;
  lines(pods: PodRef[], stats: TaskLogStats, signal: AbortSignal): AsyncIterable<LogLine>;
}

export function newTaskLogStats(): TaskLogStats {
  return { files: 0, filesDamaged: 0, malformed: 0, malformedSamples: [], redactions: 0, notes: [] };
}
