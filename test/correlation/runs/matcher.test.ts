import { runMatcher, type CredentialLink, type OtherPod, type PodLink, type RunMatchInput } from '../../../src/correlation/runs';
import type { AuditEvent } from '../../../src/domain';
import { normalizeRecord } from '../../../src/sources/cloudtrail/normalize';
import { lifecycleEvents, readExecution } from '../../../src/sources/flyte/normalize';
import { normalizeEntry } from '../../../src/sources/gcp-audit/normalize';
import { normalizeAuditRecord } from '../../../src/sources/k8s-audit/normalize';
import { restExecution } from '../../sources/flyte/fixtures';
import { workloadIdentityEntry } from '../../sources/gcp-audit/fixtures';
import { stageRecord, type RequestSpec } from '../../sources/k8s-audit/fixtures';
import { KEY_A, KEY_B, PROPELLER, ROLE_ARN, RUN_A, TRAINING_SA, assume, at, call, flyteLabels, ms, podCreate, podOp, podUser, sessionCall } from './scenario';

const ML = 'ml-production';
const run = readExecution(
  restExecution({ ...RUN_A, principal: 'alice@example.com', created: at('10:08:00'), started: at('10:08:05'), updated: at('10:40:00.200'), phase: 'ABORTED', abort: { cause: 'suspicious activity', principal: 'bob@example.com' }, serviceAccount: 'ml-training' }),
);

const pod: PodLink = {
  name: 'arun00001-n0-1',
  namespace: ML,
  nodeId: 'n0',
  retryAttempt: 1,
  task: 'ml.tasks.train_model',
  phase: 'ABORTED',
  from: new Date(at('10:12:30')),
  to: new Date(at('10:40:00')),
  serviceAccount: TRAINING_SA,
  created: { sourceId: 'eks-audit', id: 'k-create-a1', time: new Date(at('10:12:30.100')), action: 'pods.create', by: 'system:serviceaccount:flyte:flytepropeller' },
};
const other: OtherPod = { name: 'brun00002-n0-0', namespace: ML, serviceAccount: TRAINING_SA, runId: 'ml/production/brun00002', from: new Date(at('10:00:00.100')), to: new Date(at('10:20:00')) };
const keyA: CredentialLink = {
  kind: 'AWS_TEMPORARY_KEY',
  value: KEY_A,
  serviceAccount: TRAINING_SA,
  role: ROLE_ARN,
  session: 'arn:aws:sts::111122223333:assumed-role/ml-training-irsa/botocore-session-a',
  event: { sourceId: 'trail', id: 'ct-assume-a', time: new Date(at('10:25:00')), action: 'sts:AssumeRoleWithWebIdentity' },
  pods: [pod.name],
  sharedWith: [],
  attributed: true,
  evidence: 'temporary key ASIAKEYA000000000003 issued to ml-training-irsa for ml-production/ml-training by AssumeRoleWithWebIdentity at 2026-03-14T10:25:00Z (event ct-assume-a)',
};
const input: RunMatchInput = {
  run,
  sourceId: 'flyte',
  pods: [pod],
  serviceAccounts: [{ username: TRAINING_SA, namespace: ML, name: 'ml-training', pods: [pod.name], evidence: 'pod create' }],
  credentials: [keyA],
  otherPods: [other],
};
const match = runMatcher(input);

function k8s(spec: RequestSpec): AuditEvent {
  return normalizeAuditRecord(stageRecord(spec, 'ResponseComplete', 15), { sourceId: 'eks-audit', cluster: 'prod-eks' });
}
const trail = (record: unknown): AuditEvent => normalizeRecord(record, 'trail');

describe('the run timeline matcher: the run itself', () => {
  it("takes the run's own lifecycle from its own execution source only", () => {
    const events = lifecycleEvents(run, { sourceId: 'flyte', account: 'flyte' });
    expect(events.map(match)).toEqual([
      ["the run's own lifecycle event (execution.created)"],
      ["the run's own lifecycle event (execution.started)"],
      ["the run's own lifecycle event (execution.aborted)"],
    ]);
    // the same run id in another Flyte deployment is another run
    expect(match(lifecycleEvents(run, { sourceId: 'flyte-staging', account: 'staging' })[0])).toBeNull();
    const otherRun = readExecution(restExecution({ ...RUN_A, name: 'arun00002', created: at('10:09:00'), phase: 'RUNNING' }));
    expect(match(lifecycleEvents(otherRun, { sourceId: 'flyte', account: 'flyte' })[0])).toBeNull();
  });
});

