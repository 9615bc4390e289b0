import * as fs from 'node:fs';
import * as path from 'node:path';
import { SourceError, newSourceStats, recordIgnored, recordUnreadable, type SourceStats } from '../../domain';

/** Not part of the archive's layout: counted and named in the status with this reason. */
export interface Ignore {
  ignore: string;
}

/**
 * How an archive is laid out, asked of every entry below its root (paths relative to it, `/`-separated):
 * - a folder is listed (`descend`), left out because the query cannot need it (`prune`: its time is outside the
 *   window, or config leaves it out), or is not part of the layout (`{ ignore }`);
 * - a file is a partition the query reads (`read`), one it does not need (`prune`), or not part of the layout.
 */
export interface ArchiveLayout {
  folder(rel: string): 'descend' | 'prune' | Ignore;
  file(rel: string): 'read' | 'prune' | Ignore;
}

export interface ArchiveListing {
  /** the partitions to read, sorted by path */
  files: string[];
  /** partitions left out by `prune` */
  prunedFiles: number;
  /** folders left out by `prune` */
  prunedFolders: number;
  /** files the layout recognizes, read or pruned: zero means the part of the root listed holds no partition */
  recognized: number;
}

export interface WalkOptions {
  /** stop at the first partition to read (health, and telling an empty archive from a quiet window) */
  firstOnly?: boolean;
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'the link points to nothing (its target is gone)';
  if (e.code === 'ELOOP') return 'the link loops on itself';
  if (e.code === 'EACCES' || e.code === 'EPERM') return `permission denied (${e.code})`;
  return e.code ? `${e.code}: ${e.message}` : e.message;
}

