import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { parseArgs } from '../../src/demo/cli';
import { DEMO_DATE_ENV, defaultDemoDate } from '../../src/demo/config';
import { ensureDemo, readDemoManifest } from '../../src/demo/ensure';
import { generateDemo } from '../../src/demo/generate';
import type { DemoManifest } from '../../src/demo/manifest';
import { listFiles } from './demo-files';

/**
 * The demo follows the calendar: its day is yesterday (UTC) unless pinned, the incident happens at the same
 * times of whichever day, and nothing in the files still names the day the generator was written on.
 */

const SCALE = 0.05;

/** Every file of a demo as text, gzip undone. */
function allText(root: string): string {
  return listFiles(root)
    .map((f) => {
      const bytes = fs.readFileSync(path.join(root, f));
      return bytes[0] === 0x1f && bytes[1] === 0x8b ? zlib.gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
    })
    .join('\n');
}

/** The ways the services print 2026-03-14 (ISO dates, CloudTrail and GCP folders, file names, IAM dates, versions). */
const MARCH_14 = /2026-03-14|2026\/03\/14|20260314T|Mar 14, 2026|v2026\.03\.14|y=2026\/m=03\/d=14/;

describe('the demo day', () => {
  let tmp: string;
  let pinned: DemoManifest;
  let july: DemoManifest;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'auditgraph-demo-date-'));
    pinned = await generateDemo(path.join(tmp, 'pinned'), { scale: SCALE, date: '2026-03-14' });
    july = await generateDemo(path.join(tmp, 'july'), { scale: SCALE, date: '2026-07-01' });
  }, 60_000);

  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('is the one asked for, recorded in the manifest', () => {
    expect(july.date).toBe('2026-07-01');
    expect(july.day).toEqual({ from: '2026-07-01T00:00:00.000Z', to: '2026-07-02T00:00:00.000Z' });
    expect(pinned.date).toBe('2026-03-14');
  });

  it('moves the whole incident by whole days: the same times of day, the same ids where they hold no time', () => {
    const shift = Date.parse('2026-07-01') - Date.parse('2026-03-14');
    expect(july.incident.timeline.map((t) => Date.parse(t.time) - shift)).toEqual(pinned.incident.timeline.map((t) => Date.parse(t.time)));
    expect(july.incident.timeline.map((t) => `${t.source} ${t.action}`)).toEqual(pinned.incident.timeline.map((t) => `${t.source} ${t.action}`));
    expect(july.incident.flyte.runId).toBe(pinned.incident.flyte.runId);
    expect(july.incident.cloudtrail.createAccessKey.accessKeyId).toBe(pinned.incident.cloudtrail.createAccessKey.accessKeyId);
    expect(july.totalRecords).toBe(pinned.totalRecords);
  });

  it('leaves no trace of 2026-03-14 in any file of another day (paths, names, records)', () => {
    // the check can fail: the pinned demo is full of it
    expect(allText(path.join(tmp, 'pinned'))).toMatch(MARCH_14);
    expect(listFiles(path.join(tmp, 'pinned')).join('\n')).toMatch(MARCH_14);
    const files = listFiles(path.join(tmp, 'july'));
    expect(files.filter((f) => MARCH_14.test(f))).toEqual([]);
    const text = allText(path.join(tmp, 'july'));
    expect(text.match(MARCH_14)).toBeNull();
    expect(files).toContain('okta/system-log-2026-07-01.ndjson');
    expect(files.some((f) => f.startsWith('cloudtrail/AWSLogs/111122223333/CloudTrail/us-east-1/2026/07/01/'))).toBe(true);
    expect(files.some((f) => f.startsWith('gcp/cloudaudit.googleapis.com/activity/2026/07/01/'))).toBe(true);
    expect(files.some((f) => f.includes('/y=2026/m=07/d=01/'))).toBe(true);
  });

  it('is yesterday (UTC) by default, across month and leap-year ends, and AUDITGRAPH_DEMO_DATE pins it', () => {
    expect(defaultDemoDate({}, new Date('2026-03-15T00:00:00Z'))).toBe('2026-03-14');
    expect(defaultDemoDate({}, new Date('2026-03-15T23:59:59.999Z'))).toBe('2026-03-14');
    expect(defaultDemoDate({}, new Date('2024-03-01T08:00:00Z'))).toBe('2024-02-29');
    expect(defaultDemoDate({}, new Date('2027-01-01T00:30:00+02:00'))).toBe('2026-12-30');
    expect(defaultDemoDate({ [DEMO_DATE_ENV]: '' }, new Date('2026-05-02T10:00:00Z'))).toBe('2026-05-01');
    expect(defaultDemoDate({ [DEMO_DATE_ENV]: '2025-12-31' }, new Date('2026-05-02T10:00:00Z'))).toBe('2025-12-31');
    // the whole jest run is pinned (test/setup/demo-date.ts)
    expect(defaultDemoDate()).toBe('2026-03-14');
  });

  it('refuses a date that is not a calendar day, naming where it came from', async () => {
    for (const bad of ['2026-02-30', '14/03/2026', '2026-3-14', 'yesterday']) {
      expect(() => defaultDemoDate({ [DEMO_DATE_ENV]: bad })).toThrow(new RegExp(`^${DEMO_DATE_ENV}: expected a calendar date YYYY-MM-DD`));
    }
    await expect(generateDemo(path.join(tmp, 'bad'), { date: '2026-13-01' })).rejects.toThrow(/demo date must be a calendar date/);
    expect(fs.existsSync(path.join(tmp, 'bad'))).toBe(false);
    expect(parseArgs(['--out', '/tmp/x', '--date', '2026-07-01'])).toEqual({ out: '/tmp/x', date: '2026-07-01' });
  });

  it('is part of what makes a built demo current: a demo of another day is rebuilt', async () => {
    const root = path.join(tmp, 'ensured');
    const first = await ensureDemo(root, { scale: 0.02, date: '2026-07-01' });
    expect(first.date).toBe('2026-07-01');
    expect((await ensureDemo(root, { scale: 0.02, date: '2026-07-01' })).date).toBe('2026-07-01');
    fs.writeFileSync(path.join(root, 'okta', 'marker'), 'built for July');
    // no date asked for: the default day (pinned for the test run) is wanted, and July's demo is not it
    const rebuilt = await ensureDemo(root);
    expect(rebuilt.date).toBe('2026-03-14');
    expect((await readDemoManifest(root))?.date).toBe('2026-03-14');
    expect(fs.existsSync(path.join(root, 'okta', 'marker'))).toBe(false);
  }, 60_000);
});
