import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AppConfig } from '../../../src/config/config';
import { configFromDocument } from '../../../src/config/load';
import { expandIdentities } from '../../../src/correlation/expand';
import { RunService } from '../../../src/correlation/runs';
import { QueryEngine } from '../../../src/query/engine';
import type { K8sUserInfo } from '../../../src/sources/k8s-audit/record';
import { testDeps } from '../../helpers/deps';
import { writeTrailFile } from '../../sources/cloudtrail/archive-fixture';
import { restExecution, type JsonObject, type RunSpec } from '../../sources/flyte/fixtures';
import { linesOf, type RequestSpec } from '../../sources/k8s-audit/fixtures';

/**
 * A small day on disk, in each service's export layout, where runs share and do not share a service account:
 *
 *   B  ml/production/brun00002   scheduled   pod brun00002-n0-0 10:00:00-10:20:00   SA ml-training
 *   A  ml/production/arun00001   alice       pod arun00001-n0-0 10:10:00-10:12:00 (attempt 0 failed)
 *                                            pod arun00001-n0-1 10:12:30-10:40:00 (attempt 1, aborted by bob)
 *   C  data/development/crun00003 carol     pod crun00003-n0-0 10:05:00-10:15:00   SA default (no IRSA)
 *   D  data/production/drun00004 dave       failed before any pod ran (pod create refused by a quota)
 *   dupname01 in ml/development and in data/development (an ambiguous bare name)
 *   E  ml/production/erun00005   alice       pod erun00005-n0-0 from 11:50:05, still running   SA ml-training
 *
 * IRSA sessions of ml-training: 10:02 (only B's pod running: key KEY_B), 10:15 (B's and A's: KEY_SHARED),
 * 10:25 (only A's: KEY_A). Calls from the pods, from a token naming no pod, and look-alike pods around them.
 */

export const DAY = '2026-03-14';
export const at = (hhmmss: string): string => `${DAY}T${hhmmss}Z`;
export const ms = (hhmmss: string): number => Date.parse(at(hhmmss));

export const ACCOUNT = '111122223333';
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/ml-training-irsa`;
export const TRAINING_SA = 'system:serviceaccount:ml-production:ml-training';
export const KEY_B = 'ASIAKEYB000000000001';
export const KEY_SHARED = 'ASIAKEYS000000000002';
export const KEY_A = 'ASIAKEYA000000000003';
const OIDC_PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/8F3A1C7E2B9D4E6F0A5B3C1D7E9F2A4B`;

export const RUN_A = { project: 'ml', domain: 'production', name: 'arun00001' };
export const RUN_B = { project: 'ml', domain: 'production', name: 'brun00002' };
export const RUN_C = { project: 'data', domain: 'development', name: 'crun00003' };
export const RUN_D = { project: 'data', domain: 'production', name: 'drun00004' };
export const RUN_E = { project: 'ml', domain: 'production', name: 'erun00005' };

const RUNS: RunSpec[] = [
  { ...RUN_B, mode: 'SCHEDULED', launchPlan: 'ml.features.build_features', created: at('09:59:00'), started: at('09:59:05'), updated: at('10:20:02'), phase: 'SUCCEEDED', serviceAccount: 'ml-training' },
  { ...RUN_C, principal: 'carol@example.com', created: at('10:04:00'), started: at('10:04:05'), updated: at('10:15:02'), phase: 'SUCCEEDED' },
  { ...RUN_A, principal: 'alice@example.com', launchPlan: 'ml.train.train_pipeline', created: at('10:08:00'), started: at('10:08:05'), updated: at('10:40:00.200'), phase: 'ABORTED', abort: { cause: 'suspicious activity', principal: 'bob@example.com' }, serviceAccount: 'ml-training' },
  { ...RUN_D, principal: 'dave@example.com', created: at('10:30:00'), started: at('10:30:04'), updated: at('10:30:10'), phase: 'FAILED', error: { code: 'SYSTEM:ResourceQuota', message: 'pods "drun00004-n0-0" is forbidden: exceeded quota', kind: 'SYSTEM' } },
  { project: 'ml', domain: 'development', name: 'dupname01', principal: 'erin@example.com', created: at('11:00:00'), started: at('11:00:04'), updated: at('11:05:00'), phase: 'SUCCEEDED' },
  { project: 'data', domain: 'development', name: 'dupname01', mode: 'SCHEDULED', created: at('11:30:00'), started: at('11:30:04'), updated: at('11:35:00'), phase: 'SUCCEEDED' },
  { ...RUN_E, principal: 'alice@example.com', created: at('11:50:00'), started: at('11:50:04'), phase: 'RUNNING', serviceAccount: 'ml-training' },
];

