import { HOUR, isoMicros, isoNanos, MINUTE, parts, SECOND, type DemoDay } from '../clock';
import type { GcpFacts, IncidentRef, SourceCounts, TimelineEntry } from '../manifest';
import { ALICE, gcloudAgent, ORG, PEOPLE, type Person, personIp } from '../org';
import { ndjson, scaled, type DemoFile, type WriterContext } from '../output';
import type { Rng } from '../prng';

/**
 * GCP Cloud Audit Logs as a Cloud Storage sink writes them: one JSON LogEntry per line in hourly files
 * `gcp/cloudaudit.googleapis.com/<log>/YYYY/MM/DD/HH:00:00_HH:59:59_S0.json`, grouped by the entry's
 * timestamp, for the activity, data_access and system_event logs.
 */

type Obj = Record<string, unknown>;
type LogKind = 'activity' | 'data_access' | 'system_event';

interface Entry {
  us: number;
  receiveUs: number;
  log: LogKind;
  entry: Obj;
}

interface Authz {
  permission: string;
  resource: string;
  granted?: boolean;
  type?: 'ADMIN_READ' | 'ADMIN_WRITE' | 'DATA_READ' | 'DATA_WRITE';
  attributes?: Obj;
}

interface AuditInput {
  us: number;
  log: LogKind;
  resource: { type: string; labels: Record<string, string> };
  severity?: 'NOTICE' | 'INFO' | 'ERROR';
  serviceName: string;
  methodName: string;
  resourceName: string;
  principalEmail?: string;
  delegation?: Obj[];
  callerIp?: string;
  userAgent?: string;
  authz?: Authz[];
  request?: Obj;
  response?: Obj;
  serviceData?: Obj;
  metadata?: Obj;
  status?: { code: number; message: string };
  operation?: { id: string; producer: string; first?: boolean; last?: boolean };
}

const PROJECT = ORG.gcpProject;
const PROJECT_NUMBER = ORG.gcpProjectNumber;
const ZONES = ['us-central1-a', 'us-central1-b', 'us-central1-f'];
const BUCKETS = ['acme-ml-prod-datasets', 'acme-ml-prod-checkpoints', 'acme-ml-prod-bq-exports', 'acme-ml-prod-tfstate'];
const TRAINER = `trainer@${PROJECT}.iam.gserviceaccount.com`;
const TRAINER_UNIQUE_ID = '109478213609284530117';
const TERRAFORM = `terraform@${PROJECT}.iam.gserviceaccount.com`;
const TERRAFORM_UA = 'Terraform/1.7.4 (+https://www.terraform.io) Terraform-Plugin-SDK/2.33.0 terraform-provider-google/5.20.0,gzip(gfe)';

class AuditLogs {
  readonly entries: Entry[] = [];

  constructor(private readonly rng: Rng) {}

  add(a: AuditInput): IncidentRef {
    const r = this.rng;
    const insertId = a.log === 'activity' ? `-${r.lowerAlnum(12)}` : r.lowerAlnum(a.log === 'system_event' ? 13 : 12);
    const receiveUs = a.us + r.int(60, 1500) * 1000;
    const protoPayload: Obj = {
      '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
      status: a.status ?? {},
      authenticationInfo: a.principalEmail ? { principalEmail: a.principalEmail, serviceAccountDelegationInfo: a.delegation } : {},
      requestMetadata: a.callerIp ? { callerIp: a.callerIp, callerSuppliedUserAgent: a.userAgent, requestAttributes: { time: isoMicros(a.us), auth: {} }, destinationAttributes: {} } : undefined,
      serviceName: a.serviceName,
      methodName: a.methodName,
      authorizationInfo: a.authz?.map((z) => ({ resource: z.resource, permission: z.permission, granted: z.granted ?? true, resourceAttributes: z.attributes ?? {}, permissionType: z.type })),
      resourceName: a.resourceName,
      serviceData: a.serviceData,
      request: a.request,
      response: a.response,
      metadata: a.metadata,
    };
    const entry: Obj = {
      protoPayload,
      insertId,
      resource: a.resource,
      timestamp: isoMicros(a.us),
      severity: a.severity ?? (a.status && a.status.code !== 0 ? 'ERROR' : a.log === 'data_access' ? 'INFO' : 'NOTICE'),
      logName: `projects/${PROJECT}/logs/cloudaudit.googleapis.com%2F${a.log}`,
      operation: a.operation,
      receiveTimestamp: isoNanos(receiveUs, r.digits(3)),
    };
    this.entries.push({ us: a.us, receiveUs, log: a.log, entry });
    return { id: insertId, time: entry.timestamp as string };
  }
}

