import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigNode } from '../../../src/config/fields';
import { SortOrder, SourceState } from '../../../src/domain';
import { QueryEngine } from '../../../src/query/engine';
import { k8sAuditDefinition } from '../../../src/sources/k8s-audit';
import { testDeps } from '../../helpers/deps';
import { HOUR, T0, auditId, rmDir, stageRecord, tmpDir } from './fixtures';

/**
 * A plain live file, one request every 5 s for 4 hours, and one line whose time is out of order: the binary
 * search and the reader both lean on the file being in time order, and one line must not cost half a window.
 */
const STEP = 5_000;
const COUNT = (4 * HOUR) / STEP;

function lineAt(n: number, receivedMs: number): string {
  return JSON.stringify(stageRecord({ auditID: auditId(n, 7), receivedMs }, 'ResponseComplete', 12));
}

/**
 * Writes the file with the odd line (dated `oddMs`) where the first probe of the search lands (the first line
 * starting at or after the middle byte) or, with `at`, after the line of that index.
 */
function writeLog(dir: string, oddMs: number, at: 'probe' | number): void {
  const lines = Array.from({ length: COUNT }, (_, i) => lineAt(i + 1, T0 + i * STEP));
  const odd = lineAt(999_999, oddMs);
  let index = typeof at === 'number' ? at : -1;
  if (at === 'probe') {
    for (let k = COUNT / 2 - 50; k < COUNT / 2 + 50 && index < 0; k++) {
      const withOdd = [...lines.slice(0, k), odd, ...lines.slice(k)];
      const size = withOdd.reduce((s, l) => s + Buffer.byteLength(l) + 1, 0);
      const mid = Math.floor(size / 2);
      let offset = 0;
      for (let i = 0; i < withOdd.length; i++) {
        if (offset >= mid) {
          if (i === k) index = k;
          break;
        }
        offset += Buffer.byteLength(withOdd[i]) + 1;
      }
    }
    expect(index).toBeGreaterThan(0);
  }
  const all = [...lines.slice(0, index), odd, ...lines.slice(index)];
  fs.writeFileSync(path.join(dir, 'audit.log'), all.map((l) => `${l}\n`).join(''));
}

async function answer(dir: string, from: number, to: number, order: SortOrder) {
  const source = k8sAuditDefinition.create(ConfigNode.of({ id: 'prod-audit', type: 'k8s-audit', mode: 'file', path: dir }, 'sources[0]'), { id: 'prod-audit', mode: 'file' }, testDeps());
  const engine = new QueryEngine([source], { cursorSecret: 'order-faults-secret-0123456789abcdef' });
  const ids: string[] = [];
  const messages: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await engine.events({ window: { from: new Date(from), to: new Date(to) }, order, first: 1000, after });
    ids.push(...page.edges.map((e) => e.event.id));
    expect(page.statuses[0].state).toBe(SourceState.OK);
    messages.push(page.statuses[0].message ?? '');
    if (!page.hasNextPage) break;
    after = page.endCursor;
  }
  // the first page reads the whole span the window needs before it is full
  return { ids, status: { state: SourceState.OK, message: messages.join(' || ') } };
}

function expected(from: number, to: number, order: SortOrder): string[] {
  const ids: string[] = [];
  for (let i = 0; i < COUNT; i++) if (T0 + i * STEP >= from && T0 + i * STEP < to) ids.push(auditId(i + 1, 7));
  return order === SortOrder.OLDEST_FIRST ? ids : ids.reverse();
}

const cases: { name: string; odd: number; at: 'probe' | number; from: number; to: number; implausible: boolean }[] = [
  // the first probe reads 1970: the search takes everything before the middle to be before the window
  { name: 'a line dated 1970 where the search probes', odd: Date.UTC(1970, 0, 1), at: 'probe', from: T0 + HOUR / 2, to: T0 + HOUR + HOUR / 2, implausible: true },
  // the first probe reads 9999: everything after the middle looks after the window; reading forwards stops at it
  { name: 'a line dated 9999 where the search probes', odd: Date.UTC(9999, 11, 31), at: 'probe', from: T0 + 2 * HOUR + HOUR / 2, to: T0 + 3 * HOUR + HOUR / 2, implausible: true },
  // the clock jumped back an hour for one line, in the middle of the window: reading backwards stops at it
  { name: 'a clock jump one hour back inside the window', odd: T0 - HOUR, at: COUNT / 2, from: T0 + HOUR, to: T0 + 3 * HOUR, implausible: false },
  // and two hours ahead: reading forwards stops at it
  { name: 'a clock jump two hours ahead inside the window', odd: T0 + 4 * HOUR, at: COUNT / 2, from: T0 + HOUR, to: T0 + 3 * HOUR, implausible: false },
];

describe('k8s-audit file: a line out of time order', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(rmDir));

  it.each(cases)('$name costs nothing of the window, in both orders, and is counted', async (c) => {
    const dir = tmpDir('order');
    dirs.push(dir);
    writeLog(dir, c.odd, c.at);
    for (const order of [SortOrder.OLDEST_FIRST, SortOrder.NEWEST_FIRST]) {
      const { ids, status } = await answer(dir, c.from, c.to, order);
      const want = expected(c.from, c.to, order);
      expect({ order, missing: want.filter((id) => !ids.includes(id)).length }).toEqual({ order, missing: 0 });
      expect(ids).toEqual(want);
      expect(status.state).toBe(SourceState.OK);
      if (c.implausible) expect(status.message).toMatch(/1 record\(s\) or line\(s\) with an implausible time/);
    }
    // a window that holds the odd line's neighbours notes it as out of order in both orders
    for (const order of [SortOrder.OLDEST_FIRST, SortOrder.NEWEST_FIRST]) {
      const { status } = await answer(dir, T0, T0 + 4 * HOUR, order);
      expect(status.message).toMatch(/1 line\(s\) out of time order/);
      expect(status.message).toContain('audit.log@byte');
    }
  });
});
