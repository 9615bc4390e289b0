import { cheapRequests } from '../../bench/limits';
import { DemoServer } from '../e2e/harness';
import { rawRequest } from '../helpers/http';

type Reply = { errors?: { message: string; extensions: Record<string, unknown> }[]; data?: unknown };
const json = { 'content-type': 'application/json' };
const DAY = `{from: "2026-03-14T00:00:00Z", to: "2026-03-15T00:00:00Z"}`;

let demo: DemoServer;
beforeAll(async () => {
  demo = await DemoServer.start();
}, 120_000);
afterAll(async () => {
  await demo?.stop();
});

async function post(body: string) {
  const reply = await rawRequest(demo.url, { method: 'POST', headers: json, body });
  return { status: reply.status, body: reply.json<Reply>() };
}
const query = (q: string, variables: Record<string, unknown> = {}) => post(JSON.stringify({ query: q, variables }));

describe("the issue's cheap requests that cost the server dearly", () => {
  const [aliases, nested, resource, identities, tenMegabytes] = cheapRequests();
  const expected: [typeof aliases, number, string, string][] = [
    [aliases, 400, 'QUERY_TOO_COMPLEX', 'maxTokens'],
    [nested, 400, 'QUERY_TOO_COMPLEX', 'maxSourceQueries'],
    [resource, 400, 'INPUT_TOO_LARGE', 'maxValueLength'],
    [identities, 400, 'INPUT_TOO_LARGE', 'maxListValues'],
    [tenMegabytes, 413, 'PAYLOAD_TOO_LARGE', 'maxBodyBytes'],
  ];

  it.each(expected.map(([r, status, code, limit]) => [r.name, r, status, code, limit] as const))('refuses %s before it runs, naming the limit', async (_, request, status, code, limit) => {
    const reply = await post(request.body);
    expect(reply.status).toBe(status);
    expect(reply.body.errors?.[0].extensions).toMatchObject({ code, limit });
    expect(reply.body.errors?.[0].message).toContain(`limits.${limit}`);
    expect(reply.body.data ?? null).toBeNull();
  });

  it('refuses all of them, four of the first at once, with memory flat and the server answering meanwhile', async () => {
    const engineCalls = jest.spyOn(demo.server.engine, 'events');
    const before = process.memoryUsage().rss;
    const replies = await Promise.all([...[0, 1, 2, 3].map(() => post(aliases.body)), post(nested.body), post(resource.body), post(identities.body), post(tenMegabytes.body)]);
    expect(replies.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400, 400, 413]);
    const health = await rawRequest(demo.url.replace('/graphql', '/healthz'));
    expect(health.status).toBe(200);
    // without the limits these took 1.4-3.2 GB each; what is left is the test's own request bodies (~30 MB)
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
    // and nothing was asked of any source
    expect(engineCalls).not.toHaveBeenCalled();
    engineCalls.mockRestore();
  });
});

