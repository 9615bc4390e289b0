import type { Client } from '../client';
import { CliError, EXIT } from '../errors';
import type { Io } from '../main';
import { windowOf, type QueryFlags } from '../options';
import { table } from '../output';
import { IDENTITY } from '../queries';

interface IdentityJson {
  id: string;
  displayName: string;
  notes: string[];
  aliases: { kind: string; value: string; scope: string | null; rule: string; evidence: string; flags: string[] }[];
  discovery: { window: { from: string; to: string }; rounds: number; queries: number; eventsRead: number; truncated: boolean; notes: string[] } | null;
}

/** `auditgraph identity <ref>`: the identity and every alias with its evidence. */
export default async function identity(client: Client, args: unknown[], opts: QueryFlags & { output: string }, io: Io): Promise<number> {
  const ref = String(args[0]);
  const window = opts.since || opts.from ? windowOf(opts) : undefined;
  const data: { identity: IdentityJson | null } = await client.graphql(IDENTITY, { ref, window });
  if (!data.identity) throw new CliError(`no identity knows ${JSON.stringify(ref)}: no configured alias, lookup or event in the window names it`, EXIT.FAILED, 'NOT_FOUND');
  const id = data.identity;
  if (opts.output === 'json') {
    io.stdout.write(`${JSON.stringify(id, null, 2)}\n`);
    return EXIT.OK;
  }
  io.stdout.write(`IDENTITY ${id.id}  (${id.displayName})\n`);
  io.stdout.write(table(['KIND', 'VALUE', 'RULE'], id.aliases.map((a) => [a.kind, a.scope ? `${a.value} (in ${a.scope})` : a.value, a.rule])));
  io.stdout.write('\nEVIDENCE\n');
  for (const a of id.aliases) io.stdout.write(`${a.kind} ${a.value}\n    ${a.evidence}${a.flags.length ? `\n    flags: ${a.flags.join('; ')}` : ''}\n`);
  for (const n of id.notes) io.stdout.write(`note: ${n}\n`);
  const d = id.discovery;
  if (d) io.stderr.write(`discovery ${d.window.from} .. ${d.window.to}: ${d.rounds} round(s), ${d.queries} queries, ${d.eventsRead} events read${d.truncated ? ' (truncated: older aliases may be missing)' : ''}\n`);
  return d?.truncated ? EXIT.PARTIAL : EXIT.OK;
}
