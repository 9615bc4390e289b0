import type { Client } from '../client';
import { CliError, EXIT } from '../errors';
import type { Io } from '../main';

const LOGS = `query RunLogs($id: ID!, $first: Int, $after: String, $container: String) {
  run(id: $id) { id logs(first: $first, after: $after, container: $container) {
    lines { time timeNs stream text namespace pod container restart source }
    pageInfo { hasNextPage endCursor } pods files redactions malformed notes } } }`;

interface LogsJson {
  lines: { time: string; timeNs: string; stream: string; text: string; namespace: string; pod: string; container: string; restart: number; source: string }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  pods: string[];
  files: number;
  redactions: number;
  malformed: number;
  notes: string[];
}

/**
 * `auditgraph logs <run>`: what the run's task containers printed, every page, in time order (kubectl logs
 * habits: plain text, or `-o ndjson` one JSON line per log line). Notes (pods without logs, redactions) on stderr.
 */
export default async function logs(client: Client, args: unknown[], opts: { output: string; container?: string }, io: Io): Promise<number> {
  const id = String(args[0]);
  let after: string | null = null;
  let redactions = 0;
  const notes = new Set<string>();
  for (;;) {
    const data: { run: { id: string; logs: LogsJson } | null } = await client.graphql(LOGS, { id, first: 5000, after, container: opts.container ?? null });
    if (!data.run) throw new CliError(`no execution source has a run ${JSON.stringify(id)}`, EXIT.FAILED, 'NOT_FOUND');
    const page = data.run.logs;
    redactions += page.redactions;
    for (const n of page.notes) notes.add(n);
    for (const l of page.lines) {
      if (opts.output === 'ndjson') io.stdout.write(`${JSON.stringify(l)}\n`);
      else io.stdout.write(`${l.timeNs} ${l.pod}/${l.container}${l.restart ? `#${l.restart}` : ''} ${l.stream === 'STDERR' ? 'stderr' : 'stdout'} ${l.text}\n`);
    }
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  for (const n of notes) io.stderr.write(`auditgraph: ${n}\n`);
  if (redactions > 0) io.stderr.write(`auditgraph: ${redactions} secret value(s) redacted in these lines\n`);
  return EXIT.OK;
}