function projectResource(): { type: string; labels: Record<string, string> } {
  return { type: 'project', labels: { project_id: PROJECT } };
}

function instanceResource(rng: Rng, zone: string): { type: string; labels: Record<string, string> } {
  return { type: 'gce_instance', labels: { instance_id: rng.digits(19).replace(/^0/, '4'), project_id: PROJECT, zone } };
}

function bucketResource(bucket: string): { type: string; labels: Record<string, string> } {
  return { type: 'gcs_bucket', labels: { bucket_name: bucket, location: 'us-central1', project_id: PROJECT } };
}

/** Compute Engine writes a first and a last entry for each long-running operation. */
function computeOperation(logs: AuditLogs, rng: Rng, us: number, method: string, principal: string, callerIp: string, userAgent: string, permission: string): void {
  const zone = rng.pick(ZONES);
  const instance = `${rng.pick(['train', 'notebook', 'etl', 'bastion'])}-${rng.lowerAlnum(4)}`;
  const resource = instanceResource(rng, zone);
  const resourceName = `projects/${PROJECT}/zones/${zone}/instances/${instance}`;
  const opId = `operation-${Math.floor(us / 1000)}-${rng.hex(13)}-${rng.hex(8)}-${rng.hex(8)}`;
  const common = { log: 'activity' as const, resource, serviceName: 'compute.googleapis.com', methodName: method, resourceName, principalEmail: principal, callerIp, userAgent };
  logs.add({
    ...common,
    us,
    authz: [{ permission, resource: resourceName, type: 'ADMIN_WRITE', attributes: { service: 'compute', name: resourceName, type: 'compute.instances' } }],
    request: { '@type': `type.googleapis.com/compute.instances.${method.split('.').pop()}` },
    response: { '@type': 'type.googleapis.com/operation', id: rng.digits(19), name: opId, status: 'RUNNING', operationType: method.split('.').pop(), targetLink: `https://www.googleapis.com/compute/v1/${resourceName}`, user: principal, zone: `https://www.googleapis.com/compute/v1/projects/${PROJECT}/zones/${zone}` },
    operation: { id: opId, producer: 'compute.googleapis.com', first: true },
  });
  logs.add({ ...common, us: us + rng.int(8, 60) * SECOND, operation: { id: opId, producer: 'compute.googleapis.com', last: true } });
}

