import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigNode } from '../../src/config/fields';
import { SortOrder, type EventFilter, type Source, type SourceStatus } from '../../src/domain';
import { QueryEngine, type EventsRequest } from '../../src/query/engine';
import { fileCache } from '../../src/query/file-cache';
import { ScanParking } from '../../src/query/resume';
import { oktaDefinition } from '../../src/sources/okta';
import { testDeps } from '../helpers/deps';
import { archiveSource, rec, writeTrailFile } from '../sources/cloudtrail/archive-fixture';
import { ciBotIdentity, ssoIdentity } from '../sources/cloudtrail/records';
import { ALICE, BOB, logEvent } from '../sources/okta/fixtures';
import { azureActivityDefinition } from '../../src/sources/azure-activity';
import { DEPLOYER_SP, exportPath, restEvent, servicePrincipalClaims, toExport } from '../sources/azure-activity/fixtures';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));
const tmp = () => {
  const r = fs.mkdtempSync(path.join(os.tmpdir(), 'file-cache-'));
  roots.push(r);
  return r;
};

const window = { from: new Date('2026-03-14T09:00:00Z'), to: new Date('2026-03-14T10:00:00Z') };
const LATER = () => new Date('2026-04-01T00:00:00Z');
const engine = (source: Source, cache = fileCache(1e8)) => new QueryEngine([source], { cursorSecret: 'file-cache-test', now: LATER, fileCache: cache, parking: new ScanParking({ max: 0, ttlMs: 1 }) });

async function all(eng: QueryEngine, req: Omit<EventsRequest, 'after'>): Promise<{ ids: string[]; statuses: SourceStatus[] }> {
  const ids: string[] = [];
  const statuses: SourceStatus[] = [];
  let after: string | undefined;
  do {
    const page = await eng.events({ ...req, after });
    ids.push(...page.edges.map((e) => e.event.id));
    statuses.push(page.statuses[0]);
    after = page.hasNextPage ? page.endCursor : undefined;
  } while (after);
  return { ids, statuses };
}

const sum = (statuses: SourceStatus[], f: (s: SourceStatus) => number) => statuses.reduce((n, s) => n + f(s), 0);
/** what a status says about the data, as opposed to how it was read */
const described = (s: SourceStatus) => ({ state: s.state, scanned: s.eventsScanned, matched: s.eventsMatched, malformed: s.malformed, damaged: s.partitionsDamaged, ignored: s.partitionsIgnored });

/** A trail of 6 files, a damaged one among them, and an Okta export of one day with a broken line. */
function trail(): Source {
  const root = tmp();
  for (let f = 0; f < 6; f++) {
    const records = Array.from({ length: 8 }, (_, i) => ({ ...rec(`t${f}-${i}`, `2026-03-14T09:${String(f * 9 + i).padStart(2, '0')}:00Z`), userIdentity: i % 3 === 0 ? ssoIdentity() : ciBotIdentity() }));
    const rel = writeTrailFile(root, { delivered: `2026-03-14T09:${String(f * 9 + 8).padStart(2, '0')}Z`, records });
    // the last file cut short: every record before the cut is read, and the file is counted damaged
    if (f === 5) {
      const gz = fs.readFileSync(path.join(root, rel));
      fs.writeFileSync(path.join(root, rel), gz.subarray(0, gz.length - 40));
    }
  }
  return archiveSource(root);
}

function okta(): { source: Source; root: string } {
  const root = tmp();
  const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify(logEvent({ uuid: `o${i}`, published: `2026-03-14T09:${String(i * 2).padStart(2, '0')}:00.000Z`, eventType: 'user.session.start', actor: i % 2 ? ALICE : BOB })));
  lines.splice(7, 0, '{"broken": ');
  fs.writeFileSync(path.join(root, 'system-log-2026-03-14.ndjson'), lines.join('\n') + '\n');
  const source = oktaDefinition.create(ConfigNode.of({ id: 'okta', type: 'okta', mode: 'archive', path: root }, 'sources[0]'), { id: 'okta', mode: 'archive' }, testDeps());
  return { source, root };
}

/** Two hours of Azure activity-log exports, a broken line in the first. */
function azure(): Source {
  const root = tmp();
  for (const hour of ['2026-03-14T09:00:00Z', '2026-03-14T10:00:00Z']) {
    const file = path.join(root, exportPath(new Date(hour)));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const lines = Array.from({ length: 10 }, (_, i) => {
      const at = new Date(Date.parse(hour) + i * 5 * 60_000 + 30_000).toISOString().replace('Z', '0000Z');
      const base = toExport(restEvent({ eventDataId: `${hour}-${i}`, eventTimestamp: at, correlationId: `c0ffee00-0000-4000-8000-${String(i).padStart(12, '0')}` }));
      return JSON.stringify(i % 2 ? base : { ...base, identity: { ...(base.identity as object), claims: servicePrincipalClaims(DEPLOYER_SP.oid, DEPLOYER_SP.appId) } });
    });
    if (hour.startsWith('2026-03-14T09')) lines.splice(3, 0, '{"time": ');
    fs.writeFileSync(file, lines.join('\n') + '\n');
  }
  return azureActivityDefinition.create(ConfigNode.of({ id: 'azure', type: 'azure-activity', mode: 'archive', path: root }, 'sources[0]'), { id: 'azure', mode: 'archive' }, testDeps());
}