type Run = { project: string; domain: string; name: string };

export function nodeExecution(run: Run, nodeId: string, phase: string, created: string, started: string | null, updated: string, error?: JsonObject): JsonObject {
  return {
    id: { node_id: nodeId, execution_id: { ...run, org: '' } },
    input_uri: `s3://flyte-data/metadata/propeller/${run.project}-${run.domain}-${run.name}/${nodeId}/data/inputs.pb`,
    closure: { output_uri: '', phase, started_at: started, duration: '0s', created_at: created, updated_at: updated, error: error ?? null, deck_uri: '', dynamic_job_spec_uri: '' },
    metadata: { retry_group: '', is_parent_node: false, spec_node_id: nodeId, is_dynamic: false, is_array: false },
  };
}

export function taskExecution(run: Run, nodeId: string, attempt: number, pod: string, phase: string, created: string, started: string | null, updated: string, error?: JsonObject): JsonObject {
  const namespace = `${run.project}-${run.domain}`;
  return {
    id: {
      task_id: { resource_type: 'TASK', project: run.project, domain: run.domain, name: `${run.project}.tasks.train_model`, version: 'v7', org: '' },
      node_execution_id: { node_id: nodeId, execution_id: { ...run, org: '' } },
      retry_attempt: attempt,
    },
    input_uri: '',
    closure: {
      phase,
      logs: [{ uri: `https://console.example.com/logs/${namespace}/${pod}`, name: 'Kubernetes Logs (User)', message_format: 'UNKNOWN', ttl: null, show_while_pending: false, hide_once_finished: false }],
      started_at: started,
      duration: '0s',
      created_at: created,
      updated_at: updated,
      custom_info: null,
      reason: phase === 'FAILED' ? 'OOMKilled' : '',
      task_type: 'python-task',
      metadata: { generated_name: pod, external_resources: [], resource_pool_info: [], plugin_identifier: 'container', instance_class: 'DEFAULT' },
      event_version: 1,
      reasons: [],
      error: error ?? null,
      log_context: { pods: [{ namespace, pod_name: pod, containers: [{ container_name: pod, process: null }], primary_container_name: pod, init_containers: [] }], primary_pod_name: pod },
    },
    is_parent: false,
  };
}

const START = (run: Run, t: string) => nodeExecution(run, 'start-node', 'SUCCEEDED', t, t, t);
const OOM = { code: 'USER:OOMKilled', message: '[primary] terminated with exit code (137). Reason [OOMKilled].', kind: 'USER' };

