import { loadConfigFile, configFromDocument } from '../config/load';
import { ConfigError } from '../config/errors';
import type { AppConfig } from '../config/config';
import type { SourceDeps } from '../domain';
import { Limiters } from '../query/limiter';
import { demoConfigDocument, defaultDemoRoot } from '../demo/document';
import { ensureDemo } from '../demo/ensure';
import { startServer } from './app';
import { runtime } from './runtime';

function configPath(argv: string[], env: NodeJS.ProcessEnv): string | undefined {
  const i = argv.indexOf('--config');
  if (i >= 0) {
    const p = argv[i + 1];
    if (!p) throw new ConfigError('--config', 'expected a path after --config');
    return p;
  }
  const eq = argv.find((a) => a.startsWith('--config='));
  if (eq) return eq.slice('--config='.length);
  return env.AUDITGRAPH_CONFIG || undefined;
}

/** The config file named by --config or AUDITGRAPH_CONFIG, or else the bundled demo (built on first use). */
export async function resolveConfig(argv: string[], env: NodeJS.ProcessEnv, deps: SourceDeps, log: (line: string) => void): Promise<AppConfig> {
  const file = configPath(argv, env);
  if (file) return loadConfigFile(file, deps, env);
  const root = defaultDemoRoot();
  log(`no --config or AUDITGRAPH_CONFIG: serving the bundled demo from ${root} (built on first run)`);
  await ensureDemo(root);
  return configFromDocument(demoConfigDocument(root), `demo:${root}`, deps, env);
}

async function main(): Promise<void> {
  const log = (line: string) => process.stderr.write(`auditgraph: ${line}\n`);
  const running = runtime();
  log(`auditgraph ${running.auditgraph} on Node ${running.node}`);
  if (running.warning) log(`warning: ${running.warning}`);
  const deps: SourceDeps = { limiters: new Limiters(), now: () => new Date() };
  let config: AppConfig;
  try {
    config = await resolveConfig(process.argv.slice(2), process.env, deps, log);
  } catch (err) {
    if (err instanceof ConfigError) {
      log(`cannot start: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  if (!config.query.cursorSecretConfigured) {
    log('no cursor secret configured (query.cursorSecretEnv or AUDITGRAPH_CURSOR_SECRET): cursors are valid for this process only');
  }
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(config);
  } catch (err) {
    if (err instanceof ConfigError) {
      log(`cannot start: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  for (const notice of server.notices) log(notice);
  log(`${config.sources.length} sources from ${config.origin}: ${config.sources.map((s) => `${s.id} (${s.type}/${s.mode})`).join(', ')}`);
  log(`GraphQL at ${server.url}, health at ${server.url.replace(/\/graphql$/, '/healthz')}`);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) void main();
