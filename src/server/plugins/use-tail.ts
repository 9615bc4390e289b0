import { SortOrder } from '../../domain';
import { eventRecord } from '../../export/record';
import { eventView } from '../../export/view';
import { parseDuration } from '../../query/window';
import { Tail } from '../../query/tail';
import { ParameterError, parseQuery } from '../params';
import { sendStreamError } from './use-export';
import type { HttpExchange, ServerPlugin } from './types';

const TAIL_PARAMS = ['since', 'after'];

/** Writes one server-sent event, waiting for 'drain' when the socket is full (the tail's queue then fills and its polls wait). */
async function sse(ex: HttpExchange, event: string, id: string, data: unknown): Promise<void> {
  const ok = ex.res.write(`event: ${event}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`);
  if (!ok) await new Promise<void>((resolve) => {
    const done = () => {
      ex.res.off('drain', done);
      ex.res.off('close', done);
      resolve();
    };
    ex.res.on('drain', done);
    ex.res.on('close', done);
  });
}

/**
 * `GET /tail?…` as server-sent events: the filter parameters of /export, `since` (an ISO 8601 duration to start
 * before now) and `after` (or the `Last-Event-ID` header: a resume token). `event: audit` carries an event,
 * `event: status` each source's lag and position; every message's `id` is the resume token after it.
 */
export function useTail(): ServerPlugin {
  const open = new Set<AbortController>();
  return {
    name: 'tail',
    onDrain() {
      for (const c of open) c.abort(new Error('the server is shutting down'));
    },
    routes: [
      {
        path: '/tail',
        methods: ['GET'],
        kind: 'api',
        async handle(ex) {
          const ctx = ex.context;
          if (!ctx) throw new Error('internal: /tail reached without a caller context');
          const stop = new AbortController();
          open.add(stop);
          ex.signal.addEventListener('abort', () => stop.abort(ex.signal.reason), { once: true });
          try {
            const params = ex.url.searchParams;
            const { filter } = parseQuery(params, TAIL_PARAMS, { window: false, defaultOrder: SortOrder.OLDEST_FIRST });
            const since = params.get('since');
            let sinceMs = 0;
            if (since) {
              try {
                sinceMs = parseDuration(since);
              } catch {
                throw new ParameterError('since', `expected an ISO 8601 duration such as PT10M, got ${JSON.stringify(since)}`);
              }
            }
            const header = ex.req.headers['last-event-id'];
            const resume = params.get('after') ?? (typeof header === 'string' && header ? header : null);
            const tail = new Tail(ctx.engine, ctx.config.query.cursorSecrets, { filter, sinceMs, resume, signal: stop.signal });
            const view = eventView(ctx.access);
            ex.res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
            ex.res.write('retry: 2000\n\n');
            for await (const item of tail) {
              if (item.type === 'event') await sse(ex, 'audit', item.token, { type: 'event', ...eventRecord(view.view(item.event)) });
              else await sse(ex, 'status', item.token, { type: 'status', sources: item.sources });
            }
            ex.res.end();
          } catch (err) {
            sendStreamError(ex.res, err);
          } finally {
            open.delete(stop);
          }
        },
      },
    ],
  };
}
