import * as path from 'node:path';
import { SourceError, type SourceStats } from '../../domain';
import { listPartitions, type ArchiveLayout } from '../shared/walk';

/**
 * The apiserver's log backend writes through lumberjack: the live file (`audit.log`) and, on rotation, a backup
 * renamed `<base>-<UTC time of rotation, 2006-01-02T15-04-05.000><ext>`, gzipped with `.gz` appended when
 * `--audit-log-compress` is set. A backup holds lines written before its rotation time and after the previous
 * backup's; the live file holds lines written after the newest backup's.
 */
const BACKUP = /^(.+)-(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})\.(\d{3})((?:\.[^.]+)?)(\.gz)?$/;

/** How far out of order the stage times of neighbouring lines may be (a handler stamps its line, then writes it). */
export const JITTER_MS = 5_000;

export interface AuditFile {
  /** path relative to the source's root, `/`-separated */
  rel: string;
  abs: string;
  /** gzip by name; the readers check the magic bytes anyway */
  gzip: boolean;
  /** rotation time from the name (epoch ms); undefined for the live file */
  rotatedAt?: number;
  /** bounds of the stage times the file can hold, from the names (edges widened by JITTER_MS) */
  lowMs: number;
  highMs: number;
}

/** One live file and its backups: a single stream of lines in stage-time order. */
export interface AuditFamily {
  /** `<dir>/<base><ext>`: the live file's relative path, whether or not it exists */
  key: string;
  /** oldest first, the live file last */
  files: AuditFile[];
}

interface Candidate {
  rel: string;
  family: string;
  rotatedAt?: number;
  gzip: boolean;
}

function parseName(rel: string): Candidate | undefined {
  const dir = path.posix.dirname(rel);
  const name = path.posix.basename(rel);
  const prefix = dir === '.' ? '' : `${dir}/`;
  const m = BACKUP.exec(name);
  if (m) {
    const rotatedAt = Date.UTC(+m[2], +m[3] - 1, +m[4], +m[5], +m[6], +m[7], +m[8]);
    // `audit-<time>.gz`: a live file without extension, compressed
    const ext = m[9] === '.gz' && m[10] === undefined ? '' : m[9];
    const gzip = m[10] === '.gz' || m[9] === '.gz';
    if (!Number.isNaN(rotatedAt)) return { rel, family: `${prefix}${m[1]}${ext}`, rotatedAt, gzip };
  }
  // live files: the apiserver's `--audit-log-path` conventionally ends in .log
  if (name.endsWith('.log')) return { rel, family: rel, gzip: false };
  return undefined;
}

/**
 * Groups the files of a folder into families and gives each file the stage-time range its name allows.
 * `onlyFamily` restricts to one live file's family (config `path` naming the live file itself).
 */
