import type { QueryEngine } from '../query/engine';

/** What every resolver gets for one HTTP request. */
export interface RequestContext {
  engine: QueryEngine;
  /** aborts when the client goes away, so that upstream calls stop */
  signal: AbortSignal;
}
