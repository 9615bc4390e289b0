import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { ConfigError } from '../../../src/config/errors';
import { ConfigNode } from '../../../src/config/fields';
import { Outcome, SortOrder, SourceError, newSourceStats, type AuditEvent, type SourceStats, type TimeWindow } from '../../../src/domain';
import { K8sAuditFileSource, k8sAuditDefinition } from '../../../src/sources/k8s-audit';
import { sameRequest } from '../../../src/sources/k8s-audit/assembler';
import { scanLocation } from '../../../src/sources/k8s-audit/layout';
import type { K8sAuditRecord } from '../../../src/sources/k8s-audit/record';
import { DEFAULT_READ_OPTIONS, readEvents, type ReadOptions } from '../../../src/sources/k8s-audit/reader';
import { testDeps } from '../../helpers/deps';
import { HOUR, MINUTE, T0, auditId, backupName, linesOf, microTime, rmDir, rotate, stageRecord, tmpDir, writeArchive, type RequestSpec } from './fixtures';

function source(dir: string, options: Partial<ReadOptions> = {}): K8sAuditFileSource {
  return new K8sAuditFileSource('k8s', { location: { root: dir }, cluster: 'prod-eks' }, { ...DEFAULT_READ_OPTIONS, ...options });
}

async function collect(src: K8sAuditFileSource, window: TimeWindow, order: SortOrder, limit = Infinity): Promise<{ events: AuditEvent[]; stats: SourceStats }> {
  const stats = newSourceStats();
  const events: AuditEvent[] = [];
  for await (const e of src.events({ window, order, filter: {}, pageSizeHint: 100 }, { signal: new AbortController().signal, stats })) {
    events.push(e);
    if (events.length >= limit) break;
  }
  return { events, stats };
}

function win(fromMs: number, toMs: number): TimeWindow {
  return { from: new Date(fromMs), to: new Date(toMs) };
}

function idsIn(specs: readonly RequestSpec[], w: TimeWindow): string[] {
  return specs.filter((s) => s.receivedMs >= w.from.getTime() && s.receivedMs < w.to.getTime()).map((s) => s.auditID);
}

function isOrdered(events: AuditEvent[], order: SortOrder): boolean {
  return events.every((e, i) => i === 0 || (order === SortOrder.OLDEST_FIRST ? events[i - 1].time <= e.time : events[i - 1].time >= e.time));
}

function stageOf(e: AuditEvent): string | undefined {
  return (e.raw as K8sAuditRecord).stage;
}

const dirs: string[] = [];
function fresh(prefix: string): string {
  const d = tmpDir(prefix);
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach(rmDir));

