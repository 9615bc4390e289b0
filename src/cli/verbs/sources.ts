import type { Client } from '../client';
import { EXIT } from '../errors';
import type { Io } from '../main';
import { table } from '../output';
import { SOURCES } from '../queries';

interface SourceJson {
  id: string;
  type: string;
  kind: string;
  mode: string;
  location: string;
  health: { ok: boolean; message: string };
  capabilities: { orders: string[]; maxPushedFields: number; pushdown: { field: string; maxValues: number; upstream: string }[] };
}

/** `auditgraph sources`: what is configured and whether it answers; exit 3 when one is unhealthy. */
export default async function sources(client: Client, _args: unknown[], opts: { output: string }, io: Io): Promise<number> {
  const data: { sources: SourceJson[] } = await client.graphql(SOURCES);
  if (opts.output === 'json') io.stdout.write(`${JSON.stringify(data.sources, null, 2)}\n`);
  else
    io.stdout.write(
      table(
        ['ID', 'TYPE', 'KIND', 'MODE', 'HEALTH', 'PUSHDOWN', 'LOCATION'],
        data.sources.map((s) => [s.id, s.type, s.kind, s.mode, s.health.ok ? 'ok' : `FAILING: ${s.health.message}`, s.capabilities.pushdown.map((p) => p.field).join(',') || '-', s.location]),
      ),
    );
  return data.sources.every((s) => s.health.ok) ? EXIT.OK : EXIT.PARTIAL;
}
