import { Command, CommanderError, Option } from 'commander';
import type { Client } from './client';
import { CliError, EXIT } from './errors';

/**
 * The `auditgraph` command: verbs over a server (`--server URL`, token from AUDITGRAPH_TOKEN) or embedded in
 * this process on `--config FILE` or the bundled demo. Modules behind the verbs are loaded when a verb runs, so
 * that `--help` and `--server` verbs start without the engine and the SDKs.
 */
export interface Globals {
  server?: string;
  config?: string;
  output?: string;
  quiet?: boolean;
}

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** The client a verb talks to: the server named by --server (or AUDITGRAPH_SERVER), else embedded. */
export async function openClient(globals: Globals, io: Io): Promise<Client> {
  const server = globals.server ?? io.env.AUDITGRAPH_SERVER;
  if (server) {
    if (globals.config) throw new CliError('give --server or --config, not both', EXIT.USAGE);
    const { HttpClient } = (require('./client') as typeof import('./client'));
    return new HttpClient(server, io.env.AUDITGRAPH_TOKEN || undefined);
  }
  const { EmbeddedClient } = (require('./embedded') as typeof import('./embedded'));
  return EmbeddedClient.open(globals.config, io.env, (line: string) => {
    if (!globals.quiet) io.stderr.write(`auditgraph: ${line}\n`);
  });
}