describe('each limit, at its edge', () => {
  const events = (args: string, selection = 'edges { node { id } }') => `events(window: ${DAY}${args}) { ${selection} }`;

  it('aliases: 15 pass, 16 are refused', async () => {
    const ok = await query(`{ ${Array.from({ length: 15 }, (_, i) => `a${i}: sources { id }`).join(' ')} }`);
    expect(ok.status).toBe(200);
    const refused = await query(`{ ${Array.from({ length: 16 }, (_, i) => `a${i}: sources { id }`).join(' ')} }`);
    expect(refused.body.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxAliases', max: 15, found: 16 });
  });

  it('depth: nesting past 12 fields is refused, introspection is not counted', async () => {
    const deep = `{ events(window: ${DAY}, first: 1) { edges { node { actor { identity { events(window: ${DAY}, first: 1) { edges { node { actor { identity { events(window: ${DAY}, first: 1) { edges { node { id } } } } } } } } } } } } } }`;
    const refused = await query(deep);
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxDepth', max: 12 });
    const introspection = await query('{ __schema { types { name fields { name type { name ofType { name ofType { name ofType { name ofType { name ofType { name } } } } } } } } } }');
    expect(introspection.status).toBe(200);
  });

  it('directives: over 50 are refused', async () => {
    const refused = await query(`{ sources { id ${Array.from({ length: 51 }, () => '@include(if: true)').join(' ')} } }`);
    expect(refused.body.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxDirectives' });
  });

  it('tokens: a document over 2,000 tokens is refused while parsing', async () => {
    const refused = await query(`{ sources { ${'id '.repeat(2500)} } }`);
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'maxTokens', max: 2000 }, message: expect.stringContaining('limits.maxTokens') });
  });

  it('source queries: a field that reads the trails under a list of 100 runs once per item', async () => {
    const nested = await query(`{ ${events(', first: 100', 'edges { node { actor { identity { events(window: ' + DAY + ', first: 1) { edges { node { id } } } } } } }')} }`);
    expect(nested.body.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxSourceQueries', max: 20, found: 101 });
    // the variable's value is what counts, not the literal's absence
    const byVariable = await query(
      `query($n: Int) { events(window: ${DAY}, first: $n) { edges { node { actor { identity { events(window: ${DAY}, first: 1) { edges { node { id } } } } } } } } }`,
      { n: 5 },
    );
    expect(byVariable.status).toBe(200);
    expect(byVariable.body.errors).toBeUndefined();
  });

  it('cost: aliases multiply, a fragment spread many times counts each time', async () => {
    const fragment = `fragment Wide on AuditEvent { id time action rawAction category outcome sourceIp userAgent runId raw actor { name type uid } targets { type name uid } }`;
    const page = (alias: string) => `${alias}: ${events(', first: 1000', 'edges { node { ...Wide } }')}`;
    const big = await query(`{ ${['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map(page).join(' ')} } ${fragment}`);
    expect(big.body.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxCost', max: 200_000 });
    expect(big.body.errors?.[0].extensions.found).toBeGreaterThan(200_000);
    const one = await query(`{ ${events(', first: 1000', 'edges { node { ...Wide } }')} } ${fragment}`);
    expect(one.body.errors).toBeUndefined();
  });

  it('fields: a fragment bomb is costed in linear time and refused for what it expands to', async () => {
    const levels = 12;
    const defs = Array.from({ length: levels }, (_, i) => `fragment F${i} on Source { ${i === levels - 1 ? 'id' : `...F${i + 1} ...F${i + 1}`} }`).join('\n');
    const refused = await query(`{ sources { ...F0 } }\n${defs}`);
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxFields' });
    expect(refused.body.errors?.[0].extensions.found).toBe(2 ** (levels - 1) + 1);
  });

  it('inputs: literals and variables, lists and strings, with where they were', async () => {
    const longLiteral = await query(`{ ${events(`, filter: {resource: "${'r'.repeat(4097)}"}`)} }`);
    expect(longLiteral.body.errors?.[0].extensions).toMatchObject({ code: 'INPUT_TOO_LARGE', limit: 'maxValueLength', max: 4096, found: 4097, where: 'events(filter).resource' });
    const list = await query(`query($f: EventFilterInput) { ${events(', filter: $f')} }`, { f: { action: Array.from({ length: 101 }, (_, i) => `a${i}`) } });
    expect(list.body.errors?.[0].extensions).toMatchObject({ code: 'INPUT_TOO_LARGE', limit: 'maxListValues', max: 100, found: 101, where: '$f.action' });
    const atTheLimit = await query(`query($f: EventFilterInput) { ${events(', filter: $f, first: 1')} }`, { f: { action: Array.from({ length: 100 }, (_, i) => `a${i}`), resource: 'r'.repeat(4096) } });
    expect(atTheLimit.body.errors).toBeUndefined();
  });

  it('batching is off unless enabled', async () => {
    const batch = await post(JSON.stringify([{ query: '{ sources { id } }' }, { query: '{ sources { id } }' }]));
    expect(batch.status).toBe(400);
    expect(batch.body.errors?.[0].extensions.code).toBe('BATCHING_DISABLED');
  });
});

describe('limits from the config', () => {
  it('batching when enabled, bounded by maxOperations; other limits as configured', async () => {
    const server = await DemoServer.startWith({ limits: { batching: { enabled: true, maxOperations: 2 }, maxAliases: 1 } });
    try {
      const post2 = (body: unknown) => rawRequest(server.url, { method: 'POST', headers: json, body: JSON.stringify(body) });
      const two = await post2([{ query: '{ sources { id } }' }, { query: '{ a: sources { id } }' }]);
      expect(two.status).toBe(200);
      expect(two.json<{ data: unknown }[]>()).toHaveLength(2);
      const three = await post2([{ query: '{ sources { id } }' }, { query: '{ sources { id } }' }, { query: '{ sources { id } }' }]);
      expect(three.status).toBe(400);
      expect(three.json<Reply>().errors?.[0].extensions).toMatchObject({ code: 'BATCH_TOO_LARGE', max: 2, found: 3 });
      const aliases = await post2({ query: '{ a: sources { id } b: sources { id } }' });
      expect(aliases.json<Reply>().errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxAliases', max: 1 });
    } finally {
      await server.stop();
    }
  });
});
