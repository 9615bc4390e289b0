import { CLOCK_SLACK_MS, linkCredentials, linkPods, type RunPod } from '../../../src/correlation/runs';
import type { AuditEvent } from '../../../src/domain';
import { normalizeRecord } from '../../../src/sources/cloudtrail/normalize';
import { readExecution } from '../../../src/sources/flyte/normalize';
import { normalizeEntry } from '../../../src/sources/gcp-audit/normalize';
import { normalizeAuditRecord } from '../../../src/sources/k8s-audit/normalize';
import { restExecution } from '../../sources/flyte/fixtures';
import { workloadIdentityEntry } from '../../sources/gcp-audit/fixtures';
import { stageRecord, type RequestSpec } from '../../sources/k8s-audit/fixtures';
import { KEY_A, KEY_B, PROPELLER, ROLE_ARN, RUN_A, RUN_B, TRAINING_SA, assume, at, flyteLabels, podCreate, podOp } from './scenario';

const ML = 'ml-production';
const runSpec = { ...RUN_A, principal: 'alice@example.com', created: at('10:08:00'), started: at('10:08:05'), updated: at('10:40:00.200'), phase: 'ABORTED' as const };
const run = readExecution(restExecution({ ...runSpec, serviceAccount: 'ml-training' }));
const pods: RunPod[] = [
  { name: 'arun00001-n0-0', namespace: ML, nodeId: 'n0', retryAttempt: 0, task: 't', phase: 'FAILED', from: new Date(at('10:10:00')), to: new Date(at('10:12:00')) },
  { name: 'arun00001-n0-1', namespace: ML, nodeId: 'n0', retryAttempt: 1, task: 't', phase: 'ABORTED', from: new Date(at('10:12:30')), to: new Date(at('10:40:00')) },
];

const k8s = (spec: RequestSpec): AuditEvent => normalizeAuditRecord(stageRecord(spec, 'ResponseComplete', 15), { sourceId: 'eks-audit' });
const trail = (record: unknown): AuditEvent => normalizeRecord(record, 'trail');

const podEvents = [
  k8s(podCreate('create-b', '10:00:00.100', ML, 'brun00002-n0-0', 'ml-training', flyteLabels(RUN_B))),
  k8s(podCreate('create-x', '10:01:00', ML, 'batchjob-7f9c', 'ml-training', {})),
  k8s(podCreate('create-other-sa', '10:02:00', ML, 'notebook-0', 'jupyter', {})),
  k8s(podCreate('create-a0', '10:10:00.100', ML, 'arun00001-n0-0', 'ml-training', flyteLabels(RUN_A))),
  k8s(podCreate('create-a1', '10:12:30.100', ML, 'arun00001-n0-1', 'ml-training', flyteLabels(RUN_A))),
  k8s(podOp('delete-x', '10:13:00', 'delete', ML, 'batchjob-7f9c', PROPELLER)),
];

