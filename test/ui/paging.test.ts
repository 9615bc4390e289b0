import { EventsDocument, type EventsQuery } from '../generated/graphql';
import { DemoServer } from '../e2e/harness';
import { openBrowser, type Browser } from './browser';
import { fillSearch, listRows, loadedCount, scrollListTo, scrollListToEnd, waitForList } from './page';

const ROW = 30;
const TARGET = 5000;

let demo: DemoServer;
let browser: Browser;
let day: string;

beforeAll(async () => {
  demo = await DemoServer.start();
  day = demo.manifest.day.from.slice(0, 10);
  browser = await openBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

type Edge = EventsQuery['events']['edges'][number];

/** The first `n` events of the whole demo day, newest first, from the API (pages of 1000). */
async function firstEvents(n: number): Promise<Edge[]> {
  const edges: Edge[] = [];
  let after: string | null = null;
  while (edges.length < n) {
    const { events }: EventsQuery = await demo.query(EventsDocument, { window: { from: `${day}T00:00:00Z`, to: `${day}T23:59:59Z` }, first: 1000, after });
    edges.push(...events.edges);
    if (!events.pageInfo.hasNextPage) break;
    after = events.pageInfo.endCursor ?? null;
  }
  return edges.slice(0, n);
}

describe('paging through 5,000 events in the browser', () => {
  it('loads page after page as the list scrolls, in the order and with the events the API pages give', async () => {
    const { page, shot } = browser;
    await page.goto(demo.url.replace(/\/graphql$/, '/'));
    await fillSearch(page, { from: `${day} 00:00`, to: `${day} 23:59:59` });
    await waitForList(page, { complete: false });
    const started = await loadedCount(page);
    expect(started).toBeLessThan(TARGET);

    for (let i = 0; i < 200 && (await loadedCount(page)) < TARGET; i++) {
      await scrollListToEnd(page);
      await page.waitForTimeout(150);
    }
    const loaded = await loadedCount(page);
    expect(loaded).toBeGreaterThanOrEqual(TARGET);

    const api = await firstEvents(TARGET);
    expect(api).toHaveLength(TARGET);
    // around every page boundary (100, then pages of 500) and at the end, the rows are the API's, in its order
    for (const at of [0, 95, 595, 1095, 2595, 4590]) {
      await scrollListTo(page, at * ROW);
      const rows = (await listRows(page)).filter((r) => r.index >= at && r.index < at + 10);
      expect(rows.length).toBe(10);
      for (const r of rows) {
        const e = api[r.index].node;
        expect([r.time, r.source, r.action]).toEqual([e.time.replace('T', ' ').replace('Z', ''), e.source.id, e.action]);
      }
    }
    await shot('paging-5000');
    expect(browser.errors).toEqual([]);
  }, 240_000);
});
