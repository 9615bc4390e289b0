import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { performance } from 'node:perf_hooks';
import * as zlib from 'node:zlib';
import { SortOrder, newSourceStats, type SourceStats, type TimeWindow } from '../src/domain';
import { K8sAuditFileSource } from '../src/sources/k8s-audit';
import { DEFAULT_ARCHIVE_SPEC, ensureK8sArchive } from './k8s-archive';

/**
 * The Kubernetes audit files source over a week of audit logs (>= 1M requests, 2 lines each):
 * (a) the newest 100 events of a 1-hour window mid-week, newest first: time and bytes read against the archive;
 * (b) a full day oldest first, as MB/s of log text, beside a readline + JSON.parse loop over the same files;
 * (c) peak RSS while (a) and (b) run.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Samples RSS on a timer and on demand; the peak is what the source needed while it ran. */
class RssPeak {
  peak = process.memoryUsage().rss;
  private readonly timer: NodeJS.Timeout;
  constructor() {
    this.timer = setInterval(() => this.sample(), 5);
  }
  sample(): void {
    const rss = process.memoryUsage().rss;
    if (rss > this.peak) this.peak = rss;
  }
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

async function newest(source: K8sAuditFileSource, window: TimeWindow, count: number): Promise<{ ms: number; stats: SourceStats; events: number; rss: number }> {
  global.gc?.();
  const rss = new RssPeak();
  const stats = newSourceStats();
  const t0 = performance.now();
  let events = 0;
  for await (const _ of source.events({ window, order: SortOrder.NEWEST_FIRST, filter: {}, pageSizeHint: count }, { signal: new AbortController().signal, stats })) {
    events += 1;
    if (events >= count) break;
  }
  const ms = performance.now() - t0;
  return { ms, stats, events, rss: rss.stop() };
}

/** The baseline: every line of the files read with readline and parsed, nothing else. */
async function plainParseLoop(files: string[]): Promise<{ ms: number; lines: number; bytes: number }> {
  const t0 = performance.now();
  let lines = 0;
  let bytes = 0;
  for (const file of files) {
    const raw = fs.createReadStream(file);
    const input = file.endsWith('.gz') ? raw.pipe(zlib.createGunzip()) : raw;
    const rl = readline.createInterface({ input, crlfDelay: Infinity });
    for await (const line of rl) {
      JSON.parse(line);
      lines += 1;
      bytes += line.length + 1;
    }
  }
  return { ms: performance.now() - t0, lines, bytes };
}

const mb = (bytes: number) => bytes / 1e6;
const round = (x: number, digits = 1) => Number(x.toFixed(digits));

export async function runK8sAuditBench(opts: { dir: string; log: (line: string) => void }): Promise<Record<string, number | string>> {
  const { dir, log } = opts;
  const manifest = await ensureK8sArchive(dir, DEFAULT_ARCHIVE_SPEC, log);
  const source = new K8sAuditFileSource('bench-k8s', { location: { root: dir }, cluster: 'bench' });
  const start = manifest.startMs;

  // (a) mid-week hour, in a gzipped backup; and an hour in the newest plain backup, for the seekable case
  const midHour = start + 3.5 * DAY;
  const a = await newest(source, { from: new Date(midHour), to: new Date(midHour + HOUR) }, 100);
  const plainBackup = manifest.files.filter((f) => f.name.endsWith('.log') && f.name !== 'audit.log').pop();
  let a2: Awaited<ReturnType<typeof newest>> | undefined;
  let a2Window: TimeWindow | undefined;
  if (plainBackup) {
    const m = /audit-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})\.(\d{3})\.log$/.exec(plainBackup.name);
    if (m) {
      const rotatedAt = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`);
      a2Window = { from: new Date(rotatedAt - 2 * HOUR), to: new Date(rotatedAt - HOUR) };
      a2 = await newest(source, a2Window, 100);
    }
  }

  // (b) one whole day, oldest first, against readline + JSON.parse over the same files
  const day: TimeWindow = { from: new Date(start + 3 * DAY), to: new Date(start + 4 * DAY) };
  const plan = await source.plan({ window: day, order: SortOrder.OLDEST_FIRST, filter: {}, pageSizeHint: 1000 });
  const dayFiles = (plan.partitions ?? []).map((rel) => path.join(dir, rel));
  global.gc?.();
  const rssB = new RssPeak();
  const statsB = newSourceStats();
  const t0 = performance.now();
  let dayEvents = 0;
  for await (const _ of source.events({ window: day, order: SortOrder.OLDEST_FIRST, filter: {}, pageSizeHint: 1000 }, { signal: new AbortController().signal, stats: statsB })) {
    dayEvents += 1;
    if ((dayEvents & 1023) === 0) rssB.sample();
  }
  const scanMs = performance.now() - t0;
  const peakB = rssB.stop();
  const baseline = await plainParseLoop(dayFiles);
  // the day's text: its requests' two lines each, at the files' mean line length (lines skipped at the files'
  // edges are not credited to the source)
  const textPerLine = baseline.bytes / baseline.lines;
  const dayText = dayEvents * 2 * textPerLine;
  const sourceMBps = mb(dayText) / (scanMs / 1000);
  const baselineMBps = mb(baseline.bytes) / (baseline.ms / 1000);

  const results: Record<string, number | string> = {
    archive_events: manifest.requests,
    archive_lines: manifest.lines,
    archive_files: manifest.files.length,
    archive_gzip_files: manifest.files.filter((f) => f.name.endsWith('.gz')).length,
    archive_bytes_on_disk: manifest.totalBytes,
    a_window: `${new Date(midHour).toISOString()} +1h, NEWEST_FIRST, first 100`,
    a_events: a.events,
    a_wall_ms: round(a.ms),
    a_bytes_read: a.stats.bytesRead,
    a_files_read: a.stats.partitionsRead,
    a_files_pruned: a.stats.partitionsPruned,
    a_bytes_read_over_archive: round(a.stats.bytesRead / manifest.totalBytes, 5),
    a_peak_rss_mb: round(mb(a.rss)),
    ...(a2 && a2Window
      ? {
          a2_window: `${a2Window.from.toISOString()} +1h (plain backup), NEWEST_FIRST, first 100`,
          a2_events: a2.events,
          a2_wall_ms: round(a2.ms),
          a2_bytes_read: a2.stats.bytesRead,
          a2_bytes_read_over_archive: round(a2.stats.bytesRead / manifest.totalBytes, 6),
          a2_peak_rss_mb: round(mb(a2.rss)),
        }
      : {}),
    b_day: `${day.from.toISOString()} +24h, OLDEST_FIRST, all`,
    b_events: dayEvents,
    b_files_read: statsB.partitionsRead,
    b_lines_scanned: statsB.scanned,
    b_day_text_mb: round(mb(dayText)),
    b_wall_ms: round(scanMs),
    b_events_per_s: Math.round(dayEvents / (scanMs / 1000)),
    b_source_mb_per_s: round(sourceMBps),
    b_plain_parse_lines: baseline.lines,
    b_plain_parse_wall_ms: round(baseline.ms),
    b_plain_parse_mb_per_s: round(baselineMBps),
    b_source_over_plain_parse: round(sourceMBps / baselineMBps, 2),
    b_peak_rss_mb: round(mb(peakB)),
    process_max_rss_mb: round(process.resourceUsage().maxRSS / 1024),
  };
  const width = Math.max(...Object.keys(results).map((k) => k.length));
  log('k8s-audit file source benchmark');
  for (const [k, v] of Object.entries(results)) log(`  ${k.padEnd(width)}  ${v}`);
  return results;
}

if (require.main === module) {
  const dir = process.argv[2] ?? path.resolve(process.cwd(), 'bench/.data/k8s');
  runK8sAuditBench({ dir, log: (line) => console.log(line) }).catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
