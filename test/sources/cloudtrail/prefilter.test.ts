import fc from 'fast-check';
import { expectPrefilterExact, expectPrefilteredPage } from '../../helpers/prefilter';
import { collect } from '../../contract/source-contract';
import * as fs from 'node:fs';
import { SortOrder, type Source } from '../../../src/domain';
import { actorNames } from '../../../src/query/match';
import { archiveSource, rec, tempRoot, writeTrailFile } from './archive-fixture';
import { ACCOUNT, ciBotIdentity, irsaSessionIdentity, ssoIdentity } from './records';

type Json = Record<string, unknown>;

/** Every kind of userIdentity CloudTrail writes, names in odd cases and with the names actor.ts makes up. */
const IDENTITIES: Json[] = [
  ssoIdentity(),
  ciBotIdentity(),
  irsaSessionIdentity(),
  { ...ssoIdentity(), arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_ReadOnly_1a2b/Bob@Example.COM`, principalId: 'AROAEXAMPLESSOREAD01:Bob@Example.COM' },
  { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT },
  { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' },
  { type: 'AWSService' },
  { type: 'AWSAccount', accountId: '444455556666', principalId: 'AIDAOTHER' },
  { type: 'IdentityCenterUser', accountId: ACCOUNT, onBehalfOf: { userId: '906744e8-a011-70a5-5d4e-2c31a4e1d4c1', identityStoreArn: 'arn:aws:identitystore::111122223333:identitystore/d-9067' } },
  { type: 'WebIdentityUser', principalId: 'accounts.google.com:carol@example.com', userName: 'carol@example.com', identityProvider: 'accounts.google.com' },
  { type: 'FederatedUser', principalId: `${ACCOUNT}:dave`, arn: `arn:aws:sts::${ACCOUNT}:federated-user/dave@example.com`, accountId: ACCOUNT },
  { type: 'Unknown', userName: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
  { type: 'Unknown' },
];
const WANTED = [
  'alice@example.com',
  'ci-bot',
  `arn:aws:iam::${ACCOUNT}:role/ml-training-irsa`,
  'bob@example.com',
  'root',
  'AWS Service',
  'ec2.amazonaws.com',
  'account 444455556666',
  'erin@example.com',
  '906744e8-a011-70a5-5d4e-2c31a4e1d4c1',
  'carol@example.com',
  'dave@example.com',
  'unknown',
  'AKIAEXAMPLECIBOT0001',
];
const IPS = ['10.0.42.17', '198.51.100.23', 'ec2.amazonaws.com'];

const window = { from: new Date('2026-03-14T09:00:00Z'), to: new Date('2026-03-14T10:00:00Z') };

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

function trail(records: Json[]): Source {
  const root = tempRoot();
  roots.push(root);
  writeTrailFile(root, { delivered: '2026-03-14T09:35Z', records });
  return archiveSource(root);
}

describe('the CloudTrail archive prefilter', () => {
  it('returns exactly the events the engine matches with it off (property: every identity type, made-up names, sign-in names, IPs)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ who: fc.integer({ min: 0, max: IDENTITIES.length - 1 }), ip: fc.integer({ min: 0, max: IPS.length - 1 }), signIn: fc.option(fc.constantFrom(' erin@example.com ', 'HIDDEN_DUE_TO_SECURITY_REASONS', 'ERIN@example.com')) }),
          { minLength: 1, maxLength: 20 },
        ),
        fc.subarray(WANTED, { maxLength: 4 }),
        fc.subarray(IPS, { maxLength: 2 }),
        async (specs, identity, sourceIp) => {
          const records = specs.map((s, i) => ({
            ...rec(`e${i}`, `2026-03-14T09:${String(10 + i).padStart(2, '0')}:00Z`),
            userIdentity: IDENTITIES[s.who],
            sourceIPAddress: IPS[s.ip],
            ...(s.signIn !== null ? { additionalEventData: { UserName: s.signIn } } : {}),
          }));
          const source = trail(records);
          await expectPrefilterExact(source, window, { ...(identity.length ? { identity } : {}), ...(sourceIp.length ? { sourceIp } : {}) });
        },
      ),
      { numRuns: 80 },
    );
  });

  it('matches every made-up name and every identity of the list through the engine as without the prefilter', async () => {
    // each identity once, and each name wanted alone: nothing the engine matches is skipped
    const records = IDENTITIES.map((id, i) => ({ ...rec(`m${i}`, `2026-03-14T09:${String(10 + i).padStart(2, '0')}:00Z`), userIdentity: id }));
    const source = trail(records);
    const all = (await collect(source, { window, order: SortOrder.OLDEST_FIRST, filter: {}, pageSizeHint: 100 })).events;
    for (const name of WANTED) {
      const expected = all.filter((e) => actorNames(e).includes(name.toLowerCase())).map((e) => e.id);
      const got = await collect(source, { window, order: SortOrder.OLDEST_FIRST, filter: {}, pageSizeHint: 100, prefilter: { identity: [name] } });
      expect([name, got.events.filter((e) => actorNames(e).includes(name.toLowerCase())).map((e) => e.id)]).toEqual([name, expected]);
    }
    // the made-up names are matched by some record here, so the check above is not empty
    for (const made of ['root', 'aws service', 'account 444455556666', 'unknown']) expect(all.some((e) => actorNames(e).includes(made))).toBe(true);
  });

  it('skips, through the engine, what cannot match, and says so in the status and in explain', async () => {
    const records = Array.from({ length: 30 }, (_, i) => ({ ...rec(`s${i}`, `2026-03-14T09:${String(10 + i).padStart(2, '0')}:00Z`), userIdentity: i % 3 === 0 ? ssoIdentity() : ciBotIdentity() }));
    await expectPrefilteredPage(trail(records), window, 'ALICE@example.com', { returned: 10, prefiltered: 20, scanned: 30 });
  });
});
