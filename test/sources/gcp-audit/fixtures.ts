/**
 * Realistic Cloud Audit Logs entries in the JSON form the REST API returns and a Cloud Storage sink writes,
 * modelled on the demo incident (project acme-ml-prod, alice from 198.51.100.23) and on entries GCP writes.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const PROJECT = 'acme-ml-prod';
export const ATTACKER_IP = '198.51.100.23';
export const OFFICE_IP = '203.0.113.7';
export const AUDIT_LOG = 'type.googleapis.com/google.cloud.audit.AuditLog';

export function logName(log: 'activity' | 'data_access' | 'system_event' | 'policy', project = PROJECT): string {
  return `projects/${project}/logs/cloudaudit.googleapis.com%2F${log}`;
}

/** A LogEntry with an AuditLog payload; `payload` fields are merged over a minimal AuditLog. */
export function auditEntry(opts: {
  insertId: string;
  timestamp: string;
  log?: 'activity' | 'data_access' | 'system_event' | 'policy';
  resource?: JsonObject;
  severity?: string;
  operation?: JsonObject;
  payload: JsonObject;
}): JsonObject {
  const entry: JsonObject = {
    protoPayload: { '@type': AUDIT_LOG, status: {}, ...opts.payload },
    insertId: opts.insertId,
    resource: opts.resource ?? { type: 'project', labels: { project_id: PROJECT } },
    timestamp: opts.timestamp,
    severity: opts.severity ?? 'NOTICE',
    logName: logName(opts.log ?? 'activity'),
    receiveTimestamp: opts.timestamp.replace(/(\.\d+)?Z$/, '.512345678Z'),
  };
  if (opts.operation) entry.operation = opts.operation;
  return entry;
}

/** 09:20 alice grants roles/owner to an outside account on the project, from the attacker's IP. */
export function setIamPolicyEntry(timestamp = '2026-03-14T09:20:03.418263Z'): JsonObject {
  return auditEntry({
    insertId: '-q4n2yde1a2b3',
    timestamp,
    payload: {
      authenticationInfo: { principalEmail: 'alice@example.com', principalSubject: 'user:alice@example.com' },
      requestMetadata: {
        callerIp: ATTACKER_IP,
        callerSuppliedUserAgent: 'google-cloud-sdk gcloud/462.0.1 command/gcloud.projects.add-iam-policy-binding',
        requestAttributes: { time: '2026-03-14T09:20:03.503162Z', auth: {} },
        destinationAttributes: {},
      },
      serviceName: 'cloudresourcemanager.googleapis.com',
      methodName: 'SetIamPolicy',
      authorizationInfo: [
        {
          resource: `projects/${PROJECT}`,
          permission: 'resourcemanager.projects.setIamPolicy',
          granted: true,
          resourceAttributes: { service: 'cloudresourcemanager.googleapis.com', name: `projects/${PROJECT}`, type: 'cloudresourcemanager.googleapis.com/Project' },
        },
      ],
      resourceName: `projects/${PROJECT}`,
      serviceData: {
        '@type': 'type.googleapis.com/google.iam.v1.logging.AuditData',
        policyDelta: { bindingDeltas: [{ action: 'ADD', role: 'roles/owner', member: 'user:mallory.ext@gmail.com' }] },
      },
      request: {
        '@type': 'type.googleapis.com/google.iam.v1.SetIamPolicyRequest',
        resource: PROJECT,
        policy: { bindings: [{ role: 'roles/owner', members: ['user:alice@example.com', 'user:mallory.ext@gmail.com'] }], etag: 'BwYUmpyAH8I=' },
      },
      response: {
        '@type': 'type.googleapis.com/google.iam.v1.Policy',
        etag: 'BwYUmq0ByHg=',
        bindings: [{ role: 'roles/owner', members: ['user:alice@example.com', 'user:mallory.ext@gmail.com'] }],
      },
      resourceLocation: { currentLocations: ['global'] },
    },
  });
}

