import type { TimeWindow } from '../../domain';
import { overlaps } from '../../domain';
import type { ArchiveLayout } from '../shared/walk';
import { AUDIT_LOGS, type AuditLogKind } from './config';

/**
 * A Cloud Storage sink's layout: `cloudaudit.googleapis.com/<log>/YYYY/MM/DD/HH:00:00_HH:59:59_S<n>.json`.
 * A file holds the entries whose timestamp (UTC) falls in its hour; an hour may have several shards (`S0`,
 * `S1`, ..., and `A<n>` for entries that arrived late), and a sink may write an entry twice.
 */
export const SINK_ROOT = 'cloudaudit.googleapis.com';

const HOUR_FILE = /^(\d{2}):00:00_(\d{2}):59:59_[SA]\d+\.json(\.gz)?$/;
const HOUR_MS = 3_600_000;

export interface HourFile {
  /** the path relative to the configured folder */
  path: string;
  log: string;
  /** start of the hour the file covers (ms since epoch) */
  hour: number;
}

function num(s: string | undefined, digits: number): number | undefined {
  return s !== undefined && s.length === digits && /^\d+$/.test(s) ? Number(s) : undefined;
}

/** A sink file from its relative path, or undefined when the path is not one. */
export function parseSinkPath(rel: string): HourFile | undefined {
  const [root, log, y, m, d, name, ...rest] = rel.split('/');
  if (root !== SINK_ROOT || !log || name === undefined || rest.length > 0) return undefined;
  const year = num(y, 4);
  const month = num(m, 2);
  const day = num(d, 2);
  const match = HOUR_FILE.exec(name);
  if (year === undefined || month === undefined || day === undefined || !match || match[1] !== match[2]) return undefined;
  const hour = Date.UTC(year, month - 1, day, Number(match[1]));
  if (Number.isNaN(hour)) return undefined;
  return { path: rel, log, hour };
}

export function hourOverlaps(file: HourFile, window: TimeWindow): boolean {
  return overlaps(window, new Date(file.hour), new Date(file.hour + HOUR_MS));
}

export const NOT_A_SINK_FILE = 'not a sink file name: HH:00:00_HH:59:59_S<n>.json in a YYYY/MM/DD folder';

/**
 * The sink's layout for a window (`window` undefined: every date). Folders: the sink root, the configured logs,
 * and the year, month and day folders the window touches (other dates and logs not configured are pruned);
 * anything else is not part of a sink and is reported. Files: the hour files of the window.
 */
export function sinkLayout(logs: readonly AuditLogKind[], window?: TimeWindow): ArchiveLayout {
  return {
    folder(relDir) {
      const [root, log, y, m, d, ...rest] = relDir.split('/');
      if (root !== SINK_ROOT) return { ignore: `not ${SINK_ROOT}: no Cloud Audit Logs are read here` };
      if (log === undefined) return 'descend';
      if (!(AUDIT_LOGS as readonly string[]).includes(log)) return { ignore: `not an audit log (${AUDIT_LOGS.join(', ')})` };
      if (!(logs as readonly string[]).includes(log)) return 'prune';
      if (rest.length > 0) return { ignore: 'a folder below the YYYY/MM/DD day folders' };
      if (y === undefined) return 'descend';
      const year = num(y, 4);
      const month = m === undefined ? undefined : num(m, 2);
      const day = d === undefined ? undefined : num(d, 2);
      if (year === undefined || (m !== undefined && month === undefined) || (d !== undefined && day === undefined)) return { ignore: 'not a YYYY/MM/DD date folder' };
      if (!window) return 'descend';
      const from = Date.UTC(year, (month ?? 1) - 1, day ?? 1);
      const to = day !== undefined ? Date.UTC(year, month! - 1, day + 1) : month !== undefined ? Date.UTC(year, month, 1) : Date.UTC(year + 1, 0, 1);
      return overlaps(window, new Date(from), new Date(to)) ? 'descend' : 'prune';
    },
    file(rel) {
      const file = parseSinkPath(rel);
      if (!file) return { ignore: NOT_A_SINK_FILE };
      return !window || hourOverlaps(file, window) ? 'read' : 'prune';
    },
  };
}
