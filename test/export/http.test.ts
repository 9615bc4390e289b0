import * as http from 'node:http';
import { parse } from 'csv-parse/sync';
import { SourceError, SortOrder, type AuditEvent, type SourceCallContext, type SourceQuery } from '../../src/domain';
import { CSV_COLUMN_NAMES } from '../../src/export/csv';
import { startServer, type RunningServer } from '../../src/server/app';
import { DemoServer } from '../e2e/harness';
import { appConfigWith } from '../helpers/app-config';
import { makeEvent, MemorySource } from '../helpers/memory-source';
import { validateOcsf } from './ocsf/validate';

const INCIDENT = 'from=2026-03-14T08:45:00Z&to=2026-03-14T10:00:00Z';

type Line = Record<string, unknown> & { type: string };
const lines = (text: string): Line[] => text.trim().split('\n').map((l) => JSON.parse(l) as Line);

describe('GET /export on the demo', () => {
  let demo: DemoServer;
  let base: string;
  beforeAll(async () => {
    demo = await DemoServer.start();
    base = demo.url.replace(/\/graphql$/, '/export');
  }, 120_000);
  afterAll(() => demo?.stop());

  /** every page of `events` over GraphQL, as `source/id` keys in order */
  async function pagedKeys(filter: Record<string, unknown>, order: SortOrder): Promise<string[]> {
    const keys: string[] = [];
    let after: string | null = null;
    for (;;) {
      const reply: { data?: { events: { edges: { node: { id: string; source: { id: string } } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } } } = await demo.raw(
        'query($f: EventFilterInput, $o: SortOrder, $a: String) { events(window: {from: "2026-03-14T08:45:00Z", to: "2026-03-14T10:00:00Z"}, filter: $f, order: $o, first: 1000, after: $a) { edges { node { id source { id } } } pageInfo { hasNextPage endCursor } } }',
        { f: filter, o: order, a: after },
      );
      const events = reply.data!.events;
      keys.push(...events.edges.map((e) => `${e.node.source.id}/${e.node.id}`));
      if (!events.pageInfo.hasNextPage) return keys;
      after = events.pageInfo.endCursor;
    }
  }

  it('streams NDJSON: the same events as every GraphQL page, in order, then one status line', async () => {
    const res = await fetch(`${base}?${INCIDENT}&sourceIp=198.51.100.23&order=OLDEST_FIRST`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    const all = lines(await res.text());
    const status = all.pop()!;
    expect(all.every((l) => l.type === 'event')).toBe(true);
    expect(all.map((l) => `${l.source}/${l.id}`)).toEqual(await pagedKeys({ sourceIp: ['198.51.100.23'] }, SortOrder.OLDEST_FIRST));
    expect(status).toMatchObject({ type: 'status', complete: true, events: all.length, limitReached: false, failedSources: [], order: 'OLDEST_FIRST' });
    expect((status.sources as { source: string; state: string }[]).map((s) => [s.source, s.state])).toEqual([
      ['okta', 'OK'],
      ['flyte', 'OK'],
      ['prod-eks-audit', 'OK'],
      ['aws-trail', 'OK'],
      ['gcp-audit', 'OK'],
      ['azure-activity', 'OK'],
    ]);
    expect(all[0]).toMatchObject({ source: 'okta', action: 'user.session.start', outcome: 'FAILURE', sourceIp: '198.51.100.23', actor: { name: 'alice@example.com' } });
  });

  it('streams a whole hour of every source across pages of the engine (no page limit)', async () => {
    const text = await (await fetch(`${base}?from=2026-03-14T09:00:00Z&to=2026-03-14T10:00:00Z`)).text();
    const all = lines(text);
    const status = all.pop()!;
    expect(all.length).toBeGreaterThan(1000);
    expect(status.events).toBe(all.length);
    const times = all.map((l) => Date.parse(l.time as string));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(new Set(all.map((l) => `${l.source}/${l.id}`)).size).toBe(all.length);
  });

  it('writes RFC 4180 CSV with the documented columns, raw as JSON, and a trailer', async () => {
    const [csvText, ndjsonText] = await Promise.all([
      fetch(`${base}?${INCIDENT}&identity=alice@example.com&format=csv`).then((r) => r.text()),
      fetch(`${base}?${INCIDENT}&identity=alice@example.com`).then((r) => r.text()),
    ]);
    const rows = parse(csvText, { columns: true, comment: '#', comment_no_infix: true, record_delimiter: '\r\n' }) as Record<string, string>[];
    const events = lines(ndjsonText).filter((l) => l.type === 'event');
    expect(Object.keys(rows[0]!)).toEqual(CSV_COLUMN_NAMES);
    expect(rows.map((r) => r.id)).toEqual(events.map((e) => e.id));
    rows.forEach((r, i) => {
      expect(JSON.parse(r.raw!)).toEqual(events[i]!.raw);
      expect(r.actor).toBe((events[i]!.actor as { name: string }).name);
    });
    expect(csvText).toMatch(/\r\n# status complete=true events=33 /);
    expect(csvText.trimEnd().split('\r\n').slice(-6).map((l) => l.split(' ')[2])).toEqual(['okta', 'flyte', 'prod-eks-audit', 'aws-trail', 'gcp-audit', 'azure-activity']);

    const chosen = await (await fetch(`${base}?${INCIDENT}&identity=alice@example.com&format=csv&columns=time,action,outcome`)).text();
    expect(chosen.split('\r\n')[0]).toBe('time,action,outcome');
  });

  it('writes OCSF 1.8.0, one valid event a line, ending with a metadata object', async () => {
    const all = lines(await (await fetch(`${base}?${INCIDENT}&sourceIp=198.51.100.23&format=ocsf`)).text());
    const end = all.pop()!;
    expect(all.length).toBeGreaterThan(20);
    for (const e of all) expect(validateOcsf(e)).toEqual([]);
    expect(new Set(all.map((e) => e.class_uid))).toEqual(new Set([6003, 3002, 3001, 3005]));
    expect(end).toMatchObject({ type: 'status', complete: true, metadata: { version: '1.8.0', product: { name: 'auditgraph' } } });
  });

  it.each([
    ['format=xml', 'format'],
    ['colour=red', 'colour'],
    ['outcome=MAYBE', 'outcome'],
    ['limit=0', 'limit'],
    ['sourceIp=not-an-ip', 'sourceIp'],
    ['source=nope', 'source'],
    ['format=csv&columns=time,nope', 'columns'],
    ['order=sideways', 'order'],
    ['progress=perhaps', 'progress'],
  ])('refuses %s with HTTP 400 naming the parameter', async (params, parameter) => {
    const res = await fetch(`${base}?${INCIDENT}&${params}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string; parameter: string } }[] };
    expect(body.errors[0]!.extensions.parameter).toBe(parameter);
    expect(body.errors[0]!.message).toContain(parameter);
  });

  it.each([
    ['', 'from'],
    ['from=2026-03-14T10:00:00Z&to=2026-03-14T09:00:00Z', 'from'],
    ['last=an-hour', 'last'],
    ['from=yesterday', 'from'],
  ])('refuses the window %j naming %s', async (params, parameter) => {
    const res = await fetch(`${base}?${params}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { extensions: { code: string; parameter: string } }[] }).errors[0]!.extensions).toMatchObject({ code: 'BAD_WINDOW', parameter });
  });
});

/** A source of `count` events made as they are asked for, counting how many it has handed out. */
class LazySource extends MemorySource {
  yielded = 0;
  constructor(
    id: string,
    private readonly count: number,
  ) {
    super(id, []);
  }

  override async *events(q: SourceQuery, ctx: SourceCallContext): AsyncGenerator<AuditEvent> {
    ctx.stats.requests += 1;
    const start = q.window.to.getTime() - 1;
    for (let i = 0; i < this.count; i++) {
      if (ctx.signal.aborted) throw new SourceError('ABORTED', 'aborted', this.id);
      const time = q.order === SortOrder.NEWEST_FIRST ? start - i : q.window.from.getTime() + i;
      ctx.stats.scanned += 1;
      this.yielded += 1;
      yield makeEvent(this.id, time, { id: `lazy-${String(i).padStart(8, '0')}`, raw: { padding: 'x'.repeat(600) } });
    }
  }
}

describe('GET /export on memory sources', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const exportUrl = (s: RunningServer, params: string) => `${s.url.replace(/\/graphql$/, '/export')}?from=2026-03-14T00:00:00Z&to=2026-03-15T00:00:00Z&${params}`;
  const events = (n: number, id: string) => Array.from({ length: n }, (_, i) => makeEvent(id, Date.parse('2026-03-14T09:00:00Z') + i * 1000));

  it('a source failing mid-stream shows as FAILED in the status, and the file says it is not complete', async () => {
    const broken = new MemorySource('broken', events(50, 'broken'));
    broken.failWith = new SourceError('UPSTREAM_ERROR', 'the archive went away', 'broken');
    broken.failAfter = 12;
    const healthy = new MemorySource('healthy', events(40, 'healthy'));
    server = await startServer(appConfigWith([broken, healthy]), { port: 0, host: '127.0.0.1' });
    const res = await fetch(exportUrl(server, 'order=OLDEST_FIRST'));
    expect(res.status).toBe(200);
    const all = lines(await res.text());
    const status = all.pop()!;
    expect(all.filter((l) => l.source === 'healthy')).toHaveLength(40);
    expect(all.filter((l) => l.source === 'broken')).toHaveLength(12);
    expect(status).toMatchObject({ complete: false, failedSources: ['broken'], events: 52 });
    expect((status.sources as { source: string; state: string; message: string }[])[0]).toMatchObject({ source: 'broken', state: 'FAILED', message: expect.stringContaining('the archive went away') });

    const csv = await (await fetch(exportUrl(server, 'format=csv'))).text();
    expect(csv).toContain('# status complete=false');
    expect(csv).toMatch(/# source broken state=FAILED .*the archive went away/);
  });

  it('every source failing is HTTP 502 with each one\'s error, not an empty file', async () => {
    const a = new MemorySource('a', events(5, 'a'));
    a.failWith = new SourceError('UNAUTHENTICATED', 'token refused', 'a');
    server = await startServer(appConfigWith([a]), { port: 0, host: '127.0.0.1' });
    const res = await fetch(exportUrl(server, ''));
    expect(res.status).toBe(502);
    expect(((await res.json()) as { errors: { message: string; extensions: { code: string } }[] }).errors[0]).toMatchObject({ message: expect.stringContaining('token refused'), extensions: { code: 'ALL_SOURCES_FAILED' } });
  });

  it('stops at limit and says so', async () => {
    server = await startServer(appConfigWith([new MemorySource('m', events(30, 'm'))]), { port: 0, host: '127.0.0.1' });
    const all = lines(await (await fetch(exportUrl(server, 'limit=7'))).text());
    expect(all).toHaveLength(8);
    expect(all[7]).toMatchObject({ type: 'status', events: 7, limitReached: true, complete: false });
  });

  it('sends progress lines when asked', async () => {
    const slow = new MemorySource('slow', events(400, 'slow'));
    slow.delayMs = 40; // 10 events a request: about 1.6 s in all
    server = await startServer(appConfigWith([slow]), { port: 0, host: '127.0.0.1' });
    const all = lines(await (await fetch(exportUrl(server, 'progress=1'))).text());
    const progress = all.filter((l) => l.type === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]).toMatchObject({ sources: 1, events: expect.any(Number), bytes: expect.any(Number) });
    expect(all.filter((l) => l.type === 'event')).toHaveLength(400);
    expect(all[all.length - 1]!.type).toBe('status');
  });

  it('backpressure reaches the source: a reader that stops reading stops the source', async () => {
    const total = 50_000;
    const lazy = new LazySource('lazy', total);
    server = await startServer(appConfigWith([lazy]), { port: 0, host: '127.0.0.1' });
    const url = new URL(exportUrl(server, 'order=OLDEST_FIRST'));
    const res = await new Promise<http.IncomingMessage>((resolve) => http.get(url, resolve));
    res.pause();
    await new Promise((r) => setTimeout(r, 1500));
    const whilePaused = lazy.yielded;
    await new Promise((r) => setTimeout(r, 500));
    // the socket's buffers hold a few MB at most: far fewer than the 40 MB the whole answer is
    expect(lazy.yielded).toBe(whilePaused);
    expect(whilePaused).toBeLessThan(total / 2);
    let received = 0;
    let tail = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      received += chunk.split('\n').length - 1;
      tail = (tail + chunk).slice(-4000);
    });
    res.resume();
    await new Promise((r) => res.on('end', r));
    expect(received).toBe(total + 1);
    expect(JSON.parse(tail.trim().split('\n').pop()!)).toMatchObject({ type: 'status', complete: true, events: total });
  }, 60_000);

  it('a reader that goes away stops the source', async () => {
    const lazy = new LazySource('lazy', 500_000);
    server = await startServer(appConfigWith([lazy]), { port: 0, host: '127.0.0.1' });
    const res = await new Promise<http.IncomingMessage>((resolve) => http.get(new URL(exportUrl(server!, '')), resolve));
    await new Promise((r) => res.once('data', r));
    res.destroy();
    await new Promise((r) => setTimeout(r, 500));
    const after = lazy.yielded;
    await new Promise((r) => setTimeout(r, 500));
    expect(lazy.yielded).toBe(after);
    expect(after).toBeLessThan(500_000);
  });
});