export function familiesOf(root: string, rels: readonly string[], onlyFamily?: string): AuditFamily[] {
  const byFamily = new Map<string, Candidate[]>();
  for (const rel of rels) {
    // a live file named in config is one whatever its name
    const c = parseName(rel) ?? (rel === onlyFamily ? { rel, family: rel, gzip: false } : undefined);
    if (!c || (onlyFamily !== undefined && c.family !== onlyFamily)) continue;
    let list = byFamily.get(c.family);
    if (!list) byFamily.set(c.family, (list = []));
    list.push(c);
  }
  const families: AuditFamily[] = [];
  for (const [key, list] of [...byFamily.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    // lumberjack gzips a backup to `<name>.gz` and then removes `<name>`: while both exist the .gz may be partial
    const backups = new Map<number, Candidate>();
    let live: Candidate | undefined;
    for (const c of list) {
      if (c.rotatedAt === undefined) {
        live = c;
        continue;
      }
      const seen = backups.get(c.rotatedAt);
      if (!seen || (seen.gzip && !c.gzip)) backups.set(c.rotatedAt, c);
    }
    const ordered = [...backups.values()].sort((a, b) => (a.rotatedAt ?? 0) - (b.rotatedAt ?? 0));
    const files: AuditFile[] = [];
    let previous: number | undefined;
    for (const c of ordered) {
      const rotatedAt = c.rotatedAt as number;
      files.push({
        rel: c.rel,
        abs: path.join(root, c.rel),
        gzip: c.gzip,
        rotatedAt,
        // the oldest backup's start is unknown: older ones were deleted by --audit-log-maxbackup
        lowMs: previous === undefined ? -Infinity : previous - JITTER_MS,
        // lines are stamped before they are written, and written before the rotation; the name has ms precision
        highMs: rotatedAt + 1,
      });
      previous = rotatedAt;
    }
    if (live) {
      files.push({
        rel: live.rel,
        abs: path.join(root, live.rel),
        gzip: false,
        lowMs: previous === undefined ? -Infinity : previous - JITTER_MS,
        // still being written; its mtime is not trusted (copies, other hosts' clocks)
        highMs: Infinity,
      });
    }
    if (files.length > 0) families.push({ key, files });
  }
  return families;
}

/** The files whose possible stage times meet [lowMs, highMs]. */
export function selectFiles(family: AuditFamily, lowMs: number, highMs: number): AuditFile[] {
  return family.files.filter((f) => f.lowMs <= highMs && f.highMs >= lowMs);
}

/** Where the source reads: a folder, or one live file (then only its own backups beside it). */
export interface AuditLocation {
  root: string;
  /** relative name of the live file when config `path` named a file */
  liveFile?: string;
}

export const NOT_AN_AUDIT_LOG = 'not an apiserver audit log name: audit.log (any *.log), or a backup <name>-<UTC time>.log[.gz]';

/** How the location is laid out: a folder (one subfolder per apiserver allowed), or one live file and its backups beside it. */
export function auditLayout(location: AuditLocation): ArchiveLayout {
  const only = location.liveFile === undefined ? undefined : (parseName(location.liveFile)?.family ?? location.liveFile);
  return {
    // a live file's folder holds other things than its backups: nothing else there is this source's
    folder: () => (only === undefined ? 'descend' : 'prune'),
    file(rel) {
      if (only !== undefined) return rel === only || parseName(rel)?.family === only ? 'read' : 'prune';
      return parseName(rel) ? 'read' : { ignore: NOT_AN_AUDIT_LOG };
    },
  };
}

/**
 * Lists the audit files of the location, grouped by family, following links. Files that are not audit logs,
 * folders that cannot be listed and links that lead nowhere are accounted for in `stats`; `stats.empty` is set
 * with `emptyMessage` when the location holds no audit file at all.
 */
export async function scanLocation(location: AuditLocation, sourceId: string, stats: SourceStats, emptyMessage: string): Promise<AuditFamily[]> {
  let rels: string[];
  try {
    const layout = auditLayout(location);
    rels = (await listPartitions(location.root, layout, layout, stats, emptyMessage)).files;
  } catch (err) {
    throw ioError(err instanceof SourceError ? (err.cause ?? err) : err, location.root, sourceId);
  }
  const only = location.liveFile === undefined ? undefined : (parseName(location.liveFile)?.family ?? location.liveFile);
  return familiesOf(location.root, rels, only);
}

/** A file-system error as the typed error a responder can act on. */
export function ioError(err: unknown, file: string, sourceId: string): SourceError {
  if (err instanceof SourceError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  const reason = err instanceof Error ? err.message : String(err);
  if (code === 'ENOENT') return new SourceError('NOT_FOUND', `k8s audit path ${file} does not exist (${reason})`, sourceId, { cause: err });
  if (code === 'EACCES' || code === 'EPERM') return new SourceError('FORBIDDEN', `k8s audit path ${file} is not readable: ${reason}`, sourceId, { cause: err });
  return new SourceError('UPSTREAM_ERROR', `reading k8s audit path ${file} failed: ${reason}`, sourceId, { cause: err });
}
