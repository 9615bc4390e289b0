import { fileSelected, layoutFilter, parseTrailFile, shouldDescend } from '../../../src/sources/cloudtrail/layout';

const window = { from: new Date('2026-03-14T09:00:00Z'), to: new Date('2026-03-14T10:00:00Z') };

describe('CloudTrail S3 layout', () => {
  const filter = layoutFilter(window, 15, [], []);

  it('walks accounts, organization folders and the CloudTrail folder, not digests or insights', () => {
    expect(shouldDescend('111122223333', filter)).toBe(true);
    expect(shouldDescend('o-a1b2c3d4e5', filter)).toBe(true);
    expect(shouldDescend('o-a1b2c3d4e5/111122223333/CloudTrail', filter)).toBe(true);
    expect(shouldDescend('111122223333/CloudTrail-Digest', filter)).toBe(false);
    expect(shouldDescend('111122223333/CloudTrail-Insight', filter)).toBe(false);
    expect(shouldDescend('not-an-account', filter)).toBe(false);
  });

  it('prunes years, months and days no delivery of the window can fall in', () => {
    const base = '111122223333/CloudTrail/us-east-1';
    expect(shouldDescend(`${base}/2026`, filter)).toBe(true);
    expect(shouldDescend(`${base}/2025`, filter)).toBe(false);
    expect(shouldDescend(`${base}/2026/03`, filter)).toBe(true);
    expect(shouldDescend(`${base}/2026/02`, filter)).toBe(false);
    expect(shouldDescend(`${base}/2026/03/14`, filter)).toBe(true);
    expect(shouldDescend(`${base}/2026/03/13`, filter)).toBe(false);
    expect(shouldDescend(`${base}/2026/03/15`, filter)).toBe(false);
    // a window ending at midnight needs the next day's first deliveries
    const late = layoutFilter({ from: new Date('2026-03-14T23:00:00Z'), to: new Date('2026-03-15T00:00:00Z') }, 15, [], []);
    expect(shouldDescend(`${base}/2026/03/15`, late)).toBe(true);
    expect(shouldDescend(`${base}/2026/04`, late)).toBe(false);
  });

  it('keeps to configured accounts and regions', () => {
    const only = layoutFilter(window, 15, ['444455556666'], ['eu-west-1']);
    expect(shouldDescend('111122223333', only)).toBe(false);
    expect(shouldDescend('o-a1b2c3d4e5/444455556666', only)).toBe(true);
    expect(shouldDescend('o-a1b2c3d4e5/444455556666/CloudTrail/us-east-1', only)).toBe(false);
    expect(shouldDescend('o-a1b2c3d4e5/444455556666/CloudTrail/eu-west-1', only)).toBe(true);
  });

  it('reads the delivery time from the file name, to the minute', () => {
    const f = parseTrailFile('111122223333/CloudTrail/us-east-1/2026/03/14/111122223333_CloudTrail_us-east-1_20260314T0905Z_Ab3dEf7hIj000001.json.gz');
    expect(f).toMatchObject({ account: '111122223333', region: 'us-east-1' });
    expect(f?.delivered.toISOString()).toBe('2026-03-14T09:05:00.000Z');
    expect(parseTrailFile('111122223333/CloudTrail/us-east-1/2026/03/14/notes.txt')).toBeUndefined();
    expect(parseTrailFile('x/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20260314T090500Z.json.gz')).toBeUndefined();
  });

  it('selects files delivered after the window opens and up to the lag after it closes', () => {
    const at = (hhmm: string) => parseTrailFile(`111122223333_CloudTrail_us-east-1_20260314T${hhmm}Z_Ab3dEf7hIj000001.json.gz`)!;
    expect(fileSelected(at('0858'), filter)).toBe(false);
    expect(fileSelected(at('0900'), filter)).toBe(true);
    expect(fileSelected(at('1014'), filter)).toBe(true);
    expect(fileSelected(at('1015'), filter)).toBe(false);
  });
});
