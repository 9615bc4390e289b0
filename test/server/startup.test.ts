import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** The compiled server (`npm test` builds it first) started on a config: its exit code and what it printed. */
function start(config: unknown, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auditgraph-startup-'));
  const file = path.join(dir, 'auditgraph.json');
  fs.writeFileSync(file, JSON.stringify(config));
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/src/server/main.js'), '--config', file], {
    env: { PATH: process.env.PATH, HOME: os.tmpdir(), PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

describe('start-up checks of the compiled server', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auditgraph-startup-src-'));
  const k8s = { id: 'k8s', type: 'k8s-audit', mode: 'file', path: dir };

  it.each([
    [{ sources: [k8s] }, { AUDITGRAPH_CURSOR_SECRET: '' }, 'config AUDITGRAPH_CURSOR_SECRET (environment): a cursor secret needs at least 32 characters, got an empty one'],
    [{ sources: [k8s] }, { AUDITGRAPH_CURSOR_SECRET: 'short' }, 'config AUDITGRAPH_CURSOR_SECRET (environment): a cursor secret needs at least 32 characters, got 5'],
    [
      { sources: [{ id: 'okta', type: 'okta', mode: 'api', orgUrl: 'http://okta.corp.example', tokenEnv: 'T' }] },
      { T: 'token' },
      'config sources[0].orgUrl: http://okta.corp.example is plain http: the Okta credential would cross the network in clear text',
    ],
  ])('refuses %j (env %j) with exit 2 and the key at fault', async (config, env, message) => {
    const run = await start(config, env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`auditgraph: cannot start: ${message}`);
    // and as a log line, for the platform that collects the log
    expect(run.stdout).toContain('"configKey"');
  }, 30_000);
});
