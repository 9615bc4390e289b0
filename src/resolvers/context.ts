import type { AppConfig } from '../config/config';
import type { Access, Caller } from '../domain';
import type { QueryEngine } from '../query/engine';

/** Where a request came from, as the server saw it (for the access log). */
export interface ClientInfo {
  ip?: string;
  userAgent?: string;
}

/**
 * What every resolver gets for one request. `engine` and `config` are the caller's view: they hold only the
 * sources the caller may see, so nothing below the server can reach another.
 */
export interface RequestContext {
  engine: QueryEngine;
  config: AppConfig;
  caller: Caller;
  access: Access;
  client: ClientInfo;
  /** aborts when the client goes away, so that upstream calls stop */
  signal: AbortSignal;
  /** per-request state (DataLoaders, discovered identity graphs), created on first use by `perRequest` */
  readonly memo: Map<string, unknown>;
}

export const ANONYMOUS: Caller = Object.freeze({ method: 'anonymous', subject: 'anonymous', roles: [] }) as Caller;

/** A context that sees everything `engine` holds (tests, benchmarks, an embedded caller without auth). */
export function createRequestContext(engine: QueryEngine, config: AppConfig, signal: AbortSignal, who?: { caller: Caller; access: Access; client?: ClientInfo }): RequestContext {
  const all = new Set(engine.sources.map((s) => s.id));
  return { engine, config, signal, memo: new Map(), caller: who?.caller ?? ANONYMOUS, access: who?.access ?? { sources: all, raw: all, admin: true }, client: who?.client ?? {} };
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
