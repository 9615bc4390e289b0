import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { LogStream, newTaskLogStats, type LogLine } from '../../../src/domain';
import { CriJoiner, parseCriLine } from '../../../src/sources/task-logs/cri';
import { CriFilesSource } from '../../../src/sources/task-logs/files';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

async function read(root: string, pods: { namespace: string; name: string }[]): Promise<{ lines: LogLine[]; stats: ReturnType<typeof newTaskLogStats> }> {
  const stats = newTaskLogStats();
  const lines: LogLine[] = [];
  for await (const l of new CriFilesSource({ id: 'nodes', path: root }).lines(pods, stats, new AbortController().signal)) lines.push(l);
  return { lines, stats };
}

describe('CRI log records', () => {
  it('parses time, stream, partial flag and text (an empty text too)', () => {
    expect(parseCriLine('2026-03-14T09:10:16.551000123Z stdout F hello world')).toEqual({ timeNs: '2026-03-14T09:10:16.551000123Z', timeMs: Date.parse('2026-03-14T09:10:16.551Z'), stream: LogStream.STDOUT, partial: false, text: 'hello world' });
    expect(parseCriLine('2026-03-14T09:10:16+01:00 stderr P ')).toMatchObject({ stream: LogStream.STDERR, partial: true, text: '' });
    expect(parseCriLine('2026-03-14T09:10:16Z stdout F')).toMatchObject({ text: '' });
    expect(parseCriLine('{"log":"docker json-file format","stream":"stdout"}')).toMatch(/not a CRI log record/);
    expect(parseCriLine('2026-03-14T09:10:16Z stdin F x')).toMatch(/not a CRI log record/);
  });

  it('joins partial records into the line the container wrote, per stream, whatever the other stream writes between', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }).filter((s) => !/[\r\n]/.test(s)), fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 10 }), fc.string({ maxLength: 20 }).filter((s) => !/[\r\n]/.test(s)), (text, cuts, other) => {
        const pieces: string[] = [];
        let at = 0;
        for (const c of cuts) {
          if (at + c >= text.length) break;
          pieces.push(text.slice(at, at + c));
          at += c;
        }
        pieces.push(text.slice(at));
        const j = new CriJoiner();
        const out: string[] = [];
        pieces.forEach((p, i) => {
          const done = j.push({ timeNs: 't', timeMs: 1, stream: LogStream.STDOUT, partial: i < pieces.length - 1, text: p });
          if (done) out.push(done.text);
          // stderr interleaves whole lines
          const e = j.push({ timeNs: 't', timeMs: 1, stream: LogStream.STDERR, partial: false, text: other });
          expect(e?.text).toBe(other);
        });
        expect(out).toEqual([text]);
        expect(j.rest()).toEqual([]);
      }),
    );
  });
});

describe('task logs from the kubelet files (taskLogs: type files)', () => {
  it('a gzipped rotation cut short is read up to the damage, counted and named, never silently shorter', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pod-logs-'));
    roots.push(root);
    const dir = path.join(root, 'ml_cut-0_3333', 'main');
    fs.mkdirSync(dir, { recursive: true });
    const whole = Array.from({ length: 2000 }, (_, i) => `2026-03-14T09:10:${String(i % 60).padStart(2, '0')}.${String(i).padStart(6, '0')}Z stdout F line ${i} ${'x'.repeat(40)}`).join('\n');
    const gz = zlib.gzipSync(`${whole}\n`);
    fs.writeFileSync(path.join(dir, '0.log.20260314-091100.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
    fs.writeFileSync(path.join(dir, '0.log'), '2026-03-14T09:12:00Z stdout F after the rotation\n');
    const { lines, stats } = await read(root, [{ namespace: 'ml', name: 'cut-0' }]);
    expect(stats.filesDamaged).toBe(1);
    expect(stats.notes.join(' ')).toMatch(/0\.log\.20260314-091100\.gz.*read up to the damage/);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThan(2001);
    expect(lines.some((l) => l.text === 'after the rotation')).toBe(true);
  });

  it("merges every container, restart and rotation of the asked pods in time order, joins partial lines, counts what is not a record, and names pods it has nothing for", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pod-logs-'));
    roots.push(root);
    const pod = path.join(root, 'ml_train-0_1111');
    fs.mkdirSync(path.join(pod, 'main'), { recursive: true });
    fs.mkdirSync(path.join(pod, 'sidecar'), { recursive: true });
    // a rotated, gzipped first part, then the file being written; the container restarted once (1.log)
    fs.writeFileSync(path.join(pod, 'main', '0.log.20260314-091100.gz'), zlib.gzipSync('2026-03-14T09:10:00.000000001Z stdout F main one\n2026-03-14T09:10:30.5Z stdout P main tw\n'));
    fs.writeFileSync(path.join(pod, 'main', '0.log'), '2026-03-14T09:10:30.6Z stdout F o\nnot a record\n2026-03-14T09:12:00Z stderr F main crashed\n');
    fs.writeFileSync(path.join(pod, 'main', '1.log'), '2026-03-14T09:12:05Z stdout F main again\n');
    fs.writeFileSync(path.join(pod, 'sidecar', '0.log'), '2026-03-14T09:10:00.000000002Z stdout F sidecar up\n2026-03-14T09:11:00Z stdout F sidecar tick\n');
    // another pod of the same namespace, not asked
    fs.mkdirSync(path.join(root, 'ml_other-0_2222', 'main'), { recursive: true });
    fs.writeFileSync(path.join(root, 'ml_other-0_2222', 'main', '0.log'), '2026-03-14T09:10:10Z stdout F not mine\n');

    const { lines, stats } = await read(root, [
      { namespace: 'ml', name: 'train-0' },
      { namespace: 'ml', name: 'gone-0' },
    ]);
    expect(lines.map((l) => `${l.container}#${l.restart} ${l.stream} ${l.text}`)).toEqual([
      'main#0 STDOUT main one',
      'sidecar#0 STDOUT sidecar up',
      'main#0 STDOUT main two',
      'sidecar#0 STDOUT sidecar tick',
      'main#0 STDERR main crashed',
      'main#1 STDOUT main again',
    ]);
    expect(lines.every((l) => l.pod === 'train-0' && l.namespace === 'ml' && l.source === 'nodes')).toBe(true);
    expect(stats).toMatchObject({ files: 4, malformed: 1 });
    expect(stats.malformedSamples[0]).toMatch(/ml_train-0_1111\/main\/0\.log:2: not a CRI log record/);
    expect(stats.notes.join(' ')).toContain('no log files for pod ml/gone-0');
  });
});
