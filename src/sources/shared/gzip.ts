import type { FileHandle } from 'node:fs/promises';
import * as zlib from 'node:zlib';

/**
 * What was wrong with a gzip file, found while decoding it. Everything decoded before the damage has been
 * handed out already; the kind says what was lost:
 * - `truncated`: the file ends inside the compressed data (a copy cut short, a backup still being written);
 * - `corrupt`: the compressed data is broken: nothing after that point can be decoded;
 * - `trailing-data`: bytes after the last gzip member are not gzip (garbage appended): nothing of the data is lost;
 * - `checksum`: a member decoded whole but its CRC-32 or length does not match: its records may be altered.
 */
export interface GzipDamage {
  kind: 'truncated' | 'corrupt' | 'trailing-data' | 'checksum';
  detail: string;
}

export const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** compressed bytes handed to zlib at a time: small, so that what one write decodes stays small */
const IN_CHUNK = 64 * 1024;
const OUT_CHUNK = 64 * 1024;
/** a gzip header with a file name and a comment longer than this is taken for garbage */
const MAX_HEADER = 1024 * 1024;

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

/** Length of the gzip member header at the start of `b` (RFC 1952 §2.3), or why there is none. */
function headerLength(b: Buffer): number | 'short' | 'not-gzip' | 'bad-method' {
  if (b.length < 2) return b.length === 1 && b[0] !== GZIP_MAGIC[0] ? 'not-gzip' : 'short';
  if (b[0] !== GZIP_MAGIC[0] || b[1] !== GZIP_MAGIC[1]) return 'not-gzip';
  if (b.length < 10) return 'short';
  if (b[2] !== 8) return 'bad-method';
  const flags = b[3];
  let p = 10;
  if (flags & 0x04) {
    if (b.length < p + 2) return 'short';
    p += 2 + b.readUInt16LE(p);
  }
  for (const bit of [0x08, 0x10]) {
    if (!(flags & bit)) continue;
    const zero = b.indexOf(0, p);
    if (zero < 0) return 'short';
    p = zero + 1;
  }
  if (flags & 0x02) p += 2;
  return p > b.length ? 'short' : p;
}

interface MemberEnd {
  /** compressed bytes the deflate stream took */
  consumed: number;
  error?: NodeJS.ErrnoException;
  crc: number;
  size: number;
}

/**
 * One member's raw deflate stream from `start`, decoded. zlib's own gunzip drops what the last call decoded when
 * it meets an error (garbage after the end, a bad checksum), and with it the last records of the file: reading the
 * raw stream member by member keeps every byte that decodes and says exactly where the data ended.
 */