function activity(logs: AuditLogs, rng: Rng, ctx: WriterContext): void {
  const { day } = ctx;
  const gcpPeople = PEOPLE.filter((p) => p.gcp && p !== ALICE);
  for (const us of rng.instants(scaled(ctx, 150), day.start, day.end - MINUTE)) {
    const p = rng.pick(gcpPeople);
    const workUs = day.start + p.workStartHour * HOUR + (us % (p.workHours * HOUR));
    const method = rng.pick(['v1.compute.instances.insert', 'v1.compute.instances.start', 'v1.compute.instances.stop', 'v1.compute.instances.setLabels']);
    computeOperation(logs, rng, workUs, method, p.email, personIp(p, rng.chance(0.8)), gcloudAgent(p.os, `gcloud.compute.instances.${method.split('.').pop()}`, rng.uuid()), `compute.instances.${method.split('.').pop()}`);
  }
  for (const us of rng.instants(scaled(ctx, 140), day.start, day.end - MINUTE)) {
    computeOperation(logs, rng, us, rng.pick(['v1.compute.instances.insert', 'v1.compute.instances.delete']), `${PROJECT_NUMBER}@cloudservices.gserviceaccount.com`, 'private', 'GCE Managed Instance Group', 'compute.instances.create');
  }
  for (const us of rng.instants(scaled(ctx, 120), day.start, day.end)) {
    const bucket = rng.pick(BUCKETS);
    const setIam = rng.chance(0.3);
    logs.add({
      us,
      log: 'activity',
      resource: bucketResource(bucket),
      serviceName: 'storage.googleapis.com',
      methodName: setIam ? 'storage.setIamPermissions' : 'storage.buckets.update',
      resourceName: `projects/_/buckets/${bucket}`,
      principalEmail: TERRAFORM,
      callerIp: rng.pick(ORG.ciIps),
      userAgent: TERRAFORM_UA,
      authz: [{ permission: setIam ? 'storage.buckets.setIamPolicy' : 'storage.buckets.update', resource: `projects/_/buckets/${bucket}`, type: 'ADMIN_WRITE' }],
      serviceData: setIam
        ? { '@type': 'type.googleapis.com/google.iam.v1.logging.AuditData', policyDelta: { bindingDeltas: [{ action: 'ADD', role: 'roles/storage.objectViewer', member: `serviceAccount:${TRAINER}` }] } }
        : undefined,
    });
  }
}

