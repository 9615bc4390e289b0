import type { ServerPlugin } from './types';

/**
 * A person who opens `/graphql` in a browser gets the explorer (GraphiQL, served from this server at `/graphiql`,
 * see web/graphiql.html) instead of an API answer: a navigation (`Accept: text/html`, no `query`) is redirected
 * there before authentication (the page holds no data; its queries are authenticated like any other). Apollo's own
 * landing page, which loads from a CDN and fails offline, is never served.
 */
export function useExplorer(): ServerPlugin {
  return {
    name: 'explorer',
    async onRequest(ex, next) {
      const method = (ex.req.method ?? 'GET').toUpperCase();
      const accept = ex.req.headers.accept ?? '';
      if (ex.url.pathname === '/graphql' && method === 'GET' && accept.includes('text/html') && !ex.url.searchParams.has('query')) {
        ex.res.writeHead(302, { location: '/graphiql', 'cache-control': 'no-cache' });
        ex.res.end();
        return;
      }
      await next();
    },
  };
}
