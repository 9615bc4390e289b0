import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateDemo } from '../../src/demo/generate';
import type { DemoManifest } from '../../src/demo/manifest';
import { clock, ms, readDemo, type DemoData, type Json } from './demo-files';

/**
 * The demo at scale 1, read back from its raw files: every row of DEMO.md's incident table is there with the
 * right fields, the story holds across sources, and each layout is the one its service writes.
 */

const ATTACKER = '198.51.100.23';
const OFFICE = '203.0.113.7';

let tmp: string;
let root: string;
let manifest: DemoManifest;
let demo: DemoData;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'auditgraph-demo-incident-'));
  root = path.join(tmp, 'demo');
  manifest = await generateDemo(root, { scale: 1 });
  demo = readDemo(root);
}, 90_000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const between = (iso: string, from: string, to: string): boolean => ms(iso) >= clock(from) && ms(iso) < clock(to);
const k8sLines = (): Json[] => demo.k8s.flatMap((f) => f.lines);
const k8sComplete = (): Json[] => k8sLines().filter((l) => l.stage === 'ResponseComplete');
const ctRecords = (): Json[] => demo.cloudtrail.flatMap((f) => f.records);
const gcpEntries = (): Json[] => demo.gcp.flatMap((f) => f.entries);
const azRecords = (): Json[] => demo.azure.flatMap((f) => f.records);
const lastIp = (l: Json): string => l.sourceIPs[l.sourceIPs.length - 1];

describe('Okta System Log', () => {
  const alice = (): Json[] => demo.okta.filter((e) => e.actor.id === manifest.incident.alice.oktaId);

  it('07:58: alice signs in from the office with MFA', () => {
    const morning = alice().filter((e) => between(e.published, '07:58', '07:59'));
    const mfa = morning.find((e) => e.eventType === 'user.authentication.auth_via_mfa');
    const start = morning.find((e) => e.eventType === 'user.session.start');
    expect(mfa).toMatchObject({ uuid: manifest.incident.okta.officeMfa.id, outcome: { result: 'SUCCESS' }, client: { ipAddress: OFFICE } });
    expect(start).toMatchObject({ uuid: manifest.incident.okta.officeSignIn.id, outcome: { result: 'SUCCESS' }, client: { ipAddress: OFFICE } });
  });

  it('08:52-08:54: exactly three failed sign-ins for alice, from the attacker, INVALID_CREDENTIALS', () => {
    const failures = alice().filter((e) => e.eventType === 'user.session.start' && e.outcome.result === 'FAILURE');
    expect(failures).toHaveLength(3);
    for (const f of failures) {
      expect(between(f.published, '08:52', '08:55')).toBe(true);
      expect(f.client.ipAddress).toBe(ATTACKER);
      expect(f.outcome.reason).toBe('INVALID_CREDENTIALS');
      expect(f.actor.alternateId).toBe('alice@example.com');
    }
    expect(failures.map((f) => f.uuid).sort()).toEqual(manifest.incident.okta.failedSignIns.map((f) => f.id).sort());
  });

  it('08:55: the MFA push is accepted and a session starts for alice from the attacker', () => {
    const mfa = demo.okta.find((e) => e.uuid === manifest.incident.okta.mfaPush.id);
    const start = demo.okta.find((e) => e.uuid === manifest.incident.okta.sessionStart.id);
    expect(mfa).toMatchObject({ eventType: 'user.authentication.auth_via_mfa', outcome: { result: 'SUCCESS' }, client: { ipAddress: ATTACKER }, debugContext: { debugData: { factor: 'OKTA_VERIFY_PUSH' } } });
    expect(start).toMatchObject({ eventType: 'user.session.start', outcome: { result: 'SUCCESS' }, client: { ipAddress: ATTACKER } });
    expect(between(mfa.published, '08:55', '08:56') && between(start.published, '08:55', '08:56')).toBe(true);
    // the attacker's later SSO events belong to the session that started here
    const sso = alice().filter((e) => e.eventType === 'user.authentication.sso' && e.client.ipAddress === ATTACKER);
    expect(sso.length).toBeGreaterThan(0);
    expect(new Set(sso.map((e) => e.authenticationContext.externalSessionId))).toEqual(new Set([start.authenticationContext.externalSessionId]));
  });

  it('08:57: alice creates an API token', () => {
    const token = demo.okta.find((e) => e.eventType === 'system.api_token.create');
    expect(token).toMatchObject({ uuid: manifest.incident.okta.apiTokenCreate.id, actor: { id: manifest.incident.alice.oktaId }, client: { ipAddress: ATTACKER } });
    expect(between(token.published, '08:57', '08:58')).toBe(true);
    expect(token.target[0]).toMatchObject({ type: 'Token', id: manifest.incident.okta.apiTokenCreate.tokenId });
  });

  it('09:50: carol clears alice\'s sessions and suspends her; alice does nothing afterwards', () => {
    const carolId = manifest.org.people.find((p) => p.email === 'carol@example.com')?.oktaId;
    for (const [type, ref] of [['user.session.clear', manifest.incident.okta.sessionClear], ['user.lifecycle.suspend', manifest.incident.okta.suspend]] as const) {
      const e = demo.okta.find((x) => x.eventType === type);
      expect(e).toMatchObject({ uuid: ref.id, actor: { id: carolId, alternateId: 'carol@example.com' }, target: [{ id: manifest.incident.alice.oktaId, type: 'User' }] });
      expect(between(e.published, '09:50', '09:51')).toBe(true);
    }
    expect(alice().filter((e) => ms(e.published) >= clock('09:50'))).toEqual([]);
  });

  it('is one NDJSON file for the day, in published order, with LogEvent fields', () => {
    expect(fs.readdirSync(path.join(root, 'okta'))).toEqual(['system-log-2026-03-14.ndjson']);
    const times = demo.okta.map((e) => ms(e.published));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(demo.okta.map((e) => e.uuid)).size).toBe(demo.okta.length);
    for (const e of demo.okta.slice(0, 50)) {
      expect(Object.keys(e)).toEqual(expect.arrayContaining(['uuid', 'published', 'eventType', 'displayMessage', 'severity', 'actor', 'client', 'outcome', 'target', 'transaction', 'authenticationContext', 'debugContext']));
      expect(between(e.published, '00:00', '23:59:59.999')).toBe(true);
    }
  });
});