/** 09:21 alice creates a key for the trainer service account. */
export function createKeyEntry(timestamp = '2026-03-14T09:21:40.006114Z'): JsonObject {
  return auditEntry({
    insertId: '1xq3f8cd2k9w',
    timestamp,
    resource: { type: 'service_account', labels: { email_id: `trainer@${PROJECT}.iam.gserviceaccount.com`, project_id: PROJECT, unique_id: '104562948271038475621' } },
    payload: {
      authenticationInfo: { principalEmail: 'alice@example.com', principalSubject: 'user:alice@example.com' },
      requestMetadata: { callerIp: ATTACKER_IP, callerSuppliedUserAgent: 'google-cloud-sdk gcloud/462.0.1 command/gcloud.iam.service-accounts.keys.create,gzip(gfe)' },
      serviceName: 'iam.googleapis.com',
      methodName: 'google.iam.admin.v1.CreateServiceAccountKey',
      authorizationInfo: [{ resource: `projects/-/serviceAccounts/104562948271038475621`, permission: 'iam.serviceAccountKeys.create', granted: true }],
      resourceName: 'projects/-/serviceAccounts/104562948271038475621',
      request: { name: `projects/-/serviceAccounts/trainer@${PROJECT}.iam.gserviceaccount.com`, private_key_type: 2, '@type': 'type.googleapis.com/google.iam.admin.v1.CreateServiceAccountKeyRequest' },
      response: {
        name: `projects/${PROJECT}/serviceAccounts/trainer@${PROJECT}.iam.gserviceaccount.com/keys/3f1b6a9d0c2e4f5a8b7c6d5e4f3a2b1c0d9e8f7a`,
        valid_after_time: { seconds: 1773480100 },
        key_algorithm: 2,
        '@type': 'type.googleapis.com/google.iam.admin.v1.ServiceAccountKey',
      },
    },
  });
}

/** A service account acting with credentials alice minted by impersonating it (a delegation chain). */
export function impersonationEntry(timestamp = '2026-03-14T09:24:11.250Z'): JsonObject {
  return auditEntry({
    insertId: '1jw0t9ee3r7l',
    timestamp,
    log: 'data_access',
    severity: 'INFO',
    resource: { type: 'gcs_bucket', labels: { bucket_name: 'acme-ml-models', project_id: PROJECT, location: 'us-central1' } },
    payload: {
      authenticationInfo: {
        principalEmail: `trainer@${PROJECT}.iam.gserviceaccount.com`,
        serviceAccountDelegationInfo: [{ firstPartyPrincipal: { principalEmail: 'alice@example.com' } }],
        principalSubject: `serviceAccount:trainer@${PROJECT}.iam.gserviceaccount.com`,
      },
      requestMetadata: { callerIp: ATTACKER_IP, callerSuppliedUserAgent: 'apitools Python/3.11.4 gsutil/5.27' },
      serviceName: 'storage.googleapis.com',
      methodName: 'storage.objects.get',
      authorizationInfo: [{ resource: 'projects/_/buckets/acme-ml-models/objects/prod/model.pt', permission: 'storage.objects.get', granted: true, resourceAttributes: {} }],
      resourceName: 'projects/_/buckets/acme-ml-models/objects/prod/model.pt',
      resourceLocation: { currentLocations: ['us-central1'] },
    },
  });
}

/** GKE Workload Identity: the training pod's Kubernetes service account acting as the trainer GSA. */
export function workloadIdentityEntry(timestamp = '2026-03-14T09:12:30.100Z'): JsonObject {
  return auditEntry({
    insertId: '-7kx2m1e4vbq',
    timestamp,
    log: 'data_access',
    severity: 'INFO',
    resource: { type: 'audited_resource', labels: { service: 'secretmanager.googleapis.com', method: 'google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion', project_id: PROJECT } },
    payload: {
      authenticationInfo: {
        principalEmail: `trainer@${PROJECT}.iam.gserviceaccount.com`,
        serviceAccountDelegationInfo: [{ principalSubject: `serviceAccount:${PROJECT}.svc.id.goog[ml-production/ml-training]` }],
        principalSubject: `serviceAccount:trainer@${PROJECT}.iam.gserviceaccount.com`,
      },
      requestMetadata: { callerIp: 'gce-internal-ip', callerSuppliedUserAgent: 'grpc-python/1.62.1 grpc-c/39.0.0 (linux; chttp2)' },
      serviceName: 'secretmanager.googleapis.com',
      methodName: 'google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion',
      authorizationInfo: [{ resource: `projects/${PROJECT}/secrets/db-password/versions/latest`, permission: 'secretmanager.versions.access', granted: true, resourceAttributes: {} }],
      resourceName: `projects/318274650912/secrets/db-password/versions/3`,
    },
  });
}

const GKE_RESOURCE = { type: 'k8s_cluster', labels: { project_id: PROJECT, location: 'us-central1', cluster_name: 'ml-gke' } };

