import * as http from 'node:http';
import { performance } from 'node:perf_hooks';
import { configFromDocument } from '../src/config/load';
import { SortOrder, type Source } from '../src/domain';
import { QueryEngine } from '../src/query/engine';
import { Limiters } from '../src/query/limiter';
import { streamEvents } from '../src/query/stream';
import { startServer } from '../src/server/app';
import { createLogger } from '../src/server/logger';
import { DEFAULT_ARCHIVE_SPEC, ensureK8sArchive } from './k8s-archive';

/**
 * GET /export of the whole Kubernetes audit bench archive (1,050,000 requests over 7 days) through the real
 * HTTP server, read by a client in the same process at full speed: events/s, MB/s of export, peak RSS; beside
 * it, the engine's stream of the same week with no writer and no HTTP (what the export adds), and one day in
 * each format.
 */

const DAY = 86_400_000;
const mb = (b: number) => b / 1e6;
const round = (x: number, d = 1) => Number(x.toFixed(d));

class RssPeak {
  peak = process.memoryUsage().rss;
  private readonly timer = setInterval(() => this.sample(), 20);
  sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
  }
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

function get(url: string): Promise<{ ms: number; bytes: number; lines: number; last: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    http
      .get(url, (res) => {
        let bytes = 0;
        let lines = 0;
        let tail = '';
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines += 1;
          tail = (tail + chunk.subarray(Math.max(0, chunk.length - 4096)).toString()).slice(-4096);
        });
        res.on('end', () => resolve({ ms: performance.now() - t0, bytes, lines, last: tail.trimEnd().split('\n').pop() ?? '' }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

export async function runExportBench(opts: { dir: string; log: (line: string) => void }): Promise<Record<string, number | string>> {
  const { dir, log } = opts;
  const manifest = await ensureK8sArchive(dir, DEFAULT_ARCHIVE_SPEC, log);
  const config = configFromDocument({ sources: [{ id: 'bench-k8s', type: 'k8s-audit', mode: 'file', path: dir }] }, 'bench', { limiters: new Limiters(), now: () => new Date() }, {});
  const from = new Date(manifest.startMs).toISOString();
  const to = new Date(manifest.endMs + 1).toISOString();

  // the engine's stream alone over the week: what the source and the merge cost
  const engine = new QueryEngine(config.sources as Source[], { cursorSecret: 'bench-secret-bench-secret-bench-secret' });
  global.gc?.();
  const rssStream = new RssPeak();
  let t0 = performance.now();
  let streamed = 0;
  for await (const _ of streamEvents(engine, { window: { from: new Date(from), to: new Date(to) }, order: SortOrder.OLDEST_FIRST })) streamed += 1;
  const streamMs = performance.now() - t0;
  const streamRss = rssStream.stop();
  log(`engine stream, no writer: ${streamed} events in ${round(streamMs / 1000, 2)} s = ${Math.round(streamed / (streamMs / 1000))} events/s; peak RSS ${round(mb(streamRss))} MB`);

  const server = await startServer(config, { port: 0, host: '127.0.0.1', logger: createLogger({ level: 'silent' }) });
  const base = server.url.replace(/\/graphql$/, '/export');
  try {
    global.gc?.();
    const rss = new RssPeak();
    t0 = performance.now();
    const week = await get(`${base}?format=ndjson&order=OLDEST_FIRST&from=${from}&to=${to}`);
    const peak = rss.stop();
    const status = JSON.parse(week.last) as { type: string; complete: boolean; events: number };
    const events = week.lines - 1;
    const s = week.ms / 1000;
    log(`GET /export ndjson, the week: ${events} events, ${round(mb(week.bytes))} MB in ${round(s, 2)} s = ${Math.round(events / s)} events/s, ${round(mb(week.bytes) / s)} MB/s; peak RSS ${round(mb(peak))} MB; end status complete=${status.complete}`);

    const day = { from: new Date(manifest.startMs + 3 * DAY).toISOString(), to: new Date(manifest.startMs + 4 * DAY).toISOString() };
    const perFormat: Record<string, { eventsPerS: number; mbPerS: number }> = {};
    for (const format of ['ndjson', 'csv', 'ocsf']) {
      const r = await get(`${base}?format=${format}&order=OLDEST_FIRST&from=${day.from}&to=${day.to}`);
      const n = format === 'csv' ? r.lines - 1 - 1 - 1 : r.lines - 1; // CSV: header row, status and source trailer lines
      perFormat[format] = { eventsPerS: Math.round(n / (r.ms / 1000)), mbPerS: round(mb(r.bytes) / (r.ms / 1000)) };
      log(`GET /export ${format}, one day: ${n} events, ${round(mb(r.bytes))} MB in ${round(r.ms / 1000, 2)} s = ${perFormat[format]!.eventsPerS} events/s, ${perFormat[format]!.mbPerS} MB/s`);
    }
    return {
      events,
      complete: String(status.complete),
      exportMB: round(mb(week.bytes)),
      seconds: round(s, 2),
      eventsPerSecond: Math.round(events / s),
      mbPerSecond: round(mb(week.bytes) / s),
      peakRssMB: round(mb(peak)),
      streamEventsPerSecond: Math.round(streamed / (streamMs / 1000)),
      streamPeakRssMB: round(mb(streamRss)),
      exportVsStream: round(events / s / (streamed / (streamMs / 1000)), 2),
      dayNdjsonEventsPerSecond: perFormat.ndjson!.eventsPerS,
      dayCsvEventsPerSecond: perFormat.csv!.eventsPerS,
      dayOcsfEventsPerSecond: perFormat.ocsf!.eventsPerS,
    };
  } finally {
    await server.close({ graceMs: 1000 });
  }
}
