import type * as http from 'node:http';
import type { AppConfig } from '../config/config';
import { expandIdentities } from '../correlation/expand';
import type { Access, Caller } from '../domain';
import type { QueryEngine } from '../query/engine';
import { createRequestContext, type ClientInfo, type RequestContext } from '../resolvers/context';
import { Authenticator, type AuthRefusal } from './auth/authenticate';
import { callerCursorSecret, SourceViews } from './auth/views';

export type ContextResult = { ok: true; context: RequestContext } | { ok: false; refusal: AuthRefusal; client: ClientInfo };

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** What the server knows of the client: its address (the socket's: forwarded headers are not trusted) and agent. */
export function clientOf(req: http.IncomingMessage): ClientInfo {
  return { ip: req.socket.remoteAddress?.replace(/^::ffff:/, ''), userAgent: header(req, 'user-agent') };
}

/**
 * The one way from an HTTP request to what a resolver, an export or a tail may use: authenticate the caller,
 * decide what they may see (once, before anything is planned), and hand back a context whose engine and config
 * hold only those sources, with cursors bound to the caller. Every route over the data goes through `fromHttp`.
 */
export class RequestContexts {
  readonly authenticator: Authenticator;
  private readonly views: SourceViews;

  constructor(
    private readonly config: AppConfig,
    private readonly engine: QueryEngine,
  ) {
    this.authenticator = new Authenticator(config.auth, config.sources);
    this.views = new SourceViews(config);
  }

  async fromHttp(req: http.IncomingMessage, signal: AbortSignal): Promise<ContextResult> {
    const client = clientOf(req);
    const auth = await this.authenticator.authenticate(header(req, 'authorization'));
    if (!auth.ok) return { ok: false, refusal: auth.refusal, client };
    return { ok: true, context: this.forCaller(auth.caller, auth.access, signal, client) };
  }

  /** The context of a caller already authenticated (or of an embedded use, with the access given). */
  forCaller(caller: Caller, access: Access, signal: AbortSignal, client: ClientInfo = {}): RequestContext {
    const view = this.views.of(access);
    // every configured secret (rotation) derives the caller's own, in the same order: the first still signs
    const cursorSecrets = this.config.query.cursorSecrets.map((secret) => callerCursorSecret(secret, caller));
    const config: AppConfig = { ...view, query: { ...view.query, cursorSecrets } };
    // identity expansion over the view's identity config: a hidden cluster's scoped aliases are not its to use
    const expand = view === this.config ? undefined : (values: string[]) => expandIdentities(values, view.identity);
    return createRequestContext(this.engine.view(view.sources, cursorSecrets, expand), config, signal, { caller, access, client });
  }
}
