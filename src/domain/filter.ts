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

/**
 * The `action` rule, shared by the engine's local match and the sources that translate it: a value matches a name
 * without regard to case, and `*` stands for any run of characters (also none). No other character is special.
 */
export function actionPattern(pattern: string): (name: string) => boolean {
  const p = pattern.toLowerCase();
  if (!p.includes('*')) return (name) => name.toLowerCase() === p;
  const re = new RegExp(`^${p.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
  return (name) => re.test(name.toLowerCase());
}

/** The literal runs of an `action` pattern: `iam:Create*Key` -> head `iam:Create`, tail `Key`, pieces both. */
export interface ActionPatternParts {
  wildcard: boolean;
  /** the text before the first `*` (the whole value when there is none) */
  head: string;
  /** the text after the last `*` ('' without a wildcard) */
  tail: string;
  /** every non-empty literal run, in order */
  pieces: string[];
}

export function actionPatternParts(pattern: string): ActionPatternParts {
  const runs = pattern.split('*');
  return {
    wildcard: runs.length > 1,
    head: runs[0],
    tail: runs.length > 1 ? runs[runs.length - 1] : '',
    pieces: runs.filter((r) => r !== ''),
  };
}