describe('one event per request', () => {
  const forbidden = { status: 'Failure', reason: 'Forbidden', message: 'secrets is forbidden', code: 403 };
  const specs: RequestSpec[] = [
    { auditID: auditId(1), receivedMs: T0 + 10_000, durationMs: 12 },
    { auditID: auditId(2), receivedMs: T0 + 20_000, durationMs: 8, responseStatus: forbidden },
    // a watch that ends within the lookahead: its ResponseComplete is kept
    {
      auditID: auditId(3),
      receivedMs: T0 + 30_000,
      verb: 'watch',
      stages: [
        { stage: 'RequestReceived', afterMs: 0 },
        { stage: 'ResponseStarted', afterMs: 4, responseStatus: { code: 200 } },
        { stage: 'ResponseComplete', afterMs: 45_000, responseStatus: { code: 200 } },
      ],
    },
    // a watch of 10 minutes: only its early stages are merged, in either order
    {
      auditID: auditId(4),
      receivedMs: T0 + 40_000,
      verb: 'watch',
      stages: [
        { stage: 'RequestReceived', afterMs: 0 },
        { stage: 'ResponseStarted', afterMs: 3, responseStatus: { code: 200 } },
        { stage: 'ResponseComplete', afterMs: 10 * MINUTE, responseStatus: { code: 500 } },
      ],
    },
    // a policy omitting RequestReceived, and a slow request: completes after three later requests arrived
    { auditID: auditId(5), receivedMs: T0 + 50_000, stages: [{ stage: 'ResponseComplete', afterMs: 40_000, responseStatus: { code: 504 } }] },
    { auditID: auditId(6), receivedMs: T0 + 60_000, durationMs: 20 },
    { auditID: auditId(7), receivedMs: T0 + 70_000, durationMs: 20 },
    { auditID: auditId(8), receivedMs: T0 + 80_000, durationMs: 20 },
    // a panic
    { auditID: auditId(9), receivedMs: T0 + 100_000, stages: [{ stage: 'RequestReceived', afterMs: 0 }, { stage: 'Panic', afterMs: 30, responseStatus: { code: 500, message: 'runtime error' } }] },
  ];
  // received just before the window ends, completed 80 s later: the read must reach past the window's end
  specs.push({ auditID: auditId(10), receivedMs: T0 + 149_000, durationMs: 80_000, responseStatus: { code: 409, reason: 'Conflict' } });
  // later traffic, a request a second (~1 MB, so that the live file is binary-searched rather than read whole)
  for (let i = 0; i < 1200; i++) specs.push({ auditID: auditId(100 + i), receivedMs: T0 + 150_000 + i * 1_000 });
  let dir: string;
  beforeAll(() => {
    dir = fresh('dedup');
    writeArchive(dir, rotate(linesOf(specs), [T0 + 55_000], () => false));
  });
  const window = win(T0, T0 + 150_000);

  it.each([SortOrder.OLDEST_FIRST, SortOrder.NEWEST_FIRST])('%s: each request once, the final stage kept, in request order', async (order) => {
    const { events, stats } = await collect(source(dir), window, order);
    const want = idsIn(specs, window);
    expect(events.map((e) => e.id).sort()).toEqual([...want].sort());
    expect(isOrdered(events, order)).toBe(true);
    const byId = new Map(events.map((e) => [e.id, e]));
    expect(stageOf(byId.get(auditId(1))!)).toBe('ResponseComplete');
    expect(byId.get(auditId(2))!.outcome).toBe(Outcome.FAILURE);
    expect(stageOf(byId.get(auditId(3))!)).toBe('ResponseComplete');
    expect(stageOf(byId.get(auditId(4))!)).toBe('ResponseStarted');
    expect(byId.get(auditId(4))!.outcome).toBe(Outcome.SUCCESS);
    expect(byId.get(auditId(5))!.outcome).toBe(Outcome.FAILURE);
    expect(stageOf(byId.get(auditId(9))!)).toBe('Panic');
    expect(stageOf(byId.get(auditId(10))!)).toBe('ResponseComplete');
    expect(byId.get(auditId(10))!.outcomeReason).toBe('Conflict');
    // time is the receipt, whatever stage was kept
    for (const e of events) expect(e.time.getTime()).toBe(specs.find((s) => s.auditID === e.id)!.receivedMs);
    expect(stats.malformed).toBe(0);
  });

  it('both orders return the same records, reversed', async () => {
    const oldest = (await collect(source(dir), window, SortOrder.OLDEST_FIRST)).events;
    const newest = (await collect(source(dir), window, SortOrder.NEWEST_FIRST)).events;
    expect(newest.map((e) => e.id)).toEqual(oldest.map((e) => e.id).reverse());
    expect(newest.map((e) => e.raw)).toEqual(oldest.map((e) => e.raw).reverse());
  });

  it('notes the stages it did not merge', async () => {
    // the 10-minute watch ends at T0+10:40, inside the read range of a window ending at T0+10:00 (+ 95 s)
    const { stats } = await collect(source(dir), win(T0, T0 + 10 * MINUTE), SortOrder.OLDEST_FIRST);
    expect(stats.notes.join('\n')).toMatch(/1 stage line\(s\) logged more than 90s/);
  });
});

