import type * as http from 'node:http';

export type BodyResult = { ok: true; text: string } | { ok: false; receivedBytes: number };

/** How much of an oversized body is read and thrown away, so that the client gets the 413 instead of a reset. */
const DISCARD_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * The request body as text, or `ok: false` once it passes `maxBytes`. An oversized body is still read to its end
 * (and dropped, so memory stays flat) up to a bound: a server that stops reading and closes the socket makes the
 * kernel answer the client's next bytes with a reset, and the client never sees the 413.
 */
export function readBody(req: http.IncomingMessage, maxBytes: number): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const chunks: Buffer[] = [];
    let size = 0;
    let over = Number.isFinite(declared) && declared > maxBytes;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (!over && size > maxBytes) {
        over = true;
        chunks.length = 0;
      }
      if (!over) chunks.push(c);
      else if (size > DISCARD_LIMIT_BYTES) {
        // past this, reading costs more than a reset saves: answer now (the caller closes the connection)
        req.pause();
        resolve({ ok: false, receivedBytes: size });
      }
    });
    req.on('end', () => resolve(over ? { ok: false, receivedBytes: size } : { ok: true, text: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', reject);
  });
}
