import * as os from 'node:os';
import * as path from 'node:path';
import { defaultDemoDate } from '../../src/demo/config';
import { exampleOperations } from '../helpers/docs';
import { DemoServer } from './harness';

/**
 * The demo as a newcomer gets it: built for yesterday (the test run pins 2026-03-14 for everything else, so this
 * file asks for the unpinned default explicitly). Default windows find it, and every example query of the README
 * and the demo page works as written, with the same answers as on the pinned day the outputs were made on.
 */

const TODAY_ROOT = path.join(os.tmpdir(), 'auditgraph-e2e-demo-default-day');

let today: DemoServer;
let pinned: DemoServer;
const unpinnedDate = defaultDemoDate({});

beforeAll(async () => {
  today = await DemoServer.start({}, { root: TODAY_ROOT, demo: { date: unpinnedDate } });
  pinned = await DemoServer.start();
}, 180_000);
afterAll(async () => {
  await today?.stop();
  await pinned?.stop();
});

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** The length of every `edges` list in an answer, by its path: what "the same answer" is checked on. */
function edgeCounts(value: Json, at = '', into = new Map<string, number>()): Map<string, number> {
  if (Array.isArray(value)) value.forEach((v, i) => edgeCounts(v, `${at}[${i}]`, into));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'edges' && Array.isArray(v)) into.set(`${at}.edges`, v.length);
      edgeCounts(v, `${at}.${k}`, into);
    }
  }
  return into;
}

const examples = exampleOperations().filter((op) => op.file === 'README.md' || op.file === 'docs/demo.md');

describe('the default demo day', () => {
  it('is yesterday (UTC), and the server knows it', () => {
    const now = new Date();
    expect(today.manifest.date).toBe(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1)).toISOString().slice(0, 10));
    expect(pinned.manifest.date).toBe('2026-03-14');
  });

  it('answers the default-window queries a newcomer types first', async () => {
    const identity = await today.raw<{ identity: { displayName: string; aliases: { kind: string; value: string }[] } | null }>('{ identity(ref: "alice@example.com") { displayName aliases { kind value } } }');
    expect(identity.errors).toBeUndefined();
    expect(identity.data?.identity?.displayName).toBe('alice@example.com');
    expect(identity.data?.identity?.aliases).toEqual(expect.arrayContaining([{ kind: 'OKTA_USER_ID', value: '00u1alice00000000001' }]));

    const lastDay = await today.raw<{ events: { edges: unknown[] } }>('{ events(window: {last: "P1D"}, first: 10) { edges { node { time } } } }');
    expect(lastDay.errors).toBeUndefined();
    expect(lastDay.data?.events.edges.length).toBe(10);

    const demoDay = await today.raw<{ events: { edges: { node: { time: string } }[] } }>('{ events(window: {day: "demo", time: "09:00/09:01"}, first: 1) { edges { node { time } } } }');
    expect(demoDay.data?.events.edges[0].node.time.slice(0, 16)).toBe(`${unpinnedDate}T09:00`);
  });

  it('has README and demo-page examples to run', () => {
    expect(examples.filter((op) => op.file === 'README.md').length).toBeGreaterThanOrEqual(10);
    expect(examples.some((op) => op.file === 'docs/demo.md')).toBe(true);
  });

  it.each(examples.map((op, i) => [`${op.file} #${i}`, op.text]))('runs %s as written: not empty, the same answer as on the pinned day', async (_, query) => {
    // one after the other: some read a whole day (identity discovery), and the machine is shared
    const mine = await today.raw<Record<string, Json>>(query);
    const theirs = await pinned.raw<Record<string, Json>>(query);
    expect(mine.errors).toBeUndefined();
    expect(theirs.errors).toBeUndefined();
    const data = mine.data ?? {};
    for (const [field, value] of Object.entries(data)) expect([field, value]).not.toEqual([field, null]);
    const counts = edgeCounts(data);
    for (const [where, n] of counts) expect([where, n]).not.toEqual([where, 0]);
    expect(counts).toEqual(edgeCounts(theirs.data ?? {}));
  }, 180_000);
});