/** GKE: Flyte's propeller creates the run's pod. */
export function gkePodCreateEntry(timestamp = '2026-03-14T09:10:41.882631Z'): JsonObject {
  return auditEntry({
    insertId: 'b31cf1a4-7e02-4c1d-9d55-0f3e6a5a2c11',
    timestamp,
    resource: GKE_RESOURCE,
    operation: { id: 'b31cf1a4-7e02-4c1d-9d55-0f3e6a5a2c11', producer: 'k8s.io', first: true, last: true },
    payload: {
      authenticationInfo: { principalEmail: 'system:serviceaccount:flyte:flytepropeller' },
      authorizationInfo: [{ granted: true, permission: 'io.k8s.core.v1.pods.create', resource: 'core/v1/namespaces/ml-production/pods/fz3k9q2m1x-n0-0' }],
      methodName: 'io.k8s.core.v1.pods.create',
      requestMetadata: { callerIp: '10.128.0.17', callerSuppliedUserAgent: 'flytepropeller/v1.13.1 (linux/amd64) kubernetes/$Format' },
      resourceName: 'core/v1/namespaces/ml-production/pods/fz3k9q2m1x-n0-0',
      serviceName: 'k8s.io',
      request: { '@type': 'core.k8s.io/v1.Pod', apiVersion: 'v1', kind: 'Pod', metadata: { name: 'fz3k9q2m1x-n0-0', namespace: 'ml-production', labels: { 'execution-id': 'fz3k9q2m1x', 'node-id': 'n0' } } },
      response: { '@type': 'core.k8s.io/v1.Pod', status: { phase: 'Pending' } },
    },
  });
}

/** GKE: alice lists the secrets of ml-production from the attacker's IP. */
export function gkeSecretsListEntry(timestamp = '2026-03-14T09:06:12.040Z'): JsonObject {
  return auditEntry({
    insertId: '6c0f8e8d-51d2-4f0b-8a3a-3d1d2e2b9f70',
    timestamp,
    resource: GKE_RESOURCE,
    log: 'data_access',
    severity: 'INFO',
    operation: { id: '6c0f8e8d-51d2-4f0b-8a3a-3d1d2e2b9f70', producer: 'k8s.io', first: true, last: true },
    payload: {
      authenticationInfo: { principalEmail: 'alice@example.com' },
      authorizationInfo: [{ granted: true, permission: 'io.k8s.core.v1.secrets.list', resource: 'core/v1/namespaces/ml-production/secrets' }],
      methodName: 'io.k8s.core.v1.secrets.list',
      requestMetadata: { callerIp: ATTACKER_IP, callerSuppliedUserAgent: 'kubectl/v1.29.2 (darwin/arm64) kubernetes/4b8e819' },
      resourceName: 'core/v1/namespaces/ml-production/secrets',
      serviceName: 'k8s.io',
    },
  });
}

