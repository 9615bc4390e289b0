import { performance } from 'node:perf_hooks';
import { DEMO_DATE_ENV, defaultDemoRoot } from './config';
import { rebuildDemo } from './ensure';
import { MAX_SCALE } from './generate';
import { DEFAULT_SCALE, DEFAULT_SEED, type DemoManifest } from './manifest';

const USAGE = `usage: node dist/src/demo/cli.js [--out DIR] [--date YYYY-MM-DD] [--seed N] [--scale X] [--flyte-executions-only]

Writes the bundled demo (one incident across six audit trails, DEMO.md) in each service's export layout.
  --out DIR    where to write it (default: $AUDITGRAPH_DEMO_DIR or <repo>/.demo-data)
  --date D     the demo's day, UTC (default: $${DEMO_DATE_ENV}, else yesterday)
  --seed N     integer seed (default ${DEFAULT_SEED}); the same seed, scale and date give the same bytes
  --scale X    multiplies the background traffic, 0 < X <= ${MAX_SCALE} (default ${DEFAULT_SCALE})
  --flyte-executions-only
               write Flyte's execution list without node and task executions (runs are then tied to their
               pods by the Kubernetes audit alone)`;

interface CliOptions {
  out: string;
  date?: string;
  seed?: number;
  scale?: number;
  flyteNodeExecutions?: false;
}

export function parseArgs(argv: readonly string[]): CliOptions | 'help' {
  const opts: CliOptions = { out: defaultDemoRoot() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value\n\n${USAGE}`);
      return v;
    };
    const numberOf = (v: string): number => {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new Error(`${flag} expects a number, got ${JSON.stringify(v)}`);
      return n;
    };
    switch (flag) {
      case '--out':
        opts.out = value();
        break;
      case '--date':
        opts.date = value();
        break;
      case '--seed':
        opts.seed = numberOf(value());
        break;
      case '--scale':
        opts.scale = numberOf(value());
        break;
      case '--flyte-executions-only':
        opts.flyteNodeExecutions = false;
        break;
      case '-h':
      case '--help':
        return 'help';
      default:
        throw new Error(`unknown argument ${JSON.stringify(arg)}\n\n${USAGE}`);
    }
  }
  return opts;
}

export function summary(m: DemoManifest, root: string, seconds: number): string {
  const s = m.sources;
  const rows: Array<[string, string, number, number, string]> = [
    ['okta', s.okta.path, s.okta.files, s.okta.records, 'System Log events'],
    ['cloudtrail', s.cloudtrail.path, s.cloudtrail.files, s.cloudtrail.records, 'records'],
    ['k8s-audit', s.k8sAudit.path, s.k8sAudit.files, s.k8sAudit.records, `lines (${s.k8sAudit.requests} requests, ${s.k8sAudit.rotated} rotated files)`],
    ['gcp-audit', s.gcp.path, s.gcp.files, s.gcp.records, 'log entries'],
    ['azure-activity', s.azure.path, s.azure.files, s.azure.records, 'records'],
    ['flyte', s.flyte.path, s.flyte.files, s.flyte.records, `executions (${s.flyte.nodeExecutions} node, ${s.flyte.taskExecutions} task executions)`],
  ];
  const lines = [`demo written to ${root} (day ${m.date}, seed ${m.seed}, scale ${m.scale}, generator v${m.generatorVersion}) in ${seconds.toFixed(1)} s`];
  for (const [name, dir, files, records, what] of rows) lines.push(`  ${name.padEnd(15)} ${`${dir}/`.padEnd(12)} ${String(files).padStart(5)} files  ${String(records).padStart(7)} ${what}`);
  lines.push(`  ${'total'.padEnd(15)} ${''.padEnd(12)} ${''.padStart(5)}        ${String(m.totalRecords).padStart(7)} records`);
  lines.push(`  incident run ${m.incident.flyte.runId}; attacker ${m.incident.attackerIp}; timeline of ${m.incident.timeline.length} events in manifest.json`);
  return lines.join('\n');
}

/** `npm run demo` and `auditgraph demo`: builds the demo, prints where and what; resolves to the exit code. */
export async function runDemoCli(argv: readonly string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  try {
    const parsed = parseArgs(argv);
    if (parsed === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const started = performance.now();
    const manifest = await rebuildDemo(parsed.out, { date: parsed.date, seed: parsed.seed, scale: parsed.scale, flyteNodeExecutions: parsed.flyteNodeExecutions });
    io.stdout.write(`${summary(manifest, parsed.out, (performance.now() - started) / 1000)}\n`);
    return 0;
  } catch (err) {
    io.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void runDemoCli(process.argv.slice(2), process).then((code) => (process.exitCode = code));
}