function dataAccess(logs: AuditLogs, rng: Rng, ctx: WriterContext): void {
  const { day } = ctx;
  // Vertex AI training jobs run as trainer@ and read their API keys from Secret Manager.
  for (const us of rng.instants(scaled(ctx, 300), day.start, day.end)) {
    const secret = rng.pick(['wandb-api-key', 'hf-token', 'feature-store-dsn']);
    logs.add({
      us,
      log: 'data_access',
      resource: { type: 'audited_resource', labels: { method: 'google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion', project_id: PROJECT, service: 'secretmanager.googleapis.com' } },
      serviceName: 'secretmanager.googleapis.com',
      methodName: 'google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion',
      resourceName: `projects/${PROJECT_NUMBER}/secrets/${secret}/versions/latest`,
      principalEmail: TRAINER,
      delegation: [{ firstPartyPrincipal: { principalEmail: `service-${PROJECT_NUMBER}@gcp-sa-aiplatform-cc.iam.gserviceaccount.com` } }],
      callerIp: 'gce-internal-ip',
      userAgent: 'grpc-python/1.62.1 grpc-c/39.0.0 (linux; chttp2),gzip(gfe)',
      authz: [{ permission: 'secretmanager.versions.access', resource: `projects/${PROJECT}/secrets/${secret}/versions/latest`, type: 'DATA_READ' }],
      request: { '@type': 'type.googleapis.com/google.cloud.secretmanager.v1.AccessSecretVersionRequest', name: `projects/${PROJECT_NUMBER}/secrets/${secret}/versions/latest` },
    });
  }
  // BigQuery queries by analysts and the Flyte data pipelines.
  const analysts = PEOPLE.filter((p) => p.gcp && p !== ALICE);
  for (const us of rng.instants(scaled(ctx, 800), day.start, day.end)) {
    const human = rng.chance(0.6);
    const p = rng.pick(analysts);
    const when = human ? day.start + p.workStartHour * HOUR + (us % (p.workHours * HOUR)) : us;
    const jobId = `bquxjob_${rng.hex(8)}_${rng.hex(11)}`;
    const principal = human ? p.email : `flyte-data@${PROJECT}.iam.gserviceaccount.com`;
    const insert = rng.chance(0.6);
    logs.add({
      us: when,
      log: 'data_access',
      resource: { type: 'bigquery_project', labels: { project_id: PROJECT, location: 'US' } },
      serviceName: 'bigquery.googleapis.com',
      methodName: insert ? 'google.cloud.bigquery.v2.JobService.InsertJob' : 'google.cloud.bigquery.v2.JobService.GetQueryResults',
      resourceName: `projects/${PROJECT}/jobs/${jobId}`,
      principalEmail: principal,
      callerIp: human ? personIp(p, true) : ORG.natIp,
      userAgent: human ? 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36,gzip(gfe)' : 'gl-python/3.11.8 grpc/1.62.1 gax/2.17.1 gapic/3.19.0 gccl/3.19.0,gzip(gfe)',
      authz: [{ permission: insert ? 'bigquery.jobs.create' : 'bigquery.jobs.get', resource: `projects/${PROJECT}`, type: 'DATA_READ' }],
      metadata: insert
        ? { '@type': 'type.googleapis.com/google.cloud.audit.BigQueryAuditMetadata', jobInsertion: { job: { jobName: `projects/${PROJECT}/jobs/${jobId}`, jobConfig: { type: 'QUERY', queryConfig: { query: rng.pick(['SELECT event_date, COUNT(*) FROM analytics.events GROUP BY 1', 'SELECT * FROM features.user_daily WHERE ds = CURRENT_DATE() LIMIT 1000', 'SELECT model, AVG(auc) FROM ml.eval_runs GROUP BY model']), statementType: 'SELECT', priority: 'QUERY_INTERACTIVE' } }, jobStatus: { jobState: 'DONE' } }, reason: 'JOB_INSERT_REQUEST' } }
        : undefined,
    });
  }
  for (const us of rng.instants(scaled(ctx, 500), day.start, day.end)) {
    const p = rng.pick(analysts);
    const bucket = rng.pick(BUCKETS);
    const listBuckets = rng.chance(0.4);
    logs.add({
      us,
      log: 'data_access',
      resource: listBuckets ? { type: 'gcs_bucket', labels: { bucket_name: '', location: 'global', project_id: PROJECT } } : bucketResource(bucket),
      serviceName: 'storage.googleapis.com',
      methodName: listBuckets ? 'storage.buckets.list' : 'storage.objects.list',
      resourceName: listBuckets ? `projects/_/buckets` : `projects/_/buckets/${bucket}`,
      principalEmail: p.email,
      callerIp: personIp(p, true),
      userAgent: gcloudAgent(p.os, listBuckets ? 'gcloud.storage.buckets.list' : 'gcloud.storage.ls', rng.uuid()),
      authz: [{ permission: listBuckets ? 'storage.buckets.list' : 'storage.objects.list', resource: listBuckets ? `projects/_/buckets` : `projects/_/buckets/${bucket}`, type: 'DATA_READ' }],
    });
  }
  for (const us of rng.instants(scaled(ctx, 400), day.start, day.end)) {
    const p = rng.pick(analysts);
    const getPolicy = rng.chance(0.5);
    logs.add({
      us,
      log: 'data_access',
      resource: getPolicy ? projectResource() : { type: 'service_account', labels: { email_id: '', project_id: PROJECT, unique_id: '' } },
      serviceName: getPolicy ? 'cloudresourcemanager.googleapis.com' : 'iam.googleapis.com',
      methodName: getPolicy ? 'GetIamPolicy' : 'google.iam.admin.v1.ListServiceAccounts',
      resourceName: `projects/${PROJECT}`,
      principalEmail: p.email,
      callerIp: personIp(p, true),
      userAgent: gcloudAgent(p.os, getPolicy ? 'gcloud.projects.get-iam-policy' : 'gcloud.iam.service-accounts.list', rng.uuid()),
      authz: [{ permission: getPolicy ? 'resourcemanager.projects.getIamPolicy' : 'iam.serviceAccounts.list', resource: `projects/${PROJECT}`, type: 'ADMIN_READ' }],
    });
  }
  // alice's own reads after signing in to Google at 08:24 from the office
  for (const clock of ['08:25:12.310221', '08:26:40.902117', '08:33:05.448920']) {
    logs.add({
      us: day.at(clock),
      log: 'data_access',
      resource: { type: 'gcs_bucket', labels: { bucket_name: '', location: 'global', project_id: PROJECT } },
      serviceName: 'storage.googleapis.com',
      methodName: 'storage.buckets.list',
      resourceName: 'projects/_/buckets',
      principalEmail: ALICE.email,
      callerIp: ORG.officeIp,
      userAgent: gcloudAgent(ALICE.os, 'gcloud.storage.buckets.list', rng.uuid()),
      authz: [{ permission: 'storage.buckets.list', resource: 'projects/_/buckets', type: 'DATA_READ' }],
    });
  }
}

