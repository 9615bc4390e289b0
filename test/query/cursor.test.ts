import { AuditgraphError, ErrorCode } from '../../src/domain';
import { CursorCodec } from '../../src/query/cursor';

const NEW = 'n'.repeat(32);
const OLD = 'o'.repeat(32);
const state = { key: { time: 1_773_478_800_000, sourceId: 'okta', eventId: 'e1', digest: '' }, window: { from: new Date(0), to: new Date(1_773_500_000_000) }, digest: 'd' };

function refusal(fn: () => unknown): AuditgraphError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AuditgraphError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('cursor secrets', () => {
  it('signs with the first secret and accepts cursors of every configured one (rotation)', () => {
    const before = new CursorCodec([OLD]);
    const during = new CursorCodec([NEW, OLD]);
    const after = new CursorCodec([NEW]);
    const issuedBefore = before.encode(state);
    const issuedDuring = during.encode(state);
    expect(during.decode(issuedBefore, 'd').key).toEqual(state.key);
    // a cursor made during the rotation is signed with the new secret: the old-only server refuses it
    expect(after.decode(issuedDuring, 'd').key).toEqual(state.key);
    expect(refusal(() => before.decode(issuedDuring, 'd')).code).toBe(ErrorCode.BAD_CURSOR);
    // once the old secret is dropped, its cursors are refused
    expect(refusal(() => after.decode(issuedBefore, 'd')).message).toContain('another cursor secret');
  });

  it('survives a restart: a new codec with the same secret accepts the old one\'s cursors', () => {
    expect(new CursorCodec(NEW).decode(new CursorCodec(NEW).encode(state), 'd').window).toEqual(state.window);
  });

  it('refuses to sign with an empty secret', () => {
    expect(() => new CursorCodec('')).toThrow('non-empty');
    expect(() => new CursorCodec([NEW, ''])).toThrow('non-empty');
    expect(() => new CursorCodec([])).toThrow('non-empty');
  });
});
