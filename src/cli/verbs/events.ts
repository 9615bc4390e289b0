import type { Client } from '../client';
import { CliError, EXIT } from '../errors';
import type { Io } from '../main';
import { filterOf, orderOf, paramsOf, windowOf, type QueryFlags } from '../options';
import { eventRows, statusLines, table } from '../output';
import { EVENTS, type ConnectionJson } from '../queries';

function limitOf(text: unknown): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`--limit: expected a whole number, got ${JSON.stringify(text)}`, EXIT.USAGE);
  return n;
}

/** `auditgraph events`: a table (GraphQL pages up to --limit), or the export stream for ndjson/csv/ocsf. */
export default async function events(client: Client, _args: unknown[], opts: QueryFlags & { output: string; limit: string }, io: Io): Promise<number> {
  const limit = limitOf(opts.limit);
  if (['ndjson', 'csv', 'ocsf'].includes(opts.output)) {
    const params = paramsOf(opts);
    params.set('format', opts.output);
    if (limit > 0) params.set('limit', String(limit));
    const result = await client.export(params, io.stdout as NodeJS.WritableStream & import('node:stream').Writable);
    for (const s of result.failedSources) io.stderr.write(`auditgraph: ${s}: failed; its events are missing (the end status says why)\n`);
    return result.complete || (result.limitReached && result.failedSources.length === 0) ? EXIT.OK : EXIT.PARTIAL;
  }
  const variables = { window: windowOf(opts), filter: filterOf(opts), order: orderOf(opts) };
  const edges: ConnectionJson['edges'] = [];
  let last: ConnectionJson | undefined;
  let after: string | null = null;
  const statuses = new Map<string, ConnectionJson['sources'][number]>();
  do {
    const want = limit === 0 ? 1000 : Math.min(1000, limit - edges.length);
    const page: { events: ConnectionJson } = await client.graphql(EVENTS, { ...variables, first: want, after });
    last = page.events;
    edges.push(...last.edges);
    for (const s of last.sources) if (!statuses.has(s.source.id) || s.state !== 'OK') statuses.set(s.source.id, s);
    after = last.pageInfo.hasNextPage ? last.pageInfo.endCursor : null;
  } while (after && (limit === 0 || edges.length < limit));
  const { lines, partial } = statusLines([...statuses.values()]);
  if (opts.output === 'json') {
    io.stdout.write(`${JSON.stringify({ window: last.window, events: edges.map((e) => e.node), hasMore: Boolean(after), sources: [...statuses.values()] }, null, 2)}\n`);
  } else {
    const { header, rows } = eventRows(edges, opts.output === 'wide');
    io.stdout.write(rows.length ? table(header, rows) : '');
    io.stderr.write(`${edges.length} event(s) from ${last.window.from} to ${last.window.to}${after ? ` (more: raise --limit, or --limit 0 for all)` : ''}\n`);
  }
  for (const l of lines) io.stderr.write(`auditgraph: ${l}\n`);
  return partial ? EXIT.PARTIAL : EXIT.OK;
}
