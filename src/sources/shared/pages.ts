import { SourceError, type SourceStats } from '../../domain';

/**
 * Guards one paged read against an upstream that repeats itself: a next link or page token followed before (its
 * paging loops), or a page holding nothing the previous page did not hold (the same page again). Records the
 * previous page already gave are dropped, in order, with a note; a loop or a wholly repeated page ends the read with
 * an UPSTREAM_ERROR naming the page, after everything before it was handed out. The engine then reports the source
 * FAILED, keeps what it gave, and asks it again from there on the next page.
 */
export class RepeatGuard {
  private readonly followed = new Map<string, number>();
  private previous = new Set<string>();
  private page = 0;
  private dropped = 0;
  private note = -1;

  constructor(
    private readonly sourceId: string,
    /** the paged list in a few words, e.g. `the Okta System Log` */
    private readonly what: string,
    private readonly stats: SourceStats,
  ) {}

  /**
   * Before asking for the page a next link or token names: throws when it was followed before. The first page's own
   * address may be given as `first` so that a next link pointing back to it is caught too.
   */
  follow(token: string): void {
    const seen = this.followed.get(token);
    if (seen !== undefined) {
      throw new SourceError(
        'UPSTREAM_ERROR',
        `${this.what}'s paging loops: the next ${this.page > 0 ? 'link' : 'page'} after page ${this.page} (${shorten(token)}) is the one followed after page ${seen}; paging stopped there`,
        this.sourceId,
      );
    }
    this.followed.set(token, this.page);
  }

  /** The records of the next page that the previous page did not hold, in their order; throws when none is new. */
  fresh<T>(records: readonly T[], key: (record: T) => string): T[] {
    this.page += 1;
    const keys = records.map(key);
    const fresh = records.filter((_, i) => !this.previous.has(keys[i]));
    if (records.length > 0 && fresh.length === 0) {
      throw new SourceError(
        'UPSTREAM_ERROR',
        `${this.what} returned page ${this.page} as a repeat of page ${this.page - 1} (the same ${records.length} record(s)): dropped, paging stopped there`,
        this.sourceId,
      );
    }
    const repeated = records.length - fresh.length;
    if (repeated > 0) {
      this.dropped += repeated;
      const text = `${this.what} returned ${this.dropped} record(s) of a page again on the next one: the repeats are dropped, each record kept once, in order`;
      if (this.note < 0) this.note = this.stats.notes.push(text) - 1;
      else this.stats.notes[this.note] = text;
    }
    this.previous = new Set(keys);
    return fresh;
  }
}

function shorten(token: string): string {
  return token.length > 80 ? `${token.slice(0, 77)}…` : token;
}
