import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { E2E_DEMO_ROOT } from '../e2e/harness';

const ROOT = path.resolve(__dirname, '../..');
/** the compiled CLI (`npm test` builds first), run as `auditgraph` is: its own process, on the project's Node */
export const CLI = path.join(ROOT, 'dist/src/cli/main.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `auditgraph …` embedded on the e2e demo (or against `--server`), with a clean environment. */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      // the demo day pinned for the tests (test/setup/demo-date.ts), so that the CLI reads the same demo as the e2e server
      env: { PATH: process.env.PATH, TMPDIR: process.env.TMPDIR, AUDITGRAPH_DEMO_DIR: E2E_DEMO_ROOT, AUDITGRAPH_DEMO_DATE: process.env.AUDITGRAPH_DEMO_DATE, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
