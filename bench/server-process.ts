import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A compiled server in a child process, so that its memory is its own. */
export interface ServerProcess {
  child: ChildProcess;
  url: string;
}

export const BENCH_CURSOR_SECRET = 'bench-cursor-secret-0123456789abcdef';

/**
 * Starts `dist/src/server/main.js` with `args` (`--config FILE`; none: the demo) and waits for the line that names
 * its URL. `nodeFlags` default to those `npm start` and the `auditgraph` command run with (a small young generation:
 * docs/operations.md#memory). What the server prints afterwards (one line per request) is read and dropped.
 */
export async function startServerProcess(opts: { args?: string[]; env?: NodeJS.ProcessEnv; nodeFlags?: string[]; timeoutMs?: number } = {}): Promise<ServerProcess> {
  const flags = opts.nodeFlags ?? ['--max-semi-space-size=8'];
  const child = spawn(process.execPath, [...flags, path.resolve(__dirname, '../src/server/main.js'), ...(opts.args ?? [])], {
    env: { ...process.env, PORT: '0', AUDITGRAPH_CURSOR_SECRET: BENCH_CURSOR_SECRET, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let started = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), opts.timeoutMs ?? 120_000);
    const onData = (c: Buffer) => {
      if (started) return;
      out += c.toString();
      const m = /GraphQL at (http:\/\/[^\s,"]+)/.exec(out);
      if (m) {
        started = true;
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      if (!started) reject(new Error(`server exited ${code}: ${out}`));
    });
  });
}

/** Kills the server and waits for it to be gone. */
export async function stopServerProcess(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    server.child.once('exit', () => resolve());
    server.child.kill('SIGKILL');
  });
}

/** A figure of /proc/<pid>/status in bytes: VmHWM is the peak resident set, VmRSS the current one. */
export function procStatusBytes(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : Number.NaN;
}
