import type { ArchiveFileRead } from '../domain';
import { PageCache } from './page-cache';

/** what the decoded-file cache may hold by default (`query.fileCacheBytes`) */
export const DEFAULT_FILE_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * Archive files read once and kept decoded: their events and what reading them counted, by source, path and
 * signature (size and modification time, so a file that changed is read again). A cache, never the source of truth:
 * the least recently used files go when room is needed, and a file heavier than half of it is not kept. The same
 * LRU as the upstream page cache, every entry settled (a file's content is its signature's).
 */
export function fileCache(maxBytes: number = DEFAULT_FILE_CACHE_BYTES): PageCache {
  return new PageCache({ maxBytes, openTtlMs: 0, maxEntryBytes: maxBytes / 2, weigh: (v) => (v as ArchiveFileRead<unknown>).bytes });
}
