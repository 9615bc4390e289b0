import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { SortOrder, SourceState, type AuditEvent, type Source, type SourceStatus, type TimeWindow } from '../../src/domain';
import { QueryEngine } from '../../src/query/engine';

/** One record as written in a partition: the text it was written as (before any gzip) and its key. */
export interface ArchiveRecord {
  /** what `keyOf` gives for every event that comes from this record */
  key: string;
  /** the record's exact text in the file (a line, or an element of a JSON array) */
  text: string;
}

export interface ArchivePartition {
  /** path relative to the root given to `write` */
  rel: string;
  records: ArchiveRecord[];
  gzip: boolean;
}

/** What an archive source's test gives the fault matrix. */
export interface ArchiveFaultFixture {
  /** the source over an archive root; `extra` is merged into its config entry */
  source(root: string, extra?: Record<string, unknown>): Source;
  /**
   * Writes a healthy archive: at least three partitions of several records each, the last one alone in its
   * folder (the folder cases move that folder). `gzip` asks for compressed partitions where the layout allows.
   */
  write(root: string, gzip: boolean): ArchivePartition[];
  /** which record an event came from */
  keyOf(event: AuditEvent): string;
  /** covers every record `write` writes */
  window: TimeWindow;
  /** files placed where the reader looks, which it must report as not recognized */
  unrecognized: { rel: string; text: string }[];
  /** a folder (relative to root) where the reader descends whatever its name: a link to the root is put there */
  loopAt: string;
  /** the smallest root the source accepts (its fixed top folders), holding nothing it recognizes */
  skeleton(root: string): void;
  /** writes one more partition holding one record of about `bytes`, inside the window; returns its key */
  huge(root: string, bytes: number): string;
}

const ORDERS = [SortOrder.OLDEST_FIRST, SortOrder.NEWEST_FIRST];
const FAILED_STATES: string[] = [SourceState.FAILED, SourceState.TIMED_OUT, SourceState.THROTTLED];
const SECRET = 'archive-fault-matrix-secret-0123456789';
const RUN_AS_ROOT = process.getuid?.() === 0;

interface Answer {
  events: AuditEvent[];
  status: SourceStatus;
}

async function ask(source: Source, window: TimeWindow, order: SortOrder): Promise<Answer> {
  const engine = new QueryEngine([source], { cursorSecret: SECRET, deadlineMs: 25_000, now: () => new Date(window.to.getTime() + 3_600_000) });
  const page = await engine.events({ window: { from: window.from, to: window.to }, order, first: 1000 });
  expect(page.hasNextPage).toBe(false);
  return { events: page.edges.map((e) => e.event), status: page.statuses[0] };
}

function byKey(events: AuditEvent[], keyOf: (e: AuditEvent) => string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of events) {
    const k = keyOf(e);
    out.set(k, [...(out.get(k) ?? []), e.id].sort());
  }
  return out;
}

function inOrder(events: AuditEvent[], order: SortOrder): boolean {
  for (let i = 1; i < events.length; i++) {
    const d = events[i].time.getTime() - events[i - 1].time.getTime();
    if (order === SortOrder.OLDEST_FIRST ? d < 0 : d > 0) return false;
  }
  return true;
}

/** Counters the status must show, read leniently so that a missing field fails as a number mismatch. */
const count = (status: SourceStatus, field: string): number => Number((status as unknown as Record<string, unknown>)[field] ?? 0);

/**
 * Damaged and unusual archives, per archive source: every valid record is returned, or the status accounts for
 * it (the file it sat in is named as damaged, unreadable or not recognized), in both orders; nothing fails the
 * whole source; links are followed without looping.
 */
