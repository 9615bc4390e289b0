import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { configFromDocument } from '../src/config/load';
import { demoConfigDocument } from '../src/demo/document';
import { ensureDemo } from '../src/demo/ensure';
import { Limiters } from '../src/query/limiter';
import { startServer } from '../src/server/app';

// What the functions run inside the page (page.evaluate, addInitScript) use of the DOM: the build has no DOM lib.
interface PageElement {
  scrollTop: number;
  clientHeight: number;
  scrollHeight: number;
  querySelectorAll(selector: string): { length: number };
}
declare const window: { __firstRow?: number };
declare const document: { querySelector(selector: string): PageElement | null };
declare function requestAnimationFrame(cb: (t: number) => void): number;
declare class MutationObserver {
  constructor(cb: (records: unknown, observer: MutationObserver) => void);
  observe(target: unknown, opts: { childList: boolean; subtree: boolean }): void;
  disconnect(): void;
}
declare class PerformanceObserver {
  constructor(cb: (list: { getEntries(): unknown[] }) => void);
  observe(opts: { type: string; buffered: boolean }): void;
  disconnect(): void;
}

const CHROMIUM = process.env.AUDITGRAPH_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ROW = 30;
const SCROLL_EVENTS = 10_000;
/** px per frame of the fast scroll: 20 rows a frame, 10,000 rows in 500 frames */
const STEP = 20 * ROW;
const RUNS = 5;

export interface FrameFigures {
  frames: number;
  durationMs: number;
  fps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** frames slower than 50 ms (a visible hitch) */
  over50Ms: number;
  /** Chromium's long-animation-frame entries (a frame whose work took over 50 ms), and their blocking time */
  longAnimationFrames: number;
  blockingMs: number;
  /** rows in the DOM at the end: what the virtualization keeps */
  rowsInDom: number;
  layouts: number;
  layoutMs: number;
  recalcStyles: number;
  scriptMs: number;
}

export interface UiBenchResult {
  firstEvents: { coldMs: number; warmMedianMs: number; dayWarmMedianMs: number };
  loadTo10kMs: number;
  scroll: FrameFigures;
  /** the same scroll over a plain page of the same height, in the same run: what the machine allows */
  baseline: FrameFigures;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

/** Time from navigation start to the first event row in the DOM, read in the page (performance.now()). */
async function timeToFirstRow(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  await page.locator('.event-list [role=row][data-index]').first().waitFor({ timeout: 60_000 });
  return page.evaluate(() => window.__firstRow ?? performance.now());
}

/**
 * Scrolls `selector` by STEP px a frame from top to bottom, and reads every frame's interval (rAF), the
 * long-animation-frame entries and Chromium's layout and script counters (CDP Performance.getMetrics) around it.
 */
async function fastScroll(context: BrowserContext, page: Page, selector: string): Promise<FrameFigures> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () => Object.fromEntries(((await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }).metrics.map((m) => [m.name, m.value]));
  const before = await metrics();
  const result = await page.evaluate(
    async ({ selector, step }) => {
      const el = document.querySelector(selector) as PageElement;
      el.scrollTop = 0;
      const loaf: { duration: number; blockingDuration: number }[] = [];
      const observer = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) loaf.push(e as unknown as { duration: number; blockingDuration: number });
      });
      try {
        observer.observe({ type: 'long-animation-frame', buffered: false });
      } catch {
        // an older Chromium without the entry type: counted as none
      }
      const times: number[] = [];
      await new Promise<void>((resolve) => {
        const frame = (t: number) => {
          times.push(t);
          if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) return resolve();
          el.scrollTop += step;
          requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      });
      await new Promise((r) => setTimeout(r, 100));
      observer.disconnect();
      const rows = el.querySelectorAll('[role=row]').length;
      return { times, loaf, rows };
    },
    { selector, step: STEP },
  );
  const after = await metrics();
  await cdp.detach();
  const gaps = result.times.slice(1).map((t, i) => t - result.times[i]);
  const durationMs = result.times[result.times.length - 1] - result.times[0];
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    frames: gaps.length,
    durationMs: Math.round(durationMs),
    fps: round((gaps.length / durationMs) * 1000),
    p50Ms: round(pct(gaps, 50)),
    p95Ms: round(pct(gaps, 95)),
    p99Ms: round(pct(gaps, 99)),
    maxMs: round(Math.max(...gaps)),
    over50Ms: gaps.filter((g) => g > 50).length,
    longAnimationFrames: result.loaf.length,
    blockingMs: Math.round(result.loaf.reduce((n, e) => n + (e.blockingDuration ?? 0), 0)),
    rowsInDom: result.rows,
    layouts: after.LayoutCount - before.LayoutCount,
    layoutMs: Math.round((after.LayoutDuration - before.LayoutDuration) * 1000),
    recalcStyles: after.RecalcStyleCount - before.RecalcStyleCount,
    scriptMs: Math.round((after.ScriptDuration - before.ScriptDuration) * 1000),
  };
}

