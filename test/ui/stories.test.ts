import type { Page } from 'playwright-core';
import { EventsDocument, IdentityDocument, type EventFilterInput, type EventsQuery } from '../generated/graphql';
import { DemoServer } from '../e2e/harness';
import { openBrowser, type Browser } from './browser';
import { fillSearch, legendCounts, listRows, scrollListToEnd, waitForList } from './page';

/**
 * The stories of shared/DEMO.md, done in headless Chromium by typing and clicking, against the real server on the
 * demo. What the page shows is checked against what the API answers for the same question.
 */
let demo: DemoServer;
let browser: Browser;
let base: string;
let day: string;

beforeAll(async () => {
  demo = await DemoServer.start();
  base = demo.url.replace(/\/graphql$/, '');
  day = demo.manifest.day.from.slice(0, 10);
  browser = await openBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});
afterEach(() => {
  // a story that threw in the page, or logged an error, did not go as a user would see it
  expect(browser.errors).toEqual([]);
});

const morning = () => ({ from: `${day} 08:45`, to: `${day} 10:00` });
const morningWindow = () => ({ from: `${day}T08:45:00Z`, to: `${day}T10:00:00Z` });

/** Events per source the API returns for the same search. */
async function apiCounts(filter: EventFilterInput): Promise<Record<string, number>> {
  const { events }: EventsQuery = await demo.query(EventsDocument, { window: morningWindow(), filter, first: 1000 });
  expect(events.pageInfo.hasNextPage).toBe(false);
  const counts: Record<string, number> = {};
  for (const s of events.sources) counts[s.source.id] = s.eventsReturned;
  return counts;
}

async function openRow(page: Page, text: string): Promise<void> {
  await scrollListToEnd(page);
  const row = page.locator('[role=row][data-index]', { hasText: text }).first();
  await row.scrollIntoViewIfNeeded();
  await row.click();
  await page.getByRole('complementary', { name: 'Event detail' }).getByRole('heading', { level: 2 }).waitFor();
}

