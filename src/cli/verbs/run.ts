import type { Client } from '../client';
import { CliError, EXIT } from '../errors';
import type { Io } from '../main';
import { statusLines, table } from '../output';
import { RUN, type ConnectionJson } from '../queries';

interface RunJson {
  id: string;
  phase: string;
  mode: string;
  createdAt: string;
  endedAt: string | null;
  error: string | null;
  namespace: string;
  serviceAccount: string | null;
  launchedBy: { name: string } | null;
  abortedBy: { name: string } | null;
  abort: { cause: string | null } | null;
  launchPlan: { name: string } | null;
  pods: string[];
  lifecycle: { time: string; action: string; actor: { name: string }; outcome: string; outcomeReason: string | null }[];
  timeline: ConnectionJson;
}

/** `auditgraph run <id>`: lifecycle, then the timeline with each event's evidence. */
export default async function run(client: Client, args: unknown[], opts: { output: string; margin?: string; limit: string }, io: Io): Promise<number> {
  const id = String(args[0]);
  const data: { run: RunJson | null } = await client.graphql(RUN, { id, margin: opts.margin, first: Math.min(1000, Math.max(1, Number(opts.limit) || 100)) });
  if (!data.run) throw new CliError(`no execution source has a run ${JSON.stringify(id)}`, EXIT.FAILED, 'NOT_FOUND');
  const r = data.run;
  const { lines, partial } = statusLines(r.timeline.sources);
  if (opts.output === 'json') {
    io.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  } else {
    io.stdout.write(`RUN ${r.id}  ${r.phase} (${r.mode})  launched by ${r.launchedBy?.name ?? '-'}${r.abortedBy ? `, aborted by ${r.abortedBy.name}${r.abort?.cause ? ` (${r.abort.cause})` : ''}` : ''}\n`);
    io.stdout.write(`created ${r.createdAt}  ended ${r.endedAt ?? '-'}  launch plan ${r.launchPlan?.name ?? '-'}  namespace ${r.namespace}  service account ${r.serviceAccount ?? '-'}  pods ${r.pods.join(', ') || '-'}\n\nLIFECYCLE\n`);
    io.stdout.write(table(['TIME', 'ACTION', 'ACTOR', 'OUTCOME', 'REASON'], r.lifecycle.map((e) => [e.time, e.action, e.actor.name, e.outcome, e.outcomeReason ?? '-'])));
    io.stdout.write(`\nTIMELINE ${r.timeline.window.from} .. ${r.timeline.window.to}\n`);
    for (const e of r.timeline.edges) {
      io.stdout.write(`${e.node.time}  ${e.node.source.id}  ${e.node.action}  ${e.node.actor.name}\n`);
      for (const ev of e.evidence ?? []) io.stdout.write(`    ${ev}\n`);
    }
    if (r.timeline.pageInfo.hasNextPage) io.stderr.write('the timeline has more events: raise --limit\n');
  }
  for (const l of lines) io.stderr.write(`auditgraph: ${l}\n`);
  return partial ? EXIT.PARTIAL : EXIT.OK;
}