const byName = (a: fs.Dirent, b: fs.Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Lists an archive below `root` the way its layout says, following symbolic links to files and folders. A folder
 * reached twice (a link back to an ancestor, or two paths to one folder) is listed once, and a file reached through
 * several paths is read once (by its own path when it has one), so that a link never loops nor doubles an answer.
 *
 * Nothing is skipped without a word: entries the layout does not recognize are counted in `stats` as ignored, folders
 * that cannot be listed and links whose target is gone as unreadable (the rest is still listed), links not followed
 * in the notes. Only the root itself failing to list is an error (NOT_FOUND, FORBIDDEN, UPSTREAM_ERROR).
 */
export async function walkArchive(root: string, layout: ArchiveLayout, stats: SourceStats, opts: WalkOptions = {}): Promise<ArchiveListing> {
  const listing: ArchiveListing = { files: [], prunedFiles: 0, prunedFolders: 0, recognized: 0 };
  const abs = (rel: string) => (rel ? path.join(root, rel) : root);
  const visited = new Map<string, string>();
  /** real path of each partition taken, and whether it was reached through a link */
  const taken = new Map<string, { rel: string; viaLink: boolean }>();
  const relinked: string[] = [];
  let stop = false;

  let rootReal: string;
  try {
    rootReal = await fs.promises.realpath(root);
    await walkFolder('', rootReal);
  } catch (err) {
    if (err instanceof SourceError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const message = `archive folder ${root}: ${reason(err)}`;
    if (code === 'ENOENT') throw new SourceError('NOT_FOUND', `archive folder ${root} does not exist`, undefined, { cause: err });
    if (code === 'EACCES' || code === 'EPERM') throw new SourceError('FORBIDDEN', message, undefined, { cause: err });
    throw new SourceError('UPSTREAM_ERROR', message, undefined, { cause: err });
  }
  if (relinked.length > 0) {
    stats.notes.push(`${relinked.length} link(s) not followed, they lead to a folder already listed: ${relinked.slice(0, 3).join('; ')}${relinked.length > 3 ? '; …' : ''}`);
  }
  listing.files = [...taken.values()].map((t) => t.rel).sort();
  return listing;

  async function walkFolder(rel: string, real: string): Promise<void> {
    visited.set(real, rel);
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(abs(rel), { withFileTypes: true });
    } catch (err) {
      if (rel === '') throw err;
      recordUnreadable(stats, `${rel}/`, `cannot list the folder: ${reason(err)}`);
      return;
    }
    entries.sort(byName);
    for (const entry of entries) {
      if (stop) return;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let childReal = path.join(real, entry.name);
      const viaLink = entry.isSymbolicLink();
      if (viaLink) {
        try {
          const target = await fs.promises.stat(abs(child));
          isDir = target.isDirectory();
          isFile = target.isFile();
          childReal = await fs.promises.realpath(abs(child));
        } catch (err) {
          brokenLink(child, err);
          continue;
        }
      }
      if (isDir) await folder(child, childReal);
      else if (isFile) file(child, childReal, viaLink);
      else recordIgnored(stats, child, 'not a regular file or folder');
    }
  }

  async function folder(rel: string, real: string): Promise<void> {
    const verdict = layout.folder(rel);
    if (verdict === 'prune') {
      listing.prunedFolders += 1;
      return;
    }
    if (verdict !== 'descend') {
      recordIgnored(stats, `${rel}/`, verdict.ignore);
      return;
    }
    const seen = visited.get(real);
    if (seen !== undefined) {
      relinked.push(`${rel} -> ${seen || '(the root)'}`);
      return;
    }
    await walkFolder(rel, real);
  }

  function file(rel: string, real: string, viaLink: boolean): void {
    const verdict = layout.file(rel);
    if (verdict === 'prune') {
      listing.prunedFiles += 1;
      listing.recognized += 1;
      return;
    }
    if (verdict !== 'read') {
      recordIgnored(stats, rel, verdict.ignore);
      return;
    }
    listing.recognized += 1;
    const had = taken.get(real);
    if (had) {
      // one file, two paths: read it once, by its own path rather than a link's
      if (had.viaLink && !viaLink) taken.set(real, { rel, viaLink });
      relinked.push(`${viaLink ? rel : had.rel} -> ${viaLink ? had.rel : rel}`);
      return;
    }
    taken.set(real, { rel, viaLink });
    if (opts.firstOnly) stop = true;
  }

  /** A link that cannot be followed: unreadable where the layout would read it, otherwise as the layout says. */
  function brokenLink(rel: string, err: unknown): void {
    const asFolder = layout.folder(rel);
    const asFile = layout.file(rel);
    if (asFolder === 'descend' || asFile === 'read') {
      recordUnreadable(stats, rel, reason(err));
    } else if (asFolder === 'prune' || asFile === 'prune') {
      listing.prunedFiles += asFile === 'prune' ? 1 : 0;
    } else {
      recordIgnored(stats, rel, asFile.ignore);
    }
  }
}

/** Adds what a walk recorded in `from` (ignored, unreadable, notes) to `into`. */
export function absorbListing(into: SourceStats, from: SourceStats): void {
  into.partitionsIgnored += from.partitionsIgnored;
  into.ignoredSamples.push(...from.ignoredSamples.slice(0, Math.max(0, 5 - into.ignoredSamples.length)));
  into.partitionsUnreadable += from.partitionsUnreadable;
  into.unreadableSamples.push(...from.unreadableSamples.slice(0, Math.max(0, 5 - into.unreadableSamples.length)));
  into.notes.push(...from.notes);
}

/**
 * The partitions a query reads. When the part of the root it lists holds no partition at all, the whole root is
 * looked through for one (`everything`: the layout without pruning, stopping at the first): if there is none, the
 * archive is empty, not the window quiet, and `stats.empty` says so with `emptyMessage` (what health says too).
 */
export async function listPartitions(root: string, layout: ArchiveLayout, everything: ArchiveLayout, stats: SourceStats, emptyMessage: string): Promise<ArchiveListing> {
  const scratch = newSourceStats();
  const listing = await walkArchive(root, layout, scratch);
  if (listing.recognized > 0) {
    absorbListing(stats, scratch);
    return listing;
  }
  if (listing.prunedFolders > 0) {
    const probe = newSourceStats();
    const found = await walkArchive(root, everything, probe, { firstOnly: true });
    if (found.files.length > 0) {
      absorbListing(stats, scratch);
      return listing;
    }
    // the probe walked the whole root: its findings are the whole picture
    absorbListing(stats, probe);
  } else {
    absorbListing(stats, scratch);
  }
  stats.empty = emptyMessage;
  return listing;
}

/** The first partition anywhere under the root, for health: undefined when the archive holds none. */
export async function firstPartition(root: string, everything: ArchiveLayout): Promise<string | undefined> {
  const found = await walkArchive(root, everything, newSourceStats(), { firstOnly: true });
  return found.files[0];
}
