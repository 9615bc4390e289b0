import * as fs from 'node:fs';
import type { Writable } from 'node:stream';
import type { Client, ExportProgressInfo } from '../client';
import { CliError, EXIT } from '../errors';
import type { Io } from '../main';
import { paramsOf, type QueryFlags } from '../options';
import { progressBar } from '../progress';

export interface ExportFlags extends QueryFlags {
  format: string;
  columns?: string;
  limit?: string;
  out?: string;
  progress?: boolean;
  sink?: string;
  follow?: boolean;
  checkpoint?: string;
}

/** `auditgraph export`: the stream to stdout or --out, a progress bar on stderr, exit 3 when incomplete. */
export default async function exportVerb(client: Client, _args: unknown[], opts: ExportFlags, io: Io): Promise<number> {
  if (opts.sink) return (require('./ship') as typeof import('./ship')).default(client, opts, io);
  if (opts.follow || opts.checkpoint) throw new CliError('--follow and --checkpoint go with --sink', EXIT.USAGE);
  const params = paramsOf(opts);
  params.set('format', opts.format);
  if (opts.columns) params.set('columns', opts.columns);
  if (opts.limit) {
    if (!/^\d+$/.test(opts.limit) || Number(opts.limit) < 1) throw new CliError(`--limit: expected a positive whole number, got ${JSON.stringify(opts.limit)}`, EXIT.USAGE);
    params.set('limit', opts.limit);
  }
  const out: Writable = opts.out ? fs.createWriteStream(opts.out) : (io.stdout as unknown as Writable);
  const showBar = opts.progress ?? Boolean(io.stderr.isTTY && opts.out);
  const bar = showBar ? progressBar(io.stderr) : undefined;
  let result;
  try {
    result = await client.export(params, out, bar ? (p: ExportProgressInfo) => bar.update(p) : undefined);
  } finally {
    bar?.stop();
    if (opts.out) await new Promise<void>((resolve, reject) => (out as fs.WriteStream).end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
  io.stderr.write(`${result.events} event(s)${opts.out ? ` written to ${opts.out}` : ''}${result.complete ? ', complete' : result.limitReached ? ', stopped at --limit' : ''}\n`);
  for (const s of result.failedSources) io.stderr.write(`auditgraph: ${s}: failed, its events are missing; the end status says why\n`);
  if (result.failedSources.length) return EXIT.PARTIAL;
  return result.complete || result.limitReached ? EXIT.OK : EXIT.PARTIAL;
}