describe('CloudTrail', () => {
  const byId = (id: string): Json => ctRecords().find((r) => r.eventID === id);

  it('09:01: alice\'s Identity Center session signs in to the console from the attacker', () => {
    const login = byId(manifest.incident.cloudtrail.consoleLogin.id);
    expect(login).toMatchObject({
      eventName: 'ConsoleLogin',
      eventSource: 'signin.amazonaws.com',
      sourceIPAddress: ATTACKER,
      userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_3f2a1b9c/alice@example.com' },
      responseElements: { ConsoleLogin: 'Success' },
    });
    expect(between(login.eventTime, '09:01', '09:02')).toBe(true);
    expect(manifest.incident.alice.awsSessionArn).toBe(login.userIdentity.arn);
  });

  it('09:03-09:04: the session creates a key for ci-bot and attaches AdministratorAccess', () => {
    const create = byId(manifest.incident.cloudtrail.createAccessKey.id);
    expect(create).toMatchObject({
      eventName: 'CreateAccessKey',
      sourceIPAddress: ATTACKER,
      userIdentity: { arn: manifest.incident.alice.awsSessionArn },
      requestParameters: { userName: 'ci-bot' },
      responseElements: { accessKey: { userName: 'ci-bot', accessKeyId: 'AKIAEXAMPLECIBOT0001', status: 'Active' } },
    });
    expect(between(create.eventTime, '09:03', '09:04')).toBe(true);
    const attach = byId(manifest.incident.cloudtrail.attachUserPolicy.id);
    expect(attach).toMatchObject({ eventName: 'AttachUserPolicy', sourceIPAddress: ATTACKER, requestParameters: { userName: 'ci-bot', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' } });
    expect(between(attach.eventTime, '09:04', '09:05')).toBe(true);
  });

  it('09:11: the run\'s service account assumes ml-training-irsa; its key signs GetSecretValue, ListBuckets, GetCallerIdentity until 09:40', () => {
    const assume = byId(manifest.incident.cloudtrail.assumeRoleWithWebIdentity.id);
    expect(assume).toMatchObject({
      eventName: 'AssumeRoleWithWebIdentity',
      userIdentity: { type: 'WebIdentityUser', userName: 'system:serviceaccount:ml-production:ml-training' },
      requestParameters: { roleArn: 'arn:aws:iam::111122223333:role/ml-training-irsa' },
      responseElements: { credentials: { accessKeyId: 'ASIAEXAMPLERUN00001' } },
    });
    expect(between(assume.eventTime, '09:11', '09:12')).toBe(true);
    // the key was issued once, and everything it signed is the run's session in 09:12-09:40
    const issued = ctRecords().filter((r) => r.responseElements?.credentials?.accessKeyId === 'ASIAEXAMPLERUN00001');
    expect(issued).toHaveLength(1);
    const signed = ctRecords().filter((r) => r.userIdentity?.accessKeyId === 'ASIAEXAMPLERUN00001');
    expect(signed.map((r) => r.eventName).sort()).toEqual(expect.arrayContaining(['GetCallerIdentity', 'GetSecretValue', 'ListBuckets']));
    for (const r of signed) {
      expect(r.userIdentity.type).toBe('AssumedRole');
      expect(r.userIdentity.arn).toBe(manifest.incident.cloudtrail.assumeRoleWithWebIdentity.sessionArn);
      expect(r.userIdentity.sessionContext.sessionIssuer.arn).toBe('arn:aws:iam::111122223333:role/ml-training-irsa');
      expect(between(r.eventTime, '09:12', '09:41')).toBe(true);
    }
    expect(signed.find((r) => r.eventName === 'GetSecretValue').requestParameters.secretId).toBe('prod/db-password');
    expect(signed.map((r) => r.eventID).sort()).toEqual(manifest.incident.cloudtrail.runSessionCalls.map((c) => c.id).sort());
  });

  it('09:30-09:35: the new ci-bot key is used from the attacker; CreateUser is denied', () => {
    const used = ctRecords().filter((r) => r.userIdentity?.accessKeyId === 'AKIAEXAMPLECIBOT0001');
    expect(used.map((r) => r.eventName).sort()).toEqual(['CreateUser', 'GetSecretValue', 'ListBuckets']);
    for (const r of used) {
      expect(r.sourceIPAddress).toBe(ATTACKER);
      expect(r.userIdentity).toMatchObject({ type: 'IAMUser', userName: 'ci-bot' });
      expect(between(r.eventTime, '09:30', '09:35')).toBe(true);
    }
    expect(used.find((r) => r.eventName === 'CreateUser')).toMatchObject({ errorCode: 'AccessDenied' });
    // and the key traces back to the CreateAccessKey at 09:03
    const created = ctRecords().filter((r) => r.responseElements?.accessKey?.accessKeyId === 'AKIAEXAMPLECIBOT0001');
    expect(created.map((r) => r.eventID)).toEqual([manifest.incident.cloudtrail.createAccessKey.id]);
  });

  it('delivers a file about every five minutes, named by delivery time, holding records a few minutes older', () => {
    const name = /^cloudtrail\/AWSLogs\/111122223333\/CloudTrail\/us-east-1\/(\d{4})\/(\d\d)\/(\d\d)\/111122223333_CloudTrail_us-east-1_(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)Z_[A-Za-z0-9]{16}\.json\.gz$/;
    const fileTimes: number[] = [];
    let unsorted = 0;
    for (const f of demo.cloudtrail) {
      const m = name.exec(f.file);
      expect(m).not.toBeNull();
      if (!m) continue;
      expect(`${m[1]}${m[2]}${m[3]}`).toBe(`${m[4]}${m[5]}${m[6]}`);
      const t = Date.UTC(+m[4], +m[5] - 1, +m[6], +m[7], +m[8]);
      fileTimes.push(t);
      const times = f.records.map((r: Json) => ms(r.eventTime));
      for (const rt of times) {
        expect(t - rt).toBeGreaterThanOrEqual(0);
        expect(t - rt).toBeLessThanOrEqual(15 * 60_000);
      }
      if (times.some((x: number, i: number) => i > 0 && x < times[i - 1])) unsorted++;
    }
    expect(unsorted).toBeGreaterThan(0);
    const gaps = fileTimes.slice(1).map((t, i) => t - fileTimes[i]);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(7 * 60_000);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(3 * 60_000);
    // records of the last minutes of the day are delivered after midnight, in the next day's folder
    expect(demo.cloudtrail.some((f) => f.file.includes('/2026/03/15/'))).toBe(true);
    expect(ctRecords().every((r) => between(r.eventTime, '00:00', '23:59:59.999'))).toBe(true);
    expect(manifest.incident.cloudtrail.maxRecordAgeSeconds).toBeLessThanOrEqual(15 * 60);
  });
});

describe('Kubernetes audit log', () => {
  it('keeps both stages of every request, RequestReceived first, with one stageTimestamp order across files', () => {
    const stages = new Map<string, string[]>();
    for (const l of k8sLines()) stages.set(l.auditID, [...(stages.get(l.auditID) ?? []), l.stage]);
    const bad = [...stages.entries()].filter(([, s]) => s.join(',') !== 'RequestReceived,ResponseComplete');
    expect(bad).toEqual([]);
    const times = k8sLines().map((l) => Date.parse(l.stageTimestamp.replace(/(\.\d{3})\d+Z$/, '$1Z')) * 1000 + Number(l.stageTimestamp.slice(23, 26)));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1])).toBe(true);
    expect(k8sLines().every((l) => l.kind === 'Event' && l.apiVersion === 'audit.k8s.io/v1')).toBe(true);
  });

  it('rotates like lumberjack: audit-<UTC rotation time>.log backups, older ones gzipped, then the live audit.log', () => {
    const names = demo.k8s.map((f) => path.basename(f.file));
    expect(names[names.length - 1]).toBe('audit.log');
    const backups = demo.k8s.slice(0, -1);
    expect(backups.length).toBeGreaterThanOrEqual(2);
    expect(backups.filter((b) => b.file.endsWith('.log.gz')).length).toBeGreaterThanOrEqual(1);
    backups.forEach((b, i) => {
      const m = /audit-(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)-(\d\d)\.(\d{3})\.log(\.gz)?$/.exec(b.file);
      expect(m).not.toBeNull();
      if (!m) return;
      const rotatedAt = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`);
      const last = b.lines[b.lines.length - 1];
      const next = demo.k8s[i + 1].lines[0];
      expect(Date.parse(last.stageTimestamp)).toBeLessThanOrEqual(rotatedAt + 1);
      expect(Date.parse(next.stageTimestamp)).toBeGreaterThanOrEqual(rotatedAt - 1);
      expect(fs.readFileSync(path.join(root, b.file))[0] === 0x1f).toBe(b.file.endsWith('.gz'));
    });
  });

  it('06:12: Argo CD annotates ml-production/ml-training with the IRSA role', () => {
    const patch = k8sComplete().find((l) => l.auditID === manifest.incident.k8s.serviceAccountAnnotation.id);
    expect(patch).toMatchObject({ verb: 'patch', objectRef: { resource: 'serviceaccounts', namespace: 'ml-production', name: 'ml-training' } });
    expect(patch.requestObject.metadata.annotations['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::111122223333:role/ml-training-irsa');
    expect(between(patch.requestReceivedTimestamp, '06:00', '07:00')).toBe(true);
  });

  it('09:06: oidc:alice@example.com lists and gets secrets in ml-production, the real client IP last', () => {
    const secrets = k8sComplete().filter((l) => l.user.username === 'oidc:alice@example.com' && l.objectRef?.resource === 'secrets' && between(l.requestReceivedTimestamp, '09:06', '09:07'));
    expect(secrets.map((l) => l.verb).sort()).toEqual(['get', 'get', 'list']);
    for (const l of secrets) {
      expect(l.objectRef.namespace).toBe('ml-production');
      expect(lastIp(l)).toBe(ATTACKER);
      expect(l.responseStatus.code).toBe(200);
    }
    expect(secrets.find((l) => l.verb === 'list').auditID).toBe(manifest.incident.k8s.secretsList.id);
  });

  it('09:10: propeller creates the run\'s pod with Flyte\'s labels and the ml-training service account', () => {
    const create = k8sComplete().find((l) => l.auditID === manifest.incident.k8s.podCreate.id);
    expect(create).toMatchObject({ verb: 'create', user: { username: 'system:serviceaccount:flyte:flytepropeller' }, objectRef: { resource: 'pods', namespace: 'ml-production', name: 'fz3k9q2m1x-n0-0' }, responseStatus: { code: 201 } });
    expect(create.requestObject.metadata.labels).toMatchObject({ 'execution-id': 'fz3k9q2m1x', project: 'ml', domain: 'production', 'node-id': 'n0' });
    expect(create.requestObject.spec.serviceAccountName).toBe('ml-training');
    expect(between(create.requestReceivedTimestamp, '09:10', '09:12')).toBe(true);
    // the create was sent to the collection; the apiserver names the object once it has decoded it
    const received = k8sLines().find((l) => l.auditID === create.auditID && l.stage === 'RequestReceived');
    expect(received.requestURI).toBe('/api/v1/namespaces/ml-production/pods');
    expect(received.objectRef.name).toBeUndefined();
  });

  it('09:14: the pod itself, by its bound token, lists secrets', () => {
    const list = k8sComplete().find((l) => l.auditID === manifest.incident.k8s.podSecretsList.id);
    expect(list).toMatchObject({ verb: 'list', objectRef: { resource: 'secrets', namespace: 'ml-production' }, user: { username: 'system:serviceaccount:ml-production:ml-training' } });
    expect(list.user.extra['authentication.kubernetes.io/pod-name']).toEqual(['fz3k9q2m1x-n0-0']);
    expect(between(list.requestReceivedTimestamp, '09:14', '09:15')).toBe(true);
  });

  it('has a pod create for every task execution Flyte reports', () => {
    const created = new Set(k8sComplete().filter((l) => l.verb === 'create' && l.objectRef?.resource === 'pods' && !l.objectRef.subresource).map((l) => `${l.objectRef.namespace}/${l.objectRef.name}`));
    const pods = [...demo.flyte.taskExecutions.values()].flatMap((t) => t.task_executions.flatMap((te: Json) => te.closure.log_context.pods.map((p: Json) => `${p.namespace}/${p.pod_name}`)));
    expect(pods.length).toBe(manifest.sources.flyte.taskExecutions);
    expect(pods.filter((p) => !created.has(p))).toEqual([]);
  });
});

describe('Flyte', () => {
  const run = (): Json => demo.flyte.executions.find((e: Json) => e.id.name === 'fz3k9q2m1x');

  it('prints executions as uctl does: a camelCase array, newest first, zero values omitted', () => {
    const ex = demo.flyte.executions;
    expect(Array.isArray(ex)).toBe(true);
    const created = ex.map((e: Json) => ms(e.closure.createdAt));
    expect(created).toEqual([...created].sort((a, b) => b - a));
    expect(ex.every((e: Json) => e.spec.launchPlan && e.closure.phase && !('launch_plan' in e.spec))).toBe(true);
  });

  it('09:10: alice launches ml/production/fz3k9q2m1x by hand; 09:47: bob aborts it', () => {
    const e = run();
    expect(e.spec.metadata).not.toHaveProperty('mode');
    expect(e.spec.metadata.principal).toBe('alice@example.com');
    expect(e.spec.launchPlan).toMatchObject({ project: 'ml', domain: 'production', name: 'ml.train.train_pipeline' });
    expect(between(e.closure.createdAt, '09:10', '09:11')).toBe(true);
    expect(e.closure.phase).toBe('ABORTED');
    expect(e.closure.abortMetadata).toEqual({ cause: 'suspicious activity', principal: 'bob@example.com' });
    expect(between(e.closure.updatedAt, '09:47', '09:48')).toBe(true);
    expect(manifest.incident.flyte).toMatchObject({ runId: 'ml/production/fz3k9q2m1x', principal: 'alice@example.com', abortedBy: 'bob@example.com', createdAt: e.closure.createdAt });
  });

  it('writes the run\'s node and task executions as the REST API returns them', () => {
    const nodes = demo.flyte.nodeExecutions.get('ml/production/fz3k9q2m1x');
    expect(nodes.node_executions.map((n: Json) => n.id.node_id)).toEqual(['start-node', 'n0']);
    expect(nodes.node_executions[1].closure.phase).toBe('ABORTED');
    const tasks = demo.flyte.taskExecutions.get('ml/production/fz3k9q2m1x/n0');
    const te = tasks.task_executions[0];
    expect(te.closure.log_context.pods[0].pod_name).toBe('fz3k9q2m1x-n0-0');
    expect(te.closure.logs.length).toBeGreaterThan(0);
    expect(te.id.node_execution_id.execution_id).toMatchObject({ project: 'ml', domain: 'production', name: 'fz3k9q2m1x' });
  });

  it('runs hourly schedules in every project and domain', () => {
    const scheduled = demo.flyte.executions.filter((e: Json) => e.spec.metadata.mode === 'SCHEDULED');
    for (const project of ['ml', 'data']) {
      for (const domain of ['development', 'production']) {
        const hours = new Set(scheduled.filter((e: Json) => e.id.project === project && e.id.domain === domain).map((e: Json) => e.spec.metadata.scheduledAt.slice(11, 13)));
        expect(hours.size).toBe(24);
      }
    }
    expect(demo.flyte.executions.length).toBeGreaterThanOrEqual(90);
  });
});

describe('GCP Cloud Audit Logs', () => {
  it('09:20: alice SetIamPolicy grants roles/owner to mallory.ext@gmail.com from the attacker', () => {
    const file = demo.gcp.find((f) => f.file === 'gcp/cloudaudit.googleapis.com/activity/2026/03/14/09:00:00_09:59:59_S0.json');
    expect(file).toBeDefined();
    const e = file?.entries.find((x: Json) => x.insertId === manifest.incident.gcp.setIamPolicy.id);
    expect(e).toMatchObject({
      logName: 'projects/acme-ml-prod/logs/cloudaudit.googleapis.com%2Factivity',
      protoPayload: {
        '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
        serviceName: 'cloudresourcemanager.googleapis.com',
        methodName: 'SetIamPolicy',
        authenticationInfo: { principalEmail: 'alice@example.com' },
        requestMetadata: { callerIp: ATTACKER },
        serviceData: { policyDelta: { bindingDeltas: [{ action: 'ADD', role: 'roles/owner', member: 'user:mallory.ext@gmail.com' }] } },
      },
    });
    expect(e.protoPayload.request.policy.bindings.find((b: Json) => b.role === 'roles/owner').members).toContain('user:mallory.ext@gmail.com');
    expect(between(e.timestamp, '09:20', '09:21')).toBe(true);
  });

  it('09:21: alice creates a key for trainer@acme-ml-prod', () => {
    const e = gcpEntries().find((x) => x.insertId === manifest.incident.gcp.createServiceAccountKey.id);
    expect(e).toMatchObject({
      protoPayload: { methodName: 'google.iam.admin.v1.CreateServiceAccountKey', authenticationInfo: { principalEmail: 'alice@example.com' }, requestMetadata: { callerIp: ATTACKER }, request: { name: 'projects/-/serviceAccounts/trainer@acme-ml-prod.iam.gserviceaccount.com' } },
    });
    expect(between(e.timestamp, '09:21', '09:22')).toBe(true);
  });

  it('files each entry under the hour of its timestamp, one LogEntry per line', () => {
    for (const f of demo.gcp) {
      const m = /^gcp\/cloudaudit\.googleapis\.com\/(activity|data_access|system_event)\/2026\/03\/14\/(\d\d):00:00_(\d\d):59:59_S0\.json$/.exec(f.file);
      expect(m).not.toBeNull();
      for (const e of f.entries) {
        expect(e.timestamp.slice(11, 13)).toBe(m?.[2]);
        expect(e.logName).toBe(`projects/acme-ml-prod/logs/cloudaudit.googleapis.com%2F${m?.[1]}`);
        expect(e.protoPayload['@type']).toBe('type.googleapis.com/google.cloud.audit.AuditLog');
      }
    }
    expect(new Set(gcpEntries().map((e) => e.insertId)).size).toBe(gcpEntries().length);
  });
});

describe('Azure activity log export', () => {
  it('09:25: alice writes a role assignment on the subscription from the attacker (Start, then Success)', () => {
    const ops = azRecords().filter((r) => r.correlationId === manifest.incident.azure.correlationId);
    expect(ops.map((r) => r.resultType)).toEqual(['Start', 'Success']);
    for (const r of ops) {
      expect(r).toMatchObject({ operationName: 'MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE', category: 'Administrative', callerIpAddress: ATTACKER });
      expect(r.resourceId.startsWith('/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000001/PROVIDERS/MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/')).toBe(true);
      expect(r.identity.authorization.action).toBe('Microsoft.Authorization/roleAssignments/write');
      expect(r.identity.claims['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn']).toBe('alice@example.com');
      expect(r.identity.claims['http://schemas.microsoft.com/identity/claims/objectidentifier']).toBe(manifest.incident.alice.azureObjectId);
      expect(between(r.time, '09:25', '09:26')).toBe(true);
      // the export schema, not REST EventData
      expect(r).not.toHaveProperty('caller');
      expect(r).not.toHaveProperty('eventTimestamp');
    }
  });

  it('files records in the hourly blob of their arrival, at most a few minutes after their time', () => {
    for (const f of demo.azure) {
      const m = /^azure\/insights-activity-logs\/resourceId=\/SUBSCRIPTIONS\/00000000-0000-0000-0000-000000000001\/y=(\d{4})\/m=(\d\d)\/d=(\d\d)\/h=(\d\d)\/m=00\/PT1H\.json$/.exec(f.file);
      expect(m).not.toBeNull();
      if (!m) continue;
      const hourStart = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4]);
      for (const r of f.records) {
        const t = ms(r.time);
        expect(t).toBeLessThan(hourStart + 3_600_000);
        expect(t).toBeGreaterThan(hourStart - 5 * 60_000);
        expect(r.time).toMatch(/\.\d{7}Z$/);
      }
    }
  });
});

describe('the story across sources', () => {
  it('alice does nothing after 08:45 except from the attacker\'s address (bar Flyte, which has no IP)', () => {
    const after = clock('08:45');
    const offenders: string[] = [];
    for (const e of demo.okta) if (e.actor.id === manifest.incident.alice.oktaId && ms(e.published) >= after && e.client.ipAddress !== ATTACKER) offenders.push(`okta ${e.eventType}`);
    for (const r of ctRecords()) if (String(r.userIdentity?.arn ?? '').endsWith('/alice@example.com') && ms(r.eventTime) >= after && r.sourceIPAddress !== ATTACKER) offenders.push(`cloudtrail ${r.eventName}`);
    for (const l of k8sComplete()) if (l.user.username === 'oidc:alice@example.com' && ms(l.requestReceivedTimestamp) >= after && lastIp(l) !== ATTACKER) offenders.push(`k8s ${l.verb}`);
    for (const e of gcpEntries()) if (e.protoPayload.authenticationInfo?.principalEmail === 'alice@example.com' && ms(e.timestamp) >= after && e.protoPayload.requestMetadata?.callerIp !== ATTACKER) offenders.push(`gcp ${e.protoPayload.methodName}`);
    for (const r of azRecords()) if (r.identity?.claims?.['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn'] === 'alice@example.com' && ms(r.time) >= after && r.callerIpAddress !== ATTACKER) offenders.push(`azure ${r.operationName}`);
    expect(offenders).toEqual([]);
  });

  it('the attacker\'s address appears in Okta, AWS, Kubernetes, GCP and Azure, and only in the incident', () => {
    const seen = {
      okta: demo.okta.filter((e) => e.client.ipAddress === ATTACKER).length,
      cloudtrail: ctRecords().filter((r) => r.sourceIPAddress === ATTACKER).length,
      k8s: k8sComplete().filter((l) => lastIp(l) === ATTACKER).length,
      gcp: gcpEntries().filter((e) => e.protoPayload.requestMetadata?.callerIp === ATTACKER).length,
      azure: azRecords().filter((r) => r.callerIpAddress === ATTACKER).length,
    };
    for (const n of Object.values(seen)) expect(n).toBeGreaterThan(0);
    const times = [
      ...demo.okta.filter((e) => e.client.ipAddress === ATTACKER).map((e) => e.published),
      ...ctRecords().filter((r) => r.sourceIPAddress === ATTACKER).map((r) => r.eventTime),
      ...gcpEntries().filter((e) => e.protoPayload.requestMetadata?.callerIp === ATTACKER).map((e) => e.timestamp),
      ...azRecords().filter((r) => r.callerIpAddress === ATTACKER).map((r) => r.time),
    ];
    expect(times.every((t) => between(t, '08:50', '09:50'))).toBe(true);
  });

  it('the manifest\'s timeline is in time order and names events that exist', () => {
    const tl = manifest.incident.timeline;
    const times = tl.map((t) => ms(t.time));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const ids = new Set([
      ...demo.okta.map((e) => e.uuid),
      ...ctRecords().map((r) => r.eventID),
      ...k8sLines().map((l) => l.auditID),
      ...gcpEntries().map((e) => e.insertId),
      ...azRecords().map((r) => r.correlationId),
      'ml/production/fz3k9q2m1x',
    ]);
    expect(tl.filter((t) => !ids.has(t.id))).toEqual([]);
    expect(new Set(tl.map((t) => t.source))).toEqual(new Set(['okta', 'cloudtrail', 'k8s-audit', 'flyte', 'gcp-audit', 'azure-activity']));
  });
});

describe('volume', () => {
  it('holds several tens of thousands of background events, as the manifest counts them', () => {
    expect(demo.okta.length).toBe(manifest.sources.okta.records);
    expect(ctRecords().length).toBe(manifest.sources.cloudtrail.records);
    expect(k8sLines().length).toBe(manifest.sources.k8sAudit.records);
    expect(gcpEntries().length).toBe(manifest.sources.gcp.records);
    expect(azRecords().length).toBe(manifest.sources.azure.records);
    expect(demo.flyte.executions.length).toBe(manifest.sources.flyte.records);

    expect(manifest.sources.k8sAudit.requests).toBeGreaterThanOrEqual(15_000);
    expect(ctRecords().length).toBeGreaterThanOrEqual(8_000);
    expect(demo.okta.length).toBeGreaterThanOrEqual(2_000);
    expect(gcpEntries().length).toBeGreaterThanOrEqual(2_000);
    expect(azRecords().length).toBeGreaterThanOrEqual(1_500);
    expect(manifest.totalRecords).toBeGreaterThanOrEqual(40_000);
    // spread over the whole day, not bunched around the incident
    const hours = new Set(k8sComplete().map((l) => l.requestReceivedTimestamp.slice(11, 13)));
    expect(hours.size).toBe(24);
  });
});