function writeFlyte(root: string): void {
  const dir = path.join(root, 'flyte');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'executions.json'), JSON.stringify(RUNS.map(restExecution), null, 1));
  const nodes = (run: Run, list: JsonObject[]) => {
    const file = path.join(dir, 'node_executions', run.project, run.domain, `${run.name}.json`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ node_executions: list, token: '' }));
  };
  const tasks = (run: Run, nodeId: string, list: JsonObject[]) => {
    const file = path.join(dir, 'task_executions', run.project, run.domain, run.name, `${nodeId}.json`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ task_executions: list, token: '' }));
  };
  nodes(RUN_A, [START(RUN_A, at('10:08:05')), nodeExecution(RUN_A, 'n0', 'ABORTED', at('10:08:06'), at('10:10:05'), at('10:40:00.100'))]);
  tasks(RUN_A, 'n0', [
    taskExecution(RUN_A, 'n0', 0, 'arun00001-n0-0', 'FAILED', at('10:10:00'), at('10:10:05'), at('10:12:00'), OOM),
    taskExecution(RUN_A, 'n0', 1, 'arun00001-n0-1', 'ABORTED', at('10:12:30'), at('10:12:34'), at('10:40:00')),
  ]);
  nodes(RUN_B, [START(RUN_B, at('09:59:05')), nodeExecution(RUN_B, 'n0', 'SUCCEEDED', at('09:59:59'), at('10:00:04'), at('10:20:00'))]);
  tasks(RUN_B, 'n0', [taskExecution(RUN_B, 'n0', 0, 'brun00002-n0-0', 'SUCCEEDED', at('10:00:00'), at('10:00:04'), at('10:20:00'))]);
  nodes(RUN_C, [START(RUN_C, at('10:04:05')), nodeExecution(RUN_C, 'n0', 'SUCCEEDED', at('10:04:59'), at('10:05:04'), at('10:15:00'))]);
  tasks(RUN_C, 'n0', [taskExecution(RUN_C, 'n0', 0, 'crun00003-n0-0', 'SUCCEEDED', at('10:05:00'), at('10:05:04'), at('10:15:00'))]);
  // D: its node failed while the propeller could not create the pod; no task execution was recorded
  nodes(RUN_D, [START(RUN_D, at('10:30:04')), nodeExecution(RUN_D, 'n0', 'FAILED', at('10:30:05'), null, at('10:30:10'), { code: 'SYSTEM:ResourceQuota', message: 'exceeded quota', kind: 'SYSTEM' })]);
  nodes(RUN_E, [START(RUN_E, at('11:50:04')), nodeExecution(RUN_E, 'n0', 'RUNNING', at('11:50:04.500'), at('11:50:09'), at('11:50:09'))]);
  tasks(RUN_E, 'n0', [taskExecution(RUN_E, 'n0', 0, 'erun00005-n0-0', 'RUNNING', at('11:50:05'), at('11:50:09'), at('11:50:09'))]);
}

export const PROPELLER: K8sUserInfo = {
  username: 'system:serviceaccount:flyte:flytepropeller',
  uid: '7f73feff-1d82-454f-af73-feff1d82d54f',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:flyte', 'system:authenticated'],
  extra: { 'authentication.kubernetes.io/pod-name': ['flytepropeller-7d9f8b6c5d-x2k4p'] },
};
const FLYTEADMIN: K8sUserInfo = { username: 'system:serviceaccount:flyte:flyteadmin', groups: ['system:serviceaccounts', 'system:authenticated'], extra: { 'authentication.kubernetes.io/pod-name': ['flyteadmin-6c8d7f9b4-q8r2n'] } };
const SCHEDULER: K8sUserInfo = { username: 'system:kube-scheduler', groups: ['system:authenticated'] };

