import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { configFromDocument } from '../../src/config/load';
import { demoConfigDocument } from '../../src/demo/document';
import { ensureDemo } from '../../src/demo/ensure';
import { startServer, type RunningServer } from '../../src/server/app';
import { E2E_DEMO_ROOT } from '../e2e/harness';
import { testDeps } from '../helpers/deps';
import { openBrowser, type Browser } from './browser';
import { fillSearch, waitForList } from './page';

/**
 * A config with a broken source: the demo's six archives plus a live Flyte Admin that answers every request with
 * 500. The page must show the failure (state, message) in front of the list, never a complete-looking list.
 */
let flyteAdmin: http.Server;
let requests = 0;
let server: RunningServer;
let browser: Browser;
let day: string;

beforeAll(async () => {
  flyteAdmin = http.createServer((req, res) => {
    requests += 1;
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'failed to list executions: pq: database is shutting down', code: 13 }));
  });
  await new Promise<void>((resolve) => flyteAdmin.listen(0, '127.0.0.1', resolve));
  const port = (flyteAdmin.address() as AddressInfo).port;
  const manifest = await ensureDemo(E2E_DEMO_ROOT);
  day = manifest.day.from.slice(0, 10);
  const doc = demoConfigDocument(E2E_DEMO_ROOT);
  doc.sources.push({ id: 'flyte-live', type: 'flyte', mode: 'api', endpoint: `http://127.0.0.1:${port}`, projects: ['ml'], domains: ['production'] });
  const config = configFromDocument(doc, 'test:broken-source', testDeps(), {});
  server = await startServer(config, { port: 0, host: '127.0.0.1' });
  browser = await openBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await new Promise((resolve) => flyteAdmin?.close(resolve));
});

describe('a failed source in the browser', () => {
  it('is shown first, with its state and message, above a list that says it is not everything', async () => {
    const { page, shot } = browser;
    await page.goto(`http://127.0.0.1:${server.port}/`);
    await fillSearch(page, { identity: 'alice@example.com', from: `${day} 08:45`, to: `${day} 10:00` });
    await waitForList(page);
    expect(requests).toBeGreaterThan(0);

    const failed = page.locator('.status-card[data-source="flyte-live"]');
    await expect(failed.getAttribute('data-state')).resolves.toBe('FAILED');
    await expect(failed.locator('.status-message').textContent()).resolves.toMatch(/500/);
    // first of the cards, and named in the alert above the list
    await expect(page.locator('.status-card').first().getAttribute('data-source')).resolves.toBe('flyte-live');
    const alert = page.getByRole('alert').filter({ hasText: 'did not answer completely' });
    await expect(alert.textContent()).resolves.toContain('1 of 7 sources did not answer completely');
    await expect(alert.textContent()).resolves.toContain('flyte-live FAILED');
    // the other sources still answered
    await expect(page.locator('.status-card[data-source="okta"]').getAttribute('data-state')).resolves.toBe('OK');
    expect(Number(await page.locator('.event-list').getAttribute('data-loaded'))).toBeGreaterThan(0);

    await failed.getByRole('button').click();
    const detail = page.getByRole('region', { name: 'flyte-live status' });
    await detail.waitFor();
    await expect(detail.textContent()).resolves.toContain('Pages1');
    await shot('failed-source');
    expect(browser.errors.filter((e) => !/500|Failed to load resource/.test(e))).toEqual([]);
  }, 120_000);
});
