import { DemoServer } from '../e2e/harness';

/** The query depth limit (12 levels of fields, fragments followed) answers with its own code, over HTTP. */

let demo: DemoServer;
beforeAll(async () => {
  demo = await DemoServer.start();
}, 120_000);
afterAll(async () => {
  await demo?.stop();
});

// identity -> events -> edges -> node -> actor -> identity -> … : a cycle of the schema, as deep as asked (pages of
// one event, so that the 12-level query is within the cost limits: each page of 100 would multiply the queries below it)
const CYCLE = ['identity', 'events(window: {last: "PT1H"}, first: 1)', 'edges', 'node', 'actor'];
// a scalar of the type each field of the cycle reaches (Identity, EventConnection, EventEdge, AuditEvent, Actor)
const LEAF = ['id', 'order', 'cursor', 'id', 'name'];

/** A query `depth` fields deep: depth-1 fields of the cycle, then a scalar of the type reached. */
function deep(depth: number): string {
  const fields = Array.from({ length: depth - 1 }, (_, i) => (i === 0 ? 'identity(ref: "alice@example.com")' : CYCLE[i % CYCLE.length]));
  return `{ ${fields.map((f) => `${f} {`).join(' ')} ${LEAF[(depth - 2) % CYCLE.length]} ${'}'.repeat(fields.length)} }`;
}

async function post(query: string): Promise<{ status: number; body: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } }> {
  const res = await fetch(demo.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return { status: res.status, body: (await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] } };
}

describe('the query depth limit, over HTTP', () => {
  it.each([13, 14, 20])('refuses a query %i deep with 400 and extensions.code QUERY_TOO_COMPLEX, naming the depth and the limit', async (depth) => {
    const { status, body } = await post(deep(depth));
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([expect.objectContaining({ message: `query depth ${depth} exceeds the limit of 12 (limits.maxDepth)`, extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX' }) })]);
  });

  it('counts the fields a fragment brings', async () => {
    const query = `query { identity(ref: "alice@example.com") { ...deep } }
      fragment deep on Identity { events(window: {last: "PT1H"}) { edges { node { actor { identity { events(window: {last: "PT1H"}) { edges { node { actor { identity { events(window: {last: "PT1H"}) { edges { cursor } } } } } } } } } } } } }`;
    const { status, body } = await post(query);
    expect(status).toBe(400);
    expect(body.errors?.[0]).toMatchObject({ message: 'query depth 14 exceeds the limit of 12 (limits.maxDepth)', extensions: { code: 'QUERY_TOO_COMPLEX' } });
  });

  it('runs a query of 12 levels, and other validation errors keep GRAPHQL_VALIDATION_FAILED', async () => {
    const ok = await post(deep(12));
    expect(ok.body.errors?.map((e) => e.extensions?.code) ?? []).not.toContain('QUERY_TOO_COMPLEX');
    expect(ok.body.errors?.map((e) => e.extensions?.code) ?? []).not.toContain('GRAPHQL_VALIDATION_FAILED');
    const typo = await post('{ sourcez { id } }');
    expect(typo.status).toBe(400);
    expect(typo.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
