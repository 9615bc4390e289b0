import { Writable } from 'node:stream';
import { sinkFromUrl, SinkUrlError } from '../../export/sinks';
import { readCheckpoint, Shipper, writeCheckpoint, type Checkpoint } from '../../export/sinks/ship';
import type { SinkRecord } from '../../export/sinks/sink';
import type { Client } from '../client';
import { CliError, EXIT } from '../errors';
import type { Io } from '../main';
import { paramsOf, sinceToDuration, windowOf } from '../options';
import type { ExportFlags } from './export';

/** Export order is oldest first; a key compares (time, source, id) the way the merge does for ties. */
function afterKey(r: SinkRecord, last: NonNullable<Checkpoint['last']>): boolean {
  const t = Date.parse(r.time) - Date.parse(last.time);
  if (t !== 0) return t > 0;
  if (r.source !== last.source) return r.source > last.source;
  return r.id > last.id;
}

/**
 * `auditgraph export --sink URL [--follow] [--checkpoint FILE]`: ships the export (or, with --follow, the tail)
 * to a SIEM in batches, at least once. The checkpoint holds the window fixed on the first run and the last event
 * the sink acknowledged (or the tail's token); run the same command again and it resumes after it.
 */
export default async function ship(client: Client, opts: ExportFlags & { batchSize?: string }, io: Io): Promise<number> {
  let sink;
  try {
    sink = sinkFromUrl(opts.sink!, io.env.AUDITGRAPH_SINK_TOKEN || undefined);
  } catch (err) {
    if (err instanceof SinkUrlError) throw new CliError(err.message, EXIT.USAGE);
    throw err;
  }
  const base = paramsOf(opts, '1h', false);
  const query = base.toString();
  const existing = opts.checkpoint ? readCheckpoint(opts.checkpoint) : undefined;
  const mode = opts.follow ? 'follow' : 'export';
  if (existing && (existing.sink !== sink.name || existing.query !== query || existing.mode !== mode)) {
    throw new CliError(`--checkpoint ${opts.checkpoint}: it belongs to another shipment (${existing.mode} of ${existing.query || 'everything'} to ${existing.sink}); use another file`, EXIT.USAGE);
  }
  const w = existing?.window ?? (() => {
    if (opts.follow) return undefined;
    const win = windowOf(opts);
    const to = win.to ? new Date(win.to) : new Date();
    const from = win.from ? new Date(win.from) : new Date(to.getTime() - (require('../../query/window') as typeof import('../../query/window')).parseDuration(win.last!));
    return { from: from.toISOString(), to: to.toISOString() };
  })();
  const cp: Checkpoint = existing ?? { version: 1, sink: sink.name, query, mode, window: w, shipped: 0, rejected: 0, updatedAt: new Date().toISOString() };
  if (existing) io.stderr.write(`auditgraph: resuming from ${opts.checkpoint}: ${existing.shipped} shipped so far${existing.last ? `, after ${existing.last.time} ${existing.last.source}/${existing.last.id}` : ''}\n`);
  else if (!opts.checkpoint) io.stderr.write('auditgraph: no --checkpoint: a restart will ship from the start again\n');

  const stop = new AbortController();
  const onSignal = () => stop.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  type Pos = { last?: Checkpoint['last']; token?: string };
  const shipper = new Shipper<Pos>(
    sink,
    (pos, shipped, rejected) => {
      if (pos.last) cp.last = pos.last;
      if (pos.token) cp.token = pos.token;
      cp.shipped = (existing?.shipped ?? 0) + shipped;
      cp.rejected = (existing?.rejected ?? 0) + rejected;
      cp.updatedAt = new Date().toISOString();
      if (opts.checkpoint) writeCheckpoint(opts.checkpoint, cp);
    },
    stop.signal,
    { batchSize: opts.batchSize ? Number(opts.batchSize) : undefined, onRetry: (err, attempt, wait) => io.stderr.write(`auditgraph: ${err.message}; retry ${attempt} in ${wait} ms\n`) },
  );

  try {
    if (opts.follow) {
      const params = new URLSearchParams(base);
      if (opts.since && !cp.token) params.set('since', sinceToDuration(opts.since));
      if (cp.token) params.set('after', cp.token);
      await client.tail(
        params,
        async (event, data, id) => {
          if (event !== 'audit') return;
          const record = JSON.parse(data) as SinkRecord;
          delete record.type;
          await shipper.add(record, { token: id });
        },
        stop.signal,
      );
    } else {
      const params = new URLSearchParams(base);
      params.set('format', 'ndjson');
      params.set('order', 'OLDEST_FIRST');
      const last = cp.last;
      params.set('from', last ? last.time : w!.from);
      params.set('to', w!.to);
      let tail = '';
      const out = new Writable({
        write(chunk: Buffer | string, _enc, done) {
          const lines = (tail + chunk.toString()).split('\n');
          tail = lines.pop() ?? '';
          (async () => {
            for (const line of lines) {
              if (!line.startsWith('{"type":"event"')) continue;
              const record = JSON.parse(line) as SinkRecord;
              delete record.type;
              if (last && !afterKey(record, last)) continue;
              await shipper.add(record, { last: { time: record.time, source: record.source, id: record.id } });
            }
          })().then(() => done(), done);
        },
      });
      const result = await client.export(params, out);
      await shipper.flush();
      if (!result.complete) {
        for (const s of result.failedSources) io.stderr.write(`auditgraph: ${s}: failed; its events were not shipped\n`);
      }
      io.stderr.write(`auditgraph: shipped ${cp.shipped} event(s) to ${sink.name}${cp.rejected ? `, ${cp.rejected} refused by the sink` : ''}\n`);
      for (const r of shipper.rejected.slice(0, 10)) io.stderr.write(`auditgraph: refused ${r.source}/${r.id}: ${r.reason}\n`);
      return result.failedSources.length || cp.rejected ? EXIT.PARTIAL : EXIT.OK;
    }
    await shipper.flush();
    io.stderr.write(`auditgraph: shipped ${cp.shipped} event(s) to ${sink.name}\n`);
    return cp.rejected ? EXIT.PARTIAL : EXIT.OK;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