function systemEvents(logs: AuditLogs, rng: Rng, ctx: WriterContext): void {
  const { day } = ctx;
  for (const us of rng.instants(scaled(ctx, 150), day.start, day.end)) {
    const zone = rng.pick(ZONES);
    const method = rng.weighted([['compute.instances.preempted', 3], ['compute.instances.automaticRestart', 1], ['compute.instances.migrateOnHostMaintenance', 2]] as const);
    logs.add({
      us,
      log: 'system_event',
      resource: instanceResource(rng, zone),
      serviceName: 'compute.googleapis.com',
      methodName: method,
      resourceName: `projects/${PROJECT}/zones/${zone}/instances/train-${rng.lowerAlnum(4)}`,
      principalEmail: 'system@google.com',
      severity: 'INFO',
      status: method === 'compute.instances.preempted' ? { code: 0, message: 'Instance was preempted.' } : undefined,
    });
  }
}

function incident(logs: AuditLogs, rng: Rng, day: DemoDay): GcpFacts {
  const ip = ORG.attackerIp;
  const os: Person['os'] = 'linux';
  const getIamPolicy = logs.add({
    us: day.at('09:20:09.771204'),
    log: 'data_access',
    resource: projectResource(),
    serviceName: 'cloudresourcemanager.googleapis.com',
    methodName: 'GetIamPolicy',
    resourceName: `projects/${PROJECT}`,
    principalEmail: ALICE.email,
    callerIp: ip,
    userAgent: gcloudAgent(os, 'gcloud.projects.add-iam-policy-binding', rng.uuid()),
    authz: [{ permission: 'resourcemanager.projects.getIamPolicy', resource: `projects/${PROJECT}`, type: 'ADMIN_READ', attributes: { service: 'cloudresourcemanager.googleapis.com', name: `projects/${PROJECT}`, type: 'cloudresourcemanager.googleapis.com/Project' } }],
    request: { '@type': 'type.googleapis.com/google.iam.v1.GetIamPolicyRequest', resource: PROJECT, options: { requestedPolicyVersion: 3 } },
  });
  const member = 'user:mallory.ext@gmail.com';
  const role = 'roles/owner';
  const etag = `BwYQ${rng.alnum(8)}=`;
  const bindings = [
    { role: 'roles/owner', members: [`user:${ALICE.email}`, 'user:dave@example.com', member] },
    { role: 'roles/editor', members: [`serviceAccount:${PROJECT_NUMBER}@cloudservices.gserviceaccount.com`, `serviceAccount:${TERRAFORM}`] },
    { role: 'roles/aiplatform.user', members: [`serviceAccount:${TRAINER}`] },
  ];
  const setIamPolicy = logs.add({
    us: day.at('09:20:11.482913'),
    log: 'activity',
    resource: projectResource(),
    serviceName: 'cloudresourcemanager.googleapis.com',
    methodName: 'SetIamPolicy',
    resourceName: `projects/${PROJECT}`,
    principalEmail: ALICE.email,
    callerIp: ip,
    userAgent: gcloudAgent(os, 'gcloud.projects.add-iam-policy-binding', rng.uuid()),
    authz: [{ permission: 'resourcemanager.projects.setIamPolicy', resource: `projects/${PROJECT}`, type: 'ADMIN_WRITE', attributes: { service: 'cloudresourcemanager.googleapis.com', name: `projects/${PROJECT}`, type: 'cloudresourcemanager.googleapis.com/Project' } }],
    serviceData: { '@type': 'type.googleapis.com/google.iam.v1.logging.AuditData', policyDelta: { bindingDeltas: [{ action: 'ADD', role, member }] } },
    request: { '@type': 'type.googleapis.com/google.iam.v1.SetIamPolicyRequest', resource: PROJECT, policy: { bindings, etag }, updateMask: 'bindings,etag' },
    response: { '@type': 'type.googleapis.com/google.iam.v1.Policy', bindings, etag: `BwYQ${rng.alnum(8)}=` },
  });
  const keyId = rng.hex(40);
  const keyName = `projects/${PROJECT}/serviceAccounts/${TRAINER}/keys/${keyId}`;
  const createUs = day.at('09:21:37.104556');
  const createServiceAccountKey = logs.add({
    us: createUs,
    log: 'activity',
    resource: { type: 'service_account', labels: { email_id: TRAINER, project_id: PROJECT, unique_id: TRAINER_UNIQUE_ID } },
    serviceName: 'iam.googleapis.com',
    methodName: 'google.iam.admin.v1.CreateServiceAccountKey',
    resourceName: `projects/-/serviceAccounts/${TRAINER_UNIQUE_ID}`,
    principalEmail: ALICE.email,
    callerIp: ip,
    userAgent: gcloudAgent(os, 'gcloud.iam.service-accounts.keys.create', rng.uuid()),
    authz: [{ permission: 'iam.serviceAccountKeys.create', resource: `projects/-/serviceAccounts/${TRAINER_UNIQUE_ID}`, type: 'ADMIN_WRITE', attributes: { name: `projects/-/serviceAccounts/${TRAINER_UNIQUE_ID}` } }],
    request: { '@type': 'type.googleapis.com/google.iam.admin.v1.CreateServiceAccountKeyRequest', name: `projects/-/serviceAccounts/${TRAINER}`, private_key_type: 2 },
    response: { '@type': 'type.googleapis.com/google.iam.admin.v1.ServiceAccountKey', name: keyName, valid_after_time: { seconds: String(Math.floor(createUs / SECOND)) }, valid_before_time: { seconds: '253402300799' }, key_algorithm: 2, key_origin: 2, key_type: 1 },
  });
  return {
    getIamPolicy,
    setIamPolicy: { ...setIamPolicy, member, role },
    createServiceAccountKey: { ...createServiceAccountKey, serviceAccount: TRAINER, keyName },
  };
}

