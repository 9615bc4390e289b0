import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { procStatusBytes, startServerProcess, stopServerProcess } from './server-process';

/**
 * Cheap requests that cost the server dearly, each sent to a fresh compiled server on the demo (a child process,
 * so that its memory is its own): how long until it answers, how much its peak memory (VmHWM) grows, what it
 * answers, and how long /healthz takes while four of the first document run at once. Figures are printed, not
 * asserted: test/server/limits.test.ts asserts the refusals.
 */

const DAY = { from: '2026-03-14T00:00:00Z', to: '2026-03-15T00:00:00Z' };
const W = `{from: "${DAY.from}", to: "${DAY.to}"}`;
const TIMEOUT_MS = 120_000;

export interface CheapRequest {
  name: string;
  body: string;
}

/** The documents of issue 9, as measured there. */
export function cheapRequests(): CheapRequest[] {
  const aliases = Array.from({ length: 1000 }, (_, i) => `a${i}: events(window: ${W}, first: 100) { edges { node { id action } } }`).join('\n');
  const nested = `{ events(window: ${W}, first: 1000) { edges { node { actor { identity { events(window: ${W}, first: 1000) { edges { node { id } } } } } } } } }`;
  const resource = `query($w: TimeWindowInput!, $r: String) { events(window: $w, filter: {resource: $r}) { edges { node { id } } } }`;
  const identity = `query($w: TimeWindowInput!, $i: [String!]) { events(window: $w, filter: {identity: $i}) { edges { node { id } } } }`;
  return [
    { name: '1,000 aliased events fields', body: JSON.stringify({ query: `{\n${aliases}\n}` }) },
    { name: 'actor.identity.events nested in events', body: JSON.stringify({ query: nested }) },
    { name: '900 KB resource filter', body: JSON.stringify({ query: resource, variables: { w: DAY, r: 'x'.repeat(900_000) } }) },
    { name: '50,000 identity values', body: JSON.stringify({ query: identity, variables: { w: DAY, i: Array.from({ length: 50_000 }, (_, i) => `u${i}`) } }) },
    { name: '10 MB body', body: JSON.stringify({ query: '{ sources { id } }', variables: { pad: 'x'.repeat(10_000_000) } }) },
  ];
}

async function send(url: string, body: string): Promise<{ status: number | string; code?: string; ms: number }> {
  const started = performance.now();
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await res.text();
    let code: string | undefined;
    try {
      code = (JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code;
    } catch {
      code = undefined;
    }
    return { status: res.status, code, ms: performance.now() - started };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return { status: cause ?? (err as Error).name, ms: performance.now() - started };
  }
}

export interface LimitsBenchRow {
  name: string;
  bodyBytes: number;
  status: number | string;
  code?: string;
  seconds: number;
  peakRssGrowthMB: number;
}

export interface LimitsBenchResult {
  rows: LimitsBenchRow[];
  fourAtOnce?: { seconds: number; healthzMs: number; peakRssGrowthMB: number; statuses: (number | string)[] };
}

export async function runLimitsBench(opts: { log: (line: string) => void; dir?: string }): Promise<LimitsBenchResult> {
  const log = opts.log;
  const demoDir = opts.dir ?? path.resolve(__dirname, '../../bench/.data/limits-demo');
  const rows: LimitsBenchRow[] = [];
  const requests = cheapRequests();
  for (const request of requests) {
    const server = await startServerProcess({ nodeFlags: [], env: { AUDITGRAPH_DEMO_DIR: demoDir, AUDITGRAPH_DEMO_DATE: '2026-03-14' }, timeoutMs: 900_000 });
    try {
      await send(server.url, JSON.stringify({ query: '{ sources { id } }' }));
      const pid = server.child.pid!;
      const base = procStatusBytes(pid, 'VmRSS');
      const reply = await send(server.url, request.body);
      const row = {
        name: request.name,
        bodyBytes: Buffer.byteLength(request.body),
        status: reply.status,
        code: reply.code,
        seconds: Math.round(reply.ms / 10) / 100,
        peakRssGrowthMB: Math.round((procStatusBytes(pid, 'VmHWM') - base) / 1024 / 1024),
      };
      rows.push(row);
      log(`${row.name.padEnd(40)} ${String(row.bodyBytes).padStart(9)} B  -> ${String(row.status)} ${row.code ?? ''}  in ${row.seconds} s, peak RSS +${row.peakRssGrowthMB} MB`);
    } finally {
      await stopServerProcess(server);
    }
  }
  // four of the first at once, and whether the server still answers a health check meanwhile (skipped with
  // AUDITGRAPH_BENCH_FOUR=0: on a server without limits that takes ~13 GB)
  if (process.env.AUDITGRAPH_BENCH_FOUR === '0') return { rows };
  const server = await startServerProcess({ nodeFlags: [], env: { AUDITGRAPH_DEMO_DIR: demoDir, AUDITGRAPH_DEMO_DATE: '2026-03-14' }, timeoutMs: 900_000 });
  try {
    await send(server.url, JSON.stringify({ query: '{ sources { id } }' }));
    const pid = server.child.pid!;
    const base = procStatusBytes(pid, 'VmRSS');
    const started = performance.now();
    const four = Promise.all(Array.from({ length: 4 }, () => send(server.url, requests[0].body)));
    await new Promise((r) => setTimeout(r, 200));
    const h0 = performance.now();
    await fetch(server.url.replace('/graphql', '/healthz'), { signal: AbortSignal.timeout(TIMEOUT_MS) }).catch(() => undefined);
    const healthzMs = Math.round(performance.now() - h0);
    const replies = await four;
    const fourAtOnce = {
      seconds: Math.round((performance.now() - started) / 10) / 100,
      healthzMs,
      peakRssGrowthMB: Math.round((procStatusBytes(pid, 'VmHWM') - base) / 1024 / 1024),
      statuses: replies.map((r) => (r.code ? `${r.status} ${r.code}` : r.status)),
    };
    log(`four of "${requests[0].name}" at once: ${fourAtOnce.seconds} s, /healthz meanwhile ${healthzMs} ms, peak RSS +${fourAtOnce.peakRssGrowthMB} MB, ${fourAtOnce.statuses.join(', ')}`);
    return { rows, fourAtOnce };
  } finally {
    await stopServerProcess(server);
  }
}