describe('the run timeline matcher: Kubernetes', () => {
  it("takes every request on the run's pods, saying which task attempt the pod is", () => {
    expect(match(k8s(podCreate('c', '10:12:30.100', ML, pod.name, 'ml-training', flyteLabels(RUN_A))))).toEqual([`pod ${pod.name} is the run's task pod (task execution n0 attempt 1)`]);
    expect(match(k8s(podOp('s', '10:12:33', 'patch', ML, pod.name, { username: 'system:node:ip-10-0-2-71.ec2.internal' }, 'status')))).toEqual([
      `pod ${pod.name} is the run's task pod (task execution n0 attempt 1)`,
    ]);
  });

  it('leaves out look-alike pods: another run whose name extends this one, the same name in another namespace', () => {
    expect(match(k8s(podCreate('c', '10:20:00', ML, 'arun000012-n0-0', 'default', { 'execution-id': 'arun000012', project: 'ml', domain: 'production' })))).toBeNull();
    expect(match(k8s(podOp('g', '10:22:00', 'get', 'ml-development', pod.name, { username: 'oidc:erin@example.com' })))).toBeNull();
  });

  it("takes a pod Flyte did not list when the record names the run (labels or Flyte's pod name), and says so", () => {
    const evidence = match(k8s(podCreate('c', '10:39:00', ML, 'arun00001-n0-2', 'ml-training', flyteLabels(RUN_A))));
    expect(evidence).toEqual([expect.stringContaining('the Kubernetes record names the run')]);
  });

  it("takes calls made from the run's pod (the bound token's pod name), not from another pod of the same account", () => {
    expect(match(k8s(call('x', '10:31:00', 'list', 'secrets', ML, podUser(ML, 'ml-training', pod.name))))).toEqual([
      `made from the run's pod ${pod.name} (user.extra["authentication.kubernetes.io/pod-name"], task execution n0 attempt 1)`,
    ]);
    expect(match(k8s(call('y', '10:16:00', 'list', 'secrets', ML, podUser(ML, 'ml-training', 'brun00002-n0-0'))))).toBeNull();
    // the same pod name carried by a token of another namespace's account is another pod
    expect(match(k8s(call('z', '10:31:00', 'list', 'secrets', 'ml-development', podUser('ml-development', 'ml-training', pod.name))))).toBeNull();
  });

  it("takes the account's calls whose token names no pod only while the run's pod runs, and says they are not tied to it", () => {
    const alone = match(k8s(call('l1', '10:30:00', 'list', 'secrets', ML, podUser(ML, 'ml-training'))));
    expect(alone).toEqual([
      `made by service account ml-production/ml-training, which the run's pod ${pod.name} runs as; same service account, not tied to this run's pods (the token names no pod)`,
    ]);
    const shared = match(k8s(call('l2', '10:18:00', 'get', 'secrets', ML, podUser(ML, 'ml-training'), 'db')));
    expect(shared?.[0]).toMatch(/not tied to this run's pods .*pods of other workloads were running as it too: brun00002-n0-0$/);
    expect(match(k8s(call('l3', '10:41:00', 'list', 'secrets', ML, podUser(ML, 'ml-training'))))).toBeNull();
    expect(match(k8s(call('l4', '10:05:00', 'list', 'secrets', ML, podUser(ML, 'ml-training'))))).toBeNull();
    // another account of the same namespace is nobody's business here
    expect(match(k8s(call('l5', '10:30:00', 'list', 'secrets', ML, podUser(ML, 'default'))))).toBeNull();
  });

  it("takes the run's FlyteWorkflow object and a token bound to its pod", () => {
    const workflow = (name: string): RequestSpec => ({
      auditID: `wf-${name}`,
      receivedMs: ms('10:08:00.500'),
      verb: 'update',
      user: PROPELLER,
      objectRef: { resource: 'flyteworkflows', namespace: ML, name, apiGroup: 'flyte.lyft.com', apiVersion: 'v1alpha1', subresource: 'status' },
    });
    expect(match(k8s(workflow('arun00001')))).toEqual(['FlyteWorkflow ml-production/arun00001 is the run\'s workflow object']);
    expect(match(k8s(workflow('arun000012')))).toBeNull();
    const token = (podName: string): RequestSpec => ({
      auditID: `tok-${podName}`,
      receivedMs: ms('10:12:31'),
      verb: 'create',
      user: { username: 'system:node:ip-10-0-2-71.ec2.internal' },
      objectRef: { resource: 'serviceaccounts', subresource: 'token', namespace: ML, name: 'ml-training', apiVersion: 'v1' },
      requestObject: { kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', spec: { audiences: ['sts.amazonaws.com'], boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: podName } } } as unknown as RequestSpec['requestObject'],
    });
    expect(match(k8s(token(pod.name)))).toEqual([`token bound to the run's pod ${pod.name} (requestObject.spec.boundObjectRef)`]);
    expect(match(k8s(token('brun00002-n0-0')))).toBeNull();
  });
});

describe('the run timeline matcher: cloud', () => {
  it('takes the AssumeRoleWithWebIdentity that issued a key to the run, and every call made with that key', () => {
    expect(match(trail(assume('ct-assume-a', '10:25:00', KEY_A, 'botocore-session-a')))).toEqual([keyA.evidence]);
    const use = match(trail(sessionCall('u', '10:26:00', KEY_A, 'botocore-session-a', 'secretsmanager.amazonaws.com', 'GetSecretValue', { secretId: 'prod/db-password' })));
    expect(use).toEqual([
      'made with temporary key ASIAKEYA000000000003 (userIdentity.accessKeyId) issued to ml-training-irsa for ml-production/ml-training by AssumeRoleWithWebIdentity at 2026-03-14T10:25:00Z (event ct-assume-a)',
    ]);
  });

  it("leaves out another workload's session of the same role, and keys that merely look alike", () => {
    expect(match(trail(assume('ct-assume-b', '10:02:00', KEY_B, 'botocore-session-b')))).toBeNull();
    expect(match(trail(sessionCall('u', '10:03:00', KEY_B, 'botocore-session-b', 's3.amazonaws.com', 'ListBuckets')))).toBeNull();
    expect(match(trail(sessionCall('u', '10:26:00', `${KEY_A}9`, 'botocore-session-a', 's3.amazonaws.com', 'ListBuckets')))).toBeNull();
    // the same session name does not make the same key
    expect(match(trail(sessionCall('u', '10:26:00', 'ASIAOTHER00000000009', 'botocore-session-a', 's3.amazonaws.com', 'ListBuckets')))).toBeNull();
  });

  it('flags a key issued while another workload of the same account was running', () => {
    const shared = runMatcher({ ...input, credentials: [{ ...keyA, sharedWith: ['brun00002-n0-0'] }] });
    expect(shared(trail(sessionCall('u', '10:26:00', KEY_A, 'botocore-session-a', 's3.amazonaws.com', 'ListBuckets')))?.[0]).toMatch(
      /\(shared: other pods of ml-production\/ml-training were running then: brun00002-n0-0\)$/,
    );
  });

  it("takes GCP calls made through Workload Identity by the run's account while its pod runs", () => {
    const wi = normalizeEntry(workloadIdentityEntry('2026-03-14T10:30:00.100Z'), 'gcp');
    expect(match(wi)).toEqual([
      `made through Workload Identity by ml-production/ml-training (protoPayload.authenticationInfo.serviceAccountDelegationInfo[0].principalSubject) while the run's pod ${pod.name} was running`,
    ]);
    expect(match(normalizeEntry(workloadIdentityEntry('2026-03-14T10:50:00.100Z'), 'gcp'))).toBeNull();
    const noPods = runMatcher({ ...input, pods: [], serviceAccounts: [] });
    expect(noPods(wi)).toBeNull();
  });
});
