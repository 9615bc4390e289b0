import { LogStream } from '../../domain';

/** One line of a CRI container log file as the kubelet's runtime writes it: `<time> <stream> <P|F> <text>`. */
export interface CriRecord {
  timeNs: string;
  timeMs: number;
  stream: LogStream;
  /** `P`: the line goes on in the next record (the runtime split a long line); `F`: it ends here */
  partial: boolean;
  text: string;
}

const CRI = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})) (stdout|stderr) ([PF])(?: (.*))?$/;

/**
 * Parses one record (containerd and CRI-O write this format; see the kubelet's CRI logging design). Returns the
 * reason when the line is not such a record.
 */
export function parseCriLine(line: string): CriRecord | string {
  const m = CRI.exec(line);
  if (!m) return 'not a CRI log record (<RFC 3339 time> <stdout|stderr> <P|F> <text>)';
  const timeMs = Date.parse(m[1]);
  if (Number.isNaN(timeMs)) return `time ${JSON.stringify(m[1])} is not a time`;
  return { timeNs: m[1], timeMs, stream: m[2] === 'stdout' ? LogStream.STDOUT : LogStream.STDERR, partial: m[3] === 'P', text: m[4] ?? '' };
}

/**
 * Joins partial records into whole lines, per stream (a partial stdout record continues with the next stdout
 * record, whatever stderr wrote between them), each with the time of its first piece.
 */
export class CriJoiner {
  private readonly open = new Map<LogStream, CriRecord>();

  /** The whole line this record completes, if it does. */
  push(r: CriRecord): CriRecord | undefined {
    const head = this.open.get(r.stream);
    const joined = head ? { ...head, text: head.text + r.text, partial: r.partial } : r;
    if (r.partial) {
      this.open.set(r.stream, joined);
      return undefined;
    }
    this.open.delete(r.stream);
    return joined;
  }

  /** Lines still open at the end of the file (a container that died mid-line): returned as they are. */
  rest(): CriRecord[] {
    const out = [...this.open.values()].sort((a, b) => a.timeMs - b.timeMs);
    this.open.clear();
    return out;
  }
}
