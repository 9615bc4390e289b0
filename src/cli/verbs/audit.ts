import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { Writable } from 'node:stream';
import { ReportBuilder, type EventRecordJson, type IdentityEntry, type RunEntry, type SourceStatusJson } from '../../export/audit/report';
import { writeHtmlReport, writeJsonReport, writeMarkdownReport } from '../../export/audit/render';
import type { Client } from '../client';
import { CliError, EXIT } from '../errors';
import type { Io } from '../main';
import { sinceToDuration } from '../options';
import { IDENTITY } from '../queries';

const RUNS_STORY = `query AuditRuns($window: TimeWindowInput!, $after: String) {
  runs(window: $window, first: 1000, after: $after) {
    edges { node { id } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const RUN_STORY = `query AuditRun($id: ID!) {
  run(id: $id) {
    id phase mode createdAt endedAt launchedBy { name } abortedBy { name } abort { cause } pods
    links { serviceAccounts { username } credentials { value role evidence } timelineSources notes }
  }
}`;

/** identities resolved at most (the most active actors first); the rest are named in the notes */
const MAX_IDENTITIES = 100;
const LOOKUPS_IN_FLIGHT = 4;

interface AuditFlags {
  window?: string;
  from?: string;
  to?: string;
  format?: 'json' | 'md' | 'html';
  output?: string;
}

function resolveWindow(opts: AuditFlags, now: Date): { from: string; to: string } {
  if (opts.window && opts.from) throw new CliError('give --window or --from, not both', EXIT.USAGE);
  const to = opts.to ? new Date(opts.to) : now;
  if (Number.isNaN(to.getTime())) throw new CliError(`--to: not an ISO 8601 date-time: ${JSON.stringify(opts.to)}`, EXIT.USAGE);
  let from: Date;
  if (opts.from) {
    from = new Date(opts.from);
    if (Number.isNaN(from.getTime())) throw new CliError(`--from: not an ISO 8601 date-time: ${JSON.stringify(opts.from)}`, EXIT.USAGE);
  } else {
    const { parseDuration } = require('../../query/window') as typeof import('../../query/window');
    let ms: number;
    try {
      ms = parseDuration(sinceToDuration(opts.window ?? '1h'));
    } catch (err) {
      throw new CliError(`--window: ${(err as Error).message}`, EXIT.USAGE);
    }
    from = new Date(to.getTime() - ms);
  }
  if (from >= to) throw new CliError(`the window is empty: ${from.toISOString()} is not before ${to.toISOString()}`, EXIT.USAGE);
  return { from: from.toISOString(), to: to.toISOString() };
}

async function* readEvents(file: string): AsyncGenerator<EventRecordJson> {
  const rl = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line.startsWith('{"type":"event"')) continue;
    yield JSON.parse(line) as EventRecordJson;
  }
}

async function pool<T, R>(items: T[], n: number, f: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await f(items[i]!);
      }
    }),
  );
  return out;
}

/**
 * `auditgraph audit`: one export of every source over the window (to a temporary file, oldest first), read once
 * for the counts, failures, denials and privileged changes; the most active actors' identities and the window's
 * runs asked after; then the report written with every event streamed from the file.
 */
export default async function audit(client: Client, _args: unknown[], opts: AuditFlags, io: Io): Promise<number> {
  const window = resolveWindow(opts, new Date());
  const format = opts.format ?? (opts.output?.endsWith('.html') ? 'html' : opts.output?.endsWith('.md') ? 'md' : 'json');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'auditgraph-audit-'));
  const eventsFile = path.join(tmp, 'events.ndjson');
  const notes: string[] = [];
  try {
    const file = fs.createWriteStream(eventsFile);
    const params = new URLSearchParams({ format: 'ndjson', from: window.from, to: window.to, order: 'OLDEST_FIRST' });
    const result = await client.export(params, file);
    await new Promise<void>((resolve, reject) => file.end((err?: Error | null) => (err ? reject(err) : resolve())));
    const status = result.status as { sources: SourceStatusJson[]; complete: boolean } | undefined;
    if (!status) throw new CliError('the export gave no status: cannot tell what the report would miss');

    const builder = new ReportBuilder();
    for await (const e of readEvents(eventsFile)) builder.add(e);

    const actors = builder.actors();
    const asked = actors.slice(0, MAX_IDENTITIES);
    if (actors.length > asked.length) notes.push(`identities: the ${asked.length} most active of ${actors.length} actors were resolved; not resolved: ${actors.slice(asked.length).map((a) => a.name).join(', ')}`);
    const identities = new Map<string, IdentityEntry>();
    const found = await pool(asked, LOOKUPS_IN_FLIGHT, async (a) => {
      try {
        const r: { identity: { id: string; displayName: string; aliases: IdentityEntry['aliases'] } | null } = await client.graphql(IDENTITY, { ref: a.name, window });
        return { actor: a, identity: r.identity };
      } catch (err) {
        notes.push(`identity of ${a.name}: ${(err as Error).message}`);
        return { actor: a, identity: null };
      }
    });
    for (const { actor, identity } of found) {
      if (!identity) continue;
      const entry = identities.get(identity.id) ?? { id: identity.id, displayName: identity.displayName, actors: [], events: 0, aliases: identity.aliases.map(({ kind, value, scope, rule, evidence }) => ({ kind, value, scope, rule, evidence })) };
      entry.actors.push(actor);
      entry.events += actor.events;
      identities.set(identity.id, entry);
    }

    const runs: RunEntry[] = [];
    try {
      const ids: string[] = [];
      let after: string | null = null;
      do {
        const page: { runs: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await client.graphql(RUNS_STORY, { window, after });
        ids.push(...page.runs.edges.map((e) => e.node.id));
        after = page.runs.pageInfo.hasNextPage ? page.runs.pageInfo.endCursor : null;
      } while (after);
      const stories = await pool(ids, LOOKUPS_IN_FLIGHT, async (id) => ((await client.graphql(RUN_STORY, { id })) as { run: Record<string, never> | null }).run);
      for (const r of stories as unknown as ({ id: string; phase: string; mode: string; createdAt: string; endedAt: string | null; launchedBy: { name: string } | null; abortedBy: { name: string } | null; abort: { cause: string | null } | null; pods: string[]; links: { serviceAccounts: { username: string }[]; credentials: { value: string; role: string | null; evidence: string }[]; timelineSources: string[]; notes: string[] } } | null)[]) {
        if (!r) continue;
        runs.push({
          id: r.id,
          phase: r.phase,
          mode: r.mode,
          createdAt: r.createdAt,
          endedAt: r.endedAt,
          launchedBy: r.launchedBy?.name ?? null,
          abortedBy: r.abortedBy?.name ?? null,
          abortCause: r.abort?.cause ?? null,
          pods: r.pods,
          serviceAccounts: r.links.serviceAccounts.map((s) => s.username),
          credentials: r.links.credentials,
          timelineSources: r.links.timelineSources,
        });
      }
    } catch (err) {
      if ((err as CliError).code !== 'NO_SOURCES') notes.push(`runs: ${(err as Error).message}`);
    }

    const version = (require('../../../../package.json') as { version: string }).version;
    const head = builder.finish({ generator: { name: 'auditgraph', version }, origin: client.where, window, statuses: status.sources, exportComplete: result.complete, identities: [...identities.values()], runs, notes });
    const out: Writable = opts.output ? fs.createWriteStream(opts.output) : (io.stdout as unknown as Writable);
    const write = format === 'html' ? writeHtmlReport : format === 'md' ? writeMarkdownReport : writeJsonReport;
    await write(out, head, readEvents(eventsFile));
    if (opts.output) await new Promise<void>((resolve, reject) => (out as fs.WriteStream).end((err?: Error | null) => (err ? reject(err) : resolve())));
    io.stderr.write(
      `audit ${window.from} .. ${window.to}: ${head.totals.events} events, ${head.totals.failures} failures (${head.totals.denied} denied), ${head.totals.privilegedChanges} privileged changes, ${head.totals.identities} identities, ${head.totals.runs} runs${opts.output ? ` -> ${opts.output}` : ''}${head.complete ? '' : ' (NOT complete: see notes)'}\n`,
    );
    for (const n of head.notes) io.stderr.write(`auditgraph: ${n}\n`);
    return head.complete ? EXIT.OK : EXIT.PARTIAL;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
