import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`; .ci/run installs it): never a browser download. */
export const CHROMIUM = process.env.AUDITGRAPH_CHROMIUM ?? '/usr/bin/chromium';

/** Without the background-networking flags Chromium keeps dialling out, and this machine's closed network refuses it. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where the test run writes its screenshots (gitignored; the README's come from docs/screenshots). */
export const SCREENSHOTS = path.resolve(__dirname, '../../.ui-screenshots');

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** page errors and console errors seen so far: a test ends by expecting none */
  errors: string[];
  shot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile, at a laptop's 1280 × 860. */
export async function openBrowser(opts: { width?: number; height?: number; theme?: 'light' | 'dark' } = {}): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium), as .ci/run does`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'auditgraph-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 860 },
    reducedMotion: 'reduce',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  if (opts.theme) await page.addInitScript((t) => localStorage.setItem('auditgraph.theme', t), opts.theme);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    context,
    page,
    errors,
    shot: async (name) => {
      const file = path.join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