describe('the decoded-file cache of the archive sources', () => {
  it('answers the same, page for page, with the cache cold, warm and absent, and says the warm files were not read (property)', async () => {
    const sources = { trail: trail(), okta: okta().source, azure: azure() };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('trail' as const, 'okta' as const, 'azure' as const),
        fc.constantFrom(SortOrder.OLDEST_FIRST, SortOrder.NEWEST_FIRST),
        fc.integer({ min: 1, max: 50 }),
        fc.constantFrom<EventFilter | undefined>(undefined, { identity: ['alice@example.com'] }, { identity: ['nobody@example.com'] }),
        async (which, order, first, filter) => {
          const source = sources[which];
          const req = { window, order, first, filter };
          const cached = engine(source);
          const cold = await all(cached, req);
          const warm = await all(cached, req);
          const none = await all(new QueryEngine([source], { cursorSecret: 'file-cache-test', now: LATER, parking: new ScanParking({ max: 0, ttlMs: 1 }) }), req);
          expect(cold.ids).toEqual(none.ids);
          expect(warm.ids).toEqual(none.ids);
          // what the data holds is said alike; only how it was read differs
          expect(warm.statuses.map(described)).toEqual(cold.statuses.map(described));
          // (how many files a page touches may differ from a read without the cache: the prefilter hands the sort
          // buffer fewer events, which it releases later; the answer is the same, as checked above)
          expect(sum(warm.statuses, (s) => s.bytesRead)).toBe(0);
          expect(sum(warm.statuses, (s) => s.partitionsRead)).toBe(0);
          // every file a page touches is read or served: each once read, on the cold run, and served ever after
          expect(sum(warm.statuses, (s) => s.cacheHits)).toBe(sum(cold.statuses, (s) => s.partitionsRead + s.cacheHits));
          expect(sum(cold.statuses, (s) => s.partitionsRead)).toBeLessThanOrEqual({ trail: 6, okta: 1, azure: 2 }[which]);
          // the damaged file and the broken line are said on every page that touches them, served or read
          if (which === 'trail') expect(sum(warm.statuses, (s) => s.partitionsDamaged)).toBe(sum(cold.statuses, (s) => s.partitionsDamaged));
          else if (which === 'okta') expect(warm.statuses.every((s) => s.malformed === 1)).toBe(true);
          else expect(sum(warm.statuses, (s) => s.malformed)).toBe(sum(cold.statuses, (s) => s.malformed));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('reads a file again when it changed (size or modification time), and shows what it holds now', async () => {
    const { source, root } = okta();
    const eng = engine(source);
    const req = { window, order: SortOrder.OLDEST_FIRST, first: 100 };
    const before = await eng.events(req);
    const file = path.join(root, 'system-log-2026-03-14.ndjson');
    fs.appendFileSync(file, JSON.stringify(logEvent({ uuid: 'late', published: '2026-03-14T09:59:00.000Z', eventType: 'user.session.end' })) + '\n');
    const after = await eng.events(req);
    expect(after.edges.map((e) => e.event.id)).toEqual([...before.edges.map((e) => e.event.id), 'late']);
    expect(after.statuses[0].cacheHits).toBe(0);
    expect(after.statuses[0].partitionsRead).toBe(1);
    const again = await eng.events(req);
    expect(again.statuses[0].cacheHits).toBe(1);
  });

  it('keeps saying an archive holds no export when its only file is not one, cold or warm', async () => {
    const root = tmp();
    fs.writeFileSync(path.join(root, 'system-log-2026-03-14.json'), '<html>sign in</html>');
    const source = oktaDefinition.create(ConfigNode.of({ id: 'okta', type: 'okta', mode: 'archive', path: root }, 'sources[0]'), { id: 'okta', mode: 'archive' }, testDeps());
    const eng = engine(source);
    const req = { window, order: SortOrder.OLDEST_FIRST, first: 10 };
    const cold = await eng.events(req);
    const warm = await eng.events(req);
    expect(cold.statuses[0].state).toBe('EMPTY');
    expect(warm.statuses[0].state).toBe('EMPTY');
    expect(warm.statuses[0].partitionsIgnored).toBe(1);
  });

  it('keeps nothing when it has no room, and every file is read each time', async () => {
    const eng = engine(trail(), fileCache(1000));
    const req = { window, order: SortOrder.OLDEST_FIRST, first: 100 };
    await eng.events(req);
    const again = await eng.events(req);
    expect(again.statuses[0].cacheHits).toBe(0);
    expect(again.statuses[0].partitionsRead).toBe(6);
  });

  it('is not used for a file larger than it keeps, nor without a cache: the prefilter still skips what cannot match', async () => {
    const eng = new QueryEngine([trail()], { cursorSecret: 'file-cache-test', now: LATER });
    const page = await eng.events({ window, order: SortOrder.OLDEST_FIRST, first: 100, filter: { identity: ['alice@example.com'] } });
    expect(page.statuses[0].prefiltered).toBeGreaterThan(0);
    expect(page.statuses[0].cacheHits).toBe(0);
  });
});

