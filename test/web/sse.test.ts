import fc from 'fast-check';
import { readEvents, type ServerSentEvent } from '../../web/src/live/sse';

/** A body that arrives in the given pieces (as a network would cut it). */
function body(bytes: Uint8Array, cuts: number[]): ReadableStream<Uint8Array> {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let at = 0;
  for (const p of [...points, bytes.length]) {
    if (p > at) pieces.push(bytes.slice(at, p));
    at = Math.max(at, p);
  }
  return new ReadableStream({
    start(c) {
      for (const piece of pieces) c.enqueue(piece);
      c.close();
    },
  });
}

async function all(stream: ReadableStream<Uint8Array>): Promise<ServerSentEvent[]> {
  const out: ServerSentEvent[] = [];
  for await (const e of readEvents(stream, new AbortController().signal)) out.push(e);
  return out;
}

const STREAM = 'retry: 2000\n\n: a comment\nevent: status\nid: tok-1\ndata: {"type":"status","sources":[]}\n\nevent: audit\nid: tok-2\ndata: {"id":"e1","note":"caf\u00e9 \u2014 \u{1F600}"}\n\ndata: line one\ndata: line two\n\n';

describe('the live tail reads server-sent events (web/src/live/sse.ts)', () => {
  it('reads events, ids, multi-line data and skips comments and retry-only blocks', async () => {
    const events = await all(body(new TextEncoder().encode(STREAM), []));
    expect(events).toEqual([
      { event: 'status', id: 'tok-1', data: '{"type":"status","sources":[]}' },
      { event: 'audit', id: 'tok-2', data: '{"id":"e1","note":"caf\u00e9 \u2014 \u{1F600}"}' },
      // the id stays the last one given (the HTML standard's last event ID)
      { event: 'message', id: 'tok-2', data: 'line one\nline two' },
    ]);
  });

  it('reads the same events however the network cuts the bytes (inside a line, a field, a UTF-8 character)', async () => {
    const bytes = new TextEncoder().encode(STREAM.replace(/\n/g, '\r\n'));
    const whole = await all(body(new TextEncoder().encode(STREAM), []));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 30 }), async (cuts) => {
        expect(await all(body(bytes, cuts))).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });
});
