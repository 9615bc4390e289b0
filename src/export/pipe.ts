import type { AuditEvent } from '../domain';
import type { EventStream, StreamSummary } from '../query/stream';
import type { ExportProgress, ExportWriter } from './format';

/** Where an export goes: an HTTP response, a file, stdout. `write` returning false means wait for 'drain'. */
export interface ExportOutput {
  write(chunk: string): boolean;
  once(event: 'drain' | 'close' | 'error', listener: (...args: unknown[]) => void): unknown;
  removeListener(event: 'drain' | 'close' | 'error', listener: (...args: unknown[]) => void): unknown;
}

export interface PipeOptions {
  /** progress lines every so many ms (0 or undefined: none) */
  progressEveryMs?: number;
  /** called with the same figures whether or not progress lines are written (the CLI's progress bar) */
  onProgress?: (p: ExportProgress) => void;
  /** applied to each event before it is written (the caller's redaction) */
  transform?: (e: AuditEvent) => AuditEvent;
  /** the sources whose raw records the transform withheld, for the end status */
  withheldFrom?: () => string[];
  /** bytes gathered before one write (default 64 KiB) */
  chunkBytes?: number;
}

/**
 * Writes a stream through a format to an output, waiting for 'drain' whenever the output says it is full: the
 * next event is asked of the stream only then, so the reader's pace reaches the sources. Returns how the stream
 * ended; the end status has been written by then.
 */
export async function pipeExport(stream: EventStream, writer: ExportWriter, out: ExportOutput, opts: PipeOptions = {}): Promise<StreamSummary> {
  const started = performance.now();
  const chunkBytes = opts.chunkBytes ?? 65_536;
  let pending = writer.begin();
  let bytes = 0;
  let events = 0;
  let lastProgress = started;
  let lastFlush = started;
  const progress = (): ExportProgress => ({ events, bytes: bytes + Buffer.byteLength(pending), sourcesDone: stream.sourcesDone(), sources: stream.sourceCount, elapsedMs: Math.round(performance.now() - started) });
  const flush = async () => {
    if (!pending) return;
    const chunk = pending;
    pending = '';
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await drained(out);
  };
  let batch: AuditEvent[] = [];
  const take = () => {
    if (batch.length) pending += writer.events(batch);
    batch = [];
  };
  for await (const { event } of stream) {
    batch.push(opts.transform ? opts.transform(event) : event);
    events += 1;
    if (batch.length >= 256) take();
    if (pending.length >= chunkBytes) {
      lastFlush = performance.now();
      await flush();
    }
    if ((events & 63) === 0) {
      const now = performance.now();
      // a sparse answer still reaches the reader as it comes, not when 64 KiB have gathered
      if (now - lastFlush >= 200) {
        lastFlush = now;
        take();
        await flush();
      }
      if (!opts.progressEveryMs && !opts.onProgress) continue;
      if (now - lastProgress >= (opts.progressEveryMs || 250)) {
        lastProgress = now;
        const p = progress();
        opts.onProgress?.(p);
        if (opts.progressEveryMs) {
          take();
          pending += writer.progress(p);
        }
      }
    }
  }
  take();
  const summary = { ...stream.summary(), rawWithheld: opts.withheldFrom?.() };
  opts.onProgress?.(progress());
  pending += writer.end(summary);
  await flush();
  return summary;
}

/** Resolves on 'drain'; rejects when the output closes or fails first (the reader went away). */
function drained(out: ExportOutput): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onClose = () => {
      cleanup();
      reject(new Error('the output closed before the export ended'));
    };
    const cleanup = () => {
      out.removeListener('drain', onDrain);
      out.removeListener('close', onClose);
      out.removeListener('error', onClose);
    };
    out.once('drain', onDrain);
    out.once('close', onClose);
    out.once('error', onClose);
  });
}
