import { ActorType, AliasKind, EventCategory, Outcome } from '../../../src/domain';
import { actorOf } from '../../../src/sources/gcp-audit/actor';
import { k8sServiceAccountOf, parseK8sMethod, flyteRunOf } from '../../../src/sources/gcp-audit/gke';
import { MalformedEntryError, normalizeEntry } from '../../../src/sources/gcp-audit/normalize';
import {
  ATTACKER_IP,
  PROJECT,
  auditEntry,
  createKeyEntry,
  deniedEntry,
  gkePodCreateEntry,
  gkeSecretsListEntry,
  impersonationEntry,
  logName,
  privateCallerEntry,
  setIamPolicyEntry,
  systemEventEntry,
  workloadIdentityEntry,
} from './fixtures';

const SRC = 'gcp-prod';

describe('gcp-audit normalizeEntry', () => {
  it('SetIamPolicy by a person from an IP: user access management, caller aliases, project target', () => {
    const raw = setIamPolicyEntry();
    const e = normalizeEntry(raw, SRC);
    expect(e.id).toBe(`projects/${PROJECT}/activity/-q4n2yde1a2b3`);
    expect(e.sourceId).toBe(SRC);
    expect(e.sourceType).toBe('gcp-audit');
    expect(e.time.toISOString()).toBe('2026-03-14T09:20:03.418Z');
    expect(e.category).toBe(EventCategory.USER_ACCESS);
    expect(e.ocsfClassUid).toBe(3005);
    expect(e.action).toBe('cloudresourcemanager.googleapis.com:SetIamPolicy');
    expect(e.rawAction).toBe('SetIamPolicy');
    expect(e.actor).toEqual({
      name: 'alice@example.com',
      type: ActorType.USER,
      uid: 'user:alice@example.com',
      aliases: [
        { kind: AliasKind.GCP_PRINCIPAL, value: 'alice@example.com', field: 'protoPayload.authenticationInfo.principalEmail' },
        { kind: AliasKind.EMAIL, value: 'alice@example.com', field: 'protoPayload.authenticationInfo.principalEmail' },
        { kind: AliasKind.GCP_PRINCIPAL, value: 'user:alice@example.com', field: 'protoPayload.authenticationInfo.principalSubject' },
      ],
    });
    expect(e.targets).toEqual([{ type: 'project', name: `projects/${PROJECT}` }]);
    expect(e.outcome).toBe(Outcome.SUCCESS);
    expect(e.outcomeReason).toBeUndefined();
    expect(e.sourceIp).toBe(ATTACKER_IP);
    expect(e.userAgent).toContain('gcloud.projects.add-iam-policy-binding');
    expect(e.cloud).toEqual({ provider: 'gcp', account: PROJECT });
    expect(e.raw).toBe(raw);
  });

  it('CreateServiceAccountKey: account change on the service account', () => {
    const e = normalizeEntry(createKeyEntry(), SRC);
    expect(e.category).toBe(EventCategory.ACCOUNT_CHANGE);
    expect(e.ocsfClassUid).toBe(3001);
    expect(e.action).toBe('iam.googleapis.com:google.iam.admin.v1.CreateServiceAccountKey');
    expect(e.rawAction).toBe('google.iam.admin.v1.CreateServiceAccountKey');
    expect(e.targets).toEqual([{ type: 'service_account', name: 'projects/-/serviceAccounts/104562948271038475621' }]);
    expect(e.actor.name).toBe('alice@example.com');
  });

  it('a service account caller with a delegation chain: onBehalfOf the original principal, delegator as alias', () => {
    const e = normalizeEntry(impersonationEntry(), SRC);
    expect(e.id).toBe(`projects/${PROJECT}/data_access/1jw0t9ee3r7l`);
    expect(e.actor.name).toBe(`trainer@${PROJECT}.iam.gserviceaccount.com`);
    expect(e.actor.type).toBe(ActorType.SERVICE_ACCOUNT);
    expect(e.actor.onBehalfOf).toBe('alice@example.com');
    expect(e.actor.uid).toBe(`serviceAccount:trainer@${PROJECT}.iam.gserviceaccount.com`);
    // a service account email is a principal, not a person's email
    expect(e.actor.aliases.filter((a) => a.kind === AliasKind.EMAIL).map((a) => a.value)).toEqual(['alice@example.com']);
    expect(e.actor.aliases).toContainEqual({
      kind: AliasKind.GCP_PRINCIPAL,
      value: 'alice@example.com',
      field: 'protoPayload.authenticationInfo.serviceAccountDelegationInfo[0].firstPartyPrincipal.principalEmail',
    });
    expect(e.category).toBe(EventCategory.API_ACTIVITY);
    expect(e.cloud).toEqual({ provider: 'gcp', account: PROJECT, region: 'us-central1' });
  });

  it('GKE Workload Identity: the Kubernetes service account comes out of the delegation subject', () => {
    const e = normalizeEntry(workloadIdentityEntry(), SRC);
    expect(e.actor.name).toBe(`trainer@${PROJECT}.iam.gserviceaccount.com`);
    expect(e.actor.onBehalfOf).toBe('system:serviceaccount:ml-production:ml-training');
    expect(e.actor.aliases).toContainEqual({
      kind: AliasKind.K8S_SERVICE_ACCOUNT,
      value: 'system:serviceaccount:ml-production:ml-training',
      field: 'protoPayload.authenticationInfo.serviceAccountDelegationInfo[0].principalSubject',
    });
    // callerIp "gce-internal-ip" is not an address
    expect(e.sourceIp).toBeUndefined();
  });

  it('GKE pods.create: Kubernetes action, pod target, Flyte run from the pod name', () => {
    const e = normalizeEntry(gkePodCreateEntry(), SRC);
    expect(e.action).toBe('pods.create');
    expect(e.rawAction).toBe('io.k8s.core.v1.pods.create');
    expect(e.category).toBe(EventCategory.API_ACTIVITY);
    expect(e.targets).toEqual([{ type: 'pods', name: 'fz3k9q2m1x-n0-0', namespace: 'ml-production', uid: 'core/v1/namespaces/ml-production/pods/fz3k9q2m1x-n0-0' }]);
    expect(e.runId).toBe('ml/production/fz3k9q2m1x');
    expect(e.actor).toEqual({
      name: 'system:serviceaccount:flyte:flytepropeller',
      type: ActorType.SERVICE_ACCOUNT,
      aliases: [{ kind: AliasKind.K8S_SERVICE_ACCOUNT, value: 'system:serviceaccount:flyte:flytepropeller', field: 'protoPayload.authenticationInfo.principalEmail' }],
    });
    expect(e.correlationId).toBe('b31cf1a4-7e02-4c1d-9d55-0f3e6a5a2c11');
    expect(e.sourceIp).toBe('10.128.0.17');
    expect(e.cloud).toEqual({ provider: 'gcp', account: PROJECT, region: 'us-central1' });
  });

  it('GKE secrets.list by a person: Kubernetes user alias besides the Google principal, no run', () => {
    const e = normalizeEntry(gkeSecretsListEntry(), SRC);
    expect(e.action).toBe('secrets.list');
    expect(e.targets).toEqual([{ type: 'secrets', name: 'core/v1/namespaces/ml-production/secrets', namespace: 'ml-production', uid: 'core/v1/namespaces/ml-production/secrets' }]);
    expect(e.runId).toBeUndefined();
    expect(e.actor.type).toBe(ActorType.USER);
    expect(e.actor.aliases.map((a) => a.kind).sort()).toEqual([AliasKind.EMAIL, AliasKind.GCP_PRINCIPAL, AliasKind.K8S_USER].sort());
    expect(e.sourceIp).toBe(ATTACKER_IP);
  });

  it('PERMISSION_DENIED status: failure with the status name and message', () => {
    const e = normalizeEntry(deniedEntry(), SRC);
    expect(e.outcome).toBe(Outcome.FAILURE);
    expect(e.outcomeReason).toBe("PERMISSION_DENIED: Permission 'iam.serviceAccountKeys.create' denied on resource (or it may not exist).");
    expect(e.category).toBe(EventCategory.ACCOUNT_CHANGE);
  });

  it('callerIp "private": no source IP; a default compute service account is a service account', () => {
    const e = normalizeEntry(privateCallerEntry(), SRC);
    expect(e.sourceIp).toBeUndefined();
    expect(e.actor.type).toBe(ActorType.SERVICE_ACCOUNT);
    expect(e.actor.aliases).toEqual([{ kind: AliasKind.GCP_PRINCIPAL, value: '318274650912-compute@developer.gserviceaccount.com', field: 'protoPayload.authenticationInfo.principalEmail' }]);
    expect(e.correlationId).toBe('operation-1773478039412-6127a1c2b3d4e-9f8e7d6c-5b4a3f2e');
    expect(e.cloud?.region).toBe('us-central1-a');
  });

  it('a system event with a status message but no code is a success', () => {
    const e = normalizeEntry(systemEventEntry(), SRC);
    expect(e.id).toBe(`projects/${PROJECT}/system_event/-5z1xa9e2d4kq`);
    expect(e.outcome).toBe(Outcome.SUCCESS);
    expect(e.sourceIp).toBeUndefined();
  });

  it('an entry without any caller is Google acting: named after the service', () => {
    const raw = auditEntry({ insertId: 'x1', timestamp: '2026-03-14T11:00:00Z', payload: { serviceName: 'compute.googleapis.com', methodName: 'compute.instances.preempted' } });
    const e = normalizeEntry(raw, SRC);
    expect(e.actor).toEqual({ name: 'compute.googleapis.com', type: ActorType.SERVICE, aliases: [] });
    expect(e.targets).toEqual([]);
  });

  it('keeps nanosecond timestamps to the millisecond and a numeric status code given as a string', () => {
    const raw = auditEntry({
      insertId: 'x2',
      timestamp: '2026-03-14T11:00:00.999999999Z',
      payload: { serviceName: 'storage.googleapis.com', methodName: 'storage.buckets.delete', status: { code: '9', message: 'bucket not empty' } },
    });
    const e = normalizeEntry(raw, SRC);
    expect(e.time.toISOString()).toBe('2026-03-14T11:00:00.999Z');
    expect(e.outcome).toBe(Outcome.FAILURE);
    expect(e.outcomeReason).toBe('FAILED_PRECONDITION: bucket not empty');
  });

  it.each([
    ['not an object', ['x'], 'JSON object'],
    ['no protoPayload', { logName: logName('activity'), insertId: 'a', timestamp: '2026-03-14T09:00:00Z', textPayload: 'hello' }, 'no protoPayload'],
    ['another payload type', { logName: logName('activity'), insertId: 'a', timestamp: '2026-03-14T09:00:00Z', protoPayload: { '@type': 'type.googleapis.com/google.appengine.logging.v1.RequestLog' } }, 'RequestLog'],
    ['no insertId', { logName: logName('activity'), timestamp: '2026-03-14T09:00:00Z', protoPayload: { methodName: 'x' } }, 'insertId'],
    ['a bad timestamp', { logName: logName('activity'), insertId: 'a', timestamp: 'yesterday', protoPayload: { methodName: 'x' } }, 'not a date'],
    ['no methodName', { logName: logName('activity'), insertId: 'a', timestamp: '2026-03-14T09:00:00Z', protoPayload: { serviceName: 'x' } }, 'methodName'],
  ])('rejects an entry with %s as malformed', (_what, raw, reason) => {
    expect(() => normalizeEntry(raw, SRC)).toThrow(MalformedEntryError);
    expect(() => normalizeEntry(raw, SRC)).toThrow(reason);
  });
});

