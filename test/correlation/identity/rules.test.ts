import { AliasKind } from '../../../src/domain';
import { eventLinks } from '../../../src/correlation/identity/rules';
import type { Link } from '../../../src/correlation/identity/links';
import * as r from './records';
import { normalizeRecord } from '../../../src/sources/cloudtrail/normalize';
import { IDC_USER_ID, identityCenterSignIn, identityCenterSignInLegacy, identityCenterUserCall } from '../../sources/cloudtrail/records';

const pairs = (links: Link[]) => links.map((l) => `${l.rule}: ${l.a.kind} ${l.a.value} ~ ${l.b.kind} ${l.b.value}${l.label ? ' (label)' : ''}`).sort();

const ALICE_SESSION = `arn:aws:sts::${r.ACCOUNT}:assumed-role/${r.ADMIN_SSO_ROLE}/alice@example.com`;

describe('identity rules over one event', () => {
  it('Okta: actor.id is tied to actor.alternateId, with the event as evidence', () => {
    const event = r.oktaEvent('2026-03-14T07:58:02Z', { id: '00u1alice00000000001', login: 'alice@example.com', displayName: 'Alice Anders' });
    const links = eventLinks(event);
    expect(pairs(links)).toEqual(['okta.actor: OKTA_USER_ID 00u1alice00000000001 ~ EMAIL alice@example.com']);
    expect(links[0].event).toMatchObject({ sourceId: 'okta', id: event.id, time: new Date('2026-03-14T07:58:02Z') });
  });

  it("Okta: an app or Okta's own principal gives no link (no user id, or nobody's email)", () => {
    expect(eventLinks(r.oktaEvent('2026-03-14T08:00:00Z', { id: '0oa1app', login: 'automation-sync', type: 'PublicClientApp' }))).toEqual([]);
    expect(eventLinks(r.oktaEvent('2026-03-14T08:00:00Z', { id: '0oa1okta', login: 'system@okta.com', type: 'SystemPrincipal' }))).toEqual([]);
  });

  it('CloudTrail Identity Center session: the session, its Identity Center user (the email) and its temporary key', () => {
    const event = r.cloudTrailEvent('2026-03-14T09:01:32Z', { eventName: 'ListUsers', userIdentity: r.ssoSession('alice@example.com', 'ASIAN5TZHTAKANN32E2J') });
    expect(pairs(eventLinks(event))).toEqual([
      `aws.identity-center-session: AWS_ROLE_SESSION ${ALICE_SESSION} ~ AWS_IDENTITY_CENTER_USER alice@example.com`,
      `aws.session-credential: AWS_ROLE_SESSION ${ALICE_SESSION} ~ AWS_ACCESS_KEY ASIAN5TZHTAKANN32E2J`,
      'same-value: AWS_IDENTITY_CENTER_USER alice@example.com ~ EMAIL alice@example.com',
    ]);
  });

  it('CloudTrail Identity Center sign-in: the Identity Store user id is tied to the user name it signed in with', () => {
    const links = eventLinks(normalizeRecord(identityCenterSignIn(), 'trail'));
    expect(pairs(links)).toEqual([
      `aws.identity-center-sign-in: AWS_IDENTITY_CENTER_USER_ID ${IDC_USER_ID} ~ AWS_IDENTITY_CENTER_USER alice@example.com`,
      'same-value: AWS_IDENTITY_CENTER_USER alice@example.com ~ EMAIL alice@example.com',
    ]);
    const signIn = links.find((l) => l.rule === 'aws.identity-center-sign-in');
    expect(signIn?.text).toBe(`Identity Store user ${IDC_USER_ID} (userIdentity.onBehalfOf.userId) signed in as alice@example.com (additionalEventData.UserName) with UserAuthentication`);
    expect(signIn?.event).toMatchObject({ sourceId: 'trail', id: 'e-idc-signin' });
    // the older shape says the same; a call that names only the id ties nothing
    expect(pairs(eventLinks(normalizeRecord(identityCenterSignInLegacy(), 'trail')))).toEqual(pairs(links));
    expect(eventLinks(normalizeRecord(identityCenterUserCall(), 'trail'))).toEqual([]);
  });

  it('CloudTrail: the shared permission-set role is never tied to the person using it', () => {
    const links = eventLinks(r.cloudTrailEvent('2026-03-14T09:01:32Z', { eventName: 'ListUsers', userIdentity: r.ssoSession('alice@example.com', 'ASIAN5TZHTAKANN32E2J') }));
    expect(links.some((l) => l.a.kind === AliasKind.AWS_ROLE || l.b.kind === AliasKind.AWS_ROLE)).toBe(false);
  });

  it('CloudTrail: a session name that looks like an email is an Identity Center user only for an AWSReservedSSO_ role', () => {
    // AssumeRole lets the caller choose the session name: `bob@example.com` here proves nothing about bob
    const links = eventLinks(r.cloudTrailEvent('2026-03-14T09:00:00Z', { eventName: 'ListBuckets', eventSource: 's3.amazonaws.com', userIdentity: r.roleSession('deploy', 'bob@example.com', 'ASIADEPLOY000000001') }));
    expect(pairs(links)).toEqual([`aws.session-credential: AWS_ROLE_SESSION arn:aws:sts::${r.ACCOUNT}:assumed-role/deploy/bob@example.com ~ AWS_ACCESS_KEY ASIADEPLOY000000001`]);
  });

  it('CreateAccessKey issues the key to the target IAM user, not to the caller, and names the caller in the evidence', () => {
    const event = r.createAccessKey('2026-03-14T09:03:12Z', r.ssoSession('alice@example.com', 'ASIAN5TZHTAKANN32E2J'), 'ci-bot', 'AKIAEXAMPLECIBOT0001');
    const issued = eventLinks(event).filter((l) => l.rule === 'aws.create-access-key');
    expect(pairs(issued)).toEqual([`aws.create-access-key: AWS_IAM_USER arn:aws:iam::${r.ACCOUNT}:user/ci-bot ~ AWS_ACCESS_KEY AKIAEXAMPLECIBOT0001`]);
    expect(issued[0].text).toBe('key AKIAEXAMPLECIBOT0001 was issued to IAM user ci-bot by alice@example.com via iam:CreateAccessKey at 2026-03-14T09:03:12.000Z');
    // the caller's own key stays the caller's
    expect(eventLinks(event).some((l) => l.b.value === 'AKIAEXAMPLECIBOT0001' && l.a.kind !== AliasKind.AWS_IAM_USER)).toBe(false);
  });

  it('a failed CreateAccessKey issues nothing', () => {
    const event = r.createAccessKey('2026-03-14T09:03:12Z', r.iamUser('mallory', 'AKIAMALLORY00000001'), 'ci-bot', 'AKIAEXAMPLECIBOT0002', 'AccessDenied');
    expect(eventLinks(event).filter((l) => l.rule === 'aws.create-access-key')).toEqual([]);
  });

  it('AssumeRoleWithWebIdentity ties the service account to its issued key and session, and to the role as a label', () => {
    const sa = 'system:serviceaccount:ml-production:ml-training';
    const links = eventLinks(r.assumeRoleWithWebIdentity('2026-03-14T09:11:03Z', sa, 'ml-training-irsa', 'botocore-session-1773479463', 'ASIAEXAMPLERUN00001'));
    expect(pairs(links)).toEqual([
      `aws.web-identity: K8S_SERVICE_ACCOUNT ${sa} ~ AWS_ACCESS_KEY ASIAEXAMPLERUN00001`,
      `aws.web-identity: K8S_SERVICE_ACCOUNT ${sa} ~ AWS_ROLE arn:aws:iam::${r.ACCOUNT}:role/ml-training-irsa (label)`,
      `aws.web-identity: K8S_SERVICE_ACCOUNT ${sa} ~ AWS_ROLE_SESSION arn:aws:sts::${r.ACCOUNT}:assumed-role/ml-training-irsa/botocore-session-1773479463`,
    ]);
  });

  it("an IAM user's call ties its long-term key to it (as use, the weakest rule)", () => {
    const links = eventLinks(r.cloudTrailEvent('2026-03-14T09:30:44Z', { eventName: 'ListBuckets', eventSource: 's3.amazonaws.com', userIdentity: r.iamUser('ci-bot', 'AKIAEXAMPLECIBOT0001') }));
    expect(pairs(links)).toEqual([`aws.access-key-use: AWS_IAM_USER arn:aws:iam::${r.ACCOUNT}:user/ci-bot ~ AWS_ACCESS_KEY AKIAEXAMPLECIBOT0001`]);
  });

  it('Kubernetes OIDC user: no link from the event itself (the prefix is configuration, per cluster)', () => {
    expect(eventLinks(r.k8sEvent('2026-03-14T09:06:12Z', { username: 'oidc:alice@example.com' }))).toEqual([]);
  });

  it("EKS: user.extra's session and key are one session; the mapped username is a label", () => {
    const links = eventLinks(r.k8sEvent('2026-03-14T09:06:12Z', r.eksIamUser('alice', ALICE_SESSION, 'ASIAN5TZHTAKANN32E2J')));
    expect(pairs(links)).toEqual([
      `aws.identity-center-session: AWS_IDENTITY_CENTER_USER alice@example.com ~ EMAIL alice@example.com`,
      `aws.identity-center-session: AWS_ROLE_SESSION ${ALICE_SESSION} ~ AWS_IDENTITY_CENTER_USER alice@example.com`,
      `aws.session-credential: AWS_ROLE_SESSION ${ALICE_SESSION} ~ AWS_ACCESS_KEY ASIAN5TZHTAKANN32E2J`,
      `eks.authenticator: AWS_ROLE_SESSION ${ALICE_SESSION} ~ K8S_USER alice (label)`,
    ]);
    expect(links.find((l) => l.rule === 'eks.authenticator')!.b.scope).toBe('prod-eks-audit');
  });

  it('GCP: a principal email is typed twice; Workload Identity ties the Kubernetes SA to the Google SA as a label', () => {
    expect(pairs(eventLinks(r.gcpEvent('2026-03-14T09:20:11Z', { principalEmail: 'alice@example.com' })))).toEqual([
      'same-value: GCP_PRINCIPAL alice@example.com ~ EMAIL alice@example.com',
    ]);
    const wi = eventLinks(
      r.gcpEvent('2026-03-14T09:21:00Z', {
        principalEmail: 'trainer@acme-ml-prod.iam.gserviceaccount.com',
        serviceAccountDelegationInfo: [{ principalSubject: 'serviceAccount:acme-ml-prod.svc.id.goog[ml-production/ml-training]' }],
      }),
    );
    expect(pairs(wi)).toEqual(['gcp.workload-identity: K8S_SERVICE_ACCOUNT system:serviceaccount:ml-production:ml-training ~ GCP_PRINCIPAL trainer@acme-ml-prod.iam.gserviceaccount.com (label)']);
  });

  it('GCP: a person impersonating a service account is not taken for it', () => {
    const links = eventLinks(
      r.gcpEvent('2026-03-14T09:21:00Z', { principalEmail: 'terraform@acme-ml-prod.iam.gserviceaccount.com', serviceAccountDelegationInfo: [{ firstPartyPrincipal: { principalEmail: 'alice@example.com' } }] }),
    );
    expect(links.some((l) => [l.a.value, l.b.value].includes('terraform@acme-ml-prod.iam.gserviceaccount.com') && [l.a.value, l.b.value].includes('alice@example.com'))).toBe(false);
  });

  it("Azure: the caller's upn is tied to the object id from the same token's claims", () => {
    expect(pairs(eventLinks(r.azureEvent('2026-03-14T09:25:31Z', 'alice@example.com', '37c65162-fa62-441d-8230-f03f07a2f22c')))).toEqual([
      'azure.claims: AZURE_CALLER alice@example.com ~ AZURE_OBJECT_ID 37c65162-fa62-441d-8230-f03f07a2f22c',
      'same-value: AZURE_CALLER alice@example.com ~ EMAIL alice@example.com',
    ]);
  });

  it('Flyte: the principal is the email it reads as', () => {
    expect(pairs(eventLinks(r.flyteCreated('2026-03-14T09:10:04Z', 'alice@example.com')))).toEqual(['same-value: FLYTE_PRINCIPAL alice@example.com ~ EMAIL alice@example.com']);
    expect(pairs(eventLinks(r.flyteCreated('2026-03-14T09:10:04Z', '00u1alice00000000001')))).toEqual(['same-value: FLYTE_PRINCIPAL 00u1alice00000000001 ~ OKTA_USER_ID 00u1alice00000000001']);
  });
});