const EXAMPLES = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('auditgraph')
    .description('One question of every audit trail: events, identities, runs, exports, the audit report.\nWithout --server or --config a verb runs embedded on the bundled demo.')
    .option('--server <url>', 'ask this auditgraph server (token from AUDITGRAPH_TOKEN); default $AUDITGRAPH_SERVER')
    .option('--config <file>', 'run embedded on this config file (default $AUDITGRAPH_CONFIG, else the bundled demo)')
    .option('-q, --quiet', 'no notes on stderr (statuses of failed sources are still printed)')
    .version(require('../../../package.json').version as string, '-V, --version')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride();

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each verb types its own flags
  const run = (load: () => { default: (client: Client, args: unknown[], opts: any, io: Io) => Promise<number> }) =>
    async function (this: Command, ...args: unknown[]) {
      const cmd = this;
      const opts = cmd.optsWithGlobals() as Record<string, unknown> & Globals;
      const verb = load();
      const client = await openClient(opts, io);
      try {
        setExit(await verb.default(client, args.slice(0, -2), opts, io));
      } finally {
        await client.close();
      }
    };

  const output = (formats: string[], dflt: string) => new Option('-o, --output <format>', `output format`).choices(formats).default(dflt);

  const { addFilterOptions, addWindowOptions } = require('./options') as typeof import('./options');

  addFilterOptions(addWindowOptions(program.command('events').description('Events of every source in a window, merged newest first, with each source\'s status on stderr when not OK.')))
    .addOption(output(['table', 'wide', 'json', 'ndjson', 'csv', 'ocsf'], 'table'))
    .option('--limit <n>', 'at most this many events (default 100; 0: all)', '100')
    .addHelpText('after', EXAMPLES(['auditgraph events --since 2d --identity alice@example.com', 'auditgraph events --from 2026-03-14T08:45:00Z --to 2026-03-14T10:00:00Z --source-ip 198.51.100.23 -o wide', 'auditgraph events --since 1h --outcome failure -o ndjson | jq .action']))
    .action(run(() => require('./verbs/events') as typeof import('./verbs/events')));

  program
    .command('identity <ref>')
    .description('Who an alias belongs to: every alias found, each with its evidence.')
    .option('--since <duration>', 'the window discovery reads (default 7d)')
    .option('--from <time>', 'window start, ISO 8601')
    .option('--to <time>', 'window end, ISO 8601')
    .addOption(output(['table', 'json'], 'table'))
    .addHelpText('after', EXAMPLES(['auditgraph identity alice@example.com --since 2d', 'auditgraph identity AKIAEXAMPLECIBOT0001 -o json']))
    .action(run(() => require('./verbs/identity') as typeof import('./verbs/identity')));

  program
    .command('run <id>')
    .description("A workflow run's story: lifecycle, who launched and aborted it, its pods, and its timeline across the trails.")
    .option('--margin <duration>', 'how far around the run the timeline looks (ISO 8601, default PT5M)')
    .option('--limit <n>', 'timeline events (default 100)', '100')
    .addOption(output(['table', 'json'], 'table'))
    .addHelpText('after', EXAMPLES(['auditgraph run ml/production/fz3k9q2m1x', 'auditgraph run fz3k9q2m1x -o json']))
    .action(run(() => require('./verbs/run') as typeof import('./verbs/run')));

  program
    .command('logs <run>')
    .description("What a run's task containers printed, in time order, from the configured task logs (taskLogs:), secret-looking values redacted.")
    .option('--container <name>', "only this container's lines")
    .addOption(output(['text', 'ndjson'], 'text'))
    .addHelpText('after', EXAMPLES(['auditgraph logs ml/production/fz3k9q2m1x', 'auditgraph logs fz3k9q2m1x -o ndjson | jq -r .text']))
    .action(run(() => require('./verbs/logs') as typeof import('./verbs/logs')));

  addWindowOptions(program.command('runs').description('Runs created in a window, newest first.'), '1d')
    .option('--phase <phase>', 'RUNNING, SUCCEEDED, FAILED, ABORTED… (repeatable)', (v: string, p: string[] = []) => [...p, v])
    .option('--launched-by <name>', 'any alias of who launched it (repeatable)', (v: string, p: string[] = []) => [...p, v])
    .option('--limit <n>', 'at most this many runs (default 100)', '100')
    .addOption(output(['table', 'json'], 'table'))
    .addHelpText('after', EXAMPLES(['auditgraph runs --since 2d', 'auditgraph runs --since 2d --launched-by alice@example.com']))
    .action(run(() => require('./verbs/runs') as typeof import('./verbs/runs')));

  program
    .command('sources')
    .description('The configured sources, their mode, health and what they push down.')
    .addOption(output(['table', 'json'], 'table'))
    .addHelpText('after', EXAMPLES(['auditgraph sources', 'auditgraph --server http://127.0.0.1:4000 sources -o json']))
    .action(run(() => require('./verbs/sources') as typeof import('./verbs/sources')));

  addFilterOptions(addWindowOptions(program.command('explain').description('How a query would run: per source what is pushed down, what is filtered here, which files are read.')))
    .addOption(output(['table', 'json'], 'table'))
    .addHelpText('after', EXAMPLES(['auditgraph explain --since 1h --identity alice@example.com --action "iam:*"']))
    .action(run(() => require('./verbs/explain') as typeof import('./verbs/explain')));

  addFilterOptions(addWindowOptions(program.command('export').description('The whole answer of a window and filter, streamed (NDJSON, CSV, OCSF 1.8.0), ending with every source\'s status.')))
    .addOption(new Option('-f, --format <format>', 'ndjson, csv or ocsf').choices(['ndjson', 'csv', 'ocsf']).default('ndjson'))
    .option('--columns <list>', 'CSV columns, comma-separated (docs/export.md)')
    .option('--limit <n>', 'stop after this many events (default: none)')
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--progress', 'a progress bar on stderr (default: when stderr is a terminal)')
    .option('--no-progress', 'no progress bar')
    .option('--sink <url>', 'ship to a SIEM instead: splunk-hec://host:8088, elasticsearch://host:9200/index, https://… (a webhook); token from AUDITGRAPH_SINK_TOKEN')
    .option('--follow', 'with --sink: keep shipping new events from the tail')
    .option('--checkpoint <file>', 'with --sink: where shipping stands; run again to resume after the last acknowledged batch')
    .option('--batch-size <n>', 'with --sink: events per batch (default 500)')
    .addHelpText('after', EXAMPLES(['auditgraph export --since 2d --format csv --out events.csv', 'auditgraph export --from 2026-03-14T00:00:00Z --to 2026-03-15T00:00:00Z --format ocsf > day.ocsf.ndjson', 'auditgraph --server http://127.0.0.1:4000 export --since 1h --outcome failure', 'AUDITGRAPH_SINK_TOKEN=… auditgraph export --since 1d --sink splunk-hec://splunk.corp:8088 --checkpoint ship.json', 'AUDITGRAPH_SINK_TOKEN=… auditgraph export --sink elasticsearch://es.corp:9200/audit --follow --checkpoint es.json']))
    .action(run(() => require('./verbs/export') as typeof import('./verbs/export')));

  addFilterOptions(program.command('tail').description("New events of every source as they settle (after each source's delivery lag), until Ctrl-C; reconnects without losing or repeating one."))
    .option('--since <duration>', 'start this long before now (default: from now on): 10m, 1h, PT10M')
    .option('--after <token>', 'a resume token (printed on exit): go on right after it')
    .addOption(output(['table', 'ndjson'], 'table'))
    .addHelpText('after', EXAMPLES(['auditgraph tail --source prod-eks-audit', 'auditgraph --server http://127.0.0.1:4000 tail --identity alice@example.com -o ndjson', 'auditgraph tail --since 10m --outcome failure']))
    .action(run(() => require('./verbs/tail') as typeof import('./verbs/tail')));

  program
    .command('audit')
    .description('The audit report of every configured trail over a window: statuses, counts, failures and denials, privileged changes, identities, runs, then every event.')
    .option('--window <duration>', 'the window up to now (or --to): 1h, 2d, PT1H')
    .option('--from <time>', 'window start, ISO 8601')
    .option('--to <time>', 'window end, ISO 8601')
    .addOption(new Option('--format <format>', 'json, md or html (default: from the --output file name, else json)').choices(['json', 'md', 'html']))
    .option('--output <file>', 'write the report here (default: stdout)')
    .addHelpText('after', EXAMPLES(['auditgraph audit --window 1h --output audit-report.json', 'auditgraph audit --from 2026-03-14T08:45:00Z --to 2026-03-14T10:00:00Z --output incident.html']))
    .action(run(() => require('./verbs/audit') as typeof import('./verbs/audit')));

  program
    .command('verify-log <path>')
    .description("Check the hash chain of the server's access log (accessLog.path) and its rotated files: exit 0 when every link holds, 1 at the first broken one (file and line named), 2 when it cannot be read.")
    .option('--allow-missing-start', 'accept a first line that follows a line no longer there (older files removed on purpose)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', EXAMPLES(['auditgraph verify-log /var/log/auditgraph/access.ndjson', 'auditgraph verify-log --json /var/log/auditgraph/access.ndjson | jq .head']))
    .action((file: string, opts: { allowMissingStart?: boolean; json?: boolean }) => {
      const { verifyLog } = (require('../access-log/verify-cli') as typeof import('../access-log/verify-cli'));
      setExit(verifyLog(file, opts, io));
    });

  program
    .command('serve')
    .description('Run the HTTP server (what `npm start` runs): /graphql, /export, /tail on the config or the demo.')
    .addHelpText('after', EXAMPLES(['auditgraph serve', 'PORT=4000 auditgraph --config auditgraph.yaml serve']))
    .action(async function (this: Command) {
      const opts = this.optsWithGlobals() as Globals;
      const { main } = (require('../server/main') as typeof import('../server/main'));
      await main(opts.config ? ['--config', opts.config] : []);
    });

  program
    .command('demo')
    .description('Build (or rebuild) the bundled demo data set and say where it is.')
    .option('--out <dir>', 'where to write it (default: $AUDITGRAPH_DEMO_DIR or <repo>/.demo-data)')
    .option('--date <day>', 'the demo day, YYYY-MM-DD (default: yesterday, UTC, or $AUDITGRAPH_DEMO_DATE)')
    .option('--seed <n>', 'integer seed')
    .option('--scale <x>', 'multiplies the background traffic')
    .addHelpText('after', EXAMPLES(['auditgraph demo', 'auditgraph demo --out /tmp/demo --scale 2']))
    .action(async (opts: { out?: string; date?: string; seed?: string; scale?: string }) => {
      const { runDemoCli } = (require('../demo/cli') as typeof import('../demo/cli'));
      const argv = [...(opts.out ? ['--out', opts.out] : []), ...(opts.date ? ['--date', opts.date] : []), ...(opts.seed ? ['--seed', opts.seed] : []), ...(opts.scale ? ['--scale', opts.scale] : [])];
      setExit(await runDemoCli(argv, io));
    });

  return program;
}

/** Runs the command line; resolves to the exit code. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  let code: number = EXIT.OK;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.OK;
      return EXIT.USAGE;
    }
    if (err instanceof CliError) {
      io.stderr.write(`auditgraph: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr.write(`auditgraph: ${(err as Error)?.stack ?? String(err)}\n`);
    return EXIT.FAILED;
  }
}

/** The process's command line (bin/auditgraph.js, `node dist/src/cli/main.js`). */
export function main(): void {
  // a reader that closes the pipe early (`| head`) is not an error
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  void runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) main();
