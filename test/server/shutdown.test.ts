import { startServer } from '../../src/server/app';
import { appConfigWith } from '../helpers/app-config';
import { rawRequest } from '../helpers/http';
import { quietLogger } from '../helpers/logs';
import { makeEvent, MemorySource } from '../helpers/memory-source';

const T0 = Date.parse('2026-03-14T09:00:00Z');
const QUERY = JSON.stringify({ query: '{ events(window: {from: "2026-03-14T09:00:00Z", to: "2026-03-14T10:00:00Z"}, first: 20) { edges { node { id } } sources { state } } }' });

function slowSource(delayMs: number): MemorySource {
  const source = new MemorySource('slow', Array.from({ length: 30 }, (_, i) => makeEvent('slow', T0 + i * 60_000)));
  source.delayMs = delayMs;
  return source;
}

describe('graceful shutdown through the HTTP server', () => {
  it('finishes the page in flight, sends it, then stops taking connections', async () => {
    // two upstream pages of 10 (the memory source pages by 10) each waiting 600 ms: the page is mid-read at close
    const server = await startServer(appConfigWith([slowSource(600)]), { port: 0, host: '127.0.0.1', logger: quietLogger() });
    const inFlight = rawRequest(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: QUERY });
    await new Promise((r) => setTimeout(r, 300));
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    const reply = await inFlight;
    expect(reply.status).toBe(200);
    const body = reply.json<{ data: { events: { edges: unknown[]; sources: { state: string }[] } } }>();
    expect(body.data.events.edges).toHaveLength(20);
    expect(body.data.events.sources[0].state).toBe('OK');
    expect(reply.headers.connection).toBe('close');
    await closing;
    expect(closed).toBe(true);
    await expect(rawRequest(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: QUERY })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('aborts what still runs after the grace period, so that a hung upstream cannot hold the process', async () => {
    const source = slowSource(0);
    source.hang = true;
    const server = await startServer(appConfigWith([source]), { port: 0, host: '127.0.0.1', logger: quietLogger() });
    const inFlight = rawRequest(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: QUERY }).catch((err: Error) => err);
    await new Promise((r) => setTimeout(r, 200));
    await server.close({ graceMs: 300 });
    // the hung page was aborted (its upstream call with it), its client told, and close() returned
    const outcome = await inFlight;
    if (outcome instanceof Error) throw outcome;
    expect(outcome.json<{ errors: { extensions: { code: string } }[] }>().errors[0].extensions.code).toBe('ALL_SOURCES_FAILED');
    expect(source.queries).toHaveLength(1);
  });
});
