import { DemoServer } from '../e2e/harness';

const OLD = 'old-cursor-secret-0123456789abcdef';
const NEW = 'new-cursor-secret-0123456789abcdef';
const WINDOW = { from: '2026-03-14T09:00:00Z', to: '2026-03-14T09:10:00Z' };
const PAGE = `query Page($window: TimeWindowInput!, $after: String) {
  events(window: $window, first: 5, after: $after) { edges { cursor node { id source { id } } } pageInfo { endCursor } }
}`;

interface Page {
  events: { edges: { node: { id: string; source: { id: string } } }[]; pageInfo: { endCursor: string } };
}

async function pageOn(env: NodeJS.ProcessEnv, after?: string) {
  const server = await DemoServer.start(env);
  try {
    return await server.raw<Page>(PAGE, { window: WINDOW, after });
  } finally {
    await server.stop();
  }
}

describe('cursor secrets from the configuration, through the HTTP server', () => {
  let firstPage: Page;
  let secondPage: Page;
  beforeAll(async () => {
    const first = await pageOn({ AUDITGRAPH_CURSOR_SECRET: OLD });
    firstPage = first.data!;
    const second = await pageOn({ AUDITGRAPH_CURSOR_SECRET: OLD }, firstPage.events.pageInfo.endCursor);
    secondPage = second.data!;
  }, 120_000);

  it('a cursor survives a restart (or another replica) with the same secret', () => {
    expect(secondPage.events.edges).toHaveLength(5);
    const firstKeys = new Set(firstPage.events.edges.map((e) => `${e.node.source.id}/${e.node.id}`));
    expect(secondPage.events.edges.some((e) => firstKeys.has(`${e.node.source.id}/${e.node.id}`))).toBe(false);
  });

  it('a server rotating to a new secret still takes cursors of the old one, and gives the same page', async () => {
    const during = await pageOn({ AUDITGRAPH_CURSOR_SECRET: `${NEW},${OLD}` }, firstPage.events.pageInfo.endCursor);
    expect(during.errors).toBeUndefined();
    expect(during.data!.events.edges.map((e) => e.node.id)).toEqual(secondPage.events.edges.map((e) => e.node.id));
  });

  it('a server without the old secret refuses its cursors with BAD_CURSOR', async () => {
    const after = await pageOn({ AUDITGRAPH_CURSOR_SECRET: NEW }, firstPage.events.pageInfo.endCursor);
    expect(after.errors?.[0]?.extensions?.code).toBe('BAD_CURSOR');
    // and so does a server with a made-up secret (none configured): the reason to configure one
    const unconfigured = await pageOn({}, firstPage.events.pageInfo.endCursor);
    expect(unconfigured.errors?.[0]?.extensions?.code).toBe('BAD_CURSOR');
  });
});
