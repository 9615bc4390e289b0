import * as fs from 'node:fs';
import { procStatusBytes, startServerProcess, stopServerProcess } from './server-process';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as zlib from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { SortOrder } from '../src/domain';
import { K8sAuditFileSource } from '../src/sources/k8s-audit';
import { DEFAULT_ARCHIVE_SPEC, ensureK8sArchive } from './k8s-archive';

/**
 * The responder's first question over a big archive, "everything oidc:alice did that day", answered by the real
 * server through the HTTP API (all pages of 1000), beside DuckDB's `read_json` over the same files with the same
 * filter, a bare one-thread gunzip of them, and gunzip + `JSON.parse` of every line: figures and ratios measured in
 * the same run, printed beside the targets of issue 12. Also the server's peak RSS for the day and for one page of
 * 100 events, and the bytes a 1-hour window reads against that hour's bytes.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const IDENTITY = 'oidc:alice@example.com';
export const mb = (b: number) => b / 1e6;
export const round = (x: number, d = 2) => Number(x.toFixed(d));

/** Resets the process's peak RSS (Linux: `5` to clear_refs), so that VmHWM is the peak of what comes next. */
export function resetPeak(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

interface SourceFigures {
  eventsScanned: number;
  bytesRead: number;
  partitionsRead: number;
  state: string;
}

const QUERY = `query($w: TimeWindowInput!, $f: EventFilterInput, $n: Int, $after: String) {
  events(window: $w, filter: $f, first: $n, after: $after, order: OLDEST_FIRST) {
    edges { node { id time } }
    pageInfo { hasNextPage endCursor }
    complete
    sources { state eventsScanned bytesRead partitionsRead }
  }
}`;

interface Page {
  edges: { node: { id: string; time: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  complete: boolean;
  sources: SourceFigures[];
}

async function page(url: string, window: { from: string; to: string }, filter: Record<string, unknown>, first: number, after?: string): Promise<Page> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERY, variables: { w: window, f: filter, n: first, after } }),
  });
  const body = (await res.json()) as { data?: { events: Page }; errors?: unknown[] };
  if (!body.data) throw new Error(`query failed: ${JSON.stringify(body.errors)}`);
  return body.data.events;
}

/** Every page of `first` through the API; what the source read, summed over the pages. */
export async function allPages(url: string, window: { from: string; to: string }, filter: Record<string, unknown>, first: number, limit = Infinity) {
  const t0 = performance.now();
  let events = 0;
  let pages = 0;
  let after: string | undefined;
  let complete = true;
  const read: SourceFigures = { eventsScanned: 0, bytesRead: 0, partitionsRead: 0, state: 'OK' };
  for (;;) {
    const p = await page(url, window, filter, first, after);
    pages += 1;
    events += p.edges.length;
    complete &&= p.complete;
    for (const s of p.sources) {
      read.eventsScanned += s.eventsScanned;
      read.bytesRead += s.bytesRead;
      read.partitionsRead += s.partitionsRead;
      if (s.state !== 'OK') read.state = s.state;
    }
    if (!p.pageInfo.hasNextPage || events >= limit) break;
    after = p.pageInfo.endCursor ?? undefined;
  }
  return { ms: performance.now() - t0, events, pages, complete, read };
}

export function decode(file: string): Buffer {
  const raw = fs.readFileSync(file);
  return raw[0] === 0x1f && raw[1] === 0x8b ? zlib.gunzipSync(raw) : raw;
}

/** The bare decompression of `files`, one thread, nothing else: the fastest of `runs`. */
export function gunzipBaseline(files: readonly string[], runs: number): Promise<{ ms: number; bytes: number }> {
  return best(runs, () => {
    const t0 = performance.now();
    let bytes = 0;
    for (const f of files) bytes += decode(f).length;
    return { ms: performance.now() - t0, bytes };
  });
}

/**
 * DuckDB (2 threads at most) running the SQL `sql(list)` builds over `files` (given as a DuckDB list of paths):
 * the fastest of `runs`, and how many rows it returned.
 */
export async function duckdbBest(files: readonly string[], runs: number, sql: (list: string) => string): Promise<{ ms: number; rows: number }> {
  const duck = await DuckDBInstance.create(':memory:', { threads: String(Math.min(2, os.availableParallelism())) });
  const conn = await duck.connect();
  const text = sql(`[${files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ')}]`);
  try {
    return await best(runs, async () => {
      const t0 = performance.now();
      const rows = (await conn.runAndReadAll(text)).getRows().length;
      return { ms: performance.now() - t0, rows };
    });
  } finally {
    conn.closeSync();
  }
}