describe('gcp-audit identities and GKE names', () => {
  it('reads Kubernetes service accounts out of Workload Identity subjects', () => {
    expect(k8sServiceAccountOf('serviceAccount:acme.svc.id.goog[ns-a/sa-b]')).toBe('system:serviceaccount:ns-a:sa-b');
    expect(k8sServiceAccountOf('principal://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/acme.svc.id.goog/subject/ns/ns-a/sa/sa-b')).toBe(
      'system:serviceaccount:ns-a:sa-b',
    );
    expect(k8sServiceAccountOf('system:serviceaccount:x:y')).toBe('system:serviceaccount:x:y');
    expect(k8sServiceAccountOf('serviceAccount:trainer@acme.iam.gserviceaccount.com')).toBeUndefined();
    expect(k8sServiceAccountOf('principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/aws-pool/subject/arn:aws:iam::1:role/x')).toBeUndefined();
  });

  it('a third party subject without an email is the name, typed by its pool', () => {
    const actor = actorOf({ principalSubject: 'principal://iam.googleapis.com/locations/global/workforcePools/corp/subject/alice' }, { kubernetes: false });
    expect(actor.name).toBe('principal://iam.googleapis.com/locations/global/workforcePools/corp/subject/alice');
    expect(actor.type).toBe(ActorType.USER);
    expect(actor.uid).toBe(actor.name);
  });

  it('a GKE token exchange names the Kubernetes service account in its third-party claims', () => {
    const actor = actorOf(
      {
        principalEmail: 'trainer@acme.iam.gserviceaccount.com',
        serviceAccountDelegationInfo: [{ thirdPartyPrincipal: { thirdPartyClaims: { sub: 'system:serviceaccount:ml:trainer', iss: 'https://container.googleapis.com/v1/projects/acme/locations/us-central1/clusters/c' } } }],
      },
      { kubernetes: false },
    );
    expect(actor.onBehalfOf).toBe('system:serviceaccount:ml:trainer');
    expect(actor.aliases).toContainEqual({
      kind: AliasKind.K8S_SERVICE_ACCOUNT,
      value: 'system:serviceaccount:ml:trainer',
      field: 'protoPayload.authenticationInfo.serviceAccountDelegationInfo[0].thirdPartyPrincipal.thirdPartyClaims.sub',
    });
  });

  it('parses GKE method names with groups, subresources and beta versions', () => {
    expect(parseK8sMethod('io.k8s.core.v1.pods.create')).toEqual({ resource: 'pods', verb: 'create' });
    expect(parseK8sMethod('io.k8s.core.v1.pods.exec.create')).toEqual({ resource: 'pods', subresource: 'exec', verb: 'create' });
    expect(parseK8sMethod('io.k8s.authorization.rbac.v1.clusterrolebindings.update')).toEqual({ resource: 'clusterrolebindings', verb: 'update' });
    expect(parseK8sMethod('io.k8s.networking.v1beta1.ingresses.get')).toEqual({ resource: 'ingresses', verb: 'get' });
    expect(parseK8sMethod('io.k8s.get')).toEqual({ resource: 'k8s', verb: 'get' });
  });

  it('links only Flyte-shaped pods in <project>-<domain> namespaces to a run', () => {
    expect(flyteRunOf('flytesnacks-development', 'a1b2c3d4e5f6g7h8i9j0-n1-0-n2-1')).toBe('flytesnacks/development/a1b2c3d4e5f6g7h8i9j0');
    expect(flyteRunOf('ml-production', 'web-7d9f8-abcde')).toBeUndefined();
    expect(flyteRunOf('kube-system', 'fz3k9q2m1x-n0-0')).toBeUndefined();
  });
});