describe('stage lines read twice, and lines that disagree', () => {
  const base: RequestSpec[] = [
    // read twice, both stages (a log copied into the folder's live file again)
    { auditID: auditId(201), receivedMs: T0 + 10_000 },
    // its ResponseComplete names another user: a different request under the same auditID
    { auditID: auditId(202), receivedMs: T0 + 20_000 },
    // a create: objectRef gains the name once the body was read, which is not a disagreement
    { auditID: auditId(204), receivedMs: T0 + 40_000, verb: 'create' },
    { auditID: auditId(205), receivedMs: T0 + 50_000 },
  ];
  const lines = linesOf(base);
  const at = (id: number, stage: string) => lines.find((l) => l.text.includes(auditId(id)) && l.text.includes(`"stage":"${stage}"`))!;
  const edit = (line: { stageMs: number; text: string }, change: (r: K8sAuditRecord) => void) => {
    const r = JSON.parse(line.text) as K8sAuditRecord;
    change(r);
    return { stageMs: line.stageMs, text: JSON.stringify(r) };
  };
  const other202 = edit(at(202, 'ResponseComplete'), (r) => {
    r.user = { username: 'system:serviceaccount:default:intruder' };
  });
  lines.splice(lines.indexOf(at(202, 'ResponseComplete')), 1, other202);
  const named204 = edit(at(204, 'ResponseComplete'), (r) => {
    r.objectRef = { ...r.objectRef!, name: 'web-0', uid: '5b3c1f0e-0000-4000-8000-000000000001' };
  });
  lines.splice(lines.indexOf(at(204, 'ResponseComplete')), 1, named204);
  // ResponseComplete logged twice, differently (two outcomes for one request): whichever order, the same one kept
  const twice = [
    { stageMs: T0 + 30_015, text: JSON.stringify(stageRecord({ auditID: auditId(203), receivedMs: T0 + 30_000 }, 'ResponseComplete', 15, { code: 200 })) },
    { stageMs: T0 + 30_015, text: JSON.stringify(stageRecord({ auditID: auditId(203), receivedMs: T0 + 30_000 }, 'ResponseComplete', 15, { code: 500 })) },
  ];
  const copies = lines.filter((l) => l.text.includes(auditId(201)));
  const all = [...lines, ...twice, ...copies].sort((a, b) => a.stageMs - b.stageMs);
  let dir: string;
  beforeAll(() => {
    dir = fresh('twice');
    writeArchive(dir, [{ name: 'audit.log', lines: all.map((l) => l.text) }]);
  });
  const window = win(T0, T0 + MINUTE);

  it.each([SortOrder.OLDEST_FIRST, SortOrder.NEWEST_FIRST])('%s: one event per auditID, copies counted as duplicates, disagreements counted and named', async (order) => {
    const { events, stats } = await collect(source(dir), window, order);
    expect(events.map((e) => e.id).sort()).toEqual([201, 202, 203, 204, 205].map((n) => auditId(n)));
    expect(stats.duplicates).toBe(2);
    expect(stats.idConflicts).toBe(2);
    const notes = stats.notes.join('\n');
    expect(notes).toContain('2 stage line(s) read twice, identical');
    expect(notes).toContain(`2 stage line(s) share an auditID with a line that says something else of the request`);
    expect(notes).toContain(auditId(202));
    expect(notes).toContain(auditId(203));
    expect(notes).not.toContain(auditId(204));
  });

  it('both orders keep the same line of each request', async () => {
    const oldest = (await collect(source(dir), window, SortOrder.OLDEST_FIRST)).events;
    const newest = (await collect(source(dir), window, SortOrder.NEWEST_FIRST)).events;
    expect(newest.map((e) => e.raw)).toEqual(oldest.map((e) => e.raw).reverse());
    const r203 = oldest.find((e) => e.id === auditId(203))!.raw as K8sAuditRecord;
    expect(r203.responseStatus?.code).toBe(500);
  });

  it('takes the request fields from the line text, or by parsing a line in another key order', () => {
    const rr = at(205, 'RequestReceived').text;
    const rc = at(205, 'ResponseComplete').text;
    expect(sameRequest(rr, rc)).toBe(true);
    expect(sameRequest(other202.text, at(202, 'RequestReceived').text)).toBe(false);
    expect(sameRequest(named204.text, at(204, 'RequestReceived').text)).toBe(true);
    const sorted = (text: string) => JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(text) as object).sort(([x], [y]) => (x < y ? -1 : 1))));
    expect(sameRequest(sorted(rr), sorted(rc))).toBe(true);
    expect(sameRequest(sorted(rr), rc)).toBe(true);
    expect(sameRequest(sorted(other202.text), sorted(at(202, 'RequestReceived').text))).toBe(false);
  });
});

