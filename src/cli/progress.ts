import { SingleBar } from 'cli-progress';
import type { ExportProgressInfo } from './client';

/** A progress line on stderr for long exports: events, megabytes, rate, sources done (cli-progress). */
export function progressBar(stream: NodeJS.WritableStream): { update(p: ExportProgressInfo): void; stop(): void } {
  const started = performance.now();
  const bar = new SingleBar(
    {
      stream: stream as NodeJS.WritableStream & { isTTY?: boolean },
      format: ' {events} events | {mb} MB | {rate} events/s | sources done {done}',
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 2000,
      fps: 5,
    },
  );
  bar.start(0, 0, { events: 0, mb: '0.0', rate: 0, done: '-' });
  return {
    update(p) {
      const s = (performance.now() - started) / 1000;
      bar.update(0, { events: p.events, mb: (p.bytes / 1e6).toFixed(1), rate: s > 0 ? Math.round(p.events / s) : 0, done: p.sources ? `${p.sourcesDone}/${p.sources}` : '-' });
    },
    stop() {
      bar.stop();
    },
  };
}
