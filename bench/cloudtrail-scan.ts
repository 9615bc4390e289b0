import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ConfigNode } from '../src/config/fields';
import { SortOrder, type Source } from '../src/domain';
import { Limiters } from '../src/query/limiter';
import { cloudtrailDefinition } from '../src/sources/cloudtrail';
import { allPages, best, decode, duckdbBest, gunzipBaseline, mb, resetPeak, round } from './archive-scan';
import { ALICE, DEFAULT_TRAIL_SPEC, ensureTrailArchive } from './cloudtrail-archive';
import { procStatusBytes, startServerProcess, stopServerProcess } from './server-process';

/**
 * The same question as bench/archive-scan.ts over a CloudTrail archive in the S3 layout (what users have most
 * of): "everything alice@example.com did that day", all pages of 1000 through the real server over HTTP, beside
 * DuckDB's `read_json` on the files the source reads with the same filter, a bare gunzip of them and gunzip +
 * `JSON.parse` of each file; the server's peak RSS; the bytes an hour's window reads against that hour's own.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function archiveSource(dir: string): Source {
  const node = ConfigNode.of({ id: 'bench-trail', type: 'cloudtrail', mode: 'archive', path: dir }, 'sources[0]');
  return cloudtrailDefinition.create(node, { id: 'bench-trail', mode: 'archive' }, { limiters: new Limiters(), now: () => new Date() });
}

async function planned(source: Source, dir: string, window: { from: Date; to: Date }): Promise<string[]> {
  const plan = await source.plan({ window, order: SortOrder.OLDEST_FIRST, filter: {}, pageSizeHint: 1000 });
  return (plan.partitions ?? []).map((rel) => path.join(dir, rel));
}

/** An hour's own bytes on disk: each file's size times the share of its text that is records of that hour. */
function hourBytes(files: string[], hour: { from: Date; to: Date }): number {
  let own = 0;
  for (const file of files) {
    const text = decode(file).toString('utf8');
    const records = (JSON.parse(text) as { Records: { eventTime: string }[] }).Records;
    let inside = 0;
    let all = 0;
    for (const r of records) {
      const n = JSON.stringify(r).length;
      all += n;
      const t = Date.parse(r.eventTime);
      if (t >= hour.from.getTime() && t < hour.to.getTime()) inside += n;
    }
    if (all > 0) own += fs.statSync(file).size * (inside / all);
  }
  return own;
}

