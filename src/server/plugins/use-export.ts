import type * as http from 'node:http';
import { AuditgraphError, ErrorCode, SortOrder } from '../../domain';
import { exportWriter, parseFormat } from '../../export/format';
import { pipeExport } from '../../export/pipe';
import { eventView } from '../../export/view';
import { streamEvents } from '../../query/stream';
import { sendError } from '../http';
import { flag, parameterOf, parseQuery, positiveInt } from '../params';
import type { ServerPlugin } from './types';

const EXPORT_PARAMS = ['format', 'limit', 'columns', 'progress'];

/**
 * An error of a plain-HTTP data route (/export, /tail) before its stream starts: 400 for bad parameters (the
 * parameter named in `extensions.parameter`), 502 when every source failed; after the stream started, the
 * response is cut short instead, so that the reader sees a broken transfer, never a file that looks complete.
 */
export function sendStreamError(res: http.ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy(err instanceof Error ? err : new Error(String(err)));
    return;
  }
  if (err instanceof AuditgraphError) {
    const status = err.code === ErrorCode.ALL_SOURCES_FAILED ? 502 : 400;
    const parameter = parameterOf(err);
    sendError(res, status, err.code, err.message, { ...(parameter ? { parameter } : {}), ...(err.code === ErrorCode.ALL_SOURCES_FAILED ? { sources: err.details.sources } : {}) });
    return;
  }
  throw err;
}

/**
 * `GET /export?format=ndjson|csv|ocsf&from=…&to=…` (or `last=PT1H`), the filter fields as repeatable parameters,
 * `order`, `limit`, `columns` (CSV) and `progress=1`: the whole answer, streamed, ending with every source's
 * status (docs/export.md). It runs on the caller's context (`ex.context`, set by authentication): only their
 * sources, raw records withheld where their roles say so. The response's pace is the client's: the sources are
 * asked for more only when the socket has drained.
 */
export function useExport(): ServerPlugin {
  return {
    name: 'export',
    routes: [
      {
        path: '/export',
        methods: ['GET'],
        kind: 'api',
        async handle(ex) {
          const ctx = ex.context;
          if (!ctx) throw new Error('internal: /export reached without a caller context');
          try {
            const params = ex.url.searchParams;
            const { window, filter, order } = parseQuery(params, EXPORT_PARAMS, { window: true, defaultOrder: SortOrder.NEWEST_FIRST });
            const writer = exportWriter(parseFormat(params.get('format')), { columns: params.getAll('columns').flatMap((c) => c.split(',')).filter(Boolean) });
            const limit = positiveInt(params, 'limit');
            const progress = flag(params, 'progress');
            const stream = streamEvents(ctx.engine, { window, filter, order, limit }, ex.signal);
            const view = eventView(ctx.access);
            ex.res.statusCode = 200;
            ex.res.setHeader('content-type', writer.contentType);
            ex.res.setHeader('content-disposition', `attachment; filename="auditgraph-export.${writer.extension}"`);
            ex.res.setHeader('cache-control', 'no-store');
            // headers go out with the first chunk: an export whose every source fails at once is still a 502
            await pipeExport(stream, writer, ex.res, { progressEveryMs: progress ? 1000 : 0, transform: view.view, withheldFrom: view.withheldFrom });
            ex.res.end();
          } catch (err) {
            sendStreamError(ex.res, err);
          }
        },
      },
    ],
  };
}