describe('pruning by rotation time', () => {
  const specs: RequestSpec[] = [];
  for (let i = 0; i < 14 * 60; i++) specs.push({ auditID: auditId(i, 2), receivedMs: T0 + i * MINUTE + 1000, durationMs: 30 });
  // in flight at the 06:00 rotation
  specs.push({ auditID: auditId(5000, 2), receivedMs: T0 + 6 * HOUR - 10, durationMs: 400 });
  const rotations = [2, 4, 6, 8, 10, 12].map((h) => T0 + h * HOUR);
  let dir: string;
  beforeAll(() => {
    dir = fresh('prune');
    writeArchive(dir, rotate(linesOf(specs), rotations, (i) => i < 3));
  });

  it.each([SortOrder.OLDEST_FIRST, SortOrder.NEWEST_FIRST])('%s: a window inside one backup reads that file only', async (order) => {
    const window = win(T0 + 5 * HOUR, T0 + 5 * HOUR + 30 * MINUTE);
    const src = source(dir);
    const { events, stats } = await collect(src, window, order);
    expect(events.map((e) => e.id).sort()).toEqual(idsIn(specs, window).sort());
    expect(isOrdered(events, order)).toBe(true);
    expect(stats.partitionsRead).toBe(1);
    expect(stats.partitionsPruned).toBe(6);
    const plan = await src.plan({ window, order, filter: {}, pageSizeHint: 100 });
    expect(plan.partitions).toEqual([backupName(T0 + 6 * HOUR) + '.gz']);
    expect(plan.partitionsTotal).toBe(7);
  });

  it.each([SortOrder.OLDEST_FIRST, SortOrder.NEWEST_FIRST])('%s: a window straddling a rotation reads both files and the request across it', async (order) => {
    const window = win(T0 + 6 * HOUR - 5 * MINUTE, T0 + 6 * HOUR + 5 * MINUTE);
    const { events, stats } = await collect(source(dir), window, order);
    expect(events.map((e) => e.id).sort()).toEqual(idsIn(specs, window).sort());
    expect(isOrdered(events, order)).toBe(true);
    expect(stats.partitionsRead).toBe(2);
    const across = events.find((e) => e.id === auditId(5000, 2))!;
    expect(stageOf(across)).toBe('ResponseComplete');
  });

  it('the live file is the only one read for the last hour; newest first stops after the page', async () => {
    const window = win(T0 + 13 * HOUR, T0 + 14 * HOUR);
    const { events, stats } = await collect(source(dir), window, SortOrder.NEWEST_FIRST, 5);
    expect(events.map((e) => e.id)).toEqual(idsIn(specs, window).reverse().slice(0, 5));
    expect(stats.partitionsRead).toBe(1);
    expect(stats.partitionsPruned).toBe(6);
  });

  it('oldest first over the whole archive opens files one at a time as the consumer pulls', async () => {
    const { events, stats } = await collect(source(dir), win(T0, T0 + 14 * HOUR), SortOrder.OLDEST_FIRST, 3);
    expect(events.map((e) => e.id)).toEqual(idsIn(specs, win(T0, T0 + 14 * HOUR)).slice(0, 3));
    expect(stats.partitionsRead).toBe(1);
  });
});

