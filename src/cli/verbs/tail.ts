import type { Client } from '../client';
import { CliError, EXIT } from '../errors';
import type { Io } from '../main';
import { paramsOf, sinceToDuration, type QueryFlags } from '../options';

interface TailFlags extends QueryFlags {
  output: string;
  after?: string;
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/**
 * `auditgraph tail`: new events as they settle, until Ctrl-C. Over --server it reconnects with the last resume
 * token when the stream breaks (nothing lost, nothing repeated); on exit it prints that token on stderr for
 * `--after`.
 */
export default async function tail(client: Client, _args: unknown[], opts: TailFlags, io: Io): Promise<number> {
  const params = paramsOf(opts, '1h', false);
  if (opts.since) params.set('since', sinceToDuration(opts.since));
  let token = opts.after;
  const stop = new AbortController();
  const onSignal = () => stop.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const lastState = new Map<string, string>();
  try {
    for (let attempt = 0; !stop.signal.aborted; attempt++) {
      const p = new URLSearchParams(params);
      if (token) p.set('after', token);
      try {
        await client.tail(
          p,
          (event, data, id) => {
            if (id) token = id;
            const msg = JSON.parse(data) as Record<string, unknown>;
            if (event === 'status') {
              for (const s of msg.sources as { source: string; state: string; lagMs: number; message?: string }[]) {
                const line = `${s.source}: ${s.state}, lag ${Math.round(s.lagMs / 1000)} s${s.message ? `: ${s.message}` : ''}`;
                if (lastState.get(s.source) !== line) io.stderr.write(`auditgraph: ${line}\n`);
                lastState.set(s.source, line);
              }
              return;
            }
            attempt = 0;
            if (opts.output === 'ndjson') io.stdout.write(`${data}\n`);
            else {
              const actor = (msg.actor as { name: string }).name;
              io.stdout.write(`${pad(String(msg.time), 26)}${pad(String(msg.source), 16)}${pad(String(msg.action), 40)}${pad(actor, 28)}${pad(String(msg.outcome), 9)}${String(msg.sourceIp ?? '-')}\n`);
            }
          },
          stop.signal,
        );
      } catch (err) {
        if (stop.signal.aborted) break;
        if (err instanceof CliError && err.exitCode === EXIT.USAGE) throw err;
        if (attempt >= 5) throw err;
        io.stderr.write(`auditgraph: ${(err as Error).message}; reconnecting from the last event\n`);
      }
      if (!stop.signal.aborted) await new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * 2 ** attempt)));
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (token) io.stderr.write(`auditgraph: resume with --after ${token}\n`);
  }
  return EXIT.OK;
}