/**
 * The UI on the demo in headless Chromium (Debian's, as the tests): time to the first rendered events, and the
 * frames of a fast scroll through 10,000 loaded events against the same scroll over a plain page.
 */
export async function runUiBench(opts: { log: (line: string) => void; dir?: string }): Promise<UiBenchResult> {
  const { log } = opts;
  const root = opts.dir ?? path.resolve(__dirname, '../../bench/.data/ui-demo');
  const manifest = await ensureDemo(root);
  const day = manifest.day.from.slice(0, 10);
  const config = configFromDocument(demoConfigDocument(root), `demo:${root}`, { limiters: new Limiters(), now: () => new Date() }, {});
  const server = await startServer(config, { port: 0, host: '127.0.0.1', logger: pino({ level: 'silent' }) });
  const base = `http://127.0.0.1:${server.port}`;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'auditgraph-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 860 } });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.addInitScript(() => {
      new MutationObserver((_, obs) => {
        if (document.querySelector('.event-list [role=row][data-index]')) {
          window.__firstRow = performance.now();
          obs.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    const incident = `${base}/?from=${day}T08:45:00.000Z&to=${day}T10:00:00.000Z`;
    const wholeDay = `${base}/?from=${day}T00:00:00.000Z&to=${day}T23:59:59.000Z`;
    const coldMs = await timeToFirstRow(page, incident);
    const warm: number[] = [];
    for (let i = 0; i < RUNS; i++) warm.push(await timeToFirstRow(page, incident));
    const dayWarm: number[] = [];
    for (let i = 0; i < RUNS; i++) dayWarm.push(await timeToFirstRow(page, wholeDay));
    const firstEvents = { coldMs: Math.round(coldMs), warmMedianMs: Math.round(median(warm)), dayWarmMedianMs: Math.round(median(dayWarm)) };
    log(`first rendered events, 08:45-10:00 (all sources): ${firstEvents.coldMs} ms cold, ${firstEvents.warmMedianMs} ms warm (median of ${RUNS})`);
    log(`first rendered events, the whole day (${manifest.totalRecords.toLocaleString('en-US')} records): ${firstEvents.dayWarmMedianMs} ms warm (median of ${RUNS})`);

    // load 10,000 events of the day by scrolling to the end until the pages are in
    const t0 = Date.now();
    const loaded = () => page.locator('.event-list').first().getAttribute('data-loaded').then(Number);
    for (let i = 0; i < 600 && (await loaded()) < SCROLL_EVENTS; i++) {
      await page.locator('.list-scroll').first().evaluate((el) => {
        el.scrollTop = el.scrollHeight;
      });
      await page.waitForTimeout(100);
    }
    const loadTo10kMs = Date.now() - t0;
    const count = await loaded();
    if (count < SCROLL_EVENTS) throw new Error(`only ${count} events loaded`);
    // stop paging during the measured scroll: the scroll is through what is loaded
    await page.route('**/graphql', (route) => route.abort());
    log(`${count.toLocaleString('en-US')} events loaded by scrolling in ${loadTo10kMs} ms`);
    await page.waitForTimeout(500);
    const scroll = await fastScroll(context, page, '.list-scroll');
    log(`fast scroll through them (${STEP / ROW} rows a frame): ${scroll.frames} frames in ${scroll.durationMs} ms = ${scroll.fps} fps; frame p50 ${scroll.p50Ms} ms, p95 ${scroll.p95Ms} ms, p99 ${scroll.p99Ms} ms, max ${scroll.maxMs} ms; ${scroll.over50Ms} over 50 ms; ${scroll.longAnimationFrames} long animation frames (${scroll.blockingMs} ms blocking); ${scroll.rowsInDom} rows in the DOM; ${scroll.layouts} layouts (${scroll.layoutMs} ms), script ${scroll.scriptMs} ms`);
    await page.unroute('**/graphql');

    // the same scroll over a plain page of the same height: the machine's own frame rate, for the ratio
    const height = count * ROW;
    await page.setContent(`<div id="s" style="height:600px;overflow-y:auto"><div style="height:${height}px;background:linear-gradient(#fff,#ddd)"></div></div>`);
    const baseline = await fastScroll(context, page, '#s');
    log(`baseline, a plain ${height.toLocaleString('en-US')} px page: ${baseline.fps} fps, frame p95 ${baseline.p95Ms} ms; the list runs at ${Math.round((scroll.fps / baseline.fps) * 100) / 100}x its frame rate`);
    return { firstEvents, loadTo10kMs, scroll, baseline };
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
    await server.close();
  }
}