describe('the investigation UI on the demo, in Chromium', () => {
  it("alice's morning: her events of 08:45-10:00 from all six trails", async () => {
    const { page, shot } = browser;
    await page.goto(`${base}/`);
    await fillSearch(page, { identity: 'alice@example.com', ...morning() });
    await waitForList(page);

    const expected = await apiCounts({ identity: ['alice@example.com'] });
    expect(Object.keys(expected).sort()).toEqual(['aws-trail', 'azure-activity', 'flyte', 'gcp-audit', 'okta', 'prod-eks-audit']);
    for (const n of Object.values(expected)) expect(n).toBeGreaterThan(0);
    expect(await legendCounts(page)).toEqual(expected);
    const total = Object.values(expected).reduce((a, b) => a + b, 0);
    await expect(page.locator('.list-caption').textContent()).resolves.toContain(`${total} events loaded, all of them`);
    for (const id of Object.keys(expected)) expect(await page.locator(`.status-card[data-source="${id}"]`).getAttribute('data-state')).toBe('OK');
    // the URL is the whole search: a link reproduces it
    const url = new URL(page.url());
    expect(url.searchParams.get('identity')).toBe('alice@example.com');
    expect(url.searchParams.get('from')).toBe(`${day}T08:45:00.000Z`);
    await shot('alice-morning');

    await openRow(page, 'iam:CreateAccessKey');
    const detail = page.getByRole('complementary', { name: 'Event detail' });
    await detail.getByRole('heading', { level: 2, name: 'iam:CreateAccessKey' }).waitFor();
    await detail.getByText(/OCSF (3001 Account Change|6003 API Activity)/).waitFor();
    await detail.getByText('AKIAEXAMPLECIBOT0001').first().waitFor();
    await shot('event-detail');

    // the pivot: everything from this IP, ±1 h around the event
    await detail.getByRole('link', { name: 'This IP ±1 h' }).click();
    await waitForList(page);
    const pivot = new URL(page.url());
    expect(pivot.searchParams.get('ip')).toBe('198.51.100.23');
    expect(pivot.searchParams.get('from')).toBe(`${day}T08:03:12.000Z`);
    expect(pivot.searchParams.get('to')).toBe(`${day}T10:03:12.000Z`);
    expect(pivot.searchParams.get('identity')).toBeNull();
  }, 120_000);

  it('keyboard: / focuses the search, j and k move through the events, Enter opens one, Escape closes it', async () => {
    const { page } = browser;
    await page.goto(`${base}/?identity=alice%40example.com&from=${day}T08:45:00.000Z&to=${day}T10:00:00.000Z`);
    await waitForList(page);
    await page.locator('.list-caption').click();
    await page.keyboard.press('/');
    await expect(page.locator('input:focus').getAttribute('name')).resolves.toBe('identity');
    await page.locator('.list-caption').click();
    const rows = await listRows(page);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    const detail = page.getByRole('complementary', { name: 'Event detail' });
    await detail.getByRole('heading', { level: 2, name: rows[1].action }).waitFor();
    expect(await page.locator('[role=row][aria-selected=true]').getAttribute('data-index')).toBe('1');
    await page.keyboard.press('k');
    await detail.getByRole('heading', { level: 2, name: rows[0].action }).waitFor();
    expect(new URL(page.url()).searchParams.get('etime')).toBe(`${rows[0].time.replace(' ', 'T')}Z`);
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
  }, 60_000);

  it('reads in the dark theme too', async () => {
    const dark = await openBrowser({ theme: 'dark' });
    try {
      await dark.page.goto(`${base}/?ip=198.51.100.23&from=${day}T08:45:00.000Z&to=${day}T10:00:00.000Z`);
      await waitForList(dark.page, { complete: false });
      await expect(dark.page.locator('html').getAttribute('data-theme')).resolves.toBe('dark');
      const bg = await dark.page.evaluate('getComputedStyle(document.body).backgroundColor');
      expect(bg).toBe('rgb(15, 20, 25)');
      await dark.shot('attacker-ip-dark');
      expect(dark.errors).toEqual([]);
    } finally {
      await dark.close();
    }
  }, 60_000);

  it("the attacker's IP: one trail across Okta, AWS, Kubernetes, GCP and Azure", async () => {
    const { page, shot } = browser;
    await page.goto(`${base}/`);
    await fillSearch(page, { sourceIp: '198.51.100.23', ...morning() });
    await waitForList(page);
    const expected = await apiCounts({ sourceIp: ['198.51.100.23'] });
    const shown = await legendCounts(page);
    expect(shown).toEqual(expected);
    for (const id of ['okta', 'aws-trail', 'prod-eks-audit', 'gcp-audit', 'azure-activity']) expect(shown[id]).toBeGreaterThan(0);
    const rows = await listRows(page);
    expect(rows.length).toBeGreaterThan(10);
    for (const r of rows) expect(r.ip).toBe('198.51.100.23');
    // newest first, as the search asked
    for (let i = 1; i < rows.length; i++) expect(rows[i - 1].time >= rows[i].time).toBe(true);
    await shot('attacker-ip');
  }, 120_000);

  it("alice's aliases, each with its rule and evidence, the event a click away", async () => {
    const { page, shot } = browser;
    await page.goto(`${base}/`);
    await fillSearch(page, { identity: 'alice@example.com', ...morning() });
    await waitForList(page);
    await openRow(page, 'user.session.start');
    await page.getByRole('complementary', { name: 'Event detail' }).getByRole('link', { name: /^Identity / }).click();

    await page.getByRole('heading', { level: 1, name: 'alice@example.com' }).waitFor();
    const aliases = page.getByRole('region', { name: 'Aliases' });
    await aliases.locator('.alias').first().waitFor();
    // the page reads the window it was opened with (±1 h around the event): ask the API the same
    const opened = new URL(page.url()).searchParams;
    const { identity } = await demo.query(IdentityDocument, { ref: 'alice@example.com', window: { from: opened.get('from'), to: opened.get('to') } });
    const kinds = new Set(identity!.aliases.map((a) => a.kind));
    for (const k of ['OKTA_USER_ID', 'K8S_USER', 'GCP_PRINCIPAL', 'FLYTE_PRINCIPAL']) expect(kinds.has(k as never)).toBe(true);
    expect(await aliases.locator('.alias').count()).toBe(identity!.aliases.length);
    for (const a of identity!.aliases) {
      const item = aliases.locator(`.alias[data-kind="${a.kind}"]`, { hasText: a.value }).first();
      await expect(item.locator('.rule').textContent()).resolves.toBe(a.rule);
    }
    await page.getByRole('table', { name: /^Events of / }).waitFor();
    await shot('identity-alice');

    // the Okta id was read from an event: its evidence links to that event
    const okta = aliases.locator('.alias[data-kind="OKTA_USER_ID"]').first();
    await okta.getByRole('link').filter({ hasText: /event/ }).first().click();
    const detail = page.getByRole('complementary', { name: 'Event detail' });
    await detail.getByRole('heading', { level: 2 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/event');
    await detail.getByText('00u1alice00000000001').first().waitFor();
  }, 120_000);

  it("the run's story: launched by alice, aborted by bob, its pods and IRSA calls with evidence", async () => {
    const { page, shot } = browser;
    await page.goto(`${base}/`);
    await fillSearch(page, { runId: 'ml/production/fz3k9q2m1x', ...morning() });
    await waitForList(page);
    await openRow(page, 'execution.created');
    await page.getByRole('complementary', { name: 'Event detail' }).getByRole('link', { name: 'Run page' }).click();

    await page.getByRole('heading', { level: 1, name: 'ml/production/fz3k9q2m1x' }).waitFor();
    const lifecycle = page.getByRole('region', { name: 'Lifecycle' });
    await lifecycle.getByRole('link', { name: 'alice@example.com' }).waitFor();
    await lifecycle.getByRole('link', { name: 'bob@example.com' }).waitFor();
    await lifecycle.getByText('suspicious activity').waitFor();
    await page.getByRole('region', { name: 'Pods and service accounts' }).getByText('fz3k9q2m1x-n0-0').first().waitFor();
    await page.getByRole('region', { name: 'Credentials' }).getByText('ASIAEXAMPLERUN00001').first().waitFor();
    await waitForList(page);
    // the timeline holds the pod's Kubernetes events and the IRSA role's CloudTrail calls, each with evidence
    const rows = await listRows(page);
    const sources = new Set(rows.map((r) => r.source));
    expect(sources.has('prod-eks-audit')).toBe(true);
    await scrollListToEnd(page);
    const all = [...rows, ...(await listRows(page))];
    expect(all.some((r) => r.source === 'aws-trail' && r.action === 'secretsmanager:GetSecretValue')).toBe(true);
    for (const r of all) expect(r.evidence).not.toBe('');
    // beside the timeline, what the training pod printed, its SIGTERM last, the password it printed redacted
    const logs = page.getByRole('region', { name: 'Task logs' });
    await logs.getByText('received SIGTERM: the execution was aborted, writing a checkpoint').waitFor();
    await expect(logs.getByText('1 secret value redacted', { exact: false }).count()).resolves.toBe(1);
    await expect(logs.getByLabel('redacted value').first().textContent()).resolves.toBe('[redacted: password in URL]');
    const printed = await logs.getByRole('list', { name: 'Log lines' }).locator('li').allTextContents();
    expect(printed.length).toBeGreaterThan(8);
    expect(printed.join('\n')).not.toContain('Tr41n-s3cret');
    await page.mouse.wheel(0, -5000);
    await shot('run');
  }, 120_000);

  it("the ci-bot key's use at 09:30 traced back to alice's CreateAccessKey at 09:03", async () => {
    const { page, shot } = browser;
    await page.goto(`${base}/`);
    await fillSearch(page, { identity: 'AKIAEXAMPLECIBOT0001', ...morning() });
    await waitForList(page);
    await openRow(page, 's3:ListBuckets');
    const detail = page.getByRole('complementary', { name: 'Event detail' });
    await detail.getByText('09:30:44').first().waitFor();
    await detail.getByRole('link', { name: 'Identity ci-bot' }).click();

    await page.getByRole('heading', { level: 1, name: 'ci-bot' }).waitFor();
    const key = page.getByRole('region', { name: 'Aliases' }).locator('.alias[data-kind="AWS_ACCESS_KEY"]', { hasText: 'AKIAEXAMPLECIBOT0001' });
    await expect(key.locator('.rule').textContent()).resolves.toBe('aws.create-access-key');
    await shot('ci-bot-identity');
    await key.getByRole('link').filter({ hasText: /event/ }).click();

    const origin = page.getByRole('complementary', { name: 'Event detail' });
    await origin.getByRole('heading', { level: 2, name: 'iam:CreateAccessKey' }).waitFor();
    await origin.getByText(`${day}T09:03:12.000Z`).first().waitFor();
    await origin.locator('dd', { hasText: 'alice@example.com' }).first().waitFor();
    await shot('ci-bot-origin');
  }, 120_000);
});
