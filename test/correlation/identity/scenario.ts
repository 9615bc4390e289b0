import { AliasKind, type AuditEvent } from '../../../src/domain';
import { parseIdentityConfig } from '../../../src/correlation/identity-config';
import { ConfigRules } from '../../../src/correlation/identity/config-rules';
import { IdentityGraph, type ResolvedIdentity } from '../../../src/correlation/identity/graph';
import * as r from './records';

export const ALICE_SESSION = `arn:aws:sts::${r.ACCOUNT}:assumed-role/${r.ADMIN_SSO_ROLE}/alice@example.com`;
export const CI_BOT = `arn:aws:iam::${r.ACCOUNT}:user/ci-bot`;
export const ML_TRAINING = 'system:serviceaccount:ml-production:ml-training';
export const IDENTITY_CONFIG = { emailDomains: ['example.com'], oidcPrefixes: [{ source: 'prod-eks-audit', prefix: 'oidc:' }] };

/** The incident's events, per source id, as the identity tests read them. */
export function incidentEvents(): Record<string, AuditEvent[]> {
  const aliceSso = r.ssoSession('alice@example.com', 'ASIAN5TZHTAKANN32E2J');
  return {
    okta: [
      r.oktaEvent('2026-03-14T08:55:20Z', { id: '00u1alice00000000001', login: 'alice@example.com' }),
      r.oktaEvent('2026-03-14T08:58:00Z', { id: '00u1bob0000000000002', login: 'bob@example.com' }),
    ],
    trail: [
      r.cloudTrailEvent('2026-03-14T09:01:32Z', { eventName: 'ListUsers', userIdentity: aliceSso }),
      r.createAccessKey('2026-03-14T09:03:12Z', aliceSso, 'ci-bot', 'AKIAEXAMPLECIBOT0001'),
      r.assumeRoleWithWebIdentity('2026-03-14T09:11:03Z', ML_TRAINING, 'ml-training-irsa', 'botocore-session-1773479463', 'ASIAEXAMPLERUN00001'),
      r.cloudTrailEvent('2026-03-14T09:12:00Z', { eventName: 'GetSecretValue', eventSource: 'secretsmanager.amazonaws.com', userIdentity: r.roleSession('ml-training-irsa', 'botocore-session-1773479463', 'ASIAEXAMPLERUN00001') }),
      r.cloudTrailEvent('2026-03-14T09:30:44Z', { eventName: 'ListBuckets', eventSource: 's3.amazonaws.com', userIdentity: r.iamUser('ci-bot', 'AKIAEXAMPLECIBOT0001') }),
      r.cloudTrailEvent('2026-03-14T09:36:00Z', { eventName: 'ListBuckets', eventSource: 's3.amazonaws.com', userIdentity: r.iamUser('mallory', 'AKIAEXAMPLECIBOT0001') }),
    ],
    'prod-eks-audit': [r.k8sEvent('2026-03-14T09:06:12Z', { username: 'oidc:alice@example.com' }), r.k8sEvent('2026-03-14T09:14:00Z', { username: ML_TRAINING, extra: { 'authentication.kubernetes.io/pod-name': ['fz3k9q2m1x-n0-0'] } })],
    // another cluster, whose OIDC prefix is not `oidc:`: this is not alice
    'staging-audit': [r.k8sEvent('2026-03-14T09:07:00Z', { username: 'oidc:alice@example.com' }, 'staging-audit')],
    gcp: [r.gcpEvent('2026-03-14T09:20:11Z', { principalEmail: 'alice@example.com' }, 'SetIamPolicy', 'cloudresourcemanager.googleapis.com')],
    azure: [r.azureEvent('2026-03-14T09:25:31Z', 'alice@example.com', '37c65162-fa62-441d-8230-f03f07a2f22c')],
    flyte: [r.flyteCreated('2026-03-14T09:10:04Z', 'alice@example.com', 'fz3k9q2m1x')],
  };
}

export interface Identities {
  graph: IdentityGraph;
  alice: ResolvedIdentity;
  ciBot: ResolvedIdentity;
  mlTraining: ResolvedIdentity;
}

/** The identities the incident's events give, read as one request would. */
export function incidentIdentities(events = incidentEvents()): Identities {
  const config = parseIdentityConfig(IDENTITY_CONFIG);
  const graph = new IdentityGraph(new ConfigRules(config, ['prod-eks-audit', 'staging-audit']), config.emailDomains);
  for (const list of Object.values(events)) for (const e of list) graph.observe(e);
  return {
    graph,
    alice: graph.identityOf({ kind: AliasKind.EMAIL, value: 'alice@example.com' })!,
    ciBot: graph.identityOf({ kind: AliasKind.AWS_IAM_USER, value: CI_BOT })!,
    mlTraining: graph.identityOf({ kind: AliasKind.K8S_SERVICE_ACCOUNT, value: ML_TRAINING })!,
  };
}
