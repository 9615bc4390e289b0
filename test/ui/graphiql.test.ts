import { DemoServer } from '../e2e/harness';
import { openBrowser, type Browser } from './browser';

/**
 * The explorer a person gets by opening /graphql in a browser: GraphiQL from this server, working with nothing but
 * this server (every other request the page makes is refused and counted), running a query against the demo.
 */
let demo: DemoServer;
let browser: Browser;
const elsewhere: string[] = [];

beforeAll(async () => {
  demo = await DemoServer.start();
  browser = await openBrowser();
  const own = new URL(demo.url).host;
  await browser.context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.host === own || url.protocol === 'data:') return route.continue();
    elsewhere.push(url.href);
    return route.abort('internetdisconnected');
  });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

describe('the GraphQL explorer', () => {
  it('opens from /graphql offline (GraphiQL served here, no CDN) and runs a query on the demo', async () => {
    const { page, shot, errors } = browser;
    const reply = await page.goto(demo.url);
    expect(new URL(page.url()).pathname).toBe('/graphiql');
    expect(reply?.status()).toBe(200);
    await page.locator('.graphiql-container').waitFor();
    // the query editor holds the default query once GraphiQL has loaded the schema
    await page.locator('.graphiql-query-editor').getByText('events').first().waitFor();
    await page.getByRole('button', { name: /Execute query/ }).click();
    // the response pane is a CodeMirror editor: its text is split into spans, so it is read whole
    let response = '';
    for (let i = 0; i < 60 && !response.includes('"alice@example.com"'); i++) {
      await page.waitForTimeout(500);
      response = await page.locator('.graphiql-response').innerText();
    }
    expect(response).toContain('"events"');
    // the whole answer, not only the lines CodeMirror has rendered
    const answer = JSON.parse((await page.evaluate("document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue()")) as string) as {
      data: { events: { edges: unknown[]; sources: { state: string }[] } };
    };
    expect(answer.data.events.edges).toHaveLength(10);
    expect(answer.data.events.sources.map((s) => s.state)).toEqual(Array(6).fill('OK'));
    await shot('graphiql');
    expect(elsewhere).toEqual([]);
    expect(errors).toEqual([]);
  }, 90_000);

  it('answers API clients at /graphql as before (a GET with a query is not redirected)', async () => {
    const res = await fetch(`${demo.url}?query=${encodeURIComponent('{ sources { id } }')}`, { headers: { accept: 'text/html, application/json', 'apollo-require-preflight': 'true' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: { sources: unknown[] } }).data.sources.length).toBe(6);
  });
});