export async function runCloudTrailScanBench(opts: { dir: string; log: (line: string) => void; runs?: number }): Promise<Record<string, number | string>> {
  const { dir, log } = opts;
  const runs = opts.runs ?? 3;
  const manifest = await ensureTrailArchive(dir, DEFAULT_TRAIL_SPEC, log);
  const day = { from: new Date(manifest.dayMs), to: new Date(manifest.dayMs + DAY) };
  const hour = { from: new Date(manifest.dayMs + 12 * HOUR), to: new Date(manifest.dayMs + 13 * HOUR) };
  const source = archiveSource(dir);
  const files = await planned(source, dir, day);
  const textBytes = files.reduce((s, f) => s + decode(f).length, 0);
  log(`archive: ${manifest.records} records in ${manifest.files} files, ${round(mb(manifest.bytesOnDisk), 1)} MB on disk; the day reads ${files.length} files, ${round(mb(textBytes), 1)} MB of text`);

  const gunzip = await gunzipBaseline(files, runs);
  const parseLoop = await best(runs, () => {
    const t0 = performance.now();
    let records = 0;
    for (const f of files) records += (JSON.parse(decode(f).toString('utf8')) as { Records: unknown[] }).Records.length;
    return { ms: performance.now() - t0, records };
  });

  // the session name of an Identity Center role session is the person's email (what auditgraph's identity matches)
  const duckdb = await duckdbBest(files, runs, (list) => `SELECT r.eventID FROM (SELECT unnest(Records) AS r FROM read_json(${list}, format = 'auto', maximum_object_size = 268435456))
    WHERE lower(split_part(r.userIdentity.arn, '/', 3)) = '${ALICE}' AND r.eventTime >= TIMESTAMP '${day.from.toISOString().slice(0, 19)}' AND r.eventTime < TIMESTAMP '${day.to.toISOString().slice(0, 19)}'
    ORDER BY r.eventTime, r.eventID`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'auditgraph-bench-trail-'));
  const configPath = path.join(tmp, 'auditgraph.yaml');
  // the figures beside DuckDB are cold reads: no decoded-file cache (DuckDB reads the files each time too)
  const config = (fileCacheBytes: number) =>
    `sources:\n  - id: bench-trail\n    type: cloudtrail\n    mode: archive\n    path: ${JSON.stringify(dir)}\nlimits:\n  perCaller: { maxConcurrent: 64, requestsPerMinute: 100000 }\nquery:\n  fileCacheBytes: ${fileCacheBytes}\n`;
  fs.writeFileSync(configPath, config(0));
  const warmConfigPath = path.join(tmp, 'auditgraph-warm.yaml');
  fs.writeFileSync(warmConfigPath, config(1024 * 1024 * 1024));
  const w = { from: day.from.toISOString(), to: day.to.toISOString() };
  const h = { from: hour.from.toISOString(), to: hour.to.toISOString() };
  const server = await startServerProcess({ args: ['--config', configPath] });
  const pid = server.child.pid!;
  try {
    await allPages(server.url, h, { identity: [ALICE] }, 1, 1); // warm the process before timing
    const peakResettable = resetPeak(pid);
    const selective = await best(runs, () => allPages(server.url, w, { identity: [ALICE] }, 1000));
    const selectiveRss = procStatusBytes(pid, 'VmHWM');
    resetPeak(pid);
    const unselective = await allPages(server.url, w, {}, 1000);
    const unselectiveRss = procStatusBytes(pid, 'VmHWM');
    const hourAll = await allPages(server.url, h, {}, 1000);
    const hourShare = hourBytes(await planned(source, dir, hour), hour);
    const fresh = await startServerProcess({ args: ['--config', configPath] });
    let pageRss: number;
    try {
      await allPages(fresh.url, h, {}, 100, 100);
      pageRss = procStatusBytes(fresh.child.pid!, 'VmHWM');
    } finally {
      await stopServerProcess(fresh);
    }
    // the same question asked again of a server that keeps the files it decoded (a cache big enough for the day)
    const warmServer = await startServerProcess({ args: ['--config', warmConfigPath] });
    let warm: Awaited<ReturnType<typeof allPages>>;
    let warmRss: number;
    try {
      await allPages(warmServer.url, w, { identity: [ALICE] }, 1000);
      warm = await best(runs, () => allPages(warmServer.url, w, { identity: [ALICE] }, 1000));
      warmRss = procStatusBytes(warmServer.child.pid!, 'VmHWM');
    } finally {
      await stopServerProcess(warmServer);
    }
    const results: Record<string, number | string> = {
      day_files: files.length,
      day_text_mb: round(mb(textBytes), 1),
      filter: `identity: ["${ALICE}"], all pages of 1000, OLDEST_FIRST, over HTTP`,
      selective_events: selective.events,
      selective_complete: String(selective.complete),
      selective_wall_ms: round(selective.ms, 0),
      selective_mb_per_s: round(mb(textBytes) / (selective.ms / 1000), 0),
      duckdb_rows: duckdb.rows,
      duckdb_wall_ms: round(duckdb.ms, 0),
      gunzip_wall_ms: round(gunzip.ms, 0),
      parse_loop_records: parseLoop.records,
      parse_loop_wall_ms: round(parseLoop.ms, 0),
      selective_again_with_file_cache_ms: round(warm.ms, 0),
      peak_rss_mb_with_file_cache_of_the_day: round(mb(warmRss), 0),
      unselective_events: unselective.events,
      unselective_wall_ms: round(unselective.ms, 0),
      unselective_mb_per_s: round(mb(textBytes) / (unselective.ms / 1000), 0),
      'selective_over_duckdb (target >= 1.5)': round(duckdb.ms / selective.ms),
      'selective_over_gunzip (target >= 0.5)': round(gunzip.ms / selective.ms),
      'unselective_over_parse_loop (target >= 1.0)': round(parseLoop.ms / unselective.ms),
      'peak_rss_mb_selective_day (target <= 150)': peakResettable ? round(mb(selectiveRss), 0) : 'n/a (clear_refs not writable)',
      'peak_rss_mb_unselective_day (target <= 150)': peakResettable ? round(mb(unselectiveRss), 0) : 'n/a',
      'peak_rss_mb_page_of_100_fresh_server (target <= 150)': round(mb(pageRss), 0),
      hour_events: hourAll.events,
      hour_files_read: hourAll.read.partitionsRead,
      hour_bytes_read: hourAll.read.bytesRead,
      hour_own_bytes: Math.round(hourShare),
      'hour_bytes_read_over_own (target <= 1.2)': round(hourAll.read.bytesRead / hourShare),
    };
    const width = Math.max(...Object.keys(results).map((k) => k.length));
    log('CloudTrail archive scan: auditgraph over HTTP beside DuckDB read_json and gunzip, same files, same run');
    for (const [k, v] of Object.entries(results)) log(`  ${k.padEnd(width)}  ${v}`);
    return results;
  } finally {
    await stopServerProcess(server);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
