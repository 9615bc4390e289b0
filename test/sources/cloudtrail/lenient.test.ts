import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { SortOrder, SourceState } from '../../../src/domain';
import { QueryEngine } from '../../../src/query/engine';
import { archiveSource, rec, tempRoot } from './archive-fixture';
import { ACCOUNT, REGION } from './records';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

function put(root: string, rel: string, records: unknown[], gzip = true): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const text = JSON.stringify({ Records: records });
  fs.writeFileSync(file, gzip ? zlib.gzipSync(text) : text);
}

async function page(root: string) {
  const engine = new QueryEngine([archiveSource(root)], { cursorSecret: 'lenient-test-secret-0123456789abcdef' });
  const p = await engine.events({ window: { from: new Date('2026-03-14T09:00:00Z'), to: new Date('2026-03-14T10:00:00Z') }, order: SortOrder.OLDEST_FIRST, first: 100 });
  return { ids: p.edges.map((e) => e.event.id), status: p.statuses[0] };
}

describe('CloudTrail archive: lenient where AWS says to be', () => {
  it('ignores the unique string of a file name, whatever it holds (AWS: "log processing software should ignore it")', async () => {
    const root = tempRoot();
    roots.push(root);
    const day = `AWSLogs/${ACCOUNT}/CloudTrail/${REGION}/2026/03/14`;
    put(root, `${day}/${ACCOUNT}_CloudTrail_${REGION}_20260314T0905Z_Mu0KsOhtH1ar15ZZ.json.gz`, [rec('standard', '2026-03-14T09:03:00Z')]);
    // other lengths and characters than the documented 16 letters and digits, and no extension at all
    put(root, `${day}/${ACCOUNT}_CloudTrail_${REGION}_20260314T0910Z_a-b_c.d.json.gz`, [rec('punctuated', '2026-03-14T09:08:00Z')]);
    put(root, `${day}/${ACCOUNT}_CloudTrail_${REGION}_20260314T0915Z_x`, [rec('no-extension', '2026-03-14T09:13:00Z')]);
    put(root, `${day}/${ACCOUNT}_CloudTrail_${REGION}_20260314T0920Z_Ab3dEf7hIj000001.json`, [rec('plain', '2026-03-14T09:18:00Z')], false);
    const { ids, status } = await page(root);
    expect(ids).toEqual(['standard', 'punctuated', 'no-extension', 'plain']);
    expect(status.state).toBe(SourceState.OK);
    expect(status.partitionsIgnored).toBe(0);
  });

  it('reads account folders that are not 12 digits, and names them in a note', async () => {
    const root = tempRoot();
    roots.push(root);
    put(root, `AWSLogs/${ACCOUNT}/CloudTrail/${REGION}/2026/03/14/${ACCOUNT}_CloudTrail_${REGION}_20260314T0905Z_Mu0KsOhtH1ar15ZZ.json.gz`, [rec('twelve', '2026-03-14T09:03:00Z')]);
    // a copy renamed by hand, and an account id that lost its leading zero in a spreadsheet
    put(root, `AWSLogs/prod-copy/CloudTrail/${REGION}/2026/03/14/prod-copy_CloudTrail_${REGION}_20260314T0910Z_Mu0KsOhtH1ar15ZZ.json.gz`, [rec('named', '2026-03-14T09:08:00Z')]);
    put(root, `AWSLogs/o-a1b2c3d4e5/11112222333/CloudTrail/${REGION}/2026/03/14/11112222333_CloudTrail_${REGION}_20260314T0915Z_Mu0KsOhtH1ar15ZZ.json.gz`, [rec('eleven', '2026-03-14T09:13:00Z')]);
    const { ids, status } = await page(root);
    expect(ids).toEqual(['twelve', 'named', 'eleven']);
    expect(status.state).toBe(SourceState.OK);
    expect(status.message).toMatch(/not a 12-digit account id.*prod-copy/);
    expect(status.message).toContain('o-a1b2c3d4e5/11112222333');
  });
});
