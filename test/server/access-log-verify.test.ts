import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { GENESIS, trailFilesInOrder } from '../../src/access-log/chain';
import { verifyTrail } from '../../src/access-log/verify';
import { TrailWriter } from '../../src/access-log/writer';

/** A trail of `n` lines, rotated small so that it spans several files. */
function trail(n: number, maxBytes = 4096): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'trail-')), 'access.ndjson');
  const w = new TrailWriter(file, maxBytes);
  for (let i = 0; i < n; i++) w.append({ time: new Date(Date.UTC(2026, 2, 14, 0, 0, i)).toISOString(), n: i, caller: { subject: `u-${i % 3}` }, pad: 'x'.repeat(200) });
  w.close();
  return file;
}

const linesOf = (f: string) => fs.readFileSync(f, 'utf8').split('\n').slice(0, -1);
const writeLines = (f: string, lines: string[]) => fs.writeFileSync(f, lines.map((l) => `${l}\n`).join(''));

describe('verifyTrail', () => {
  it('accepts an untouched trail over several files, and one continued by a new writer', () => {
    const file = trail(40);
    expect(trailFilesInOrder(file).length).toBeGreaterThan(2);
    expect(verifyTrail(file)).toMatchObject({ ok: true, lines: 40 });
    const w = new TrailWriter(file, 4096);
    w.append({ n: 40 });
    w.close();
    expect(verifyTrail(file)).toMatchObject({ ok: true, lines: 41 });
  });

  it('finds an edited, a deleted and a reordered line, naming the file and line after the tamper', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 39 }), fc.constantFrom('edit', 'delete', 'swap'), (at, how) => {
        const file = trail(40);
        const files = trailFilesInOrder(file);
        // find the file and line number of line `at` of the whole trail
        let rest = at;
        let fi = 0;
        while (rest >= linesOf(files[fi]).length) rest -= linesOf(files[fi++]).length;
        const f = files[fi];
        const lines = linesOf(f);
        // the chain cannot show a changed or missing last line: verifyTrail reports `head` to compare with a copy kept elsewhere
        if (at === 39 && how !== 'swap') return;
        if (how === 'edit') {
          lines[rest] = lines[rest].replace(/"u-\d"/, '"u-mallory"');
        } else if (how === 'delete') {
          lines.splice(rest, 1);
        } else {
          if (rest + 1 >= lines.length) return;
          [lines[rest], lines[rest + 1]] = [lines[rest + 1], lines[rest]];
        }
        writeLines(f, lines);
        const v = verifyTrail(file);
        expect(v.ok).toBe(false);
        if (how === 'edit') {
          // the edited line still links back; the line after it no longer matches it
          const next = rest + 1 < lines.length ? { file: f, line: rest + 2 } : { file: files[fi + 1], line: 1 };
          expect(v.broken).toMatchObject(next);
        } else if (how === 'delete') {
          const next = rest < lines.length ? { file: f, line: rest + 1 } : { file: files[fi + 1], line: 1 };
          expect(v.broken).toMatchObject(next);
        } else {
          expect(v.broken).toMatchObject({ file: f, line: rest + 1 });
        }
      }),
      { numRuns: 60 },
    );
  });

  it('finds a removed first file, a line that is not JSON and a cut last line', () => {
    const a = trail(40);
    fs.rmSync(trailFilesInOrder(a)[0]);
    expect(verifyTrail(a)).toMatchObject({ ok: false, broken: { line: 1, reason: expect.stringContaining('not there') } });
    expect(verifyTrail(a, { allowMissingStart: true })).toMatchObject({ ok: true, startsAfter: expect.not.stringMatching(GENESIS) });

    const b = trail(5, 1_000_000);
    const lines = linesOf(b);
    lines[2] = lines[2].slice(0, 20);
    writeLines(b, lines);
    expect(verifyTrail(b).broken).toEqual({ file: b, line: 3, reason: 'not a JSON line' });

    const c = trail(5, 1_000_000);
    fs.appendFileSync(c, '{"cut":');
    expect(verifyTrail(c).broken).toMatchObject({ file: c, line: 6, reason: expect.stringContaining('cut') });
    expect(() => new TrailWriter(c, 1_000_000)).toThrow(/ends with a cut line/);
  });
});

describe('npm run verify-log (dist/src/access-log/verify-cli.js)', () => {
  const run = (args: string[]) => spawnSync(process.execPath, [path.join(__dirname, '../../dist/src/access-log/verify-cli.js'), ...args], { encoding: 'utf8' });

  it('exits 0 on a whole trail, 1 naming the file and line of a tamper, 2 on no trail', () => {
    const file = trail(10, 1_000_000);
    const ok = run([file]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^ok: 10 lines in 1 files/);
    const lines = linesOf(file);
    lines.splice(4, 1);
    writeLines(file, lines);
    const bad = run([file]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain(`broken: ${file}:5: prev does not match`);
    expect(run([path.join(os.tmpdir(), 'no-such-trail.ndjson')]).status).toBe(2);
    expect(run([]).status).toBe(2);
  });
});

describe('auditgraph verify-log (the CLI verb, dist/src/cli/main.js)', () => {
  const run = (args: string[]) => spawnSync(process.execPath, [path.join(__dirname, '../../dist/src/cli/main.js'), 'verify-log', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH } });

  it('says the same and exits the same: 0 whole, 1 at a tamper (file and line), 2 on no trail; --json gives the result', () => {
    const file = trail(8, 1_000_000);
    const ok = run([file]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^ok: 8 lines in 1 files, every link holds; head [0-9a-f]{64}/);
    const json = run(['--json', file]);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, lines: 8 });
    const lines = linesOf(file);
    lines[2] = lines[2].replace('"n":2', '"n":20');
    writeLines(file, lines);
    const bad = run([file]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain(`broken: ${file}:4: prev does not match`);
    expect(run([path.join(os.tmpdir(), 'no-such-trail.ndjson')]).status).toBe(2);
  });
});
