import { AliasKind } from '../../../src/domain';
import { parseIdentityConfig, type IdentityConfig } from '../../../src/correlation/identity-config';
import { ConfigRules } from '../../../src/correlation/identity/config-rules';
import { IdentityGraph, type ResolvedIdentity } from '../../../src/correlation/identity/graph';
import { oktaLinks, serviceAccountLinks } from '../../../src/correlation/identity/lookups';
import * as r from './records';

const CLUSTERS = ['prod-eks-audit', 'staging-audit'];

function graphOf(raw: unknown = { emailDomains: ['example.com'], oidcPrefixes: ['oidc:'] }): { graph: IdentityGraph; config: IdentityConfig } {
  const config = parseIdentityConfig(raw);
  return { graph: new IdentityGraph(new ConfigRules(config, CLUSTERS), config.emailDomains), config };
}

const kindsValues = (identity: ResolvedIdentity | undefined) => identity?.aliases.map((v) => `${v.alias.kind} ${v.alias.value}${v.alias.scope ? ` @${v.alias.scope}` : ''}`).sort();
const viewOf = (identity: ResolvedIdentity, kind: AliasKind, value: string) => identity.aliases.find((v) => v.alias.kind === kind && v.alias.value === value);

const ALICE_SESSION = `arn:aws:sts::${r.ACCOUNT}:assumed-role/${r.ADMIN_SSO_ROLE}/alice@example.com`;
const CI_BOT = `arn:aws:iam::${r.ACCOUNT}:user/ci-bot`;

