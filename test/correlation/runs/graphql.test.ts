import { startServer, type RunningServer } from '../../../src/server/app';
import { quietLogger } from '../../helpers/logs';
import { buildScenario, type Scenario } from './scenario';

/** What a client sees of run errors over HTTP (the demo's run names are all unique, this scenario's are not). */

let scenario: Scenario;
let server: RunningServer;

beforeAll(async () => {
  scenario = buildScenario();
  server = await startServer(scenario.config, { port: 0, host: '127.0.0.1', logger: quietLogger() });
});
afterAll(async () => {
  await server?.close();
  scenario?.cleanup();
});

async function post(query: string): Promise<{ data?: Record<string, unknown>; errors?: { message: string; extensions?: Record<string, unknown> }[] }> {
  const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return (await res.json()) as { data?: Record<string, unknown>; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

describe('run errors over GraphQL', () => {
  it('an ambiguous bare name is an AMBIGUOUS_RUN error listing the candidates', async () => {
    const reply = await post('{ run(id: "dupname01") { id } }');
    expect(reply.data?.run).toBeNull();
    expect(reply.errors).toHaveLength(1);
    expect(reply.errors?.[0].extensions).toMatchObject({ code: 'AMBIGUOUS_RUN', candidates: ['flyte:data/development/dupname01', 'flyte:ml/development/dupname01'] });
    expect(reply.errors?.[0].message).toMatch(/^run "dupname01" names 2 runs: /);
    const full = await post('{ run(id: "ml/development/dupname01") { id launchedBy { name } } }');
    expect(full).toEqual({ data: { run: { id: 'ml/development/dupname01', launchedBy: { name: 'erin@example.com' } } } });
  });

  it('names an unknown execution source', async () => {
    const reply = await post('{ run(id: "arun00001", source: "trail") { id } }');
    expect(reply.errors?.[0].extensions?.code).toBe('UNKNOWN_SOURCE');
  });

  it("resolves a run's fields through one discovery pass, however many ask", async () => {
    const engineCalls = jest.spyOn(server.engine, 'events');
    const reply = await post(`{ run(id: "arun00001") {
      pods
      links { credentials { value attributed sharedWith } notes }
      timeline(first: 3) { edges { evidence node { id } } pageInfo { hasNextPage } sources { source { id } } }
      again: timeline(first: 3) { edges { node { id } } }
    } }`);
    expect(reply.errors).toBeUndefined();
    const run = reply.data?.run as { pods: string[]; links: { credentials: { value: string }[] }; timeline: { edges: { node: { id: string } }[] }; again: { edges: { node: { id: string } }[] } };
    expect(run.pods).toEqual(['arun00001-n0-0', 'arun00001-n0-1']);
    expect(run.links.credentials.map((c) => c.value)).toEqual(['ASIAKEYS000000000002', 'ASIAKEYA000000000003']);
    expect(run.timeline.edges.map((e) => e.node.id)).toEqual(['ml/production/arun00001#created', 'k-wf-a', 'ml/production/arun00001#started']);
    expect(run.again).toEqual({ edges: run.timeline.edges.map((e) => ({ node: e.node })) });
    // pod creates and cloud calls once for the request, then one read per timeline field
    expect(engineCalls).toHaveBeenCalledTimes(4);
    engineCalls.mockRestore();
  });
});
