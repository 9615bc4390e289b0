import { fileSelected, layoutFilter, parseTrailFile, shouldDescend } from '../../../src/sources/cloudtrail/layout';

const window = { from: new Date('2026-03-14T09:00:00Z'), to: new Date('2026-03-14T10:00:00Z') };

describe('CloudTrail S3 layout', () => {
  const filter = layoutFilter(window, 15, [], []);

  it('walks accounts, organization folders and the CloudTrail folder, not digests or insights', () => {
    expect(shouldDescend('111122223333', filter)).toBe('descend');
    expect(shouldDescend('o-a1b2c3d4e5', filter)).toBe('descend');
    expect(shouldDescend('o-a1b2c3d4e5/111122223333/CloudTrail', filter)).toBe('descend');
    expect(shouldDescend('111122223333/CloudTrail-Digest', filter)).toBe('prune');
    expect(shouldDescend('111122223333/CloudTrail-Insight', filter)).toBe('prune');
    // any folder at the account level is an account (a copy may have renamed it); the reader notes it
    expect(shouldDescend('not-an-account', filter)).toBe('descend');
    expect(shouldDescend('not-an-account/CloudTrail', filter)).toBe('descend');
    // what fits nowhere is reported, not silently skipped
    expect(shouldDescend('111122223333/Config', filter)).toEqual({ ignore: expect.stringContaining('not CloudTrail') });
    expect(shouldDescend('111122223333/CloudTrail/mars', filter)).toEqual({ ignore: 'not an AWS region' });
    expect(shouldDescend('111122223333/CloudTrail/us-east-1/2026/March', filter)).toEqual({ ignore: 'not a YYYY/MM/DD date folder' });
    expect(shouldDescend('111122223333/CloudTrail/us-east-1/2026/03/14/old', filter)).toEqual({ ignore: expect.stringContaining('below the YYYY/MM/DD') });
  });

  it('prunes years, months and days no delivery of the window can fall in', () => {
    const base = '111122223333/CloudTrail/us-east-1';
    expect(shouldDescend(`${base}/2026`, filter)).toBe('descend');
    expect(shouldDescend(`${base}/2025`, filter)).toBe('prune');
    expect(shouldDescend(`${base}/2026/03`, filter)).toBe('descend');
    expect(shouldDescend(`${base}/2026/02`, filter)).toBe('prune');
    expect(shouldDescend(`${base}/2026/03/14`, filter)).toBe('descend');
    expect(shouldDescend(`${base}/2026/03/13`, filter)).toBe('prune');
    expect(shouldDescend(`${base}/2026/03/15`, filter)).toBe('prune');
    // a window ending at midnight needs the next day's first deliveries
    const late = layoutFilter({ from: new Date('2026-03-14T23:00:00Z'), to: new Date('2026-03-15T00:00:00Z') }, 15, [], []);
    expect(shouldDescend(`${base}/2026/03/15`, late)).toBe('descend');
    expect(shouldDescend(`${base}/2026/04`, late)).toBe('prune');
  });

  it('keeps to configured accounts and regions', () => {
    const only = layoutFilter(window, 15, ['444455556666'], ['eu-west-1']);
    expect(shouldDescend('111122223333', only)).toBe('prune');
    expect(shouldDescend('o-a1b2c3d4e5/444455556666', only)).toBe('descend');
    expect(shouldDescend('o-a1b2c3d4e5/444455556666/CloudTrail/us-east-1', only)).toBe('prune');
    expect(shouldDescend('o-a1b2c3d4e5/444455556666/CloudTrail/eu-west-1', only)).toBe('descend');
  });

  it('reads the delivery time from the file name, to the minute', () => {
    const f = parseTrailFile('111122223333/CloudTrail/us-east-1/2026/03/14/111122223333_CloudTrail_us-east-1_20260314T0905Z_Ab3dEf7hIj000001.json.gz');
    expect(f).toMatchObject({ account: '111122223333', region: 'us-east-1' });
    expect(f?.delivered.toISOString()).toBe('2026-03-14T09:05:00.000Z');
    expect(parseTrailFile('111122223333/CloudTrail/us-east-1/2026/03/14/notes.txt')).toBeUndefined();
    expect(parseTrailFile('x/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20260314T090500Z.json.gz')).toBeUndefined();
    // the unique string means nothing (AWS says to ignore it): any suffix after the time
    expect(parseTrailFile('111122223333_CloudTrail_us-east-1_20260314T0905Z_a-b_c.d.json.gz')?.delivered.toISOString()).toBe('2026-03-14T09:05:00.000Z');
    expect(parseTrailFile('111122223333_CloudTrail_us-east-1_20260314T0905Z.json.gz')).toBeDefined();
    expect(parseTrailFile('111122223333_CloudTrail_us-east-1_20260314T0905Zjunk')).toBeUndefined();
  });

  it('selects files delivered after the window opens and up to the lag after it closes', () => {
    const at = (hhmm: string) => parseTrailFile(`111122223333_CloudTrail_us-east-1_20260314T${hhmm}Z_Ab3dEf7hIj000001.json.gz`)!;
    expect(fileSelected(at('0858'), filter)).toBe(false);
    expect(fileSelected(at('0900'), filter)).toBe(true);
    expect(fileSelected(at('1014'), filter)).toBe(true);
    expect(fileSelected(at('1015'), filter)).toBe(false);
  });
});
