import { ActorType, AliasKind, EventCategory, Outcome } from '../../../src/domain';
import { MalformedRecordError, normalizeAuditRecord } from '../../../src/sources/k8s-audit/normalize';
import type { K8sAuditRecord } from '../../../src/sources/k8s-audit/record';

const ctx = { sourceId: 'prod-audit', cluster: 'prod-eks' };

function record(overrides: Partial<K8sAuditRecord>): K8sAuditRecord {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: 'a1b2c3d4-0000-4000-8000-000000000001',
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/default/pods',
    verb: 'list',
    user: { username: 'oidc:alice@example.com', groups: ['oidc:platform', 'system:authenticated'] },
    sourceIPs: ['198.51.100.23'],
    userAgent: 'kubectl/v1.30.2 (darwin/arm64) kubernetes/3968350',
    objectRef: { resource: 'pods', namespace: 'default', apiVersion: 'v1' },
    responseStatus: { code: 200 },
    requestReceivedTimestamp: '2026-03-14T09:06:12.123456Z',
    stageTimestamp: '2026-03-14T09:06:12.140211Z',
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed by ClusterRoleBinding "oidc-admins"' },
    ...overrides,
  };
}

describe('normalizeAuditRecord', () => {
  it('pod create by flytepropeller: labels give the run, the propeller is a service account', () => {
    const rec = record({
      level: 'Request',
      requestURI: '/api/v1/namespaces/ml-production/pods',
      verb: 'create',
      user: {
        username: 'system:serviceaccount:flyte:flytepropeller',
        uid: '5b3c8d2e-1111-4a2b-9c3d-000000000042',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:flyte', 'system:authenticated'],
        extra: {
          'authentication.kubernetes.io/pod-name': ['flytepropeller-7d9f8b6c4-x2x4k'],
          'authentication.kubernetes.io/pod-uid': ['0e6f4d2a-2222-4b3c-8d4e-000000000007'],
          'authentication.kubernetes.io/credential-id': ['JTI=9f0e8d7c-3333-4c4d-9e5f-000000000003'],
        },
      },
      sourceIPs: ['10.0.12.34'],
      userAgent: 'flytepropeller/v1.13.1 (linux/amd64) kubernetes/$Format',
      objectRef: { resource: 'pods', namespace: 'ml-production', name: 'fz3k9q2m1x-n0-0', apiVersion: 'v1' },
      responseStatus: { code: 201 },
      requestObject: {
        kind: 'Pod',
        apiVersion: 'v1',
        metadata: {
          name: 'fz3k9q2m1x-n0-0',
          namespace: 'ml-production',
          labels: { 'execution-id': 'fz3k9q2m1x', project: 'ml', domain: 'production', 'node-id': 'n0', 'task-name': 'ml-train-train' },
        },
      },
    });
    const e = normalizeAuditRecord(rec, ctx);
    expect(e.id).toBe(rec.auditID);
    expect(e.correlationId).toBe(rec.auditID);
    expect(e.time.toISOString()).toBe('2026-03-14T09:06:12.123Z');
    expect(e.action).toBe('pods.create');
    expect(e.rawAction).toBe('create');
    expect(e.category).toBe(EventCategory.API_ACTIVITY);
    expect(e.ocsfClassUid).toBe(6003);
    expect(e.outcome).toBe(Outcome.SUCCESS);
    expect(e.actor).toEqual({
      name: 'system:serviceaccount:flyte:flytepropeller',
      type: ActorType.SERVICE_ACCOUNT,
      uid: '5b3c8d2e-1111-4a2b-9c3d-000000000042',
      sessionId: 'JTI=9f0e8d7c-3333-4c4d-9e5f-000000000003',
      aliases: [{ kind: AliasKind.K8S_SERVICE_ACCOUNT, value: 'system:serviceaccount:flyte:flytepropeller', field: 'user.username' }],
    });
    expect(e.targets).toEqual([{ type: 'pods', name: 'fz3k9q2m1x-n0-0', namespace: 'ml-production' }]);
    expect(e.runId).toBe('ml/production/fz3k9q2m1x');
    expect(e.sourceIp).toBe('10.0.12.34');
    expect(e.cloud).toEqual({ provider: 'kubernetes', account: 'prod-eks' });
    expect(e.raw).toBe(rec);
  });

  it('pod create labelled with execution-id only: project and domain from the namespace', () => {
    const e = normalizeAuditRecord(
      record({
        verb: 'create',
        objectRef: { resource: 'pods', namespace: 'data-development', apiVersion: 'v1' },
        requestObject: { kind: 'Pod', metadata: { generateName: 'x-', labels: { 'execution-id': 'abc123' } } },
      }),
      ctx,
    );
    expect(e.runId).toBe('data/development/abc123');
    // no name on the object: the request path names the collection
    expect(e.targets[0].name).toBe('/api/v1/namespaces/default/pods');
  });

  it('secrets list by oidc:alice: the user keeps her prefix, the last source IP counts', () => {
    const e = normalizeAuditRecord(
      record({
        requestURI: '/api/v1/namespaces/ml-production/secrets?limit=500',
        objectRef: { resource: 'secrets', namespace: 'ml-production', apiVersion: 'v1' },
        // X-Forwarded-For can be forged; the apiserver appends the connection's address last
        sourceIPs: ['10.9.9.9', '198.51.100.23'],
      }),
      ctx,
    );
    expect(e.action).toBe('secrets.list');
    expect(e.actor.name).toBe('oidc:alice@example.com');
    expect(e.actor.type).toBe(ActorType.USER);
    expect(e.actor.aliases).toEqual([{ kind: AliasKind.K8S_USER, value: 'oidc:alice@example.com', field: 'user.username' }]);
    expect(e.sourceIp).toBe('198.51.100.23');
    expect(e.targets).toEqual([{ type: 'secrets', name: '/api/v1/namespaces/ml-production/secrets', namespace: 'ml-production' }]);
    expect(e.runId).toBeUndefined();
  });

  it('pods/exec: the subresource is part of the action and target type; a run pod gives the run', () => {
    const e = normalizeAuditRecord(
      record({
        requestURI: '/api/v1/namespaces/ml-production/pods/fz3k9q2m1x-n0-0/exec?command=sh&container=main&stdin=true&tty=true',
        verb: 'create',
        objectRef: { resource: 'pods', subresource: 'exec', namespace: 'ml-production', name: 'fz3k9q2m1x-n0-0', apiVersion: 'v1' },
        responseStatus: { code: 101 },
      }),
      ctx,
    );
    expect(e.action).toBe('pods/exec.create');
    expect(e.targets).toEqual([{ type: 'pods/exec', name: 'fz3k9q2m1x-n0-0', namespace: 'ml-production' }]);
    expect(e.outcome).toBe(Outcome.SUCCESS);
    expect(e.runId).toBe('ml/production/fz3k9q2m1x');
  });

  it('a watch kept at ResponseStarted is a success; at RequestReceived it is unknown', () => {
    const started = normalizeAuditRecord(
      record({
        stage: 'ResponseStarted',
        verb: 'watch',
        requestURI: '/api/v1/namespaces/ml-production/pods?watch=true&resourceVersion=123',
        objectRef: { resource: 'pods', namespace: 'ml-production', apiVersion: 'v1' },
        responseStatus: { code: 200 },
      }),
      ctx,
    );
    expect(started.action).toBe('pods.watch');
    expect(started.outcome).toBe(Outcome.SUCCESS);
    const received = normalizeAuditRecord(record({ stage: 'RequestReceived', verb: 'watch', responseStatus: undefined }), ctx);
    expect(received.outcome).toBe(Outcome.UNKNOWN);
    expect(received.outcomeReason).toBeUndefined();
  });

  it('impersonation: the actor is who the request ran as, onBehalfOf who sent it', () => {
    const e = normalizeAuditRecord(
      record({
        verb: 'get',
        user: { username: 'oidc:alice@example.com', groups: ['system:authenticated'] },
        impersonatedUser: { username: 'system:serviceaccount:ml-production:ml-training', groups: ['system:serviceaccounts'] },
        objectRef: { resource: 'secrets', namespace: 'ml-production', name: 'db-password', apiVersion: 'v1' },
      }),
      ctx,
    );
    expect(e.actor.name).toBe('system:serviceaccount:ml-production:ml-training');
    expect(e.actor.type).toBe(ActorType.SERVICE_ACCOUNT);
    expect(e.actor.onBehalfOf).toBe('oidc:alice@example.com');
    expect(e.actor.aliases).toEqual([{ kind: AliasKind.K8S_SERVICE_ACCOUNT, value: 'system:serviceaccount:ml-production:ml-training', field: 'impersonatedUser.username' }]);
  });

  it('a run pod acting with its own token: the pod-name extra gives the run', () => {
    const e = normalizeAuditRecord(
      record({
        requestURI: '/api/v1/namespaces/ml-production/secrets',
        user: {
          username: 'system:serviceaccount:ml-production:ml-training',
          uid: '7a1b2c3d-4444-4e5f-8a9b-000000000011',
          groups: ['system:serviceaccounts', 'system:serviceaccounts:ml-production', 'system:authenticated'],
          extra: {
            'authentication.kubernetes.io/node-name': ['ip-10-0-3-17.ec2.internal'],
            'authentication.kubernetes.io/pod-name': ['fz3k9q2m1x-n0-0'],
            'authentication.kubernetes.io/pod-uid': ['c0ffee00-5555-4a6b-9c7d-000000000012'],
          },
        },
        sourceIPs: ['10.0.3.99'],
        objectRef: { resource: 'secrets', namespace: 'ml-production', apiVersion: 'v1' },
      }),
      ctx,
    );
    expect(e.actor.type).toBe(ActorType.SERVICE_ACCOUNT);
    expect(e.runId).toBe('ml/production/fz3k9q2m1x');
  });

  it('EKS: user.extra from aws-iam-authenticator becomes AWS aliases', () => {
    const e = normalizeAuditRecord(
      record({
        user: {
          username: 'kubernetes-admin',
          uid: 'aws-iam-authenticator:111122223333:AROAEXAMPLEROLEID0001',
          groups: ['system:masters', 'system:authenticated'],
          extra: {
            accessKeyId: ['ASIAEXAMPLEKEY000001'],
            arn: ['arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_3f2a1b9c/alice@example.com'],
            canonicalArn: ['arn:aws:iam::111122223333:role/AWSReservedSSO_AdministratorAccess_3f2a1b9c'],
            principalId: ['AROAEXAMPLEROLEID0001'],
            sessionName: ['alice@example.com'],
          },
        },
      }),
      ctx,
    );
    expect(e.actor.name).toBe('kubernetes-admin');
    expect(e.actor.uid).toBe('aws-iam-authenticator:111122223333:AROAEXAMPLEROLEID0001');
    expect(e.actor.sessionId).toBe('ASIAEXAMPLEKEY000001');
    expect(e.actor.aliases).toEqual([
      { kind: AliasKind.K8S_USER, value: 'kubernetes-admin', field: 'user.username' },
      { kind: AliasKind.AWS_ROLE_SESSION, value: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_3f2a1b9c/alice@example.com', field: 'user.extra.arn' },
      { kind: AliasKind.AWS_IDENTITY_CENTER_USER, value: 'alice@example.com', field: 'user.extra.arn' },
      { kind: AliasKind.AWS_ROLE, value: 'arn:aws:iam::111122223333:role/AWSReservedSSO_AdministratorAccess_3f2a1b9c', field: 'user.extra.canonicalArn' },
      { kind: AliasKind.AWS_ACCESS_KEY, value: 'ASIAEXAMPLEKEY000001', field: 'user.extra.accessKeyId' },
    ]);
  });

  it('403 Forbidden: failure with the reason and message', () => {
    const e = normalizeAuditRecord(
      record({
        verb: 'get',
        objectRef: { resource: 'secrets', namespace: 'kube-system', name: 'admin-token', apiVersion: 'v1' },
        responseStatus: {
          status: 'Failure',
          reason: 'Forbidden',
          message: 'secrets "admin-token" is forbidden: User "oidc:alice@example.com" cannot get resource "secrets" in API group "" in the namespace "kube-system"',
          code: 403,
        },
        annotations: { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' },
      }),
      ctx,
    );
    expect(e.outcome).toBe(Outcome.FAILURE);
    expect(e.outcomeReason).toBe('Forbidden: secrets "admin-token" is forbidden: User "oidc:alice@example.com" cannot get resource "secrets" in API group "" in the namespace "kube-system"');
  });

  it('a failure with only a code says the code', () => {
    const e = normalizeAuditRecord(record({ responseStatus: { code: 504 } }), ctx);
    expect(e.outcome).toBe(Outcome.FAILURE);
    expect(e.outcomeReason).toBe('HTTP 504');
  });

  it('missing responseStatus: UNKNOWN; missing user, userAgent and IPs are left out', () => {
    const e = normalizeAuditRecord(record({ responseStatus: undefined, user: undefined, userAgent: undefined, sourceIPs: undefined }), { sourceId: 'x' });
    expect(e.outcome).toBe(Outcome.UNKNOWN);
    expect(e.actor).toEqual({ name: 'unknown', type: ActorType.UNKNOWN, aliases: [] });
    expect(e.sourceIp).toBeUndefined();
    expect(e.userAgent).toBeUndefined();
    expect(e.cloud).toEqual({ provider: 'kubernetes' });
  });

  it('non-resource URL: nonresource.<verb> on the path, by a system component', () => {
    const e = normalizeAuditRecord(
      record({
        requestURI: '/healthz?verbose',
        verb: 'get',
        objectRef: undefined,
        user: { username: 'system:kube-controller-manager', groups: ['system:authenticated'] },
      }),
      ctx,
    );
    expect(e.action).toBe('nonresource.get');
    expect(e.targets).toEqual([{ type: 'nonResourceURL', name: '/healthz' }]);
    expect(e.actor.type).toBe(ActorType.SYSTEM);
    expect(e.actor.aliases).toEqual([{ kind: AliasKind.K8S_USER, value: 'system:kube-controller-manager', field: 'user.username' }]);
  });

  it.each([
    ['system:apiserver', ActorType.SYSTEM],
    ['system:node:ip-10-0-3-17.ec2.internal', ActorType.SYSTEM],
    ['eks:certificate-controller', ActorType.SYSTEM],
    ['system:anonymous', ActorType.UNKNOWN],
    ['alice@example.com', ActorType.USER],
  ])('actor type of %s is %s', (username, type) => {
    expect(normalizeAuditRecord(record({ user: { username } }), ctx).actor.type).toBe(type);
  });

  it('a GKE user named by a bare email also gets an EMAIL alias', () => {
    const e = normalizeAuditRecord(record({ user: { username: 'alice@example.com' } }), ctx);
    expect(e.actor.aliases).toEqual([
      { kind: AliasKind.K8S_USER, value: 'alice@example.com', field: 'user.username' },
      { kind: AliasKind.EMAIL, value: 'alice@example.com', field: 'user.username' },
    ]);
  });

  it.each([
    [{ resource: 'tokenreviews', apiGroup: 'authentication.k8s.io', apiVersion: 'v1' }, 'create', EventCategory.AUTHENTICATION, 3002],
    [{ resource: 'serviceaccounts', subresource: 'token', namespace: 'ml-production', name: 'ml-training', apiVersion: 'v1' }, 'create', EventCategory.AUTHENTICATION, 3002],
    [{ resource: 'serviceaccounts', namespace: 'ml-production', name: 'ml-training', apiVersion: 'v1' }, 'delete', EventCategory.ACCOUNT_CHANGE, 3001],
    [{ resource: 'serviceaccounts', namespace: 'ml-production', name: 'ml-training', apiVersion: 'v1' }, 'get', EventCategory.API_ACTIVITY, 6003],
    [{ resource: 'clusterrolebindings', apiGroup: 'rbac.authorization.k8s.io', name: 'mallory-admin', apiVersion: 'v1' }, 'create', EventCategory.USER_ACCESS, 3005],
    [{ resource: 'rolebindings', apiGroup: 'example.com', name: 'not-rbac', apiVersion: 'v1' }, 'create', EventCategory.API_ACTIVITY, 6003],
  ])('category of %j %s', (objectRef, verb, category, uid) => {
    const e = normalizeAuditRecord(record({ objectRef, verb }), ctx);
    expect(e.category).toBe(category);
    expect(e.ocsfClassUid).toBe(uid);
  });

  it('does not take an ordinary deployment pod for a Flyte run', () => {
    const e = normalizeAuditRecord(
      record({ verb: 'get', objectRef: { resource: 'pods', namespace: 'kube-system', name: 'coredns-5d78c9869d-x2x4k', apiVersion: 'v1' } }),
      ctx,
    );
    expect(e.runId).toBeUndefined();
  });

  it('a run pod name in a namespace without project-domain form gives the bare execution name', () => {
    const e = normalizeAuditRecord(record({ verb: 'delete', objectRef: { resource: 'pods', namespace: 'flyte', name: 'a8f2k1m9q0-n1-0-dn2-3', apiVersion: 'v1' } }), ctx);
    expect(e.runId).toBe('a8f2k1m9q0');
  });

  it('throws MalformedRecordError without auditID or receipt time', () => {
    expect(() => normalizeAuditRecord(record({ auditID: undefined }), ctx)).toThrow(MalformedRecordError);
    expect(() => normalizeAuditRecord(record({ requestReceivedTimestamp: 'yesterday' }), ctx)).toThrow(MalformedRecordError);
  });
});
