import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { ConfigNode } from '../../src/config/fields';
import { SortOrder, type Source } from '../../src/domain';
import { QueryEngine, type EventsRequest } from '../../src/query/engine';
import { oktaDefinition } from '../../src/sources/okta';
import { testDeps } from '../helpers/deps';
import { archiveSource as trailArchive, rec, writeTrailFile } from '../sources/cloudtrail/archive-fixture';
import { logEvent } from '../sources/okta/fixtures';

/**
 * The page-size property end to end, through real archive sources over files generated per case: an Okta export
 * folder (a day file and a re-run undated export) and a CloudTrail S3 layout (a record delivered again in a later
 * file, as CloudTrail's at-least-once delivery does). Records are generated with copies, id collisions and many
 * records in the same millisecond (Okta) or second (CloudTrail's eventTime has no fraction).
 */

const T0 = Date.parse('2026-03-14T09:00:00Z');
const window = { from: new Date(T0), to: new Date(T0 + 3_600_000) };

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));
function tempRoot(prefix: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  roots.push(root);
  return root;
}

interface Spec {
  /** offset from T0 in ms (Okta) or seconds (CloudTrail) */
  at: number;
  id: number;
  variant: number;
}

const spec = fc.record({ at: fc.integer({ min: 0, max: 6 }), id: fc.integer({ min: 0, max: 15 }), variant: fc.integer({ min: 0, max: 1 }) });
const archive = fc.record({
  first: fc.array(spec, { minLength: 1, maxLength: 40 }),
  // the re-run export / the later delivery: copies of some records, and other records
  again: fc.array(fc.oneof(fc.nat().map((n) => ({ copyOf: n })), spec), { maxLength: 25 }),
});
const pageSizes = fc.array(fc.oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 1000 })), { minLength: 1, maxLength: 5 });

function second(first: Spec[], again: ({ copyOf: number } | Spec)[]): Spec[] {
  return again.map((a) => ('copyOf' in a ? first[a.copyOf % first.length] : a));
}

/** Every edge as text, and the duplicates and conflicts counted over all pages. */
async function pageThrough(source: Source, req: EventsRequest, sizes: number[]) {
  const engine = new QueryEngine([source], { cursorSecret: 'test-secret', now: () => window.to });
  const out = { edges: [] as string[], duplicates: 0, idConflicts: 0 };
  let after: string | undefined;
  for (let n = 0; ; n++) {
    const page = await engine.events({ ...req, first: sizes[n % sizes.length], after });
    out.edges.push(...page.edges.map((e) => `${e.event.id}@${e.event.time.toISOString()}${e.idConflict ? `#${e.idConflict.digest}` : ''}`));
    out.duplicates += page.statuses[0].duplicates;
    out.idConflicts += page.statuses[0].idConflicts;
    if (!page.hasNextPage) return out;
    after = page.endCursor;
  }
}

const distinct = (specs: Spec[]) => new Set(specs.map((s) => `${s.at}/${s.id}/${s.variant}`)).size;

describe('dedup end to end: the same answer whatever the page size, through real archive sources', () => {
  it('property: an Okta export folder with a re-run export', async () => {
    await fc.assert(
      fc.asyncProperty(archive, pageSizes, fc.constantFrom(SortOrder.NEWEST_FIRST, SortOrder.OLDEST_FIRST), async ({ first, again }, sizes, order) => {
        const root = tempRoot('okta-dedup-');
        const record = (s: Spec) => logEvent({ uuid: `uuid-${s.id}`, published: new Date(T0 + s.at).toISOString(), eventType: s.variant ? 'user.session.end' : 'user.session.start' });
        fs.writeFileSync(path.join(root, 'system-log-2026-03-14.ndjson'), first.map((s) => JSON.stringify(record(s))).join('\n') + '\n');
        const rerun = second(first, again);
        fs.writeFileSync(path.join(root, 'okta-export-rerun.json'), JSON.stringify(rerun.map(record)));
        const source = oktaDefinition.create(ConfigNode.of({ id: 'okta-archive', type: 'okta', mode: 'archive', path: root }, 'sources[0]'), { id: 'okta-archive', mode: 'archive' }, testDeps());
        const whole = await pageThrough(source, { window, order }, [1000]);
        const paged = await pageThrough(source, { window, order }, sizes);
        expect(paged).toEqual(whole);
        expect(whole.edges).toHaveLength(distinct([...first, ...rerun]));
        expect(whole.duplicates).toBe(first.length + rerun.length - distinct([...first, ...rerun]));
      }),
      { numRuns: 25 },
    );
  });

  it('property: a CloudTrail S3 layout with records delivered twice', async () => {
    await fc.assert(
      fc.asyncProperty(archive, pageSizes, fc.constantFrom(SortOrder.NEWEST_FIRST, SortOrder.OLDEST_FIRST), async ({ first, again }, sizes, order) => {
        const root = tempRoot('trail-dedup-');
        const record = (s: Spec) => rec(`0b1c2d3e-0000-4000-8000-${String(s.id).padStart(12, '0')}`, new Date(T0 + s.at * 1000).toISOString().replace('.000Z', 'Z'), s.variant ? 'GetSecretValue' : 'ListSecrets');
        const redelivered = second(first, again);
        writeTrailFile(root, { delivered: '2026-03-14T09:05Z', records: first.map(record) });
        // delivered again within the trail's delivery lag (15 min): records later than that are the reader's own
        // documented limit (deliveryLagMinutes)
        writeTrailFile(root, { delivered: '2026-03-14T09:12Z', records: redelivered.map(record) });
        const source = trailArchive(root);
        const whole = await pageThrough(source, { window, order }, [1000]);
        const paged = await pageThrough(source, { window, order }, sizes);
        expect(paged).toEqual(whole);
        expect(whole.edges).toHaveLength(distinct([...first, ...redelivered]));
        expect(whole.duplicates).toBe(first.length + redelivered.length - distinct([...first, ...redelivered]));
      }),
      { numRuns: 25 },
    );
  });
});