export function defineArchiveFaults(name: string, fx: ArchiveFaultFixture): void {
  describe(`archive faults: ${name}`, () => {
    const temps: string[] = [];
    afterAll(() => {
      for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
    });
    const temp = (label: string) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `faults-${label}-`));
      temps.push(dir);
      return dir;
    };

    /** What the healthy archive answers, record by record (the oracle for every case). */
    let baseline: Map<string, string[]>;
    beforeAll(async () => {
      const root = temp('baseline');
      const partitions = fx.write(root, true);
      expect(partitions.length).toBeGreaterThanOrEqual(3);
      const last = path.posix.dirname(partitions[partitions.length - 1].rel);
      expect(partitions.slice(0, -1).every((p) => !p.rel.startsWith(`${last}/`))).toBe(true);
      const { events, status } = await ask(fx.source(root), fx.window, SortOrder.OLDEST_FIRST);
      expect(status.state).toBe(SourceState.OK);
      baseline = byKey(events, fx.keyOf);
      const keys = partitions.flatMap((p) => p.records.map((r) => r.key));
      expect([...baseline.keys()].sort()).toEqual([...new Set(keys)].sort());
      // the same archive written plain holds the same records
      const plain = temp('baseline-plain');
      fx.write(plain, false);
      const again = await ask(fx.source(plain), fx.window, SortOrder.NEWEST_FIRST);
      expect(byKey(again.events, fx.keyOf)).toEqual(baseline);
    });

    /**
     * Runs both orders and checks: every record in `kept` returned with all its events, none of `lost`; the
     * events in order; the source not failed; then `accounted(status)` for what it must say.
     */
    async function expectAnswer(source: Source, kept: Set<string>, lost: Set<string>, accounted: (status: SourceStatus) => void): Promise<void> {
      for (const order of ORDERS) {
        const { events, status } = await ask(source, fx.window, order);
        const got = byKey(events, fx.keyOf);
        const missing = [...kept].filter((k) => JSON.stringify(got.get(k)) !== JSON.stringify(baseline.get(k)));
        expect({ order, missing }).toEqual({ order, missing: [] });
        expect({ order, extra: [...lost].filter((k) => got.has(k)) }).toEqual({ order, extra: [] });
        expect(inOrder(events, order)).toBe(true);
        expect(FAILED_STATES).not.toContain(status.state);
        accounted(status);
      }
    }

    const allKeys = (partitions: ArchivePartition[], except?: ArchivePartition) => new Set(partitions.filter((p) => p !== except).flatMap((p) => p.records.map((r) => r.key)));
    const names = (status: SourceStatus, rel: string) => expect(status.message ?? '').toContain(path.posix.basename(rel));

    it('a truncated gzip partition yields every record before the cut, and is counted as damaged', async () => {
      const probe = fx.write(temp('probe'), true);
      for (let i = 0; i < probe.length; i++) {
        if (!probe[i].gzip) continue;
        const root = temp('truncated');
        const partitions = fx.write(root, true);
        const target = partitions[i];
        const file = path.join(root, target.rel);
        const gz = fs.readFileSync(file);
        const cut = gz.subarray(0, Math.floor(gz.length * 0.6));
        fs.writeFileSync(file, cut);
        const prefix = zlib.gunzipSync(cut, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString('utf8');
        const kept = allKeys(partitions, target);
        const lost = new Set<string>();
        for (const r of target.records) (prefix.includes(r.text) ? kept : lost).add(r.key);
        expect(lost.size).toBeGreaterThan(0);
        expect(kept.size).toBeGreaterThan(allKeys(partitions, target).size);
        await expectAnswer(fx.source(root), kept, lost, (status) => {
          expect(count(status, 'partitionsDamaged')).toBe(1);
          names(status, target.rel);
        });
      }
    });

    it('a gzip partition with garbage appended yields all its records, and is counted as damaged', async () => {
      const root = temp('garbage-gz');
      const partitions = fx.write(root, true);
      const target = partitions.find((p) => p.gzip)!;
      fs.appendFileSync(path.join(root, target.rel), Buffer.from('this is not gzip data\n'));
      await expectAnswer(fx.source(root), allKeys(partitions), new Set(), (status) => {
        expect(count(status, 'partitionsDamaged')).toBe(1);
        names(status, target.rel);
      });
    });

    it('a plain partition cut inside a record yields every whole record before the cut', async () => {
      const probe = fx.write(temp('probe-plain'), false);
      for (let i = 0; i < probe.length; i++) {
        const root = temp('cut-plain');
        const partitions = fx.write(root, false);
        const target = partitions[i];
        const file = path.join(root, target.rel);
        const text = fs.readFileSync(file, 'utf8');
        // cut in the middle of the record that holds 60% of the file
        const mid = target.records.find((r) => text.indexOf(r.text) + r.text.length > text.length * 0.6) ?? target.records[target.records.length - 1];
        const at = text.indexOf(mid.text) + Math.floor(mid.text.length / 2);
        const prefix = text.slice(0, at);
        fs.writeFileSync(file, prefix);
        const kept = allKeys(partitions, target);
        const lost = new Set<string>();
        for (const r of target.records) (prefix.includes(r.text) ? kept : lost).add(r.key);
        expect(lost.has(mid.key)).toBe(true);
        await expectAnswer(fx.source(root), kept, lost, (status) => {
          expect(count(status, 'partitionsDamaged') + status.malformed).toBeGreaterThanOrEqual(1);
          names(status, target.rel);
        });
      }
    });

    it('a plain partition with garbage appended yields all its records', async () => {
      const probe = fx.write(temp('probe-garbage'), false);
      for (let i = 0; i < probe.length; i++) {
        const root = temp('garbage-plain');
        const partitions = fx.write(root, false);
        fs.appendFileSync(path.join(root, partitions[i].rel), '\n}]} trailing garbage {"\n');
        await expectAnswer(fx.source(root), allKeys(partitions), new Set(), (status) => {
          expect(count(status, 'partitionsDamaged') + status.malformed).toBeGreaterThanOrEqual(1);
          names(status, partitions[i].rel);
        });
      }
    });

    it('one corrupt partition among good ones costs only its own records', async () => {
      const root = temp('corrupt');
      const partitions = fx.write(root, true);
      const target = partitions[1];
      // a gzip header followed by bytes that are no deflate stream
      fs.writeFileSync(path.join(root, target.rel), Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), Buffer.alloc(300, 0xff)]));
      await expectAnswer(fx.source(root), allKeys(partitions, target), allKeys([target]), (status) => {
        expect(status.state).not.toBe(SourceState.FAILED);
        expect(count(status, 'partitionsDamaged')).toBe(1);
        names(status, target.rel);
      });
    });

    it('an unreadable partition (a link whose target is gone) is reported, the rest is read', async () => {
      const root = temp('unreadable-file');
      const partitions = fx.write(root, true);
      const target = partitions[1];
      const file = path.join(root, target.rel);
      fs.rmSync(file);
      fs.symlinkSync(path.join(temp('gone'), 'missing.json'), file);
      await expectAnswer(fx.source(root), allKeys(partitions, target), allKeys([target]), (status) => {
        expect(status.state).toBe(SourceState.PARTIAL);
        expect(count(status, 'partitionsUnreadable')).toBe(1);
        names(status, target.rel);
      });
    });

    (RUN_AS_ROOT ? it.skip : it)('an unreadable partition (no read permission) is reported, the rest is read', async () => {
      const root = temp('unreadable-mode');
      const partitions = fx.write(root, true);
      const target = partitions[1];
      fs.chmodSync(path.join(root, target.rel), 0o000);
      await expectAnswer(fx.source(root), allKeys(partitions, target), allKeys([target]), (status) => {
        expect(status.state).toBe(SourceState.PARTIAL);
        expect(count(status, 'partitionsUnreadable')).toBe(1);
        names(status, target.rel);
      });
    });

    it('an unreadable folder is reported, the rest is read', async () => {
      const root = temp('unreadable-dir');
      const partitions = fx.write(root, true);
      const target = partitions[partitions.length - 1];
      const dir = path.join(root, path.dirname(target.rel));
      fs.rmSync(dir, { recursive: true });
      fs.symlinkSync(path.join(temp('gone-dir'), 'missing'), dir);
      await expectAnswer(fx.source(root), allKeys(partitions, target), allKeys([target]), (status) => {
        expect(status.state).toBe(SourceState.PARTIAL);
        expect(count(status, 'partitionsUnreadable')).toBe(1);
        names(status, path.dirname(target.rel));
      });
      if (!RUN_AS_ROOT) {
        fs.rmSync(dir);
        fs.mkdirSync(dir, { mode: 0o000 });
        await expectAnswer(fx.source(root), allKeys(partitions, target), allKeys([target]), (status) => {
          expect(count(status, 'partitionsUnreadable')).toBe(1);
        });
        fs.chmodSync(dir, 0o755);
      }
    });

    it('follows a symlinked partition file', async () => {
      const root = temp('link-file');
      const partitions = fx.write(root, true);
      const outside = temp('outside-file');
      for (const target of [partitions[0], partitions[1]]) {
        const file = path.join(root, target.rel);
        const moved = path.join(outside, `${target.rel.replace(/\//g, '_')}`);
        fs.renameSync(file, moved);
        fs.symlinkSync(moved, file);
      }
      await expectAnswer(fx.source(root), allKeys(partitions), new Set(), (status) => {
        expect(count(status, 'partitionsDamaged') + count(status, 'partitionsUnreadable') + count(status, 'partitionsIgnored')).toBe(0);
      });
    });

    it('follows a symlinked folder, and a link back to the root does not loop or read anything twice', async () => {
      const root = temp('link-dir');
      const partitions = fx.write(root, true);
      const target = partitions[partitions.length - 1];
      const dir = path.join(root, path.dirname(target.rel));
      const moved = path.join(temp('outside-dir'), 'moved');
      fs.renameSync(dir, moved);
      fs.symlinkSync(moved, dir);
      const loop = path.join(root, fx.loopAt);
      fs.mkdirSync(path.dirname(loop), { recursive: true });
      fs.symlinkSync(root, loop);
      await expectAnswer(fx.source(root), allKeys(partitions), new Set(), (status) => {
        expect(count(status, 'partitionsDamaged') + count(status, 'partitionsUnreadable')).toBe(0);
      });
    });

    it('counts and names the files it does not recognize', async () => {
      const root = temp('unrecognized');
      const partitions = fx.write(root, true);
      for (const u of fx.unrecognized) {
        fs.mkdirSync(path.dirname(path.join(root, u.rel)), { recursive: true });
        fs.writeFileSync(path.join(root, u.rel), u.text);
      }
      await expectAnswer(fx.source(root), allKeys(partitions), new Set(), (status) => {
        expect(count(status, 'partitionsIgnored')).toBe(fx.unrecognized.length);
        for (const u of fx.unrecognized) names(status, u.rel);
        expect(status.state).toBe(SourceState.OK);
      });
    });

    it('a root holding nothing it recognizes is EMPTY, and health says the same', async () => {
      const root = temp('empty');
      fx.skeleton(root);
      for (const u of fx.unrecognized) {
        fs.mkdirSync(path.dirname(path.join(root, u.rel)), { recursive: true });
        fs.writeFileSync(path.join(root, u.rel), u.text);
      }
      const source = fx.source(root);
      const health = await source.health();
      expect(health.ok).toBe(false);
      for (const order of ORDERS) {
        const { events, status } = await ask(source, fx.window, order);
        expect(events).toEqual([]);
        expect(status.state).toBe(SourceState.EMPTY);
        expect(status.message ?? '').toContain(health.message);
        expect(count(status, 'partitionsIgnored')).toBe(fx.unrecognized.length);
      }
    });

    it('a record larger than maxRawBytes is returned with its raw cut and marked, and counted', async () => {
      const root = temp('huge');
      const partitions = fx.write(root, false);
      const key = fx.huge(root, 3 * 1024 * 1024);
      const source = fx.source(root, { maxRawBytes: 64 * 1024 });
      for (const order of ORDERS) {
        const { events, status } = await ask(source, fx.window, order);
        const got = byKey(events, fx.keyOf);
        for (const k of allKeys(partitions)) expect(got.get(k)).toEqual(baseline.get(k));
        const huge = events.filter((e) => fx.keyOf(e) === key);
        expect(huge.length).toBeGreaterThan(0);
        for (const e of huge) {
          const raw = e.raw as Record<string, unknown>;
          expect(raw.truncated).toEqual({ bytes: expect.any(Number), limitBytes: 64 * 1024 });
          expect((raw.truncated as { bytes: number }).bytes).toBeGreaterThan(3 * 1024 * 1024 - 1024);
          expect(String(raw.head).length).toBeLessThanOrEqual(64 * 1024);
          expect(JSON.stringify(raw).length).toBeLessThan(70 * 1024);
        }
        expect(count(status, 'rawTruncated')).toBe(huge.length);
        // the normal-sized ones keep their raw whole
        for (const e of events.filter((x) => fx.keyOf(x) !== key)) expect((e.raw as Record<string, unknown>).truncated).toBeUndefined();
      }
    });
  });
}

/** Deterministic hex that gzip cannot squeeze, so that a cut at 60% of a gzip file lands among its records. */
export function noise(seed: string, length = 96): string {
  let h = 2166136261;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  let out = '';
  while (out.length < length) {
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

/** Writes `text` to `root/rel` (gzipped when asked), making its folders. */
export function writePartition(root: string, rel: string, text: string, gzip: boolean): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, gzip ? zlib.gzipSync(text) : text);
}
