import type { Client } from '../client';
import { EXIT } from '../errors';
import type { Io } from '../main';
import { filterOf, orderOf, windowOf, type QueryFlags } from '../options';
import { table } from '../output';
import { EXPLAIN } from '../queries';

interface PlanJson {
  window: { from: string; to: string };
  order: string;
  sources: { source: { id: string }; queried: boolean; pushedDown: string[]; residual: string[]; nativeOrder: boolean; request: string | null; partitions: string[] | null; partitionsTotal: number | null; notes: string[] }[];
}

/** `auditgraph explain`: the plan per source, without reading any event. */
export default async function explain(client: Client, _args: unknown[], opts: QueryFlags & { output: string }, io: Io): Promise<number> {
  const data: { explain: PlanJson } = await client.graphql(EXPLAIN, { window: windowOf(opts), filter: filterOf(opts), order: orderOf(opts) });
  const p = data.explain;
  if (opts.output === 'json') {
    io.stdout.write(`${JSON.stringify(p, null, 2)}\n`);
    return EXIT.OK;
  }
  io.stdout.write(`window ${p.window.from} .. ${p.window.to}, ${p.order}\n`);
  io.stdout.write(
    table(
      ['SOURCE', 'QUERIED', 'FILES', 'PUSHED-DOWN', 'RESIDUAL', 'REQUEST / NOTES'],
      p.sources.map((s) => [
        s.source.id,
        s.queried ? 'yes' : 'no',
        s.partitions ? `${s.partitions.length} of ${s.partitionsTotal ?? '?'}` : '-',
        s.pushedDown.join('; ') || '-',
        s.residual.join('; ') || '-',
        [s.request, ...s.notes].filter(Boolean).join(' | ') || '-',
      ]),
    ),
  );
  return EXIT.OK;
}