/** Runs `f` `n` times and keeps the fastest (the same for every reader, so that none is favoured by a cold cache). */
export async function best<T extends { ms: number }>(n: number, f: () => Promise<T> | T): Promise<T> {
  let kept: T | undefined;
  for (let i = 0; i < n; i++) {
    const r = await f();
    if (!kept || r.ms < kept.ms) kept = r;
  }
  return kept!;
}

/**
 * An hour's own bytes, in the unit `bytesRead` counts (bytes on disk): for each file the hour's plan reads, its size
 * times the share of its decoded text that is lines of that hour (by stage time).
 */
async function hourBytes(source: K8sAuditFileSource, dir: string, hour: { from: Date; to: Date }): Promise<number> {
  const plan = await source.plan({ window: hour, order: SortOrder.OLDEST_FIRST, filter: {}, pageSizeHint: 1000 });
  let own = 0;
  for (const rel of plan.partitions ?? []) {
    const file = path.join(dir, rel);
    const text = decode(file).toString('utf8');
    let inside = 0;
    for (let from = 0, nl = text.indexOf('\n'); from < text.length; from = nl + 1, nl = text.indexOf('\n', from)) {
      if (nl < 0) nl = text.length;
      const m = /"stageTimestamp":"([^"]+)"/.exec(text.slice(from, nl));
      const t = m ? Date.parse(m[1]) : Number.NaN;
      if (t >= hour.from.getTime() && t < hour.to.getTime()) inside += nl + 1 - from;
    }
    own += fs.statSync(file).size * (inside / text.length);
  }
  return own;
}

