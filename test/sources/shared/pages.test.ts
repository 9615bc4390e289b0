import { SourceError, newSourceStats } from '../../../src/domain';
import { RepeatGuard } from '../../../src/sources/shared/pages';

const key = (r: { id: string }) => r.id;
const rec = (...ids: string[]) => ids.map((id) => ({ id }));

describe('RepeatGuard: an upstream that repeats itself', () => {
  it('drops records of the previous page that come again, keeps the order, and says how many in one note', () => {
    const stats = newSourceStats();
    const guard = new RepeatGuard('okta', 'the System Log', stats);
    expect(guard.fresh(rec('a', 'b', 'c'), key)).toEqual(rec('a', 'b', 'c'));
    expect(guard.fresh(rec('c', 'd', 'e'), key)).toEqual(rec('d', 'e'));
    expect(guard.fresh(rec('e', 'f'), key)).toEqual(rec('f'));
    expect(stats.notes).toEqual(['the System Log returned 2 record(s) of a page again on the next one: the repeats are dropped, each record kept once, in order']);
  });

  it('ends the read at a page that holds nothing new, naming it', () => {
    const guard = new RepeatGuard('okta', 'the System Log', newSourceStats());
    guard.fresh(rec('a', 'b'), key);
    expect(() => guard.fresh(rec('b', 'a'), key)).toThrow(new SourceError('UPSTREAM_ERROR', 'the System Log returned page 2 as a repeat of page 1 (the same 2 record(s)): dropped, paging stopped there', 'okta'));
    // an empty page is no repeat (a service may stop at its time budget and hand a token on)
    expect(new RepeatGuard('g', 'entries.list', newSourceStats()).fresh([], key)).toEqual([]);
  });

  it('ends the read at a next link or token followed before', () => {
    const guard = new RepeatGuard('trail', 'LookupEvents', newSourceStats());
    guard.fresh(rec('a'), key);
    guard.follow('token-1');
    guard.fresh(rec('b'), key);
    guard.follow('token-2');
    guard.fresh(rec('c'), key);
    expect(() => guard.follow('token-1')).toThrow(/^LookupEvents's paging loops: the next link after page 3 \(token-1\) is the one followed after page 1; paging stopped there$/);
  });
});
