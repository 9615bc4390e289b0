import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as semver from 'semver';
import { runtime, SUPPORTED_NODE_MAJOR } from '../../src/server/runtime';

const ROOT = path.resolve(__dirname, '../..');

interface LockPackage {
  version?: string;
  engines?: { node?: string } | string[];
  dev?: boolean;
  optional?: boolean;
}

describe('the runtime', () => {
  it('runs the tests on the Node 24 that `npm ci` installs, not the system Node', () => {
    expect(process.versions.node.split('.')[0]).toBe(String(SUPPORTED_NODE_MAJOR));
    const installed = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/node/package.json'), 'utf8')) as { version: string };
    expect(process.version).toBe(`v${installed.version}`);
  });

  it('declares Node 24 in engines and depends on it for development only', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      engines: { node: string };
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(semver.minVersion(pkg.engines.node)?.major).toBe(SUPPORTED_NODE_MAJOR);
    expect(pkg.devDependencies.node).toMatch(/^\^?24\./);
    // a production install (`npm ci --omit=dev` on a Node 24 image) carries no second Node
    expect(pkg.dependencies.node).toBeUndefined();
  });

  it('installs no package whose engines exclude the running Node (no EBADENGINE on Node 24)', () => {
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockPackage> };
    const refused: string[] = [];
    for (const [where, entry] of Object.entries(lock.packages)) {
      if (!where || Array.isArray(entry.engines) || !entry.engines?.node) continue;
      if (!semver.satisfies(process.version, entry.engines.node, { includePrerelease: true })) refused.push(`${where}@${entry.version} wants node ${entry.engines.node}`);
    }
    expect(refused).toEqual([]);
  });

  it('says when it runs on an older Node, and not on Node 24', () => {
    expect(runtime('v24.21.0').warning).toBeUndefined();
    expect(runtime('v20.20.2').warning).toMatch(/Node v20\.20\.2 is older than Node 24.*npm start/);
    expect(runtime().auditgraph).toMatch(/^\d+\.\d+\.\d+/);
  });
});

/** The compiled server (`npm test` builds it first), started as `npm start` starts it. */
function startCompiledServer(configPath: string, env: NodeJS.ProcessEnv): Promise<{ url: string; stderr: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/src/server/main.js'), '--config', configPath], {
    env: { PATH: process.env.PATH, HOME: os.tmpdir(), PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // the log (JSON lines on stdout) and anything Node itself prints (stderr), in one string
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${stderr}`)), 20_000);
    child.stdout.on('data', (c: Buffer) => {
      stderr += c.toString();
      const m = /GraphQL at (http:\/\/[^\s,"]+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1],
          stderr: () => stderr,
          stop: () =>
            new Promise((done) => {
              child.once('exit', (code) => done(code));
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${stderr}`));
    });
  });
}

describe('the compiled server on Node 24', () => {
  it('names the Node it runs on and prints no deprecation or engine warning while every SDK is used', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auditgraph-runtime-'));
    const closed = 1; // nothing listens on port 1 of loopback: every upstream call fails fast with ECONNREFUSED
    const config = {
      sources: [
        { id: 'okta', type: 'okta', mode: 'api', orgUrl: `http://127.0.0.1:${closed}`, tokenEnv: 'T' },
        { id: 'trail', type: 'cloudtrail', mode: 'api', region: 'us-east-1', endpoint: `http://127.0.0.1:${closed}` },
        { id: 'flyte', type: 'flyte', mode: 'api', endpoint: `http://127.0.0.1:${closed}`, tokenEnv: 'T', projects: [{ project: 'ml', domains: ['production'] }] },
        { id: 'gcp', type: 'gcp-audit', mode: 'api', projectId: 'acme-ml-prod', apiEndpoint: `127.0.0.1:${closed}`, protocol: 'http', accessTokenEnv: 'T' },
        { id: 'azure', type: 'azure-activity', mode: 'api', subscriptionId: '00000000-0000-0000-0000-000000000001', endpoint: `https://127.0.0.1:${closed}`, tokenEnv: 'T' },
      ],
    };
    const configPath = path.join(dir, 'auditgraph.json');
    fs.writeFileSync(configPath, JSON.stringify(config));
    const server = await startCompiledServer(configPath, { T: 'token', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' });
    try {
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ events(window: {last: "PT1H"}) { edges { cursor } sources { source { id } state message } } }' }),
      });
      const body = (await res.json()) as { errors?: { extensions?: { code?: string; sources?: unknown } }[] };
      // every source was asked through its SDK and failed to connect: the query fails as a whole, naming each
      expect(body.errors?.[0]?.extensions?.code).toBe('ALL_SOURCES_FAILED');
      expect(JSON.stringify(body.errors?.[0]?.extensions?.sources)).toEqual(expect.stringContaining('UNREACHABLE'));
    } finally {
      expect(await server.stop()).toBe(0);
    }
    const stderr = server.stderr();
    const lines = stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; level: number });
    expect(lines.map((l) => l.msg)).toContain(`auditgraph ${runtime().auditgraph} on Node ${process.version}`);
    expect(stderr).not.toMatch(/Warning|deprecat|EBADENGINE|NodeVersionSupport/i);
  }, 60_000);
});
