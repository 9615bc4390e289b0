import * as fs from 'node:fs';
import * as path from 'node:path';
import { newSourceStats, type LogLine, type PodRef, type TaskLogSource, type TaskLogStats } from '../../domain';
import { mergeOrdered } from '../../lib/merge';
import { readLines } from '../shared/files';
import { CriJoiner, parseCriLine, type CriRecord } from './cri';

export interface CriFilesConfig {
  id: string;
  /** the kubelet's pod log root: `/var/log/pods/<namespace>_<pod>_<uid>/<container>/<restart>.log` */
  path: string;
}

const MAX_SAMPLES = 5;
/** `0.log`, and the kubelet's rotations of it: `0.log.20260314-091011` (maybe `.gz`) */
const LOG_FILE = /^(\d+)\.log(?:\.(\d{8}-\d{6}(?:\.\d+)?))?(\.gz)?$/;

/** Orders lines by time to the nanosecond (RFC 3339 strings with fewer digits compare wrongly as text). */
function nanos(timeNs: string): string {
  const m = /\.(\d{1,9})/.exec(timeNs);
  return (m ? m[1] : '').padEnd(9, '0');
}

export function compareLines(a: LogLine, b: LogLine): number {
  return a.time.getTime() - b.time.getTime() || (nanos(a.timeNs) < nanos(b.timeNs) ? -1 : nanos(a.timeNs) > nanos(b.timeNs) ? 1 : 0) || a.pod.localeCompare(b.pod) || a.container.localeCompare(b.container);
}

interface ContainerLog {
  namespace: string;
  pod: string;
  container: string;
  restart: number;
  /** oldest first: the rotated files by their stamp, then the one being written */
  files: string[];
}

/**
 * Task logs from the kubelet's CRI log files on disk (`taskLogs: [{ type: files, path: /var/log/pods }]`): node-local
 * collection, or the demo. Every container of every asked pod, every restart, rotated files included (gzipped ones
 * too), merged in time order; partial records joined into whole lines.
 */
export class CriFilesSource implements TaskLogSource {
  readonly type = 'files';
  readonly id: string;

  constructor(private readonly config: CriFilesConfig) {
    this.id = config.id;
  }

  /** The container logs of one pod: every `<namespace>_<pod>_<uid>` folder (a pod name reused gets a new uid). */
  private containers(pod: PodRef): ContainerLog[] {
    const prefix = `${pod.namespace}_${pod.name}_`;
    const out: ContainerLog[] = [];
    for (const dir of fs.readdirSync(this.config.path).filter((d) => d.startsWith(prefix)).sort()) {
      const podDir = path.join(this.config.path, dir);
      if (!fs.statSync(podDir).isDirectory()) continue;
      for (const container of fs.readdirSync(podDir).sort()) {
        const cdir = path.join(podDir, container);
        if (!fs.statSync(cdir).isDirectory()) continue;
        const byRestart = new Map<number, { file: string; stamp: string }[]>();
        for (const name of fs.readdirSync(cdir)) {
          const m = LOG_FILE.exec(name);
          if (!m) continue;
          const restart = Number(m[1]);
          // the file being written sorts last: its stamp is after every rotation's
          const list = byRestart.get(restart) ?? [];
          list.push({ file: path.join(cdir, name), stamp: m[2] ?? '~' });
          byRestart.set(restart, list);
        }
        for (const [restart, files] of [...byRestart].sort((a, b) => a[0] - b[0])) {
          out.push({ namespace: pod.namespace, pod: pod.name, container, restart, files: files.sort((a, b) => (a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : 0)).map((f) => f.file) });
        }
      }
    }
    return out;
  }

  private async *container(c: ContainerLog, stats: TaskLogStats, signal: AbortSignal): AsyncGenerator<LogLine> {
    const line = (r: CriRecord): LogLine => ({ time: new Date(r.timeMs), timeNs: r.timeNs, stream: r.stream, text: r.text, namespace: c.namespace, pod: c.pod, container: c.container, restart: c.restart, source: this.id });
    const joiner = new CriJoiner();
    for (const file of c.files) {
      const rel = path.relative(this.config.path, file);
      stats.files += 1;
      // the shared reader gunzips by content and records damage in an archive's stats: what it says is kept here
      const read = newSourceStats();
      for await (const { line: text, lineNo } of readLines(file, rel, read, signal)) {
        if (text === '') continue;
        const r = parseCriLine(text);
        if (typeof r === 'string') {
          stats.malformed += 1;
          if (stats.malformedSamples.length < MAX_SAMPLES) stats.malformedSamples.push(`${rel}:${lineNo}: ${r}`);
          continue;
        }
        const whole = joiner.push(r);
        if (whole) yield line(whole);
      }
      if (read.partitionsDamaged > 0) {
        stats.filesDamaged += 1;
        stats.notes.push(`${this.id}: ${read.damagedSamples.join('; ')}: read up to the damage, the lines after it are not in this answer`);
      }
    }
    for (const r of joiner.rest()) yield line(r);
  }

  async *lines(pods: PodRef[], stats: TaskLogStats, signal: AbortSignal): AsyncGenerator<LogLine> {
    let containers: ContainerLog[] = [];
    for (const pod of pods) {
      let found: ContainerLog[];
      try {
        found = this.containers(pod);
      } catch (err) {
        stats.notes.push(`${this.id}: cannot read ${this.config.path}: ${(err as Error).message}`);
        continue;
      }
      if (found.length === 0) stats.notes.push(`${this.id}: no log files for pod ${pod.namespace}/${pod.name} under ${this.config.path} (the node that ran it is not collected here, or its logs were removed)`);
      containers = containers.concat(found);
    }
    yield* mergeOrdered(
      containers.map((c) => this.container(c, stats, signal)),
      compareLines,
    );
  }
}

