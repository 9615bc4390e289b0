import type { SourceKind, SourceType } from './event';
import type { SourceMode } from './source';
import type { TimeWindow } from './window';

export enum SourceState {
  /** answered the whole window asked */
  OK = 'OK',
  /** answered, but for a narrower window than asked (retention); see `message` */
  CLAMPED = 'CLAMPED',
  FAILED = 'FAILED',
  TIMED_OUT = 'TIMED_OUT',
  /** throttled past its retry budget */
  THROTTLED = 'THROTTLED',
  /**
   * archives: answered from everything it could read, but some files or folders could not be read at all
   * (permissions, I/O errors, links whose target is gone): `partitionsUnreadable` and `message` say which
   */
  PARTIAL = 'PARTIAL',
  /**
   * archives: the root holds no file the reader recognizes as a partition of its layout, in any window: an empty
   * or misconfigured archive, not a quiet hour. `message` says what was looked for; `health` says the same
   */
  EMPTY = 'EMPTY',
}

/** What one source did for one page of one query. */
export interface SourceStatus {
  sourceId: string;
  sourceType: SourceType;
  kind: SourceKind;
  mode: SourceMode;
  state: SourceState;
  message?: string;
  /** the window this source was asked for, after cursor narrowing and retention clamping */
  window?: TimeWindow;
  requests: number;
  eventsScanned: number;
  eventsMatched: number;
  eventsReturned: number;
  malformed: number;
  malformedSamples: string[];
  throttled: number;
  bytesRead: number;
  partitionsRead: number;
  partitionsPruned: number;
  /** identical copies of records merged into one event (each counted on the page that returns the event) */
  duplicates: number;
  /** events returned that share their id and time with a different record of the same source (all are returned) */
  idConflicts: number;
  /** archives: files and folders under the root that the reader does not recognize, not read (samples in `message`) */
  partitionsIgnored: number;
  /** archives: files read only in part (truncated or corrupt gzip, garbage appended, a cut JSON document) */
  partitionsDamaged: number;
  /** archives: files and folders that could not be read at all (see state PARTIAL) */
  partitionsUnreadable: number;
  /** live sources: upstream pages served from the page cache instead of a request (not in `requests`) */
  cacheHits: number;
  /** archives: records of eventsScanned skipped unparsed because their text holds none of the filter's values */
  prefiltered: number;
  /** records whose `raw` was larger than the source's `maxRawBytes` and was cut, with a marker */
  rawTruncated: number;
  /**
   * secrets replaced by a marker in what this page returned of the source: values in the raw records of its events
   * (Kubernetes Secret data, values under secret-named keys, credentials in text) and in the malformed samples
   */
  redactions: number;
  durationMs: number;
  pushedDown: string[];
  residual: string[];
}
