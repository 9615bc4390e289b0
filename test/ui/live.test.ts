import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { configFromDocument } from '../../src/config/load';
import { startServer, type RunningServer } from '../../src/server/app';
import { testDeps } from '../helpers/deps';
import { microTime, stageRecord } from '../sources/k8s-audit/fixtures';
import { openBrowser, type Browser } from './browser';
import { listRows, waitForList } from './page';

/**
 * The live tail in the browser: a search with Live on follows a Kubernetes audit log as the apiserver appends to it,
 * and a request written after the page opened shows at the top of the list once the source's lag has passed.
 */
let dir: string;
let server: RunningServer;
let browser: Browser;

function request(auditID: string, receivedMs: number, pod: string): string {
  const spec = { auditID, receivedMs, verb: 'delete', requestURI: `/api/v1/namespaces/ml/pods/${pod}`, objectRef: { resource: 'pods', namespace: 'ml', name: pod, apiVersion: 'v1' } };
  return `${JSON.stringify(stageRecord(spec, 'RequestReceived', 0))}\n${JSON.stringify({ ...stageRecord(spec, 'ResponseComplete', 30, { code: 200 }), stageTimestamp: microTime(receivedMs + 30) })}\n`;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ui-live-'));
  fs.writeFileSync(path.join(dir, 'audit.log'), request('old-1', Date.now() - 30 * 60_000, 'earlier-pod'));
  const config = configFromDocument({ sources: [{ id: 'cluster', type: 'k8s-audit', mode: 'file', path: dir }] }, 'test:live', testDeps(), {});
  server = await startServer(config, { port: 0, host: '127.0.0.1' });
  browser = await openBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the live tail in the browser', () => {
  it('follows the search: an event appended to the audit log appears on top, once, and Live off stops it', async () => {
    const { page, shot, errors } = browser;
    await page.goto(`http://127.0.0.1:${server.port}/?last=PT1H&source=cluster`);
    await waitForList(page);
    expect((await listRows(page)).map((r) => r.target)).toEqual([expect.stringContaining('earlier-pod')]);

    const toggle = page.getByRole('button', { name: 'Live' });
    await toggle.click();
    await expect(toggle.getAttribute('aria-pressed')).resolves.toBe('true');
    expect(new URL(page.url()).searchParams.get('tail')).toBe('1');
    const status = page.getByRole('status', { name: 'Live tail' });
    await status.getByText('following 1 source').waitFor({ timeout: 20_000 });

    fs.appendFileSync(path.join(dir, 'audit.log'), request('new-1', Date.now(), 'live-pod'));
    // the file source's delivery lag is 15 s: the event is final (and sent) after it
    await page.locator('.event-list [role=row][data-index="0"]', { hasText: 'live-pod' }).waitFor({ timeout: 45_000 });
    const rows = await listRows(page);
    expect(rows.map((r) => r.target)).toEqual([expect.stringContaining('live-pod'), expect.stringContaining('earlier-pod')]);
    await expect(status.textContent()).resolves.toContain('1 new event');
    await shot('live-tail');

    await toggle.click();
    await expect(toggle.getAttribute('aria-pressed')).resolves.toBe('false');
    await status.waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
  }, 120_000);
});
