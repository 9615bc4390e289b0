import { loadConfigFile, configFromDocument } from '../config/load';
import { ConfigError } from '../config/errors';
import type { AppConfig } from '../config/config';
import type { SourceDeps } from '../domain';
import { Limiters } from '../query/limiter';
import { DEMO_DATE_ENV, defaultDemoDate } from '../demo/config';
import { demoConfigDocument, defaultDemoRoot } from '../demo/document';
import { ensureDemo } from '../demo/ensure';
import { startServer } from './app';
import { createLogger } from './logger';
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
  let date: string;
  try {
    date = defaultDemoDate(env, deps.now());
  } catch (err) {
    throw new ConfigError(DEMO_DATE_ENV, (err as Error).message.replace(`${DEMO_DATE_ENV}: `, ''));
  }
  log(`no --config or AUDITGRAPH_CONFIG: serving the bundled demo from ${root} (built on first run)`);
  const manifest = await ensureDemo(root, { date });
  return { ...configFromDocument(demoConfigDocument(root), `demo:${root}`, deps, env), demo: { date: manifest.date } };
}

/**
 * What the server says about the demo at start-up: its day, how to pin it, and two queries to try. The identity
 * query leans on its default window (the last 7 days) when that holds the demo day, as it does by default.
 */
export function demoGreeting(date: string, pinned: boolean, now: Date): string[] {
  const dayStart = Date.parse(`${date}T00:00:00Z`);
  const inDefaultWindow = dayStart >= now.getTime() - 7 * 86_400_000 && dayStart + 86_400_000 <= now.getTime();
  return [
    `demo day ${date} (UTC): ${pinned ? `pinned by ${DEMO_DATE_ENV}` : `yesterday; ${DEMO_DATE_ENV}=YYYY-MM-DD pins it`}; name it in a window as {day: "demo"}`,
    `try: { identity(ref: "alice@example.com"${inDefaultWindow ? '' : ', window: {day: "demo"}'}) { displayName aliases { kind value } } }`,
    `try: { events(window: {day: "demo", time: "08:45/10:00"}, filter: {sourceIp: ["198.51.100.23"]}) { edges { node { time source { id } action actor { name } } } } }`,
  ];
}

/** Starts the server on the config named in `argv` (`--config FILE`), AUDITGRAPH_CONFIG or the demo: `npm start`, `auditgraph serve`. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  const running = runtime();
  const deps: SourceDeps = { limiters: new Limiters(), now: () => new Date() };
  // until the config names the log level, start-up lines go to a logger at info
  let logger = createLogger({ level: 'info' });
  logger.info({ version: running.auditgraph, node: running.node }, `auditgraph ${running.auditgraph} on Node ${running.node}`);
  if (running.warning) logger.warn(running.warning);
  let config: AppConfig;
  try {
    config = await resolveConfig(argv, process.env, deps, (line) => logger.info(line));
  } catch (err) {
    if (err instanceof ConfigError) {
      // for the person at the terminal, and as a log line for the platform that started us
      process.stderr.write(`auditgraph: cannot start: ${err.message}\n`);
      logger.fatal({ configKey: err.key }, `cannot start: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  logger = createLogger(config.logging);
  if (!config.query.cursorSecretConfigured) {
    logger.warn('no cursor secret configured (query.cursorSecretEnv, query.cursorSecrets or AUDITGRAPH_CURSOR_SECRET): cursors are valid for this process only, and a replica or a restart refuses them');
  }
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(config, { logger });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`auditgraph: cannot start: ${err.message}\n`);
      logger.fatal({ configKey: err.key }, `cannot start: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  for (const notice of server.notices) {
    if (notice.startsWith('warning: ')) logger.warn(notice.slice('warning: '.length));
    else logger.info(notice);
  }
  logger.info({ sources: config.sources.map((s) => ({ id: s.id, type: s.type, mode: s.mode })), origin: config.origin }, `${config.sources.length} sources from ${config.origin}: ${config.sources.map((s) => `${s.id} (${s.type}/${s.mode})`).join(', ')}`);
  if (config.metrics.enabled) logger.info({ url: server.url.replace(/\/graphql$/, '/metrics') }, `Prometheus metrics at ${server.url.replace(/\/graphql$/, '/metrics')}`);
  if (config.tracing.enabled) {
    const to = config.tracing.endpoint ?? process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (process.env.OTEL_EXPORTER_OTLP_ENDPOINT ? `${process.env.OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces` : 'http://localhost:4318/v1/traces');
    logger.info({ endpoint: to, sampleRatio: config.tracing.sampleRatio }, `traces (OpenTelemetry, OTLP/HTTP) to ${to}`);
  }
  logger.info({ url: server.url }, `GraphQL at ${server.url}, health at ${server.url.replace(/\/graphql$/, '/healthz')}`);
  if (config.demo) {
    const greeting = demoGreeting(config.demo.date, Boolean(process.env[DEMO_DATE_ENV]?.trim()), deps.now());
    logger.info({ demoDay: config.demo.date }, greeting[0]);
    // the queries as plain lines for the person at the terminal, to copy as they are (the log escapes quotes)
    for (const line of greeting) process.stderr.write(`auditgraph: ${line}\n`);
  }
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, `${signal}: finishing the requests in flight, then stopping`);
    void server.close().then(() => {
      logger.info('stopped');
      logger.flush();
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) void main();