describe('a large plain file', () => {
  const REQUESTS = 100_000; // 200,000 lines
  const STEP = 3_000;
  let dir: string;
  let size: number;
  beforeAll(() => {
    dir = fresh('large');
    const fd = fs.openSync(path.join(dir, 'audit.log'), 'w');
    let chunk: string[] = [];
    // compact Metadata lines, written as the backend writes them: RequestReceived then ResponseComplete
    for (let i = 0; i < REQUESTS; i++) {
      const r = T0 + i * STEP;
      const id = auditId(i, 3);
      const head = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"${id}","stage":`;
      const tail = `"requestURI":"/api/v1/namespaces/ml-production/pods","verb":"list","user":{"username":"system:serviceaccount:flyte:flytepropeller"},"sourceIPs":["10.0.1.${i % 250}"],"objectRef":{"resource":"pods","namespace":"ml-production","apiVersion":"v1"}`;
      chunk.push(`${head}"RequestReceived",${tail},"requestReceivedTimestamp":"${microTime(r)}","stageTimestamp":"${microTime(r)}"}\n`);
      chunk.push(`${head}"ResponseComplete",${tail},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"${microTime(r)}","stageTimestamp":"${microTime(r + 7)}"}\n`);
      if (chunk.length >= 20_000) {
        fs.writeSync(fd, chunk.join(''));
        chunk = [];
      }
    }
    fs.writeSync(fd, chunk.join(''));
    fs.closeSync(fd);
    size = fs.statSync(path.join(dir, 'audit.log')).size;
  });

  const expectedIds = (w: TimeWindow): string[] => {
    const ids: string[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const r = T0 + i * STEP;
      if (r >= w.from.getTime() && r < w.to.getTime()) ids.push(auditId(i, 3));
    }
    return ids;
  };

  it.each([
    ['near the end', SortOrder.NEWEST_FIRST, 0.95],
    ['near the end', SortOrder.OLDEST_FIRST, 0.95],
    ['near the start', SortOrder.OLDEST_FIRST, 0.02],
    ['in the middle', SortOrder.NEWEST_FIRST, 0.5],
  ])('a 10-minute window %s, %s, reads a small fraction of the file', async (_where, order, at) => {
    const from = T0 + Math.floor(REQUESTS * at) * STEP;
    const window = win(from, from + 10 * MINUTE);
    const { events, stats } = await collect(source(dir), window, order);
    const want = expectedIds(window);
    expect(events.map((e) => e.id)).toEqual(order === SortOrder.OLDEST_FIRST ? want : [...want].reverse());
    expect(size).toBeGreaterThan(50_000_000);
    // the window and its lookahead are ~0.3% of the file; the binary search adds a few 16 KiB probes
    expect(stats.bytesRead).toBeLessThan(size * 0.01);
    expect(stats.scanned).toBeLessThan(2_000);
  });

  it('newest first, a page of 100 from a window of a whole day reads about that page', async () => {
    const from = T0 + Math.floor(REQUESTS * 0.5) * STEP;
    const { events, stats } = await collect(source(dir), win(from, from + 24 * HOUR), SortOrder.NEWEST_FIRST, 100);
    expect(events).toHaveLength(100);
    expect(events[0].id).toBe(expectedIds(win(from, from + 24 * HOUR)).pop());
    expect(stats.bytesRead).toBeLessThan(size * 0.01);
  });
});

describe('a file re-encoded with sorted keys (jq -S): every line parsed, the binary search still right', () => {
  function sortKeys(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
    return v;
  }
  it.each([SortOrder.OLDEST_FIRST, SortOrder.NEWEST_FIRST])('%s', async (order) => {
    const dir = fresh('sorted');
    const specs: RequestSpec[] = [];
    for (let i = 0; i < 2000; i++) specs.push({ auditID: auditId(i, 15), receivedMs: T0 + i * 5_000, durationMs: 40 });
    writeArchive(dir, [{ name: 'audit.log', lines: linesOf(specs).map((l) => JSON.stringify(sortKeys(JSON.parse(l.text)))) }]);
    const window = win(T0 + HOUR, T0 + HOUR + 10 * MINUTE);
    const { events, stats } = await collect(source(dir), window, order);
    const want = idsIn(specs, window);
    expect(events.map((e) => e.id)).toEqual(order === SortOrder.OLDEST_FIRST ? want : want.reverse());
    expect(events.every((e) => stageOf(e) === 'ResponseComplete')).toBe(true);
    expect(stats.bytesRead).toBeLessThan(fs.statSync(path.join(dir, 'audit.log')).size / 3);
  });
});

describe('gzip files newest first, in bounded slices', () => {
  const specs: RequestSpec[] = [];
  for (let i = 0; i < 3000; i++) specs.push({ auditID: auditId(i, 4), receivedMs: T0 + i * 10_000, durationMs: 10 + (i % 7) });
  let dir: string;
  beforeAll(() => {
    dir = fresh('gzslices');
    writeArchive(dir, rotate(linesOf(specs), [T0 + 3000 * 10_000], () => true));
  });

  it('returns the reverse of oldest first, reading the file in several passes', async () => {
    const window = win(T0 + HOUR, T0 + 7 * HOUR);
    const small = source(dir, { gzipSliceBytes: 40_000 });
    const newest = await collect(small, window, SortOrder.NEWEST_FIRST);
    const oldest = await collect(small, window, SortOrder.OLDEST_FIRST);
    expect(oldest.events.map((e) => e.id)).toEqual(idsIn(specs, window));
    expect(newest.events.map((e) => e.id)).toEqual(oldest.events.map((e) => e.id).reverse());
    // ~4300 lines of ~480 bytes in 40 kB slices: dozens of passes, one open each
    expect(newest.stats.requests).toBeGreaterThan(20);
    expect(newest.stats.partitionsRead).toBe(1);
    expect(oldest.stats.requests).toBe(1);
  });

  it('one pass when the consumer stops within the first slice', async () => {
    const { events, stats } = await collect(source(dir, { gzipSliceBytes: 40_000 }), win(T0 + HOUR, T0 + 7 * HOUR), SortOrder.NEWEST_FIRST, 10);
    expect(events).toHaveLength(10);
    expect(stats.requests).toBe(1);
  });
});

describe('malformed lines', () => {
  it('are counted with the file and byte offset or line number, and reading goes on', async () => {
    const dir = fresh('malformed');
    const specs: RequestSpec[] = [];
    for (let i = 0; i < 20; i++) specs.push({ auditID: auditId(i, 5), receivedMs: T0 + i * MINUTE });
    const lines = linesOf(specs);
    lines.splice(6, 0, { stageMs: 0, text: '{"kind":"Event","auditID":' });
    lines.splice(30, 0, { stageMs: 0, text: 'not json at all' });
    const files = rotate(lines.map((l, i) => ({ ...l, stageMs: i < 20 ? 0 : 1 })), [0.5], () => true);
    writeArchive(dir, files.map((f, i) => (i === 0 ? { ...f, name: backupName(T0 + 10 * MINUTE) + '.gz' } : f)));
    for (const order of [SortOrder.OLDEST_FIRST, SortOrder.NEWEST_FIRST]) {
      const { events, stats } = await collect(source(dir), win(T0, T0 + HOUR), order);
      expect(events.map((e) => e.id).sort()).toEqual(specs.map((s) => s.auditID).sort());
      expect(stats.malformed).toBe(2);
      expect(stats.malformedSamples.join('\n')).toMatch(/audit-2026-03-14T00-10-00\.000\.log\.gz:7: not JSON/);
      expect(stats.malformedSamples.join('\n')).toMatch(/audit\.log@byte \d+: not JSON/);
    }
  });

  it('a kept stage line broken in the middle (read by substring, parsed when kept) is counted where it was', async () => {
    const dir = fresh('broken-middle');
    const specs: RequestSpec[] = [];
    for (let i = 0; i < 10; i++) specs.push({ auditID: auditId(i, 14), receivedMs: T0 + i * MINUTE });
    const lines = linesOf(specs);
    // the ResponseComplete of request 3: head and tail intact, the middle cut out
    const at = lines.findIndex((l) => l.text.includes(auditId(3, 14)) && l.text.includes('ResponseComplete'));
    const text = lines[at].text;
    lines[at] = { ...lines[at], text: text.slice(0, 150) + text.slice(text.indexOf('"requestReceivedTimestamp"')) };
    writeArchive(dir, [{ name: 'audit.log', lines: lines.map((l) => l.text) }]);
    for (const order of [SortOrder.OLDEST_FIRST, SortOrder.NEWEST_FIRST]) {
      const { events, stats } = await collect(source(dir), win(T0, T0 + HOUR), order);
      expect(events.map((e) => e.id).sort()).toEqual(specs.filter((_, i) => i !== 3).map((s) => s.auditID).sort());
      expect(stats.malformed).toBe(1);
      expect(stats.malformedSamples[0]).toMatch(/^audit\.log@byte \d+: not JSON/);
    }
  });

  it('a truncated gzip backup: what precedes the break is returned and the break counted', async () => {
    const dir = fresh('truncated');
    const specs: RequestSpec[] = [];
    for (let i = 0; i < 400; i++) specs.push({ auditID: auditId(i, 6), receivedMs: T0 + i * 1000 });
    const gz = zlib.gzipSync(linesOf(specs).map((l) => `${l.text}\n`).join(''));
    fs.writeFileSync(path.join(dir, backupName(T0 + HOUR) + '.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
    fs.writeFileSync(path.join(dir, 'audit.log'), '');
    const { events, stats } = await collect(source(dir), win(T0, T0 + HOUR), SortOrder.OLDEST_FIRST);
    expect(events.length).toBeGreaterThan(10);
    expect(events.length).toBeLessThan(400);
    expect(events.map((e) => e.id)).toEqual(specs.slice(0, events.length).map((s) => s.auditID));
    expect(stats.partitionsDamaged).toBe(1);
    expect(stats.damagedSamples[0]).toMatch(/\.log\.gz: truncated gzip/);
    // the line the cut went through
    expect(stats.malformed).toBe(1);
    // newest first, read forwards in slices, gives the same records
    const newest = await collect(source(dir), win(T0, T0 + HOUR), SortOrder.NEWEST_FIRST);
    expect(newest.events.map((e) => e.id)).toEqual(events.map((e) => e.id).reverse());
    expect(newest.stats.partitionsDamaged).toBe(1);
  });
});

describe('families and file names', () => {
  it('several apiservers in one folder are merged by time', async () => {
    const dir = fresh('families');
    const a: RequestSpec[] = [];
    const b: RequestSpec[] = [];
    for (let i = 0; i < 30; i++) {
      a.push({ auditID: auditId(i, 7), receivedMs: T0 + i * 60_000 });
      b.push({ auditID: auditId(i, 8), receivedMs: T0 + i * 60_000 + 30_000 });
    }
    writeArchive(path.join(dir, 'apiserver-1'), rotate(linesOf(a), [T0 + 10 * MINUTE], () => true));
    writeArchive(path.join(dir, 'apiserver-2'), rotate(linesOf(b), [T0 + 20 * MINUTE], () => false, 'kube-apiserver-audit'));
    const window = win(T0, T0 + HOUR);
    for (const order of [SortOrder.OLDEST_FIRST, SortOrder.NEWEST_FIRST]) {
      const { events } = await collect(source(dir), window, order);
      const want = [...a, ...b].sort((x, y) => x.receivedMs - y.receivedMs).map((s) => s.auditID);
      expect(events.map((e) => e.id)).toEqual(order === SortOrder.OLDEST_FIRST ? want : want.reverse());
    }
    expect((await source(dir).health()).message).toMatch(/4 audit file\(s\) in 2 log families/);
  });

  it('config path naming the live file reads it and its own backups only', async () => {
    const dir = fresh('livefile');
    const mine: RequestSpec[] = [];
    const other: RequestSpec[] = [];
    for (let i = 0; i < 10; i++) {
      mine.push({ auditID: auditId(i, 9), receivedMs: T0 + i * MINUTE });
      other.push({ auditID: auditId(i, 10), receivedMs: T0 + i * MINUTE + 1000 });
    }
    writeArchive(dir, rotate(linesOf(mine), [T0 + 5 * MINUTE], () => true));
    writeArchive(dir, rotate(linesOf(other), [T0 + 5 * MINUTE], () => true, 'other'));
    const src = k8sAuditDefinition.create(ConfigNode.of({ id: 'k', type: 'k8s-audit', mode: 'file', path: path.join(dir, 'audit.log') }, 's'), { id: 'k', mode: 'file' }, testDeps());
    const stats = newSourceStats();
    const ids: string[] = [];
    for await (const e of src.events({ window: win(T0, T0 + HOUR), order: SortOrder.OLDEST_FIRST, filter: {}, pageSizeHint: 10 }, { signal: new AbortController().signal, stats })) ids.push(e.id);
    expect(ids).toEqual(mine.map((s) => s.auditID));
    expect(src.location).toContain('audit.log and its rotated backups');
  });

  it('a backup present as .log and .log.gz (compression in progress) is read once, from the .log', async () => {
    const dir = fresh('both');
    const specs: RequestSpec[] = [];
    for (let i = 0; i < 10; i++) specs.push({ auditID: auditId(i, 11), receivedMs: T0 + i * MINUTE });
    const [backup, live] = rotate(linesOf(specs), [T0 + 5 * MINUTE], () => false);
    writeArchive(dir, [backup, live, { ...backup, name: `${backup.name}.gz`, gzip: true, lines: backup.lines.slice(0, 2) }]);
    const { events, stats } = await collect(source(dir), win(T0, T0 + HOUR), SortOrder.OLDEST_FIRST);
    expect(events.map((e) => e.id)).toEqual(specs.map((s) => s.auditID));
    expect(stats.partitionsRead).toBe(2);
  });

  it('a backup gzipped and removed after the listing is read from its .gz', async () => {
    const dir = fresh('moved');
    const specs: RequestSpec[] = [];
    for (let i = 0; i < 10; i++) specs.push({ auditID: auditId(i, 12), receivedMs: T0 + i * MINUTE });
    const [backup, live] = rotate(linesOf(specs), [T0 + 5 * MINUTE], () => false);
    writeArchive(dir, [backup, live]);
    const families = await scanLocation({ root: dir }, 'k', newSourceStats(), 'empty');
    writeArchive(dir, [{ ...backup, name: `${backup.name}.gz`, gzip: true }]);
    fs.unlinkSync(path.join(dir, backup.name));
    const stats = newSourceStats();
    const ids: string[] = [];
    const ctx = { sourceId: 'k', stats, signal: new AbortController().signal };
    for await (const e of readEvents(families, win(T0, T0 + HOUR), SortOrder.NEWEST_FIRST, { sourceId: 'k' }, DEFAULT_READ_OPTIONS, ctx)) ids.push(e.id);
    expect(ids).toEqual(specs.map((s) => s.auditID).reverse());
  });
});

describe('errors, health and config', () => {
  it('a folder removed after start-up is NOT_FOUND, and unhealthy', async () => {
    const dir = fresh('gone');
    const src = source(dir);
    rmDir(dir);
    await expect(collect(src, win(T0, T0 + HOUR), SortOrder.OLDEST_FIRST)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(collect(src, win(T0, T0 + HOUR), SortOrder.OLDEST_FIRST)).rejects.toBeInstanceOf(SourceError);
    expect((await src.health()).ok).toBe(false);
  });

  it('a folder without audit files is unhealthy', async () => {
    const dir = fresh('empty');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'hello');
    const h = await source(dir).health();
    expect(h.ok).toBe(false);
    expect(h.message).toMatch(/no audit log files/);
  });

  it('rejects a missing path and unknown keys, naming the key', () => {
    const make = (raw: Record<string, unknown>) => () => k8sAuditDefinition.create(ConfigNode.of({ id: 'k', type: 'k8s-audit', mode: 'file', ...raw }, 'sources[2]'), { id: 'k', mode: 'file' }, testDeps());
    expect(make({ path: '/nonexistent/audit' })).toThrow(ConfigError);
    expect(make({ path: '/nonexistent/audit' })).toThrow(/sources\[2\]\.path/);
    expect(make({ path: fresh('cfg'), timeField: 'stageTimestamp' })).toThrow(/sources\[2\]\.timeField: unknown key/);
    expect(make({})).toThrow(/sources\[2\]\.path/);
  });

  it('an abort mid-read stops with ABORTED', async () => {
    const dir = fresh('abort');
    const specs: RequestSpec[] = [];
    for (let i = 0; i < 50; i++) specs.push({ auditID: auditId(i, 13), receivedMs: T0 + i * MINUTE });
    writeArchive(dir, rotate(linesOf(specs), [T0 + 20 * MINUTE], () => true));
    const controller = new AbortController();
    const stats = newSourceStats();
    const it = source(dir).events({ window: win(T0, T0 + HOUR), order: SortOrder.OLDEST_FIRST, filter: {}, pageSizeHint: 5 }, { signal: controller.signal, stats })[Symbol.asyncIterator]();
    await it.next();
    controller.abort();
    await expect(it.next()).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