/** A pod's bound token: its service account, with the pod it is bound to. */
export function podUser(namespace: string, sa: string, pod?: string): K8sUserInfo {
  return {
    username: `system:serviceaccount:${namespace}:${sa}`,
    uid: `uid-${sa}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
    ...(pod ? { extra: { 'authentication.kubernetes.io/pod-name': [pod], 'authentication.kubernetes.io/credential-id': [`JTI=${pod}`] } } : {}),
  };
}

export function podCreate(id: string, t: string, namespace: string, pod: string, sa: string, labels: Record<string, string>, code = 201): RequestSpec {
  return {
    auditID: id,
    receivedMs: ms(t),
    verb: 'create',
    requestURI: `/api/v1/namespaces/${namespace}/pods`,
    user: PROPELLER,
    userAgent: 'flytepropeller/v1.11.0 (linux/amd64) kubernetes/$Format',
    objectRef: { resource: 'pods', namespace, name: pod, apiVersion: 'v1' },
    responseStatus: code < 400 ? { code } : { code, status: 'Failure', reason: 'Forbidden', message: `pods "${pod}" is forbidden: exceeded quota: compute-quota` },
    // the audit record types only the metadata the normalizer reads; the pod's spec is there all the same
    requestObject: {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name: pod, namespace, labels },
      spec: { serviceAccountName: sa, restartPolicy: 'Never', containers: [{ name: pod, image: 'trainer:7' }] },
    } as unknown as RequestSpec['requestObject'],
  };
}

export function flyteLabels(run: Run, node = 'n0'): Record<string, string> {
  return { 'execution-id': run.name, project: run.project, domain: run.domain, 'node-id': node, 'workflow-name': 'wf' };
}

export function podOp(id: string, t: string, verb: string, namespace: string, pod: string, user: K8sUserInfo, subresource?: string): RequestSpec {
  return {
    auditID: id,
    receivedMs: ms(t),
    verb,
    requestURI: `/api/v1/namespaces/${namespace}/pods/${pod}${subresource ? `/${subresource}` : ''}`,
    user,
    objectRef: { resource: 'pods', namespace, name: pod, apiVersion: 'v1', ...(subresource ? { subresource } : {}) },
  };
}

export function call(id: string, t: string, verb: string, resource: string, namespace: string, user: K8sUserInfo, name?: string): RequestSpec {
  return {
    auditID: id,
    receivedMs: ms(t),
    verb,
    requestURI: `/api/v1/namespaces/${namespace}/${resource}${name ? `/${name}` : ''}`,
    user,
    userAgent: 'python-requests/2.31.0',
    sourceIPs: ['10.0.2.143'],
    objectRef: { resource, namespace, apiVersion: 'v1', ...(name ? { name } : {}) },
  };
}

export const K8S_IDS = {
  workflowCreateA: 'k-wf-a',
  podCreateB: 'k-create-b',
  podCreateC: 'k-create-c',
  podCreateA0: 'k-create-a0',
  bindA0: 'k-bind-a0',
  fromPodA0: 'k-from-a0',
  podCreateA1: 'k-create-a1',
  fromPodB: 'k-from-b',
  legacyShared: 'k-legacy-shared',
  podCreateLookalike: 'k-create-lookalike',
  fromPodLookalike: 'k-from-lookalike',
  otherNamespaceSameName: 'k-other-ns',
  legacyAOnly: 'k-legacy-a',
  fromPodA1: 'k-from-a1',
  podCreateD: 'k-create-d',
  deleteA1: 'k-delete-a1',
  podCreateE: 'k-create-e',
  afterEverything: 'k-after',
} as const;

function writeK8s(root: string): void {
  const dir = path.join(root, 'k8s');
  fs.mkdirSync(dir, { recursive: true });
  const ML = 'ml-production';
  const specs: RequestSpec[] = [
    podCreate(K8S_IDS.podCreateB, '10:00:00.100', ML, 'brun00002-n0-0', 'ml-training', flyteLabels(RUN_B)),
    podCreate(K8S_IDS.podCreateC, '10:05:00.100', 'data-development', 'crun00003-n0-0', 'default', flyteLabels(RUN_C)),
    call('k-from-c', '10:06:00', 'get', 'configmaps', 'data-development', podUser('data-development', 'default', 'crun00003-n0-0'), 'settings'),
    { auditID: K8S_IDS.workflowCreateA, receivedMs: ms('10:08:00.500'), verb: 'create', user: FLYTEADMIN, requestURI: `/apis/flyte.lyft.com/v1alpha1/namespaces/${ML}/flyteworkflows`, objectRef: { resource: 'flyteworkflows', namespace: ML, name: 'arun00001', apiGroup: 'flyte.lyft.com', apiVersion: 'v1alpha1' }, responseStatus: { code: 201 } },
    podCreate(K8S_IDS.podCreateA0, '10:10:00.100', ML, 'arun00001-n0-0', 'ml-training', flyteLabels(RUN_A)),
    { ...podOp(K8S_IDS.bindA0, '10:10:00.200', 'create', ML, 'arun00001-n0-0', SCHEDULER, 'binding'), responseStatus: { code: 201 } },
    call(K8S_IDS.fromPodA0, '10:11:00', 'get', 'configmaps', ML, podUser(ML, 'ml-training', 'arun00001-n0-0'), 'train-config'),
    podCreate(K8S_IDS.podCreateA1, '10:12:30.100', ML, 'arun00001-n0-1', 'ml-training', flyteLabels(RUN_A)),
    call(K8S_IDS.fromPodB, '10:16:00', 'list', 'secrets', ML, podUser(ML, 'ml-training', 'brun00002-n0-0')),
    call(K8S_IDS.legacyShared, '10:18:00', 'get', 'secrets', ML, podUser(ML, 'ml-training'), 'db-credentials'),
    podCreate(K8S_IDS.podCreateLookalike, '10:20:00.100', ML, 'arun000012-n0-0', 'default', { 'execution-id': 'arun000012', project: 'ml', domain: 'production' }),
    call(K8S_IDS.fromPodLookalike, '10:21:00', 'list', 'secrets', ML, podUser(ML, 'default', 'arun000012-n0-0')),
    podOp(K8S_IDS.otherNamespaceSameName, '10:22:00', 'get', 'ml-development', 'arun00001-n0-1', { username: 'oidc:erin@example.com', groups: ['system:authenticated'] }),
    call(K8S_IDS.legacyAOnly, '10:30:00', 'list', 'secrets', ML, podUser(ML, 'ml-training')),
    podCreate(K8S_IDS.podCreateD, '10:30:06', 'data-production', 'drun00004-n0-0', 'default', flyteLabels(RUN_D), 403),
    call(K8S_IDS.fromPodA1, '10:31:00', 'list', 'secrets', ML, podUser(ML, 'ml-training', 'arun00001-n0-1')),
    podOp(K8S_IDS.deleteA1, '10:40:00.500', 'delete', ML, 'arun00001-n0-1', PROPELLER),
    podCreate(K8S_IDS.podCreateE, '11:50:05.100', ML, 'erun00005-n0-0', 'ml-training', flyteLabels(RUN_E)),
    call(K8S_IDS.afterEverything, '12:00:00', 'list', 'secrets', ML, podUser(ML, 'ml-training')),
  ];
  fs.writeFileSync(path.join(dir, 'audit.log'), linesOf(specs).map((l) => `${l.text}\n`).join(''));
}

export function assume(id: string, t: string, key: string, session: string): unknown {
  return {
    eventVersion: '1.09',
    userIdentity: { type: 'WebIdentityUser', principalId: `${OIDC_PROVIDER}:sts.amazonaws.com:${TRAINING_SA}`, userName: TRAINING_SA, identityProvider: OIDC_PROVIDER },
    eventTime: at(t),
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRoleWithWebIdentity',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.50',
    userAgent: 'Boto3/1.34.60 md/Botocore#1.34.60 ua/2.0 os/linux#5.10 md/arch#x86_64 lang/python#3.11.8',
    requestParameters: { roleArn: ROLE_ARN, roleSessionName: session, durationSeconds: 3600 },
    responseElements: {
      credentials: { accessKeyId: key, sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE', expiration: 'Mar 14, 2026, 11:59:00 AM' },
      subjectFromWebIdentityToken: TRAINING_SA,
      assumedRoleUser: { assumedRoleId: `AROAEXAMPLEIRSA00001:${session}`, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/ml-training-irsa/${session}` },
      provider: OIDC_PROVIDER,
      audience: 'sts.amazonaws.com',
    },
    additionalEventData: { identityProviderConnectionVerificationMethod: 'IAMTrustStore' },
    requestID: `req-${id}`,
    eventID: id,
    readOnly: true,
    resources: [{ accountId: ACCOUNT, type: 'AWS::IAM::Role', ARN: ROLE_ARN }],
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
  };
}

