import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { demoGreeting } from '../../src/server/main';
import { E2E_DEMO_ROOT } from '../e2e/harness';

const ROOT = path.resolve(__dirname, '../..');

/** The compiled server started as `npm start` starts it, with no config: it serves the demo. */
function startWithoutConfig(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string; url?: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/src/server/main.js')], {
    env: { PATH: process.env.PATH, HOME: os.tmpdir(), PORT: '0', AUDITGRAPH_DEMO_DIR: E2E_DEMO_ROOT, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // the log is JSON lines on stdout; what is meant for the person at the terminal is plain lines on stderr
  let stdout = '';
  let stderr = '';
  let ready = (): void => undefined;
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
    ready();
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no answer from the server:\n${stdout}\n${stderr}`));
    }, 90_000);
    // up once the log has named the URL and the greeting (the last thing printed) is out; the two streams race
    ready = () => {
      const url = /GraphQL at (http:\/\/[^\s,"]+)/.exec(stdout)?.[1];
      if (url && /try: \{ events.*\n/.test(stderr)) {
        clearTimeout(timer);
        resolve({ code: null, stderr, url, stop });
      }
    };
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      ready();
    });
    void exited.then((code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stop: async () => undefined });
    });
  });
}

describe('the demo greeting', () => {
  it('offers the default-window identity query when the demo is yesterday, and names the day when it is pinned further back', () => {
    const [day, identity, events] = demoGreeting('2026-07-01', false, new Date('2026-07-02T10:00:00Z'));
    expect(day).toBe('demo day 2026-07-01 (UTC): yesterday; AUDITGRAPH_DEMO_DATE=YYYY-MM-DD pins it; name it in a window as {day: "demo"}');
    expect(identity).toBe('try: { identity(ref: "alice@example.com") { displayName aliases { kind value } } }');
    expect(events).toMatch(/^try: \{ events\(window: \{day: "demo", time: "08:45\/10:00"\}/);
    expect(demoGreeting('2026-03-14', true, new Date('2026-07-02T10:00:00Z'))[1]).toBe('try: { identity(ref: "alice@example.com", window: {day: "demo"}) { displayName aliases { kind value } } }');
  });
});

describe('the server on the bundled demo, at start-up', () => {
  it('prints the demo day, how to pin it, and two queries that work on it', async () => {
    const server = await startWithoutConfig({ AUDITGRAPH_DEMO_DATE: '2026-03-14' });
    try {
      expect(server.stderr).toContain('auditgraph: demo day 2026-03-14 (UTC): pinned by AUDITGRAPH_DEMO_DATE; name it in a window as {day: "demo"}');
      const tries = [...server.stderr.matchAll(/auditgraph: try: (.*)/g)].map((m) => m[1]);
      expect(tries).toHaveLength(2);
      for (const query of tries) {
        const res = await fetch(server.url!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
        const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
        expect(body.errors).toBeUndefined();
        expect(JSON.stringify(body.data)).toMatch(/alice@example\.com|198\.51\.100\.23|okta/);
      }
    } finally {
      await server.stop();
    }
  }, 120_000);

  it('refuses to start on an AUDITGRAPH_DEMO_DATE that is not a date, naming it', async () => {
    const server = await startWithoutConfig({ AUDITGRAPH_DEMO_DATE: '14.03.2026' });
    expect(server.code).toBe(2);
    expect(server.stderr).toContain('auditgraph: cannot start: config AUDITGRAPH_DEMO_DATE: expected a calendar date YYYY-MM-DD (such as 2026-03-14), got "14.03.2026"');
  }, 60_000);
});