export async function runArchiveScanBench(opts: { dir: string; log: (line: string) => void; runs?: number }): Promise<Record<string, number | string>> {
  const { dir, log } = opts;
  const runs = opts.runs ?? 3;
  const manifest = await ensureK8sArchive(dir, DEFAULT_ARCHIVE_SPEC, log);
  const start = manifest.startMs;
  const day = { from: new Date(start + 3 * DAY), to: new Date(start + 4 * DAY) };
  const hour = { from: new Date(start + 3.5 * DAY), to: new Date(start + 3.5 * DAY + HOUR) };
  const source = new K8sAuditFileSource('bench-k8s', { location: { root: dir }, cluster: 'bench' });
  const plan = await source.plan({ window: day, order: SortOrder.OLDEST_FIRST, filter: {}, pageSizeHint: 1000 });
  const files = (plan.partitions ?? []).map((rel) => path.join(dir, rel));
  const textBytes = files.reduce((s, f) => s + decode(f).length, 0);
  log(`day ${day.from.toISOString()} +24h: ${files.length} files, ${round(mb(textBytes), 1)} MB of text`);

  // baselines, one thread, nothing else
  const gunzip = await gunzipBaseline(files, runs);
  const parseLoop = await best(runs, () => {
    const t0 = performance.now();
    let lines = 0;
    for (const f of files) {
      const text = decode(f).toString('utf8');
      for (let from = 0, nl = text.indexOf('\n'); from < text.length; from = nl + 1, nl = text.indexOf('\n', from)) {
        if (nl < 0) nl = text.length;
        if (nl > from) {
          JSON.parse(text.slice(from, nl));
          lines += 1;
        }
      }
    }
    return { ms: performance.now() - t0, lines };
  });

  // DuckDB over the same files, the same filter, sorted, 2 threads
  const duckdb = await duckdbBest(files, runs, (list) => `SELECT auditID, stage, requestReceivedTimestamp FROM read_json(${list}, format = 'newline_delimited', union_by_name = true)
    WHERE "user".username = '${IDENTITY}' AND requestReceivedTimestamp >= '${day.from.toISOString()}' AND requestReceivedTimestamp < '${day.to.toISOString()}'
    ORDER BY requestReceivedTimestamp, auditID`);

  // the real server over HTTP
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'auditgraph-bench-scan-'));
  const configPath = path.join(tmp, 'auditgraph.yaml');
  fs.writeFileSync(configPath, `sources:\n  - id: bench-k8s\n    type: k8s-audit\n    mode: file\n    path: ${JSON.stringify(dir)}\nlimits:\n  perCaller: { maxConcurrent: 64, requestsPerMinute: 100000 }\n`);
  const server = await startServerProcess({ args: ['--config', configPath] });
  const pid = server.child.pid!;
  const w = { from: day.from.toISOString(), to: day.to.toISOString() };
  try {
    await page(server.url, w, { identity: [IDENTITY] }, 1); // warm the process (schema, JIT) before timing
    const peakResettable = resetPeak(pid);
    const selective = await best(runs, () => allPages(server.url, w, { identity: [IDENTITY] }, 1000));
    const selectiveRss = procStatusBytes(pid, 'VmHWM');
    resetPeak(pid);
    const unselective = await allPages(server.url, w, {}, 1000);
    const unselectiveRss = procStatusBytes(pid, 'VmHWM');
    const hourAll = await allPages(server.url, { from: hour.from.toISOString(), to: hour.to.toISOString() }, {}, 1000);
    const hourShare = await hourBytes(source, dir, hour);
    // a page of 100 on a server that has served nothing else: its peak from start-up
    const fresh = await startServerProcess({ args: ['--config', configPath] });
    let newest100: Awaited<ReturnType<typeof allPages>>;
    let pageRss: number;
    let freshRss: number;
    try {
      freshRss = procStatusBytes(fresh.child.pid!, 'VmRSS');
      newest100 = await allPages(fresh.url, { from: hour.from.toISOString(), to: hour.to.toISOString() }, {}, 100, 100);
      pageRss = procStatusBytes(fresh.child.pid!, 'VmHWM');
    } finally {
      await stopServerProcess(fresh);
    }

    const ours = mb(textBytes) / (selective.ms / 1000);
    const results: Record<string, number | string> = {
      day_files: files.length,
      day_text_mb: round(mb(textBytes), 1),
      filter: `identity: ["${IDENTITY}"], all pages of 1000, OLDEST_FIRST, over HTTP`,
      selective_events: selective.events,
      selective_pages: selective.pages,
      selective_complete: String(selective.complete),
      selective_wall_ms: round(selective.ms, 0),
      selective_mb_per_s: round(ours, 0),
      duckdb_rows: duckdb.rows,
      duckdb_wall_ms: round(duckdb.ms, 0),
      duckdb_mb_per_s: round(mb(textBytes) / (duckdb.ms / 1000), 0),
      gunzip_wall_ms: round(gunzip.ms, 0),
      gunzip_mb_per_s: round(mb(gunzip.bytes) / (gunzip.ms / 1000), 0),
      parse_loop_lines: parseLoop.lines,
      parse_loop_wall_ms: round(parseLoop.ms, 0),
      parse_loop_mb_per_s: round(mb(textBytes) / (parseLoop.ms / 1000), 0),
      unselective_events: unselective.events,
      unselective_wall_ms: round(unselective.ms, 0),
      unselective_mb_per_s: round(mb(textBytes) / (unselective.ms / 1000), 0),
      'selective_over_duckdb (target >= 1.5)': round(duckdb.ms / selective.ms),
      'selective_over_gunzip (target >= 0.5)': round(gunzip.ms / selective.ms),
      'unselective_over_parse_loop (target >= 1.0)': round(parseLoop.ms / unselective.ms),
      'peak_rss_mb_selective_day (target <= 150)': peakResettable ? round(mb(selectiveRss), 0) : 'n/a (clear_refs not writable)',
      'peak_rss_mb_unselective_day (target <= 150)': peakResettable ? round(mb(unselectiveRss), 0) : 'n/a',
      'peak_rss_mb_page_of_100_fresh_server (target <= 150)': round(mb(pageRss), 0),
      rss_mb_fresh_server: round(mb(freshRss), 0),
      hour_events: hourAll.events,
      hour_bytes_read: hourAll.read.bytesRead,
      hour_files_read: hourAll.read.partitionsRead,
      hour_own_bytes: Math.round(hourShare),
      'hour_bytes_read_over_own (target <= 1.2)': round(hourAll.read.bytesRead / hourShare),
      newest100_bytes_read: newest100.read.bytesRead,
      rss_mb_after_the_day_scans: round(mb(procStatusBytes(pid, 'VmRSS')), 0),
    };
    const width = Math.max(...Object.keys(results).map((k) => k.length));
    log('archive scan: auditgraph over HTTP beside DuckDB read_json and gunzip, same files, same run');
    for (const [k, v] of Object.entries(results)) log(`  ${k.padEnd(width)}  ${v}`);
    return results;
  } finally {
    await stopServerProcess(server);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const dir = process.argv[2] ?? path.resolve(process.cwd(), 'bench/.data/k8s');
  runArchiveScanBench({ dir, log: (line) => console.log(line) }).catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
