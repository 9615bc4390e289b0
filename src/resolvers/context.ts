import type { AppConfig } from '../config/config';
import type { QueryEngine } from '../query/engine';

/** What every resolver gets for one HTTP request. */
export interface RequestContext {
  engine: QueryEngine;
  config: AppConfig;
  /** aborts when the client goes away, so that upstream calls stop */
  signal: AbortSignal;
  /** per-request state (DataLoaders, discovered identity graphs), created on first use by `perRequest` */
  readonly memo: Map<string, unknown>;
}

export function createRequestContext(engine: QueryEngine, config: AppConfig, signal: AbortSignal): RequestContext {
  return { engine, config, signal, memo: new Map() };
}

/** The request's one instance of something (a set of loaders, say), made on first use. */
export function perRequest<T>(ctx: RequestContext, key: string, make: () => T): T {
  let value = ctx.memo.get(key) as T | undefined;
  if (value === undefined) {
    value = make();
    ctx.memo.set(key, value);
  }
  return value;
}