export function sessionCall(id: string, t: string, key: string, session: string, eventSource: string, eventName: string, requestParameters: unknown = null): unknown {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLEIRSA00001:${session}`,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/ml-training-irsa/${session}`,
      accountId: ACCOUNT,
      accessKeyId: key,
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEIRSA00001', arn: ROLE_ARN, accountId: ACCOUNT, userName: 'ml-training-irsa' },
        webIdFederationData: { federatedProvider: OIDC_PROVIDER, attributes: {} },
        attributes: { creationDate: at(t), mfaAuthenticated: 'false' },
      },
    },
    eventTime: at(t),
    eventSource,
    eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.50',
    userAgent: 'Boto3/1.34.60',
    requestParameters,
    responseElements: null,
    requestID: `req-${id}`,
    eventID: id,
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
  };
}

function personCall(id: string, t: string, eventName: string): unknown {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLESSO000001:alice@example.com',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_ReadOnly_8e7d6c5b/alice@example.com`,
      accountId: ACCOUNT,
      accessKeyId: 'ASIAALICE00000000001',
      sessionContext: { sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLESSO000001', arn: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_ReadOnly_8e7d6c5b`, accountId: ACCOUNT, userName: 'AWSReservedSSO_ReadOnly_8e7d6c5b' }, attributes: { creationDate: at(t), mfaAuthenticated: 'false' } },
    },
    eventTime: at(t),
    eventSource: 'iam.amazonaws.com',
    eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.7',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: { roleName: 'ml-training-irsa' },
    responseElements: null,
    eventID: id,
    readOnly: true,
    eventType: 'AwsApiCall',
    recipientAccountId: ACCOUNT,
  };
}

