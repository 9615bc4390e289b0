import { SourceError, type SourceStats } from '../../domain';
import type { ListPage } from './client';
import { field } from './wire';

/** One sorted ExecutionList to read to the end, a page at a time. */
export interface SortedList {
  fetch(offset: number, limit: number): Promise<ListPage<unknown>>;
  /** the value the list is sorted on, read from the row (undefined when unreadable) */
  sortValue(row: unknown): number | undefined;
  limit: number;
  maxLimit: number;
  /** the list in a few words, for the note left when a tie cannot be read whole */
  name: string;
  /** the source reading it, for the error when the upstream repeats a page */
  sourceId: string;
}

export interface FreshRow {
  row: unknown;
  /** `project/domain/name`, or the row's JSON when it has no readable id */
  key: string;
  /** the row's offset in the list when it was read */
  position: number;
}

/** A key naming one row across pages, even a row too broken to normalize. */
export function rowKey(row: unknown): string {
  const id = field(row, 'id');
  const [project, domain, name] = ['project', 'domain', 'name'].map((k) => field(id, k));
  if (typeof project === 'string' && typeof domain === 'string' && typeof name === 'string' && project && domain && name) return `${project}/${domain}/${name}`;
  return JSON.stringify(row);
}

/**
 * The rows of a list, page by page, each row once. flyteadmin pages by row offset (`token` is the offset,
 * returned only for a full page) and sorts without a tie-breaker, so rows tying on the sort value may come
 * back in another order on the next request. Hence:
 * - each next page starts again at the first row tying with the page's last row, so a tie cut by the page
 *   boundary is read again whole;
 * - a full page that is one tie is asked again with a doubled limit until one answer holds the whole tie;
 * - rows already handed out on the two latest pages are dropped when they come back (the overlap above, and
 *   rows inserted before the offset, which shift the rest of the list by one);
 * - a full page none of whose rows is new is the upstream repeating itself (the offset was ignored): paging stops
 *   there with an UPSTREAM_ERROR, after every row before it was handed out.
 * Every row read is counted in `stats.scanned`.
 */
export async function* freshRows(list: SortedList, stats: SourceStats): AsyncGenerator<FreshRow[]> {
  let offset = 0;
  let limit = list.limit;
  let older = new Set<string>();
  let previous = new Set<string>();
  let noted = false;
  for (;;) {
    const page = await list.fetch(offset, limit);
    const rows = page.items;
    if (page.token && limit < list.maxLimit && tiesThroughout(rows, list)) {
      limit = Math.min(list.maxLimit, limit * 2);
      continue;
    }
    const current = new Set<string>();
    const fresh: FreshRow[] = [];
    rows.forEach((row, i) => {
      stats.scanned += 1;
      const key = rowKey(row);
      if (current.has(key)) return;
      current.add(key);
      if (!previous.has(key) && !older.has(key)) fresh.push({ row, key, position: offset + i });
    });
    if (page.token && rows.length > 0 && fresh.length === 0) {
      throw new SourceError('UPSTREAM_ERROR', `Flyte Admin returned the page of ${list.name} at offset ${offset} as a repeat of rows already read (the same ${rows.length} row(s)): paging stopped there`, list.sourceId);
    }
    yield fresh;

    if (!page.token || rows.length === 0) return;
    const last = list.sortValue(rows[rows.length - 1]);
    let overlap = 0;
    for (let i = rows.length - 1; i >= 0 && last !== undefined && list.sortValue(rows[i]) === last; i--) overlap += 1;
    if (overlap >= rows.length) {
      // more than maxLimit rows share one value: re-reading would never advance; go on and say what it may cost
      overlap = 0;
      if (!noted) {
        stats.notes.push(`${rows.length}+ rows of ${list.name} share one sort value; offset paging may miss some of them`);
        noted = true;
      }
    }
    offset += rows.length - overlap;
    limit = list.limit;
    older = previous;
    previous = current;
  }
}

function tiesThroughout(rows: unknown[], list: SortedList): boolean {
  if (rows.length < 2) return false;
  const first = list.sortValue(rows[0]);
  return first !== undefined && rows.every((r) => list.sortValue(r) === first);
}