export function writeGcp(ctx: WriterContext): { files: DemoFile[]; counts: SourceCounts & { byLog: Record<string, number> }; facts: GcpFacts; timeline: TimelineEntry[] } {
  const { day } = ctx;
  const rng = ctx.rng;
  const logs = new AuditLogs(rng.fork('ids'));
  activity(logs, rng.fork('activity'), ctx);
  dataAccess(logs, rng.fork('data_access'), ctx);
  systemEvents(logs, rng.fork('system_event'), ctx);
  const facts = incident(logs, rng.fork('incident'), ctx.day);

  // The sink files an entry under the hour of its timestamp; within a file, in the order entries arrived.
  const entries = logs.entries.filter((e) => e.us >= day.start && e.us < day.end);
  const groups = new Map<string, Entry[]>();
  const byLog: Record<string, number> = {};
  for (const e of entries) {
    const p = parts(e.us);
    const key = `gcp/cloudaudit.googleapis.com/${e.log}/${p.y}/${p.m}/${p.d}/${p.hh}:00:00_${p.hh}:59:59_S0.json`;
    const list = groups.get(key) ?? [];
    list.push(e);
    groups.set(key, list);
    byLog[e.log] = (byLog[e.log] ?? 0) + 1;
  }
  const files: DemoFile[] = [...groups.keys()].sort().map((key) => {
    const list = groups.get(key) ?? [];
    list.sort((a, b) => a.receiveUs - b.receiveUs);
    return { path: key, content: ndjson(list.map((e) => e.entry)) };
  });

  const tl = (ref: IncidentRef, action: string): TimelineEntry => ({ time: ref.time, source: 'gcp-audit', action, id: ref.id });
  const timeline = [tl(facts.getIamPolicy, 'GetIamPolicy'), tl(facts.setIamPolicy, 'SetIamPolicy'), tl(facts.createServiceAccountKey, 'google.iam.admin.v1.CreateServiceAccountKey')];
  return { files, counts: { path: 'gcp', files: files.length, records: entries.length, byLog }, facts, timeline };
}