describe('the identity graph', () => {
  it("ties alice's names across the six trails, each alias with the rule and event that tied it", () => {
    const { graph } = graphOf();
    const okta = r.oktaEvent('2026-03-14T07:58:02Z', { id: '00u1alice00000000001', login: 'alice@example.com' });
    const ct = r.cloudTrailEvent('2026-03-14T09:01:32Z', { eventName: 'ListUsers', userIdentity: r.ssoSession('alice@example.com', 'ASIAN5TZHTAKANN32E2J') });
    for (const e of [
      okta,
      ct,
      r.k8sEvent('2026-03-14T09:06:12Z', { username: 'oidc:alice@example.com' }),
      r.gcpEvent('2026-03-14T09:20:11Z', { principalEmail: 'alice@example.com' }),
      r.azureEvent('2026-03-14T09:25:31Z', 'alice@example.com', '37c65162-fa62-441d-8230-f03f07a2f22c'),
      r.flyteCreated('2026-03-14T09:10:04Z', 'alice@example.com'),
    ]) {
      graph.observe(e);
    }
    const alice = graph.identityOf({ kind: AliasKind.OKTA_USER_ID, value: '00u1alice00000000001' })!;
    expect(alice.id).toBe('alice@example.com');
    expect(alice.displayName).toBe('alice@example.com');
    expect(kindsValues(alice)).toEqual(
      [
        'EMAIL alice@example.com',
        'OKTA_USER_ID 00u1alice00000000001',
        `AWS_ROLE_SESSION ${ALICE_SESSION}`,
        'AWS_IDENTITY_CENTER_USER alice@example.com',
        'AWS_ACCESS_KEY ASIAN5TZHTAKANN32E2J',
        'K8S_USER oidc:alice@example.com @prod-eks-audit',
        'K8S_USER oidc:alice@example.com @staging-audit',
        'GCP_PRINCIPAL alice@example.com',
        'AZURE_CALLER alice@example.com',
        'AZURE_OBJECT_ID 37c65162-fa62-441d-8230-f03f07a2f22c',
        'FLYTE_PRINCIPAL alice@example.com',
      ].sort(),
    );
    expect(viewOf(alice, AliasKind.OKTA_USER_ID, '00u1alice00000000001')!.evidence).toBe(
      `Okta user 00u1alice00000000001 signs in as alice@example.com (actor.id, actor.alternateId) (okta event ${okta.id} at 2026-03-14T07:58:02.000Z)`,
    );
    const key = viewOf(alice, AliasKind.AWS_ACCESS_KEY, 'ASIAN5TZHTAKANN32E2J')!;
    expect(key.rule).toBe('aws.session-credential');
    expect(key.evidence).toContain(`(okta`.replace('okta', `trail event ${ct.id}`));
    expect(key.evidence).toContain(`[via AWS_ROLE_SESSION ${ALICE_SESSION}]`);
    expect(viewOf(alice, AliasKind.K8S_USER, 'oidc:alice@example.com')!.rule).toBe('config.oidc-prefix');
    // the Identity Center role every admin shares is not hers
    expect(graph.identityOf({ kind: AliasKind.AWS_ROLE, value: `arn:aws:iam::${r.ACCOUNT}:role/aws-reserved/sso.amazonaws.com/${r.ADMIN_SSO_ROLE}` })!.members.size).toBe(1);
  });

  it('never merges look-alike names: alice@example.com and alice.smith@example.com, nor people with one display name', () => {
    const { graph } = graphOf();
    graph.observe(r.oktaEvent('2026-03-14T08:00:00Z', { id: '00u1alice00000000001', login: 'alice@example.com', displayName: 'Alice Smith' }));
    graph.observe(r.oktaEvent('2026-03-14T08:01:00Z', { id: '00u1alicesmith000002', login: 'alice.smith@example.com', displayName: 'Alice Smith' }));
    graph.observe(r.k8sEvent('2026-03-14T08:02:00Z', { username: 'oidc:alice.smith@example.com' }));
    const alice = graph.identityOf({ kind: AliasKind.EMAIL, value: 'alice@example.com' })!;
    const smith = graph.identityOf({ kind: AliasKind.EMAIL, value: 'alice.smith@example.com' })!;
    expect(alice.id).not.toBe(smith.id);
    expect(kindsValues(alice)).not.toContain('OKTA_USER_ID 00u1alicesmith000002');
    expect(kindsValues(smith)).toContain('K8S_USER oidc:alice.smith@example.com @prod-eks-audit');
    expect(kindsValues(alice)!.some((a) => a.includes('alice.smith'))).toBe(false);
    expect(graph.identitiesOfValue('Alice Smith')).toEqual([]);
  });

  it('an OIDC prefix is per cluster: oidc:alice in a cluster whose prefix is another does not link', () => {
    const { graph } = graphOf({ emailDomains: ['example.com'], oidcPrefixes: [{ source: 'prod-eks-audit', prefix: 'oidc:' }, { source: 'staging-audit', prefix: 'staging:' }] });
    graph.observe(r.oktaEvent('2026-03-14T08:00:00Z', { id: '00u1alice00000000001', login: 'alice@example.com' }));
    const foreign = r.k8sEvent('2026-03-14T09:06:00Z', { username: 'oidc:alice@example.com' }, 'staging-audit');
    const own = r.k8sEvent('2026-03-14T09:06:00Z', { username: 'staging:alice@example.com' }, 'staging-audit');
    graph.observe(foreign);
    graph.observe(own);
    const alice = graph.identityOf({ kind: AliasKind.EMAIL, value: 'alice@example.com' })!;
    expect(kindsValues(alice)).toEqual(
      expect.arrayContaining(['K8S_USER oidc:alice@example.com @prod-eks-audit', 'K8S_USER staging:alice@example.com @staging-audit']),
    );
    expect(kindsValues(alice)).not.toContain('K8S_USER oidc:alice@example.com @staging-audit');
    const stranger = graph.identityOf({ kind: AliasKind.K8S_USER, value: 'oidc:alice@example.com', scope: 'staging-audit' })!;
    expect(stranger.id).toBe('oidc:alice@example.com');
    expect(stranger.members.size).toBe(1);
  });

  it('an access key belongs to whom it was issued to; its use by another principal is flagged, not merged', () => {
    const { graph } = graphOf();
    const alice = r.ssoSession('alice@example.com', 'ASIAN5TZHTAKANN32E2J');
    // the misuse is read before the issuance: the outcome must not depend on reading order
    const misuse = r.cloudTrailEvent('2026-03-14T09:30:44Z', { eventName: 'ListBuckets', eventSource: 's3.amazonaws.com', userIdentity: r.iamUser('mallory', 'AKIAEXAMPLECIBOT0001') });
    graph.observe(misuse);
    const created = r.createAccessKey('2026-03-14T09:03:12Z', alice, 'ci-bot', 'AKIAEXAMPLECIBOT0001');
    graph.observe(created);
    graph.observe(r.cloudTrailEvent('2026-03-14T09:31:00Z', { eventName: 'GetSecretValue', userIdentity: r.iamUser('ci-bot', 'AKIAEXAMPLECIBOT0001') }));

    const ciBot = graph.identityOf({ kind: AliasKind.AWS_ACCESS_KEY, value: 'AKIAEXAMPLECIBOT0001' })!;
    expect(ciBot.id).toBe(CI_BOT);
    expect(ciBot.displayName).toBe('ci-bot');
    const key = viewOf(ciBot, AliasKind.AWS_ACCESS_KEY, 'AKIAEXAMPLECIBOT0001')!;
    expect(key.rule).toBe('aws.create-access-key');
    expect(key.evidence).toBe(`key AKIAEXAMPLECIBOT0001 was issued to IAM user ci-bot by alice@example.com via iam:CreateAccessKey at 2026-03-14T09:03:12.000Z (trail event ${created.id} at 2026-03-14T09:03:12.000Z)`);
    expect(key.flags).toHaveLength(1);
    expect(key.flags[0]).toContain(`not tied to AWS_IAM_USER arn:aws:iam::${r.ACCOUNT}:user/mallory`);
    expect(key.flags[0]).toContain(`trail event ${misuse.id}`);
    // mallory is her own identity, and alice (the issuer) is not the key's owner
    const mallory = graph.identityOf({ kind: AliasKind.AWS_IAM_USER, value: `arn:aws:iam::${r.ACCOUNT}:user/mallory` })!;
    expect(mallory.members.size).toBe(1);
    expect(viewOf(mallory, AliasKind.AWS_IAM_USER, `arn:aws:iam::${r.ACCOUNT}:user/mallory`)!.flags[0]).toContain('AKIAEXAMPLECIBOT0001');
    expect(kindsValues(graph.identityOf({ kind: AliasKind.EMAIL, value: 'alice@example.com' }))).not.toContain('AWS_ACCESS_KEY AKIAEXAMPLECIBOT0001');
  });

  it('two Okta users sharing a profile email stay two people', () => {
    const { graph } = graphOf();
    const request = 'Okta GET https://example.okta.com/api/v1/users/x';
    for (const link of [
      ...oktaLinks({ id: '00u1alice00000000001', login: 'alice@example.com', email: 'shared-inbox@example.com', request }),
      ...oktaLinks({ id: '00u1bob0000000000002', login: 'bob@example.com', email: 'shared-inbox@example.com', request }),
    ]) {
      graph.addLink(link);
    }
    const alice = graph.identityOf({ kind: AliasKind.OKTA_USER_ID, value: '00u1alice00000000001' })!;
    const bob = graph.identityOf({ kind: AliasKind.OKTA_USER_ID, value: '00u1bob0000000000002' })!;
    expect(alice.id).toBe('alice@example.com');
    expect(bob.id).toBe('bob@example.com');
    expect(kindsValues(bob)).not.toContain('OKTA_USER_ID 00u1alice00000000001');
    expect([...alice.aliases, ...bob.aliases].flatMap((v) => v.flags).join('\n')).toContain('it would join two OKTA_USER_IDs');
  });

  it('a role assumed by one service account is its; a role two service accounts assume is tied to neither', () => {
    const { graph } = graphOf();
    graph.observe(r.assumeRoleWithWebIdentity('2026-03-14T09:11:03Z', 'system:serviceaccount:ml-production:ml-training', 'ml-training-irsa', 'botocore-session-1', 'ASIAEXAMPLERUN00001'));
    const sa = graph.identityOf({ kind: AliasKind.K8S_SERVICE_ACCOUNT, value: 'system:serviceaccount:ml-production:ml-training' })!;
    expect(kindsValues(sa)).toEqual(
      [
        'K8S_SERVICE_ACCOUNT system:serviceaccount:ml-production:ml-training',
        `AWS_ROLE arn:aws:iam::${r.ACCOUNT}:role/ml-training-irsa`,
        `AWS_ROLE_SESSION arn:aws:sts::${r.ACCOUNT}:assumed-role/ml-training-irsa/botocore-session-1`,
        'AWS_ACCESS_KEY ASIAEXAMPLERUN00001',
      ].sort(),
    );
    graph.observe(r.assumeRoleWithWebIdentity('2026-03-14T09:20:00Z', 'system:serviceaccount:data-production:etl', 'ml-training-irsa', 'botocore-session-2', 'ASIAEXAMPLEETL00001'));
    const shared = graph.identityOf({ kind: AliasKind.K8S_SERVICE_ACCOUNT, value: 'system:serviceaccount:ml-production:ml-training' })!;
    expect(kindsValues(shared)).not.toContain(`AWS_ROLE arn:aws:iam::${r.ACCOUNT}:role/ml-training-irsa`);
    // what each was issued stays each one's
    expect(kindsValues(shared)).toContain('AWS_ACCESS_KEY ASIAEXAMPLERUN00001');
    expect(shared.notes).toEqual([`AWS_ROLE arn:aws:iam::${r.ACCOUNT}:role/ml-training-irsa is named by 2 principals (system:serviceaccount:ml-production:ml-training, system:serviceaccount:data-production:etl): not tied to any of them`]);
  });

  it('a service account whose lookup shows no annotation stays just the service account', () => {
    const { graph } = graphOf();
    const links = serviceAccountLinks('system:serviceaccount:ml-production:notebook', { cluster: 'prod-eks-audit', namespace: 'ml-production', name: 'notebook', request: 'GET' });
    expect(links).toEqual([]);
    graph.addAlias({ kind: AliasKind.K8S_SERVICE_ACCOUNT, value: 'system:serviceaccount:ml-production:notebook' });
    expect(kindsValues(graph.identityOf({ kind: AliasKind.K8S_SERVICE_ACCOUNT, value: 'system:serviceaccount:ml-production:notebook' }))).toEqual(['K8S_SERVICE_ACCOUNT system:serviceaccount:ml-production:notebook']);
  });

  it('EKS: a username several people are mapped to is nobody in particular', () => {
    const { graph } = graphOf();
    const bobSession = `arn:aws:sts::${r.ACCOUNT}:assumed-role/${r.ADMIN_SSO_ROLE}/bob@example.com`;
    graph.observe(r.k8sEvent('2026-03-14T09:00:00Z', r.eksIamUser('eks-admin', `arn:aws:sts::${r.ACCOUNT}:assumed-role/${r.ADMIN_SSO_ROLE}/alice@example.com`, 'ASIAALICE0000000001')));
    const alone = graph.identityOf({ kind: AliasKind.EMAIL, value: 'alice@example.com' })!;
    expect(kindsValues(alone)).toContain('K8S_USER eks-admin @prod-eks-audit');
    graph.observe(r.k8sEvent('2026-03-14T09:01:00Z', r.eksIamUser('eks-admin', bobSession, 'ASIABOB00000000001')));
    const alice = graph.identityOf({ kind: AliasKind.EMAIL, value: 'alice@example.com' })!;
    const bob = graph.identityOf({ kind: AliasKind.EMAIL, value: 'bob@example.com' })!;
    expect(alice.id).not.toBe(bob.id);
    expect(kindsValues(alice)).not.toContain('K8S_USER eks-admin @prod-eks-audit');
    expect(kindsValues(bob)).toContain('AWS_ACCESS_KEY ASIABOB00000000001');
  });

  it('static alias lists are applied first, typed, and win over the exclusivity guard', () => {
    const { graph } = graphOf({
      emailDomains: ['corp.com'],
      aliases: [{ identity: 'alice@corp.com', values: ['okta:00u1abc', 'arn:aws:iam::1234:user/alice', 'arn:aws:iam::1234:user/alice-admin', { kind: 'K8S_USER', value: 'alice', source: 'prod-eks-audit' }] }],
    });
    const alice = graph.identityOf({ kind: AliasKind.AWS_IAM_USER, value: 'arn:aws:iam::1234:user/alice-admin' })!;
    expect(alice.id).toBe('alice@corp.com');
    expect(kindsValues(alice)).toEqual(
      ['EMAIL alice@corp.com', 'OKTA_USER_ID 00u1abc', 'AWS_IAM_USER arn:aws:iam::1234:user/alice', 'AWS_IAM_USER arn:aws:iam::1234:user/alice-admin', 'K8S_USER alice @prod-eks-audit'].sort(),
    );
    expect(viewOf(alice, AliasKind.OKTA_USER_ID, '00u1abc')!.evidence).toBe('identity.aliases[0] lists OKTA_USER_ID 00u1abc as alice@corp.com (configuration)');
    // an IAM user is found by its name too, and a path in the ARN does not make it another user
    expect(graph.identitiesOfValue('alice-admin').map((i) => i.id)).toEqual(['alice@corp.com']);
    graph.observe(r.cloudTrailEvent('2026-03-14T09:00:00Z', { eventName: 'ListBuckets', userIdentity: { ...r.iamUser('alice', 'AKIAALICE0000000001'), arn: 'arn:aws:iam::1234:user/engineering/alice', accountId: '1234' } }));
    expect(kindsValues(graph.identityOf({ kind: AliasKind.AWS_ACCESS_KEY, value: 'AKIAALICE0000000001' }))).toContain('OKTA_USER_ID 00u1abc');
  });
});