describe('tying the run to its pods and service accounts', () => {
  it("reads each pod's service account from its create, and finds the other pods running as it", () => {
    const linking = linkPods(run, pods, podEvents);
    expect(linking.pods.map((p) => [p.name, p.serviceAccount, p.created?.id])).toEqual([
      ['arun00001-n0-0', TRAINING_SA, 'create-a0'],
      ['arun00001-n0-1', TRAINING_SA, 'create-a1'],
    ]);
    expect(linking.pods[0].serviceAccountEvidence).toBe(
      'pod arun00001-n0-0 was created by system:serviceaccount:flyte:flytepropeller at 2026-03-14T10:10:00.100Z to run as ml-production/ml-training (requestObject.spec.serviceAccountName, event create-a0)',
    );
    expect(linking.serviceAccounts).toEqual([{ username: TRAINING_SA, namespace: ML, name: 'ml-training', pods: ['arun00001-n0-0', 'arun00001-n0-1'], evidence: linking.pods[0].serviceAccountEvidence }]);
    // pods of other accounts do not share anything with the run
    expect(linking.otherPods.map((o) => [o.name, o.runId, o.to?.toISOString()])).toEqual([
      ['brun00002-n0-0', 'ml/production/brun00002', undefined],
      ['batchjob-7f9c', undefined, '2026-03-14T10:13:00.000Z'],
    ]);
    expect(linking.notes).toEqual([]);
  });

  it("falls back on the run's declared run-as account, and says when the account is unknown", () => {
    const declared = linkPods(run, pods, []);
    expect(declared.pods[0].serviceAccount).toBe(TRAINING_SA);
    expect(declared.pods[0].serviceAccountEvidence).toMatch(/^the run's spec names ml-production\/ml-training as its run-as account \(spec\.security_context\.run_as\.k8s_service_account\)/);
    const unknown = linkPods(readExecution(restExecution(runSpec)), pods, undefined);
    expect(unknown.serviceAccounts).toEqual([]);
    expect(unknown.notes).toHaveLength(2);
    expect(unknown.notes[0]).toMatch(/^pod arun00001-n0-0: its service account is unknown/);
  });

  it('a failed pod create ties nothing', () => {
    const refused = k8s(podCreate('create-a0', '10:10:00.100', ML, 'arun00001-n0-0', 'intruder', flyteLabels(RUN_A), 403));
    const linking = linkPods(readExecution(restExecution(runSpec)), pods.slice(0, 1), [refused]);
    expect(linking.pods[0].created).toBeUndefined();
    expect(linking.serviceAccounts).toEqual([]);
  });
});

describe('tying cloud credentials to the run', () => {
  const linking = linkPods(run, pods, podEvents);
  linking.otherPods[0].to = new Date(at('10:20:00')); // B's run ended then (what discovery asks Flyte)

  it('keeps a key issued while one of its pods ran, flags one issued while another workload shared the account, sets aside the rest', () => {
    const events = [
      trail(assume('early', '10:05:00', 'ASIAEARLY00000000001', 's-early')),
      trail(assume('shared', '10:15:00', 'ASIASHARED0000000002', 's-shared')),
      trail(assume('mine', '10:25:00', KEY_A, 's-mine')),
      trail(assume('late', '10:50:00', KEY_B, 's-late')),
    ];
    const { credentials, excluded } = linkCredentials(run, linking, events);
    expect(credentials.map((c) => [c.value, c.pods, c.sharedWith, c.role])).toEqual([
      ['ASIASHARED0000000002', ['arun00001-n0-1'], ['brun00002-n0-0'], ROLE_ARN],
      [KEY_A, ['arun00001-n0-1'], [], ROLE_ARN],
    ]);
    expect(credentials[0].evidence).toBe(
      "temporary key ASIASHARED0000000002 issued to ml-training-irsa for ml-production/ml-training by AssumeRoleWithWebIdentity at 2026-03-14T10:15:00Z (event shared), while the run's pod arun00001-n0-1 was running; other pods of ml-production/ml-training were running too: brun00002-n0-0 (run ml/production/brun00002), so it may be theirs",
    );
    expect(excluded.map((c) => [c.value, c.attributed])).toEqual([
      ['ASIAEARLY00000000001', false],
      [KEY_B, false],
    ]);
    expect(excluded[0].evidence).toMatch(/: not the run's, none of its pods was running then \(arun00001-n0-0 from 2026-03-14T10:10:00\.100Z to 2026-03-14T10:12:00Z; arun00001-n0-1 from .*\); running then as ml-production\/ml-training: brun00002-n0-0 \(run ml\/production\/brun00002\), batchjob-7f9c$/);
  });

  it('allows the clock slack between trails at the edges of a pod life, and no more', () => {
    const justAfter = new Date(Date.parse(at('10:40:00')) + CLOCK_SLACK_MS).toISOString().slice(11, 19);
    const tooLate = new Date(Date.parse(at('10:40:00')) + CLOCK_SLACK_MS + 1000).toISOString().slice(11, 19);
    const { credentials, excluded } = linkCredentials(run, linking, [trail(assume('edge', justAfter, 'ASIAEDGE000000000001', 's')), trail(assume('out', tooLate, 'ASIAOUT0000000000001', 's'))]);
    expect(credentials.map((c) => c.value)).toEqual(['ASIAEDGE000000000001']);
    expect(excluded.map((c) => c.value)).toEqual(['ASIAOUT0000000000001']);
  });

  it('a refused AssumeRoleWithWebIdentity is tied to the run without a key', () => {
    const refused = { ...(assume('denied', '10:26:00', 'ASIAUNUSED0000000001', 's') as Record<string, unknown>), errorCode: 'AccessDenied', errorMessage: 'Not authorized to perform sts:AssumeRoleWithWebIdentity', responseElements: null };
    const { credentials } = linkCredentials(run, linking, [trail(refused)]);
    expect(credentials).toHaveLength(1);
    expect(credentials[0].value).toBe('');
    expect(credentials[0].evidence).toMatch(/^no key \(AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity\) issued to ml-training-irsa/);
  });

  it('ignores calls by accounts the run does not run as, and records one Workload Identity link per Google account', () => {
    const otherAccount = { ...(assume('x', '10:25:00', 'ASIAX000000000000001', 's') as { userIdentity: Record<string, unknown> }) };
    otherAccount.userIdentity = { ...otherAccount.userIdentity, userName: 'system:serviceaccount:ml-production:default' };
    const wi = [normalizeEntry(workloadIdentityEntry('2026-03-14T10:30:00.100Z'), 'gcp'), normalizeEntry(workloadIdentityEntry('2026-03-14T10:31:00.100Z'), 'gcp')];
    const { credentials, excluded } = linkCredentials(run, linking, [trail(otherAccount), ...wi]);
    expect(excluded).toEqual([]);
    expect(credentials.map((c) => [c.kind, c.value, c.event.time.toISOString()])).toEqual([['GCP_WORKLOAD_IDENTITY', 'trainer@acme-ml-prod.iam.gserviceaccount.com', '2026-03-14T10:30:00.100Z']]);
  });
});

describe("finding the run's pods in the Kubernetes audit when Flyte's record lists none", () => {
  const metadataOnly = (spec: RequestSpec): RequestSpec => ({ ...spec, requestObject: undefined });
  const events = [
    ...podEvents,
    // a hashed pod name (Flyte's `f` + hash for long names): its labels say whose it is
    k8s(podCreate('create-hashed', '10:20:00', ML, 'fh4x2kq9d7mzt3a5b6c1', 'ml-training', { ...flyteLabels(RUN_A, 'n1'), 'task-name': 'ml-train-evaluate' })),
    // labels of another project, or the run's name in another namespace with no labels: not the run's
    k8s(podCreate('create-elsewhere', '10:21:00', 'data-production', 'arun00001-n2-0', 'default', { 'execution-id': 'arun00001', project: 'data', domain: 'production' })),
    k8s(metadataOnly(podCreate('create-other-ns', '10:21:30', 'ml-development', 'arun00001-n3-0', 'default', {}))),
    // refused: never a pod
    k8s(podCreate('create-refused', '10:22:00', ML, 'arun00001-n4-0', 'ml-training', flyteLabels(RUN_A, 'n4'), 403)),
    k8s(podOp('delete-a0', '10:12:01', 'delete', ML, 'arun00001-n0-0', PROPELLER)),
  ].sort((a, b) => a.time.getTime() - b.time.getTime());

  it('takes the pods whose creates carry the run\'s labels, each with the event that shows it, and reads their service accounts', () => {
    const linking = linkPods(run, [], events);
    expect(linking.pods.map((p) => [p.name, p.nodeId, p.retryAttempt, p.task, p.phase, p.serviceAccount, p.created?.id, p.from?.toISOString(), p.to?.toISOString()])).toEqual([
      ['arun00001-n0-0', 'n0', 0, undefined, undefined, TRAINING_SA, 'create-a0', '2026-03-14T10:10:00.100Z', '2026-03-14T10:12:01.000Z'],
      ['arun00001-n0-1', 'n0', 1, undefined, undefined, TRAINING_SA, 'create-a1', '2026-03-14T10:12:30.100Z', '2026-03-14T10:40:00.200Z'],
      ['fh4x2kq9d7mzt3a5b6c1', 'n1', undefined, 'ml-train-evaluate', undefined, TRAINING_SA, 'create-hashed', '2026-03-14T10:20:00.000Z', '2026-03-14T10:40:00.200Z'],
    ]);
    expect(linking.pods[0].discovered).toEqual({
      event: { sourceId: 'eks-audit', id: 'create-a0', time: new Date('2026-03-14T10:10:00.100Z'), action: 'pods.create' },
      evidence: 'its create event create-a0 at 2026-03-14T10:10:00.100Z labels it execution-id=arun00001, project=ml, domain=production, node-id=n0',
    });
    expect(linking.pods[0].serviceAccountEvidence).toMatch(/^pod arun00001-n0-0 was created by system:serviceaccount:flyte:flytepropeller at .* \(requestObject\.spec\.serviceAccountName, event create-a0\)$/);
    expect(linking.serviceAccounts.map((s) => [s.username, s.pods])).toEqual([[TRAINING_SA, ['arun00001-n0-0', 'arun00001-n0-1', 'fh4x2kq9d7mzt3a5b6c1']]]);
    // the run's own pods are not "other pods" of its account; the others still are
    expect(linking.otherPods.map((o) => o.name)).toEqual(['brun00002-n0-0', 'batchjob-7f9c']);
    expect(linking.notes).toEqual([]);
  });

  it("finds a pod by Flyte's name form in the run's namespace when the create records no labels, and its account from the run's spec", () => {
    const bare = [k8s(metadataOnly(podCreate('create-meta', '10:10:00.100', ML, 'arun00001-n0-0', 'ml-training', flyteLabels(RUN_A))))];
    const linking = linkPods(run, [], bare);
    expect(linking.pods.map((p) => [p.name, p.nodeId, p.retryAttempt, p.discovered?.evidence])).toEqual([
      ['arun00001-n0-0', 'n0', 0, "its name is Flyte's arun00001-<node>-<attempt> in the run's namespace ml-production (create event create-meta at 2026-03-14T10:10:00.100Z, which records no labels)"],
    ]);
    expect(linking.pods[0].serviceAccount).toBe(TRAINING_SA);
    expect(linking.pods[0].serviceAccountEvidence).toMatch(/^the run's spec names ml-production\/ml-training as its run-as account/);
  });

  it('gives the keys issued while a discovered pod ran to the run, as for a pod Flyte lists', () => {
    const linking = linkPods(run, [], events);
    const { credentials } = linkCredentials(run, linking, [trail(assume('mine', '10:25:00', KEY_A, 's-mine'))]);
    expect(credentials.map((c) => [c.value, c.pods])).toEqual([[KEY_A, ['arun00001-n0-1', 'fh4x2kq9d7mzt3a5b6c1']]]);
  });

  it('adds the pods Flyte lost beside those it lists, and never takes a pod listed by Flyte for a discovered one', () => {
    const linking = linkPods(run, pods.slice(0, 1), events);
    expect(linking.pods.map((p) => [p.name, p.discovered === undefined])).toEqual([
      ['arun00001-n0-0', true],
      ['arun00001-n0-1', false],
      ['fh4x2kq9d7mzt3a5b6c1', false],
    ]);
  });
});
