import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { procStatusBytes, startServerProcess, stopServerProcess } from './server-process';
import { demoConfigDocument } from '../src/demo/document';
import { ensureDemo } from '../src/demo/ensure';

/**
 * Many responders at once: CLIENTS concurrent clients each ask, REQUESTS times one after the other, for a 2-hour
 * window of the demo filtered by alice's identity (a page of 100), from one compiled server in a child process (so
 * that its memory is its own). Bounded: CLIENTS x REQUESTS requests in all, each with a timeout. Prints throughput,
 * latency percentiles and the server's memory beside the targets of issue 12; asserts nothing.
 *
 * The server is the demo with the per-caller limits raised (every client is the same anonymous caller on
 * 127.0.0.1, and the default `limits.perCaller.maxConcurrent: 8` would refuse most of them with 429).
 */

const DEMO_DATE = '2026-03-14';
const QUERY = `query Load($w: TimeWindowInput!, $i: [String!]) {
  events(window: $w, filter: {identity: $i}, first: 100) {
    edges { node { id time action source { id } actor { name } } }
    pageInfo { hasNextPage endCursor }
    sources { source { id } state eventsScanned eventsReturned cacheHits }
  }
}`;
const FROM = Date.parse(`${DEMO_DATE}T08:00:00Z`);
const TWO_HOURS = 2 * 3_600_000;
/** The 2-hour window, moved by `shiftSeconds`: distinct clients ask distinct windows, which no read can share. */
function variables(shiftSeconds: number) {
  const from = FROM + shiftSeconds * 1000;
  return { w: { from: new Date(from).toISOString(), to: new Date(from + TWO_HOURS).toISOString() }, i: ['alice@example.com'] };
}
const TIMEOUT_MS = 120_000;

/** The figures the issue set: 10x the 4 requests/s measured before, p95 within 2 s, peak RSS within 300 MB. */
export const LOAD_TARGETS = { requestsPerSecond: 40, p95Seconds: 2, peakRssMB: 300 };

export interface LoadBenchResult {
  phase: 'identical' | 'distinct';
  clients: number;
  requests: number;
  ok: number;
  failed: number;
  failures: string[];
  seconds: number;
  requestsPerSecond: number;
  p50Seconds: number;
  p95Seconds: number;
  p99Seconds: number;
  rssStartMB: number;
  peakRssMB: number;
  eventsPerPage: number;
}

interface Reply {
  ms: number;
  ok: boolean;
  detail: string;
  events: number;
}

async function ask(url: string, shiftSeconds = 0): Promise<Reply> {
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: QUERY, variables: variables(shiftSeconds) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const body = (await res.json()) as { data?: { events?: { edges: unknown[] } }; errors?: { message: string; extensions?: { code?: string } }[] };
    const ms = performance.now() - started;
    if (res.status !== 200 || body.errors?.length || !body.data?.events) {
      return { ms, ok: false, detail: `${res.status} ${body.errors?.[0]?.extensions?.code ?? ''} ${body.errors?.[0]?.message ?? ''}`.trim(), events: 0 };
    }
    return { ms, ok: true, detail: '', events: body.data.events.edges.length };
  } catch (err) {
    return { ms: performance.now() - started, ok: false, detail: (err as Error).name, events: 0 };
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round2 = (n: number) => Math.round(n * 100) / 100;

type Phase = 'identical' | 'distinct';

/** One phase on a fresh server: every client asks the same page (`identical`), or each its own window (`distinct`). */
async function runPhase(configFile: string, phase: Phase, clients: number, perClient: number, log: (line: string) => void): Promise<LoadBenchResult> {
  const server = await startServerProcess({ args: ['--config', configFile] });
  try {
    const pid = server.child.pid!;
    // one request first, so that the modules a query loads are in the start figure
    const first = await ask(server.url);
    if (!first.ok) throw new Error(`the load query failed on an idle server: ${first.detail}`);
    const rssStartMB = Math.round(procStatusBytes(pid, 'VmRSS') / 1024 / 1024);
    const latencies: number[] = [];
    const failures = new Map<string, number>();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async (_, client) => {
        for (let i = 0; i < perClient; i++) {
          // distinct: a window of its own for every request of every client (seconds apart, so the pages differ)
          const reply = await ask(server.url, phase === 'distinct' ? 1 + client * perClient + i : 0);
          latencies.push(reply.ms);
          if (!reply.ok) failures.set(reply.detail, (failures.get(reply.detail) ?? 0) + 1);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const sorted = [...latencies].sort((a, b) => a - b);
    const failed = [...failures.values()].reduce((a, b) => a + b, 0);
    const result: LoadBenchResult = {
      phase,
      clients,
      requests: latencies.length,
      ok: latencies.length - failed,
      failed,
      failures: [...failures].map(([d, n]) => `${n} x ${d}`),
      seconds: round2(seconds),
      requestsPerSecond: round2(latencies.length / seconds),
      p50Seconds: round2(percentile(sorted, 50) / 1000),
      p95Seconds: round2(percentile(sorted, 95) / 1000),
      p99Seconds: round2(percentile(sorted, 99) / 1000),
      rssStartMB,
      peakRssMB: Math.round(procStatusBytes(pid, 'VmHWM') / 1024 / 1024),
      eventsPerPage: first.events,
    };
    const t = LOAD_TARGETS;
    log(`${phase === 'identical' ? 'every client the same page' : 'every request its own window'}: ${clients} clients x ${perClient} requests, ${first.events} events a page`);
    log(`  answered        ${result.ok}/${result.requests} in ${result.seconds} s${result.failed ? `, failed: ${result.failures.join('; ')}` : ''}`);
    log(`  throughput      ${String(result.requestsPerSecond).padStart(8)} requests/s   target >= ${t.requestsPerSecond} (10x the 4 measured before)`);
    log(`  latency p50     ${String(result.p50Seconds).padStart(8)} s`);
    log(`  latency p95     ${String(result.p95Seconds).padStart(8)} s            target <= ${t.p95Seconds} s`);
    log(`  latency p99     ${String(result.p99Seconds).padStart(8)} s`);
    log(`  peak RSS        ${String(result.peakRssMB).padStart(8)} MB           target <= ${t.peakRssMB} MB (idle ${rssStartMB} MB)`);
    return result;
  } finally {
    await stopServerProcess(server);
  }
}

export async function runLoadBench(opts: { log: (line: string) => void; dir?: string; clients?: number; requestsPerClient?: number }): Promise<LoadBenchResult[]> {
  const clients = opts.clients ?? Number(process.env.AUDITGRAPH_BENCH_CLIENTS ?? 50);
  const perClient = opts.requestsPerClient ?? Number(process.env.AUDITGRAPH_BENCH_REQUESTS ?? 6);
  const root = opts.dir ?? path.resolve(__dirname, '../../bench/.data/load-demo');
  await ensureDemo(root, { date: DEMO_DATE });
  const configFile = path.join(root, 'load-bench.yaml');
  fs.writeFileSync(configFile, stringify({ ...demoConfigDocument(root), limits: { perCaller: { maxConcurrent: 10_000, requestsPerMinute: 1_000_000 } } }));
  opts.log('events(window: 2 h, filter: {identity: ["alice@example.com"]}, first: 100) on the demo, each phase on a fresh server');
  return [await runPhase(configFile, 'identical', clients, perClient, opts.log), await runPhase(configFile, 'distinct', clients, perClient, opts.log)];
}
