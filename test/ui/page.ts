import type { Page } from 'playwright-core';

export interface SearchFields {
  identity?: string;
  sourceIp?: string;
  action?: string;
  resource?: string;
  runId?: string;
  from?: string;
  to?: string;
}

const LABELS: Record<keyof SearchFields, string> = {
  identity: 'Identity (any alias)',
  sourceIp: 'Source IP',
  action: 'Action (* wildcard)',
  resource: 'Resource',
  runId: 'Run id',
  from: 'From (UTC)',
  to: 'To (UTC)',
};

/** Types the search as a person would (by the fields' labels) and presses Search. */
export async function fillSearch(page: Page, fields: SearchFields): Promise<void> {
  for (const [key, value] of Object.entries(fields) as [keyof SearchFields, string][]) {
    const input = page.getByLabel(LABELS[key], { exact: true });
    await input.fill('');
    await input.pressSequentially(value);
  }
  await page.getByRole('button', { name: 'Search', exact: true }).click();
}

/** Until the list shows the first page of the current search (and, when `complete`, every page). */
export async function waitForList(page: Page, opts: { complete?: boolean; timeout?: number } = {}): Promise<void> {
  const selector = opts.complete === false ? '.event-list[data-loading="false"]' : '.event-list[data-complete="true"]';
  await page.locator(selector).first().waitFor({ timeout: opts.timeout ?? 30_000 });
}

/** The histogram legend: events per source over the window. */
export async function legendCounts(page: Page): Promise<Record<string, number>> {
  await page.locator('.legend li[data-source]').first().waitFor();
  return page.$$eval('.legend li[data-source]', (items) => Object.fromEntries(items.map((li) => [li.getAttribute('data-source'), Number(li.getAttribute('data-total'))])));
}

export interface Row {
  index: number;
  time: string;
  source: string;
  action: string;
  actor: string;
  target: string;
  outcome: string;
  ip: string;
  evidence?: string;
}

/** The rows the virtualized list has in the DOM now, in order. */
export async function listRows(page: Page): Promise<Row[]> {
  return page.$$eval('.event-list [role=row][data-index]', (rows) =>
    rows
      .map((row) => {
        const cells = [...row.querySelectorAll('[role=cell]')].map((c) => (c.textContent ?? '').trim());
        const [time, source, action, actor, target, outcome, ip, evidence] = cells;
        return { index: Number(row.getAttribute('data-index')), time, source, action, actor, target, outcome, ip, evidence };
      })
      .sort((a, b) => a.index - b.index),
  );
}

export async function scrollListTo(page: Page, top: number): Promise<void> {
  await page.locator('.list-scroll').first().evaluate((el, y) => {
    el.scrollTop = y;
  }, top);
  await page.waitForTimeout(50);
}

export async function scrollListToEnd(page: Page): Promise<void> {
  await page.locator('.list-scroll').first().evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await page.waitForTimeout(50);
}

export async function loadedCount(page: Page): Promise<number> {
  return Number(await page.locator('.event-list').first().getAttribute('data-loaded'));
}
