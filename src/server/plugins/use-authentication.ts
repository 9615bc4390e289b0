import { callerKey } from '../../domain';
import { sendRefusal } from '../auth/refusal';
import type { RequestContexts } from '../request-context';
import type { ServerPlugin } from './types';

export interface AuthenticationOptions {
  contexts: RequestContexts;
}

/**
 * Every API route (GraphQL, exports, tails) is authenticated and authorized here, before its body is read:
 * the caller's context (`ex.context`, which sees only the caller's sources) is made once, or the request is
 * refused (401/403/503, see src/server/auth). Probes and assets are not authenticated.
 */
export function useAuthentication(opts: AuthenticationOptions): ServerPlugin {
  return {
    name: 'authentication',
    async onRequest(ex, next) {
      if (ex.route?.kind !== 'api') return next();
      const authorized = await opts.contexts.fromHttp(ex.req, ex.signal);
      if (!authorized.ok) {
        ex.log.warn({ status: authorized.refusal.status, reason: authorized.refusal.reason }, 'request refused by authentication');
        sendRefusal(ex.res, authorized.refusal);
        return;
      }
      ex.context = authorized.context;
      const caller = authorized.context.caller;
      if (caller.method !== 'anonymous') ex.principal = callerKey(caller);
      await next();
    },
  };
}
