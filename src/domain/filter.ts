import { EventCategory, Outcome, SourceKind } from './event';

/**
 * What a query asks for. Values inside one field are alternatives (OR); fields combine with AND.
 * `sources` and `kinds` select source instances; the rest are matched against events.
 */
export interface EventFilter {
  sources?: string[];
  kinds?: SourceKind[];
  identity?: string[];
  runId?: string[];
  action?: string[];
  category?: EventCategory[];
  outcome?: Outcome[];
  sourceIp?: string[];
  resource?: string;
}

/** The filter fields matched against events (as opposed to those that select sources). */
export type EventFilterField = 'identity' | 'runId' | 'action' | 'category' | 'outcome' | 'sourceIp' | 'resource';

export const EVENT_FILTER_FIELDS: readonly EventFilterField[] = [
  'identity',
  'runId',
  'action',
  'category',
  'outcome',
  'sourceIp',
  'resource',
];

/** The part of a filter a source is asked to apply upstream. */
export type PushedFilter = Pick<EventFilter, EventFilterField>;
