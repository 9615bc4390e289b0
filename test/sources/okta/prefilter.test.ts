import fc from 'fast-check';
import { expectPrefilterExact, expectPrefilteredPage } from '../../helpers/prefilter';
import { collect } from '../../contract/source-contract';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigNode } from '../../../src/config/fields';
import { SortOrder, type EventFilter, type Source, type SourceQuery } from '../../../src/domain';
import { matches } from '../../../src/query/match';
import { oktaDefinition } from '../../../src/sources/okta';
import { testDeps } from '../../helpers/deps';
import { ALICE, BOB, logEvent, type Who } from './fixtures';

/** JSON text of `value` with every `every`-th character of its strings written as `\uXXXX` or `\/`, as some writers do. */
function escapedJson(value: unknown, every: number): string {
  if (typeof value === 'string') {
    let i = 0;
    return `"${JSON.stringify(value)
      .slice(1, -1)
      .replace(/\\u[0-9a-f]{4}|\\.|[^\\]/g, (c) => {
        i += 1;
        if (c.length > 1 || i % every !== 0) return c;
        return c === '/' ? '\\/' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
      })}"`;
  }
  if (Array.isArray(value)) return `[${value.map((v) => escapedJson(v, every)).join(',')}]`;
  if (value && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${escapedJson(v, every)}`).join(',')}}`;
  return JSON.stringify(value);
}

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

function archive(lines: string[]): Source {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-prefilter-'));
  roots.push(root);
  fs.writeFileSync(path.join(root, 'system-log-2026-03-14.ndjson'), lines.join('\n') + '\n');
  return oktaDefinition.create(ConfigNode.of({ id: 'okta', type: 'okta', mode: 'archive', path: root }, 'sources[0]'), { id: 'okta', mode: 'archive' }, testDeps());
}

const window = { from: new Date('2026-03-14T00:00:00Z'), to: new Date('2026-03-15T00:00:00Z') };
const FIELDS = ['identity', 'sourceIp'] as const;

// names as Okta writes them: any case, padded, or a user known only by id or display name
const PEOPLE: Who[] = [
  ALICE,
  BOB,
  { ...ALICE, alternateId: 'ALICE@Example.COM', id: '00u1alice00000000001' },
  { ...BOB, alternateId: '  bob@example.com ' },
  { ...ALICE, alternateId: 'unknown', id: '00u9other00000000009', displayName: 'Alice/Ops' },
];
const IPS = ['203.0.113.7', '198.51.100.23', '2001:db8::1'];
// `unknown` is the name the normalizer gives an actor the record does not name: in no record's text
const WANTED = ['alice@example.com', 'Bob@Example.com', '00u9other00000000009', 'alice/ops', 'carol@example.com', 'UNKNOWN'];

describe('the Okta archive prefilter', () => {
  it('returns exactly the events the engine matches with it off (property: case, padding, escapes, ids, IPs)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ who: fc.integer({ min: 0, max: PEOPLE.length }), ip: fc.integer({ min: 0, max: IPS.length - 1 }), every: fc.integer({ min: 0, max: 6 }) }), { minLength: 1, maxLength: 25 }),
        fc.subarray(WANTED),
        fc.subarray(IPS),
        async (records, identity, sourceIp) => {
          const lines = records.map((r, i) => {
            const value = logEvent({ uuid: `u${i}`, published: `2026-03-14T08:${String(i).padStart(2, '0')}:00.000Z`, eventType: 'user.session.start', actor: r.who === PEOPLE.length ? null : PEOPLE[r.who], ip: IPS[r.ip] });
            return r.every === 0 ? JSON.stringify(value) : escapedJson(value, r.every);
          });
          const source = archive(lines);
          const filter: EventFilter = { ...(identity.length ? { identity } : {}), ...(sourceIp.length ? { sourceIp } : {}) };
          // skipped lines are still scanned, and only lines are skipped that the engine would have left out
          const prefiltered = await expectPrefilterExact(source, window, filter, FIELDS);
          if (Object.keys(filter).length === 0) expect(prefiltered).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('does not prefilter by the name the normalizer gives an actor the record does not name', async () => {
    // no `unknown` anywhere in the text: the session is named and the actor is null
    const nobody = logEvent({ uuid: 'n1', published: '2026-03-14T09:00:00.000Z', eventType: 'system.org.rate_limit.violation', actor: null, sessionId: 'idx1sessBBBB' });
    const alice = logEvent({ uuid: 'a1', published: '2026-03-14T09:01:00.000Z', eventType: 'user.session.start', sessionId: 'idx1sessCCCC' });
    const lines = [JSON.stringify(nobody).replace(/"unknown"/g, '"n/a"'), JSON.stringify(alice)];
    expect(lines[0]).not.toMatch(/unknown/i);
    const q: SourceQuery = { window, order: SortOrder.OLDEST_FIRST, filter: {}, pageSizeHint: 100, prefilter: { identity: ['Unknown'] } };
    const got = await collect(archive(lines), q);
    expect(got.events.filter((e) => matches(e, { identity: ['Unknown'] }, FIELDS)).map((e) => e.id)).toEqual(['n1']);
    expect(got.stats.prefiltered).toBe(0);
  });

  it('skips what cannot match through the engine, and says so in the status and in explain', async () => {
    const lines = Array.from({ length: 40 }, (_, i) =>
      JSON.stringify(logEvent({ uuid: `u${i}`, published: `2026-03-14T09:${String(i).padStart(2, '0')}:00.000Z`, eventType: 'user.session.start', actor: i % 4 === 0 ? ALICE : BOB })),
    );
    await expectPrefilteredPage(archive(lines), window, 'ALICE@example.com', { returned: 10, prefiltered: 30, scanned: 40 });
  });
});