export const CT_IDS = {
  assumeB: 'ct-assume-b',
  useB: 'ct-use-b',
  assumeShared: 'ct-assume-shared',
  useShared: 'ct-use-shared',
  personRead: 'ct-alice-getrole',
  assumeA: 'ct-assume-a',
  useA1: 'ct-use-a1',
  useA2: 'ct-use-a2',
  useAAfter: 'ct-use-a-late',
} as const;

function writeCloudTrail(root: string): void {
  const dir = path.join(root, 'cloudtrail');
  const records = [
    assume(CT_IDS.assumeB, '10:02:00', KEY_B, 'botocore-session-b'),
    sessionCall(CT_IDS.useB, '10:03:00', KEY_B, 'botocore-session-b', 'secretsmanager.amazonaws.com', 'GetSecretValue', { secretId: 'prod/feature-store' }),
    assume(CT_IDS.assumeShared, '10:15:00', KEY_SHARED, 'botocore-session-s'),
    sessionCall(CT_IDS.useShared, '10:16:30', KEY_SHARED, 'botocore-session-s', 's3.amazonaws.com', 'ListBuckets'),
    personCall(CT_IDS.personRead, '10:20:00', 'GetRole'),
    assume(CT_IDS.assumeA, '10:25:00', KEY_A, 'botocore-session-a'),
    sessionCall(CT_IDS.useA1, '10:26:00', KEY_A, 'botocore-session-a', 'secretsmanager.amazonaws.com', 'GetSecretValue', { secretId: 'prod/db-password' }),
    sessionCall(CT_IDS.useA2, '10:27:00', KEY_A, 'botocore-session-a', 'sts.amazonaws.com', 'GetCallerIdentity'),
    // the key outlives the pod: still the run's key, inside the window's margin
    sessionCall(CT_IDS.useAAfter, '10:43:00', KEY_A, 'botocore-session-a', 's3.amazonaws.com', 'ListBuckets'),
  ] as { eventTime: string }[];
  // one file every five minutes, named for its delivery a few minutes after its records
  const byFile = new Map<number, unknown[]>();
  for (const r of records) {
    const slot = Math.floor(Date.parse(r.eventTime) / 300_000) * 300_000 + 300_000;
    byFile.set(slot, [...(byFile.get(slot) ?? []), r]);
  }
  for (const [slot, recs] of byFile) writeTrailFile(dir, { delivered: new Date(slot).toISOString().slice(0, 16) + 'Z', records: recs });
}

export interface Scenario {
  root: string;
  config: AppConfig;
  engine: QueryEngine;
  service(signal?: AbortSignal): RunService;
  cleanup(): void;
}

/** Writes the scenario under a temp folder and builds the sources, engine and a run service over it. */
export function buildScenario(): Scenario {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'auditgraph-runs-'));
  writeFlyte(root);
  writeK8s(root);
  writeCloudTrail(root);
  const config = configFromDocument(
    {
      sources: [
        { id: 'flyte', type: 'flyte', mode: 'archive', path: path.join(root, 'flyte') },
        { id: 'eks-audit', type: 'k8s-audit', mode: 'file', path: path.join(root, 'k8s'), cluster: 'prod-eks' },
        { id: 'trail', type: 'cloudtrail', mode: 'archive', path: path.join(root, 'cloudtrail') },
      ],
      identity: { emailDomains: ['example.com'], oidcPrefixes: ['oidc:'] },
      query: {},
    },
    `test:${root}`,
    testDeps(),
    { AUDITGRAPH_CURSOR_SECRET: 'runs-test-secret-runs-test-secret' },
  );
  const engine = new QueryEngine(config.sources, { cursorSecret: config.query.cursorSecrets });
  return {
    root,
    config,
    engine,
    service: (signal) =>
      new RunService({ engine, cursorSecret: config.query.cursorSecrets, expandIdentity: (v) => expandIdentities(v, config.identity), signal }),
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}
