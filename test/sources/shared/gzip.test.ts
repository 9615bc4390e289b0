import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { gunzipFile, type GzipDamage } from '../../../src/sources/shared/gzip';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gzip-test-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Lines that do not compress much, so that a cut lands among them. */
const text = Array.from({ length: 4000 }, (_, i) => JSON.stringify({ i, v: Math.sin(i).toString(36) + Math.cos(i * 7).toString(36) })).join('\n') + '\n';

async function decode(bytes: Buffer): Promise<{ out: string; damage: GzipDamage | undefined; read: number }> {
  const file = path.join(dir, `f-${Math.random().toString(36).slice(2)}.gz`);
  fs.writeFileSync(file, bytes);
  const fh = await fs.promises.open(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let read = 0;
    const gen = gunzipFile(fh, bytes.length, (n) => (read += n));
    for (;;) {
      const r = await gen.next();
      if (r.done) return { out: Buffer.concat(chunks).toString('utf8'), damage: r.value, read };
      chunks.push(r.value);
    }
  } finally {
    await fh.close();
  }
}

describe('gunzipFile: every byte that decodes, and what was wrong', () => {
  const gz = zlib.gzipSync(text);

  it('decodes a whole file, and concatenated members as one stream', async () => {
    expect(await decode(gz)).toEqual({ out: text, damage: undefined, read: gz.length });
    const two = await decode(Buffer.concat([gz, zlib.gzipSync('tail\n')]));
    expect(two.out).toBe(`${text}tail\n`);
    expect(two.damage).toBeUndefined();
    // zero padding after the data is not damage
    expect((await decode(Buffer.concat([gz, Buffer.alloc(512)]))).damage).toBeUndefined();
  });

  it('a truncated file gives everything zlib can decode of it, and says truncated', async () => {
    for (const fraction of [0.1, 0.5, 0.97]) {
      const cut = gz.subarray(0, Math.floor(gz.length * fraction));
      const want = zlib.gunzipSync(cut, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString('utf8');
      const { out, damage } = await decode(cut);
      expect(out).toBe(want);
      expect(want.length).toBeGreaterThan(0);
      expect(damage?.kind).toBe('truncated');
    }
    expect((await decode(gz.subarray(0, gz.length - 3))).damage?.kind).toBe('truncated');
    expect((await decode(gz.subarray(0, 5))).damage?.kind).toBe('truncated');
  });

  it('garbage appended loses nothing of the data (zlib\'s own gunzip drops its last chunk)', async () => {
    const { out, damage } = await decode(Buffer.concat([gz, Buffer.from('not gzip at all\n')]));
    expect(out).toBe(text);
    expect(damage).toMatchObject({ kind: 'trailing-data', detail: expect.stringContaining('16 byte(s)') });
  });

  it('a flipped byte is a checksum mismatch or corrupt data, with what decoded before it', async () => {
    const flipped = Buffer.from(gz);
    flipped[Math.floor(flipped.length / 2)] ^= 0x55;
    const { out, damage } = await decode(flipped);
    expect(['checksum', 'corrupt']).toContain(damage?.kind);
    expect(out.slice(0, 1000)).toBe(text.slice(0, 1000));
    const badCrc = Buffer.from(gz);
    badCrc[badCrc.length - 6] ^= 0xff;
    expect(await decode(badCrc)).toMatchObject({ out: text, damage: { kind: 'checksum' } });
    const junk = await decode(Buffer.concat([gz.subarray(0, 10), Buffer.alloc(200, 0xff)]));
    expect(junk.damage?.kind).toBe('corrupt');
  });
});