/** A denied call: bob tries to create a service account key without the permission. */
export function deniedEntry(timestamp = '2026-03-14T09:33:02.731Z'): JsonObject {
  return auditEntry({
    insertId: '-m2p7fye8s1c',
    timestamp,
    severity: 'ERROR',
    resource: { type: 'service_account', labels: { email_id: `trainer@${PROJECT}.iam.gserviceaccount.com`, project_id: PROJECT, unique_id: '104562948271038475621' } },
    payload: {
      status: { code: 7, message: "Permission 'iam.serviceAccountKeys.create' denied on resource (or it may not exist)." },
      authenticationInfo: { principalEmail: 'bob@example.com', principalSubject: 'user:bob@example.com' },
      requestMetadata: { callerIp: OFFICE_IP, callerSuppliedUserAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36' },
      serviceName: 'iam.googleapis.com',
      methodName: 'google.iam.admin.v1.CreateServiceAccountKey',
      authorizationInfo: [{ resource: 'projects/-/serviceAccounts/104562948271038475621', permission: 'iam.serviceAccountKeys.create', resourceAttributes: {} }],
      resourceName: 'projects/-/serviceAccounts/104562948271038475621',
    },
  });
}

/** A VM's default service account from inside Google's network: callerIp "private". */
export function privateCallerEntry(timestamp = '2026-03-14T08:47:19.500Z'): JsonObject {
  return auditEntry({
    insertId: '1r8b0ldd7q2x',
    timestamp,
    resource: { type: 'gce_instance', labels: { instance_id: '5840312946751840217', project_id: PROJECT, zone: 'us-central1-a' } },
    operation: { id: 'operation-1773478039412-6127a1c2b3d4e-9f8e7d6c-5b4a3f2e', producer: 'compute.googleapis.com', first: true },
    payload: {
      authenticationInfo: { principalEmail: '318274650912-compute@developer.gserviceaccount.com' },
      requestMetadata: { callerIp: 'private', callerSuppliedUserAgent: 'google-api-go-client/0.5 GoogleContainerEngine' },
      serviceName: 'compute.googleapis.com',
      methodName: 'v1.compute.instances.setLabels',
      resourceName: `projects/${PROJECT}/zones/us-central1-a/instances/gke-ml-gke-default-pool-1a2b3c4d-x9yz`,
      request: { '@type': 'type.googleapis.com/compute.instances.setLabels' },
      response: { '@type': 'type.googleapis.com/operation', id: '3318870164329348457', status: 'RUNNING', progress: '0' },
    },
  });
}

/** A system event: Compute Engine live-migrates a VM; no caller is recorded. */
export function systemEventEntry(timestamp = '2026-03-14T10:02:55.906Z'): JsonObject {
  return auditEntry({
    insertId: '-5z1xa9e2d4kq',
    timestamp,
    log: 'system_event',
    severity: 'INFO',
    resource: { type: 'gce_instance', labels: { instance_id: '5840312946751840217', project_id: PROJECT, zone: 'us-central1-a' } },
    operation: { id: 'systemevent-1773482575000-5f2d3c4b1a0e9', producer: 'compute.instances.migrateOnHostMaintenance', first: true, last: true },
    payload: {
      status: { message: 'Instance migrated during Compute Engine maintenance.' },
      authenticationInfo: { principalEmail: 'system@google.com' },
      serviceName: 'compute.googleapis.com',
      methodName: 'compute.instances.migrateOnHostMaintenance',
      resourceName: `projects/${PROJECT}/zones/us-central1-a/instances/gke-ml-gke-default-pool-1a2b3c4d-x9yz`,
      requestMetadata: { callerSuppliedUserAgent: 'Google Compute Engine' },
    },
  });
}

/**
 * The data set the archive and API tests serve: background reads by several people and services across
 * 08:00-11:00 plus the incident, two entries sharing a timestamp, across the activity and data_access logs.
 */
export function dataset(): JsonObject[] {
  const background: JsonObject[] = [];
  const people = ['bob@example.com', 'carol@example.com', `ci@${PROJECT}.iam.gserviceaccount.com`];
  const times = ['2026-03-14T08:05:00Z', '2026-03-14T08:31:17.250Z', '2026-03-14T10:15:00Z', '2026-03-14T10:40:12.500Z'];
  times.forEach((timestamp, i) => {
    const who = people[i % people.length];
    background.push(
      auditEntry({
        insertId: `bg-${i}`,
        timestamp,
        log: i % 2 === 0 ? 'data_access' : 'activity',
        severity: 'INFO',
        payload: {
          authenticationInfo: { principalEmail: who },
          requestMetadata: { callerIp: OFFICE_IP, callerSuppliedUserAgent: 'google-cloud-sdk gcloud/462.0.1' },
          serviceName: 'cloudresourcemanager.googleapis.com',
          methodName: 'GetIamPolicy',
          resourceName: `projects/${PROJECT}`,
        },
      }),
    );
  });
  // same timestamp as setIamPolicyEntry: ties are ordered by insertId
  const tie = auditEntry({
    insertId: '-q4n2yde1a2b4',
    timestamp: '2026-03-14T09:20:03.418263Z',
    log: 'data_access',
    severity: 'INFO',
    payload: {
      authenticationInfo: { principalEmail: 'alice@example.com' },
      requestMetadata: { callerIp: ATTACKER_IP },
      serviceName: 'cloudresourcemanager.googleapis.com',
      methodName: 'GetIamPolicy',
      resourceName: `projects/${PROJECT}`,
    },
  });
  return [
    ...background,
    privateCallerEntry(),
    gkeSecretsListEntry(),
    gkePodCreateEntry(),
    workloadIdentityEntry(),
    setIamPolicyEntry(),
    tie,
    createKeyEntry(),
    impersonationEntry(),
    deniedEntry(),
  ];
}

/** The event id the source gives an entry: `<parent>/<log>/<insertId>`. */
export function idOf(entry: JsonObject): string {
  const name = entry.logName as string;
  const [parent, log] = name.split('/logs/');
  return `${parent}/${decodeURIComponent(log).replace('cloudaudit.googleapis.com/', '')}/${entry.insertId as string}`;
}

export function timeOf(entry: JsonObject): number {
  return new Date(entry.timestamp as string).getTime();
}

/**
 * The config of a live source against a loopback Cloud Logging on `port` (gRPC unless `fallback: true` is
 * given in `extra`), reading its access token from `tokenEnv`, with a rate limit the tests never reach.
 */
export function loopbackApiConfig(id: string, port: number, tokenEnv: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    type: 'gcp-audit',
    mode: 'api',
    projectId: PROJECT,
    logs: ['activity', 'data_access'],
    apiEndpoint: `127.0.0.1:${port}`,
    protocol: 'http',
    accessTokenEnv: tokenEnv,
    rateLimitPerMinute: 6000,
    ...extra,
  };
}
