import type { Client } from '../client';
import { EXIT } from '../errors';
import type { Io } from '../main';
import { windowOf, type QueryFlags } from '../options';
import { statusLines, table } from '../output';
import { RUNS, type StatusJson } from '../queries';

interface RunsJson {
  edges: { node: { id: string; phase: string; mode: string; createdAt: string; endedAt: string | null; launchedBy: { name: string } | null; abortedBy: { name: string } | null; launchPlan: { name: string } | null } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  window: { from: string; to: string };
  sources: StatusJson[];
}

/** `auditgraph runs`: the runs created in the window, newest first. */
export default async function runs(client: Client, _args: unknown[], opts: QueryFlags & { output: string; limit: string; phase?: string[]; launchedBy?: string[] }, io: Io): Promise<number> {
  const limit = Math.max(1, Number(opts.limit) || 100);
  const filter = { ...(opts.phase ? { phase: opts.phase.map((p) => p.toUpperCase()) } : {}), ...(opts.launchedBy ? { launchedBy: opts.launchedBy } : {}) };
  const all: RunsJson['edges'] = [];
  let after: string | null = null;
  let page: RunsJson;
  do {
    page = ((await client.graphql(RUNS, { window: windowOf(opts, '1d'), filter, first: Math.min(1000, limit - all.length), after })) as { runs: RunsJson }).runs;
    all.push(...page.edges);
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after && all.length < limit);
  const { lines, partial } = statusLines(page.sources);
  if (opts.output === 'json') io.stdout.write(`${JSON.stringify({ window: page.window, runs: all.map((e) => e.node), hasMore: Boolean(after), sources: page.sources }, null, 2)}\n`);
  else {
    io.stdout.write(table(['CREATED', 'RUN', 'PHASE', 'MODE', 'LAUNCHED-BY', 'LAUNCH-PLAN'], all.map(({ node: r }) => [r.createdAt, r.id, r.phase, r.mode, r.launchedBy?.name ?? '-', r.launchPlan?.name ?? '-'])));
    io.stderr.write(`${all.length} run(s) from ${page.window.from} to ${page.window.to}${after ? ' (more: raise --limit)' : ''}\n`);
  }
  for (const l of lines) io.stderr.write(`auditgraph: ${l}\n`);
  return partial ? EXIT.PARTIAL : EXIT.OK;
}
