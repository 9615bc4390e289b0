import { createClient } from 'graphql-ws';
import { SourceError, type AuditEvent } from '../../src/domain';
import { startServer, type RunningServer } from '../../src/server/app';
import { appConfigWith } from '../helpers/app-config';
import { quietLogger } from '../helpers/logs';
import { makeEvent, MemorySource } from '../helpers/memory-source';
import { spawn } from 'node:child_process';
import { CLI } from '../cli/run-cli';

const FOLLOW = { lagMs: 300, pollMs: 40, why: 'test' };

/** A source whose events arrive while the tail runs: `add` appends one stamped now (or `ago` ms earlier). */
class GrowingSource extends MemorySource {
  readonly added: AuditEvent[];
  private n = 0;
  constructor(id: string) {
    const data: AuditEvent[] = [];
    super(id, data, { follow: FOLLOW, pageSize: { default: 5, max: 5 } });
    this.added = data;
  }
  add(ago = 0): AuditEvent {
    this.n += 1;
    const e = makeEvent(this.id, Date.now() - ago, { id: `${this.id}-${String(this.n).padStart(4, '0')}` });
    this.added.push(e);
    return e;
  }
}

interface Sse {
  event: string;
  id: string;
  data: Record<string, unknown>;
}

/** Reads server-sent events until `until` says stop, then cuts the connection (as a client that dies would). */
async function readSse(url: string, headers: Record<string, string>, until: (got: Sse[]) => boolean, timeoutMs = 20_000): Promise<Sse[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const got: Sse[] = [];
  try {
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
    if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { status: res.status, body: await res.text() });
    const decoder = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const f: Partial<Sse> = {};
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) f.event = line.slice(7);
          else if (line.startsWith('id: ')) f.id = line.slice(4);
          else if (line.startsWith('data: ')) f.data = JSON.parse(line.slice(6)) as Record<string, unknown>;
        }
        if (f.event) got.push(f as Sse);
        if (until(got)) return got;
      }
    }
    return got;
  } catch (err) {
    if (abort.signal.aborted) return got;
    throw err;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

describe('tail', () => {
  let server: RunningServer | undefined;
  let timer: NodeJS.Timeout | undefined;
  afterEach(async () => {
    clearInterval(timer);
    await server?.close({ graceMs: 100 });
    server = undefined;
  });

  const start = async (sources: MemorySource[]) => {
    server = await startServer(appConfigWith(sources), { port: 0, host: '127.0.0.1', logger: quietLogger() });
    return server.url.replace(/\/graphql$/, '/tail');
  };

  it('a client killed mid-stream reconnects with its last id and loses and repeats nothing', async () => {
    const a = new GrowingSource('a');
    const b = new GrowingSource('b');
    const url = await start([a, b]);
    let produced = 0;
    timer = setInterval(() => {
      if (produced >= 120) return;
      produced += 2;
      a.add();
      // b's events arrive late, within the lag: the tail still has them
      b.add(150);
    }, 15);
    const received: string[] = [];
    let lastId = '';
    for (let round = 0; round < 5 && received.length < 120; round++) {
      const stopAt = received.length + 25;
      // the first connection starts a minute back (events made before it connected are in); later ones resume
      const got = await readSse(lastId ? url : `${url}?since=PT1M`, lastId ? { 'last-event-id': lastId } : {}, (g) => received.length + g.filter((x) => x.event === 'audit').length >= Math.min(stopAt, 120));
      for (const m of got) {
        if (m.event === 'audit') received.push(`${m.data.source as string}/${m.data.id as string}`);
        lastId = m.id;
      }
    }
    const expected = [...a.added, ...b.added].map((e) => `${e.sourceId}/${e.id}`);
    expect(new Set(received).size).toBe(received.length);
    expect([...received].sort()).toEqual([...expected].sort());
    // each source's events in its own order
    for (const id of ['a', 'b']) {
      const mine = received.filter((k) => k.startsWith(`${id}/`));
      expect(mine).toEqual([...mine].sort());
    }
  }, 60_000);

  it('sends each source status with its lag, and says when a source fails and is retried', async () => {
    const ok = new GrowingSource('ok');
    const flaky = new GrowingSource('flaky');
    flaky.failWith = new SourceError('UNREACHABLE', 'connection refused', 'flaky');
    flaky.add(5_000);
    const url = await start([ok, flaky]);
    const got = await readSse(`${url}?since=PT1M`, {}, (g) => g.some((m) => m.event === 'status' && (m.data.sources as { source: string; state: string }[]).some((s) => s.source === 'flaky' && s.state === 'RETRYING')));
    const first = got.find((m) => m.event === 'status')!;
    expect(first.data.sources).toEqual([
      expect.objectContaining({ source: 'ok', state: 'FOLLOWING', lagMs: 300, pollMs: 40 }),
      expect.objectContaining({ source: 'flaky', lagMs: 300 }),
    ]);
    const retrying = got.filter((m) => m.event === 'status').pop()!;
    expect((retrying.data.sources as { source: string; message: string }[]).find((s) => s.source === 'flaky')!.message).toContain('connection refused');
  });

  it('refuses a forged token or one of another filter, naming the parameter', async () => {
    const a = new GrowingSource('a');
    const url = await start([a, new GrowingSource('b')]);
    const forged = await fetch(`${url}?after=abc.def`);
    expect(forged.status).toBe(400);
    expect(((await forged.json()) as { errors: { extensions: { parameter: string } }[] }).errors[0]!.extensions.parameter).toBe('after');
    const got = await readSse(`${url}?source=a`, {}, (g) => g.length >= 1);
    const other = await fetch(`${url}?source=b&after=${encodeURIComponent(got[0]!.id)}`);
    expect(other.status).toBe(400);
    expect(await other.text()).toContain('another filter');
    expect((await fetch(`${url}?since=yesterday`)).status).toBe(400);
  });

  it('the same tail as a GraphQL subscription over graphql-ws, resumable', async () => {
    const a = new GrowingSource('a');
    const url = (await start([a])).replace(/^http/, 'ws').replace(/\/tail$/, '/graphql');
    timer = setInterval(() => {
      if (a.added.length < 30) a.add();
    }, 20);
    const query = 'subscription($after: String) { tail(after: $after, since: "PT1M") { resumeToken event { id action } sources { source state lagMs settledUntil } } }';
    const take = (n: number, after?: string) =>
      new Promise<{ ids: string[]; token: string }>((resolve, reject) => {
        const client = createClient({ url, retryAttempts: 0 });
        const ids: string[] = [];
        let token = '';
        let done = false;
        const stop = client.subscribe<{ tail: { resumeToken: string; event: { id: string } | null } }>({ query, variables: { after } }, {
          next: (msg) => {
            // messages already on the wire when we stop are not taken: the client resumes from the token it kept
            if (done) return;
            if (msg.errors) return reject(new Error(JSON.stringify(msg.errors)));
            const t = msg.data!.tail;
            token = t.resumeToken;
            if (t.event) ids.push(t.event.id);
            if (ids.length >= n) {
              done = true;
              stop();
              void client.dispose();
              resolve({ ids, token });
            }
          },
          error: reject,
          complete: () => undefined,
        });
      });
    const first = await take(12);
    const second = await take(30 - 12, first.token);
    expect([...first.ids, ...second.ids]).toEqual(a.added.map((e) => e.id));
  }, 60_000);

  it('auditgraph tail prints events as they come, and on Ctrl-C the token to resume from', async () => {
    const a = new GrowingSource('a');
    const url = (await start([a])).replace(/\/tail$/, '');
    timer = setInterval(() => {
      if (a.added.length < 10) a.add();
    }, 30);
    const child = spawn(process.execPath, [CLI, '--server', url, 'tail', '--since', '1m', '-o', 'ndjson'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    await new Promise<void>((resolve) => {
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.split('\n').filter(Boolean).length >= 10) resolve();
      });
    });
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(out.trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(a.added.map((e) => e.id));
    expect(err).toContain('a: FOLLOWING, lag 0 s');
    expect(err).toMatch(/resume with --after \S+\.\S+/);
  }, 60_000);
});