async function* inflateMember(fh: FileHandle, start: number, size: number, onRead: (at: number, length: number) => void): AsyncGenerator<Buffer, MemberEnd> {
  const inflate = zlib.createInflateRaw({ chunkSize: OUT_CHUNK });
  const out: Buffer[] = [];
  let ended = false;
  let error: NodeJS.ErrnoException | undefined;
  let crc = 0;
  let length = 0;
  inflate.on('data', (chunk: Buffer) => out.push(chunk));
  inflate.on('end', () => (ended = true));
  inflate.on('error', (err: NodeJS.ErrnoException) => (error = err));
  let pos = start;
  let written = 0;
  try {
    for (;;) {
      if (pos >= size) {
        // no more input: what is still buffered comes out, or the stream is cut
        await new Promise<void>((resolve) => {
          if (ended || error) return resolve();
          inflate.once('end', () => resolve());
          inflate.once('close', () => resolve());
          inflate.end();
        });
      } else {
        const chunk = await readAt(fh, pos, Math.min(IN_CHUNK, size - pos));
        if (chunk.length === 0) {
          pos = size;
          continue;
        }
        // counted as read, so that a reader that stops early (a page of 100 events) says what it decoded
        onRead(pos, chunk.length);
        pos += chunk.length;
        written += chunk.length;
        // zlib calls back when it took the chunk; a stream it destroys on bad data may never call back
        await new Promise<void>((resolve) => {
          const done = () => {
            inflate.off('close', done);
            resolve();
          };
          inflate.once('close', done);
          inflate.write(chunk, done);
        });
        // whatever zlib decoded from the chunk has been emitted by the next turn of the event loop
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      while (out.length > 0) {
        const chunk = out.shift()!;
        crc = zlib.crc32(chunk, crc);
        length = (length + chunk.length) >>> 0;
        yield chunk;
      }
      // the deflate stream ended inside what was written: the rest is the trailer and what follows
      if (error || ended || pos >= size || inflate.bytesWritten < written) break;
    }
  } finally {
    inflate.destroy();
  }
  return { consumed: inflate.bytesWritten, error, crc, size: length };
}

/**
 * The decompressed bytes of the gzip file open as `fh` (`size` bytes), member after member (concatenated gzip, as
 * `cat a.gz b.gz` makes, is one stream), in chunks. Returns the damage found, if any: whatever decoded before it
 * has been yielded. `onBytes` counts the compressed bytes as they are read, each byte of the file once.
 */
export async function* gunzipFile(fh: FileHandle, size: number, onBytes: (n: number) => void): AsyncGenerator<Buffer, GzipDamage | undefined> {
  let pos = 0;
  let damage: GzipDamage | undefined;
  // bytes of the file read, each once: an inflater reads past its member's end into the trailer and the next header
  let readTo = 0;
  const onRead = (at: number, length: number) => {
    if (at + length <= readTo) return;
    onBytes(at + length - Math.max(at, readTo));
    readTo = at + length;
  };
  for (let member = 0; ; member++) {
    if (pos >= size) return damage;
    let head = await readAt(fh, pos, Math.min(64 * 1024, size - pos));
    let header = headerLength(head);
    if (header === 'short' && pos + head.length < size) {
      head = await readAt(fh, pos, Math.min(MAX_HEADER, size - pos));
      header = headerLength(head);
    }
    if (member > 0 && header !== 'short' && typeof header !== 'number') {
      // zero padding after the last member is common (tape and block devices) and harmless
      if (await allZero(fh, pos, size)) return damage;
      return damage ?? { kind: 'trailing-data', detail: `${size - pos} byte(s) after the end of the gzip data are not gzip (garbage appended); every record before them was read` };
    }
    if (header === 'short') {
      if (member > 0 && (await allZero(fh, pos, size))) return damage;
      return damage ?? { kind: 'truncated', detail: `truncated gzip: the file ends inside a gzip header at byte ${pos}` };
    }
    if (header === 'not-gzip' || header === 'bad-method') return damage ?? { kind: 'corrupt', detail: `corrupt gzip: no valid gzip header at byte ${pos}` };
    onRead(pos, header);
    const stream = inflateMember(fh, pos + header, size, onRead);
    let end: MemberEnd;
    try {
      for (;;) {
        const r = await stream.next();
        if (r.done) {
          end = r.value;
          break;
        }
        yield r.value;
      }
    } finally {
      // a consumer that stops early frees the zlib handle now, not at garbage collection
      await stream.return({ consumed: 0, crc: 0, size: 0 });
    }
    const dataEnd = pos + header + end.consumed;
    if (end.error) {
      const cut = end.error.code === 'Z_BUF_ERROR';
      return (
        damage ?? {
          kind: cut ? 'truncated' : 'corrupt',
          detail: cut
            ? `truncated gzip: the file ends inside the compressed data after ${size} bytes; the ${end.size} bytes decoded were read`
            : `corrupt gzip: bad data near byte ${dataEnd} (${end.error.message}); the ${end.size} bytes decoded before it were read`,
        }
      );
    }
    const trailer = await readAt(fh, dataEnd, 8);
    onRead(dataEnd, trailer.length);
    if (trailer.length < 8) return damage ?? { kind: 'truncated', detail: `truncated gzip: the file ends inside the trailer of a member (at byte ${size}); its data was read whole` };
    if (trailer.readUInt32LE(0) !== end.crc >>> 0 || trailer.readUInt32LE(4) !== end.size) {
      damage ??= { kind: 'checksum', detail: `gzip checksum mismatch in the member ending at byte ${dataEnd + 8}: its records were read but may be altered` };
    }
    pos = dataEnd + 8;
  }
}

async function allZero(fh: FileHandle, from: number, size: number): Promise<boolean> {
  for (let pos = from; pos < size; pos += IN_CHUNK) {
    const chunk = await readAt(fh, pos, Math.min(IN_CHUNK, size - pos));
    if (chunk.some((b) => b !== 0)) return false;
    if (chunk.length === 0) break;
  }
  return true;
}
