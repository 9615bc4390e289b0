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
  durationMs: number;
  pushedDown: string[];
  residual: string[];
}
