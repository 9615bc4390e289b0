import { HOUR, isoSeconds, MINUTE, parts, SECOND, type DemoDay } from '../clock';
import type { CloudTrailFacts, IncidentRef, SourceCounts, TimelineEntry } from '../manifest';
import { ALICE, awsCliAgent, K8S_NODES, ORG, PEOPLE, type Person, personIp, ssoRoleName, ssoSessionArn, USER_AGENTS, type AwsAccess } from '../org';
import { scaled, type DemoFile, type WriterContext } from '../output';
import type { Rng } from '../prng';
import { INCIDENT_RUN } from '../runs';

/**
 * CloudTrail as a trail delivers it to S3: `AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/
 * <acct>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<16 alnum>.json.gz`, gzip JSON `{"Records":[...]}`, a file about
 * every five minutes holding records up to a few minutes older than the time in its name, not sorted.
 */

type Obj = Record<string, unknown>;

interface CtRecord {
  us: number;
  record: Obj;
}

const ACCT = ORG.awsAccount;
/** services whose API has one global endpoint (their events are recorded in us-east-1) */
const GLOBAL_ENDPOINTS = new Set(['iam.amazonaws.com', 'signin.amazonaws.com']);
const REGION = ORG.awsRegion;

/** Role ids (`AROA…`) are stable: they belong to the roles, not to the day. */
const ROLE_IDS: Record<string, string> = {
  [ORG.adminRole]: 'AROAZ3EXAMPLEADMIN7Q2K',
  [ORG.readOnlyRole]: 'AROAZ3EXAMPLEREAD4M8XP',
  [ORG.irsaRole]: 'AROAZ3EXAMPLEMLTRAIN9R',
  'karpenter-controller': 'AROAZ3EXAMPLEKARPNTR3',
  'aws-node-irsa': 'AROAZ3EXAMPLEAWSNODE5T',
  'eks-prod-nodegroup-role': 'AROAZ3EXAMPLENODEGRP6',
  'eks-prod-cluster-role': 'AROAZ3EXAMPLECLUSTER2',
};
const CI_BOT_ID = 'AIDAZ3EXAMPLECIBOT8W4';

function roleArn(role: string): string {
  return role.startsWith('AWSReservedSSO_') ? `arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/${role}` : `arn:aws:iam::${ACCT}:role/${role}`;
}

function issuer(role: string): Obj {
  return { type: 'Role', principalId: ROLE_IDS[role], arn: roleArn(role), accountId: ACCT, userName: role };
}

function ssoIdentity(p: Person, access: AwsAccess, accessKeyId: string | undefined, createdUs: number): Obj {
  const role = ssoRoleName(access);
  return {
    type: 'AssumedRole',
    principalId: `${ROLE_IDS[role]}:${p.email}`,
    arn: ssoSessionArn(p, access),
    accountId: ACCT,
    accessKeyId,
    sessionContext: { sessionIssuer: issuer(role), webIdFederationData: {}, attributes: { creationDate: isoSeconds(createdUs), mfaAuthenticated: 'false' } },
  };
}

function ciBotIdentity(accessKeyId: string): Obj {
  return { type: 'IAMUser', principalId: CI_BOT_ID, arn: `arn:aws:iam::${ACCT}:user/${ORG.ciBot}`, accountId: ACCT, accessKeyId, userName: ORG.ciBot };
}

function webIdentityUser(namespace: string, sa: string): Obj {
  const subject = `system:serviceaccount:${namespace}:${sa}`;
  return { type: 'WebIdentityUser', principalId: `${ORG.oidcProviderArn}:sts.amazonaws.com:${subject}`, userName: subject, identityProvider: ORG.oidcProviderArn };
}

function roleSessionIdentity(role: string, sessionName: string, accessKeyId: string, createdUs: number, webIdentity: boolean): Obj {
  return {
    type: 'AssumedRole',
    principalId: `${ROLE_IDS[role]}:${sessionName}`,
    arn: `arn:aws:sts::${ACCT}:assumed-role/${role}/${sessionName}`,
    accountId: ACCT,
    accessKeyId,
    sessionContext: {
      sessionIssuer: issuer(role),
      webIdFederationData: webIdentity ? { federatedProvider: ORG.oidcProviderArn, attributes: {} } : {},
      attributes: { creationDate: isoSeconds(createdUs), mfaAuthenticated: 'false' },
    },
  };
}

function serviceIdentity(service: string): Obj {
  return { type: 'AWSService', invokedBy: service };
}

interface Call {
  us: number;
  identity: Obj;
  source: string;
  name: string;
  ip: string;
  ua: string;
  params?: Obj | null;
  response?: Obj | null;
  readOnly: boolean;
  errorCode?: string;
  errorMessage?: string;
  resources?: Obj[];
  additional?: Obj;
  eventType?: 'AwsApiCall' | 'AwsConsoleSignIn' | 'AwsServiceEvent';
  console?: boolean;
  noRequestId?: boolean;
}

/** An API's parameters, drawn afresh for each call. */
interface Api {
  source: string;
  name: string;
  readOnly: boolean;
  params?: (rng: Rng) => Obj | null;
  response?: (rng: Rng) => Obj | null;
}

const BUCKETS = ['acme-ml-artifacts-prod', 'acme-flyte-prod', 'acme-data-lake-raw', 'acme-data-lake-curated', 'acme-cloudtrail-111122223333', 'acme-terraform-state'];
const REPOS = ['ml/trainer', 'ml/feature-builder', 'data/ingest', 'platform/feature-api', 'platform/flyte-base'];
const INSTANCE_TYPES = ['m6i.2xlarge', 'm6i.4xlarge', 'g5.2xlarge', 'g5.12xlarge', 'c6i.4xlarge', 'r6i.2xlarge'];
const SUBNETS = ['subnet-0a12b34c56d78e901', 'subnet-0b23c45d67e89f012', 'subnet-0c34d56e78f90a123'];

const READ_APIS: Api[] = [
  { source: 'ec2.amazonaws.com', name: 'DescribeInstances', readOnly: true, params: () => ({ instancesSet: {}, filterSet: {} }) },
  { source: 'ec2.amazonaws.com', name: 'DescribeSecurityGroups', readOnly: true, params: () => ({ securityGroupSet: {}, securityGroupIdSet: {}, filterSet: {} }) },
  { source: 'ec2.amazonaws.com', name: 'DescribeVpcs', readOnly: true, params: () => ({ vpcSet: {}, filterSet: {} }) },
  { source: 's3.amazonaws.com', name: 'ListBuckets', readOnly: true, params: () => ({ Host: 's3.us-east-1.amazonaws.com' }) },
  { source: 's3.amazonaws.com', name: 'GetBucketPolicy', readOnly: true, params: (r) => ({ bucketName: r.pick(BUCKETS), Host: 's3.us-east-1.amazonaws.com', policy: '' }) },
  { source: 'iam.amazonaws.com', name: 'ListRoles', readOnly: true, params: () => ({}) },
  { source: 'iam.amazonaws.com', name: 'GetRole', readOnly: true, params: (r) => ({ roleName: r.pick([ORG.irsaRole, 'karpenter-controller', 'eks-prod-nodegroup-role']) }) },
  { source: 'eks.amazonaws.com', name: 'DescribeCluster', readOnly: true, params: () => ({ name: ORG.cluster }) },
  { source: 'eks.amazonaws.com', name: 'ListNodegroups', readOnly: true, params: () => ({ clusterName: ORG.cluster }) },
  { source: 'monitoring.amazonaws.com', name: 'GetMetricData', readOnly: true, params: () => null },
  { source: 'sts.amazonaws.com', name: 'GetCallerIdentity', readOnly: true, params: () => null },
  { source: 'ecr.amazonaws.com', name: 'DescribeRepositories', readOnly: true, params: () => null },
  { source: 'secretsmanager.amazonaws.com', name: 'ListSecrets', readOnly: true, params: () => null },
  { source: 'cloudformation.amazonaws.com', name: 'DescribeStacks', readOnly: true, params: (r) => ({ stackName: r.pick(['eks-prod-addons', 'ml-artifacts', 'data-lake']) }) },
  { source: 'logs.amazonaws.com', name: 'DescribeLogGroups', readOnly: true, params: () => ({ logGroupNamePrefix: `/aws/eks/${ORG.cluster}` }) },
];

const ADMIN_WRITE_APIS: Api[] = [
  { source: 'ec2.amazonaws.com', name: 'AuthorizeSecurityGroupIngress', readOnly: false, params: (r) => ({ groupId: `sg-0${r.hex(16)}`, ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, ipRanges: { items: [{ cidrIp: '10.0.0.0/16' }] } }] } }) },
  { source: 's3.amazonaws.com', name: 'PutBucketTagging', readOnly: false, params: (r) => ({ bucketName: r.pick(BUCKETS), Host: 's3.us-east-1.amazonaws.com', tagging: '' }) },
  { source: 'eks.amazonaws.com', name: 'UpdateNodegroupConfig', readOnly: false, params: () => ({ clusterName: ORG.cluster, nodegroupName: 'system', scalingConfig: { minSize: 2, maxSize: 6, desiredSize: 3 } }) },
  { source: 'iam.amazonaws.com', name: 'TagRole', readOnly: false, params: () => ({ roleName: ORG.irsaRole, tags: [{ key: 'owner', value: 'ml-platform' }] }) },
];

const CI_APIS: Array<readonly [Api, number]> = [
  [{ source: 'ecr.amazonaws.com', name: 'GetAuthorizationToken', readOnly: true, params: () => ({}) }, 6],
  [{ source: 'sts.amazonaws.com', name: 'GetCallerIdentity', readOnly: true }, 4],
  [{ source: 'eks.amazonaws.com', name: 'DescribeCluster', readOnly: true, params: () => ({ name: ORG.cluster }) }, 3],
  [{ source: 'ecr.amazonaws.com', name: 'BatchCheckLayerAvailability', readOnly: true, params: (r) => ({ repositoryName: r.pick(REPOS), layerDigests: [`sha256:${r.hex(64)}`] }) }, 5],
  [{ source: 'ecr.amazonaws.com', name: 'InitiateLayerUpload', readOnly: false, params: (r) => ({ repositoryName: r.pick(REPOS) }) }, 2],
  [{ source: 'ecr.amazonaws.com', name: 'CompleteLayerUpload', readOnly: false, params: (r) => ({ repositoryName: r.pick(REPOS), uploadId: r.uuid(), layerDigests: [`sha256:${r.hex(64)}`] }) }, 2],
  [{ source: 'ecr.amazonaws.com', name: 'PutImage', readOnly: false, params: (r) => ({ repositoryName: r.pick(REPOS), imageTag: `git-${r.hex(7)}`, imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json' }) }, 1],
  [{ source: 'cloudformation.amazonaws.com', name: 'DescribeStacks', readOnly: true, params: (r) => ({ stackName: r.pick(['eks-prod-addons', 'ml-artifacts', 'data-lake']) }) }, 2],
];

const KARPENTER_APIS: Array<readonly [Api, number]> = [
  [{ source: 'ec2.amazonaws.com', name: 'DescribeInstanceTypes', readOnly: true, params: () => ({ DescribeInstanceTypesRequest: { MaxResults: 100 } }) }, 3],
  [{ source: 'ec2.amazonaws.com', name: 'DescribeInstanceTypeOfferings', readOnly: true, params: () => ({ DescribeInstanceTypeOfferingsRequest: { LocationType: 'availability-zone' } }) }, 3],
  [{ source: 'ec2.amazonaws.com', name: 'DescribeSubnets', readOnly: true, params: () => ({ subnetSet: {}, filterSet: { items: [{ name: 'tag:karpenter.sh/discovery', valueSet: { items: [{ value: ORG.cluster }] } }] } }) }, 4],
  [{ source: 'ec2.amazonaws.com', name: 'DescribeSecurityGroups', readOnly: true, params: () => ({ securityGroupSet: {}, securityGroupIdSet: {}, filterSet: { items: [{ name: 'tag:karpenter.sh/discovery', valueSet: { items: [{ value: ORG.cluster }] } }] } }) }, 4],
  [{ source: 'ec2.amazonaws.com', name: 'DescribeLaunchTemplates', readOnly: true, params: () => ({ DescribeLaunchTemplatesRequest: { Filter: { Name: 'tag:karpenter.k8s.aws/cluster', Value: ORG.cluster } } }) }, 2],
  [{ source: 'ssm.amazonaws.com', name: 'GetParameter', readOnly: true, params: () => ({ name: '/aws/service/eks/optimized-ami/1.29/amazon-linux-2/recommended/image_id' }) }, 2],
  [{ source: 'pricing.amazonaws.com', name: 'GetProducts', readOnly: true, params: () => ({ serviceCode: 'AmazonEC2', filters: [{ type: 'TERM_MATCH', field: 'regionCode', value: REGION }] }) }, 1],
  [{ source: 'ec2.amazonaws.com', name: 'CreateFleet', readOnly: false, params: (r) => ({ CreateFleetRequest: { Type: 'instant', TargetCapacitySpecification: { TotalTargetCapacity: 1, DefaultTargetCapacityType: 'on-demand' }, LaunchTemplateConfigs: { Overrides: [{ InstanceType: r.pick(INSTANCE_TYPES), SubnetId: r.pick(SUBNETS) }] } } }) }, 0.3],
  [{ source: 'ec2.amazonaws.com', name: 'TerminateInstances', readOnly: false, params: (r) => ({ instancesSet: { items: [{ instanceId: `i-0${r.hex(16)}` }] } }) }, 0.3],
];

const AWS_NODE_APIS: Array<readonly [Api, number]> = [
  [{ source: 'ec2.amazonaws.com', name: 'DescribeNetworkInterfaces', readOnly: true, params: () => ({ networkInterfaceIdSet: {}, filterSet: {} }) }, 5],
  [{ source: 'ec2.amazonaws.com', name: 'DescribeInstances', readOnly: true, params: (r) => ({ instancesSet: { items: [{ instanceId: r.pick(K8S_NODES).instanceId }] }, filterSet: {} }) }, 2],
  [{ source: 'ec2.amazonaws.com', name: 'AssignPrivateIpAddresses', readOnly: false, params: (r) => ({ networkInterfaceId: `eni-0${r.hex(16)}`, secondaryPrivateIpAddressCount: 1 }) }, 1],
  [{ source: 'ec2.amazonaws.com', name: 'UnassignPrivateIpAddresses', readOnly: false, params: (r) => ({ networkInterfaceId: `eni-0${r.hex(16)}`, privateIpAddressesSet: { item: [{ privateIpAddress: `10.0.${r.int(1, 4)}.${r.int(10, 250)}` }] } }) }, 0.6],
];

class Trail {
  readonly records: CtRecord[] = [];

  constructor(private readonly rng: Rng) {}

  add(c: Call): IncidentRef {
    const r = this.rng;
    const host = c.source;
    const eventID = r.uuid();
    const record: Obj = {
      eventVersion: c.eventType === 'AwsConsoleSignIn' ? '1.09' : '1.10',
      userIdentity: c.identity,
      eventTime: isoSeconds(c.us),
      eventSource: c.source,
      eventName: c.name,
      awsRegion: REGION,
      sourceIPAddress: c.ip,
      userAgent: c.ua,
      errorCode: c.errorCode,
      errorMessage: c.errorMessage,
      requestParameters: c.params ?? null,
      responseElements: c.response ?? null,
      additionalEventData: c.additional,
      requestID: c.noRequestId ? undefined : c.source === 's3.amazonaws.com' ? r.upperAlnum(16) : r.uuid(),
      eventID,
      readOnly: c.readOnly,
      resources: c.resources,
      eventType: c.eventType ?? 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: ACCT,
      eventCategory: 'Management',
      tlsDetails: c.ip.endsWith('.amazonaws.com') || c.eventType === 'AwsConsoleSignIn' ? undefined : { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: GLOBAL_ENDPOINTS.has(host) ? host : host.replace('.amazonaws.com', `.${REGION}.amazonaws.com`) },
      sessionCredentialFromConsole: c.console ? 'true' : undefined,
    };
    this.records.push({ us: c.us, record });
    return { id: eventID, time: record.eventTime as string };
  }

  call(api: Api, us: number, identity: Obj, ip: string, ua: string, console = false): IncidentRef {
    return this.add({ us, identity, source: api.source, name: api.name, ip, ua, params: api.params?.(this.rng) ?? null, response: api.response?.(this.rng) ?? null, readOnly: api.readOnly, console });
  }

  /** AssumeRoleWithWebIdentity from a Kubernetes service account's projected token (IRSA). */
  assumeRoleWithWebIdentity(us: number, namespace: string, sa: string, role: string, sessionName: string, accessKeyId: string, ua: string): IncidentRef {
    const r = this.rng;
    const subject = `system:serviceaccount:${namespace}:${sa}`;
    return this.add({
      us,
      identity: webIdentityUser(namespace, sa),
      source: 'sts.amazonaws.com',
      name: 'AssumeRoleWithWebIdentity',
      ip: ORG.natIp,
      ua,
      params: { roleArn: roleArn(role), roleSessionName: sessionName, durationSeconds: 3600 },
      response: {
        credentials: { accessKeyId, sessionToken: `IQoJb3JpZ2luX2VjE${r.alnum(60)}`, expiration: awsDate(us + HOUR) },
        subjectFromWebIdentityToken: subject,
        assumedRoleUser: { assumedRoleId: `${ROLE_IDS[role]}:${sessionName}`, arn: `arn:aws:sts::${ACCT}:assumed-role/${role}/${sessionName}` },
        provider: ORG.oidcProviderArn,
        audience: 'sts.amazonaws.com',
      },
      additional: { identityProviderConnectionVerificationMethod: 'IAMTrustStore' },
      readOnly: true,
      resources: [{ accountId: ACCT, type: 'AWS::IAM::Role', ARN: roleArn(role) }],
    });
  }
}

/** How IAM prints dates in CloudTrail responseElements, e.g. `Mar 14, 2026, 9:03:12 AM`. */
function awsDate(us: number): string {
  const d = new Date(Math.floor(us / 1000));
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const h = d.getUTCHours();
  const hh = h % 12 === 0 ? 12 : h % 12;
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const ss = String(d.getUTCSeconds()).padStart(2, '0');
  return `${months[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${hh}:${mm}:${ss} ${h < 12 ? 'AM' : 'PM'}`;
}

function sessionKey(rng: Rng): string {
  return `ASIA${rng.upperAlnum(16)}`;
}

/** People's Identity Center sessions during their working hours: console and CLI reads, a few admin writes. */
function peopleSessions(trail: Trail, rng: Rng, ctx: WriterContext): void {
  const { day } = ctx;
  for (const p of PEOPLE) {
    if (p.aws === 'none' || p === ALICE) continue;
    const dayFrom = day.start + p.workStartHour * HOUR;
    const dayTo = dayFrom + p.workHours * HOUR;
    const sessions = rng.int(1, 3);
    for (let s = 0; s < sessions; s++) {
      const access: AwsAccess = p.aws === 'admin' && rng.chance(0.4) ? 'admin' : 'readonly';
      const startUs = rng.int(dayFrom, dayTo - HOUR);
      const endUs = Math.min(dayTo, startUs + rng.int(20, 120) * MINUTE);
      const ip = personIp(p, rng.chance(0.8));
      addSession(trail, rng, p, access, ip, startUs, endUs, scaled(ctx, rng.int(80, 180)), rng.chance(0.6));
    }
  }
  // alice's own morning, read-only, from the office (before the attacker ever signs in)
  addSession(trail, rng, ALICE, 'readonly', ORG.officeIp, day.at('08:04:10'), day.at('08:40:00'), scaled(ctx, 24), true);
}

function addSession(trail: Trail, rng: Rng, p: Person, access: AwsAccess, ip: string, startUs: number, endUs: number, calls: number, console: boolean): void {
  const identity = ssoIdentity(p, access, sessionKey(rng), startUs);
  if (console) {
    trail.add({
      us: startUs,
      identity: { ...identity, accessKeyId: undefined },
      source: 'signin.amazonaws.com',
      name: 'ConsoleLogin',
      ip,
      ua: USER_AGENTS.browser[p.os],
      params: null,
      response: { ConsoleLogin: 'Success' },
      additional: { MobileVersion: 'No', MFAUsed: 'No' },
      readOnly: false,
      eventType: 'AwsConsoleSignIn',
      noRequestId: true,
    });
  }
  for (const us of rng.instants(calls, startUs + 5 * SECOND, endUs)) {
    const write = access === 'admin' && rng.chance(0.03);
    const api = write ? rng.pick(ADMIN_WRITE_APIS) : rng.pick(READ_APIS);
    const ua = console ? 'AWS Internal' : awsCliAgent(p.os, `${api.source.split('.')[0]}.${kebab(api.name)}`);
    trail.call(api, us, identity, ip, ua, console);
  }
}

function kebab(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
}

/** ci-bot's long-standing key, used by the CI runners to push images and deploy. */
function ciBot(trail: Trail, rng: Rng, ctx: WriterContext): void {
  const { day } = ctx;
  const identity = ciBotIdentity(ORG.ciBotKey);
  const pipelines = scaled(ctx, 180);
  for (const startUs of rng.instants(pipelines, day.start, day.end - 10 * MINUTE)) {
    const ip = rng.pick(ORG.ciIps);
    let t = startUs;
    for (let i = rng.int(6, 18); i > 0; i--) {
      const api = rng.weighted(CI_APIS);
      trail.call(api, t, identity, ip, awsCliAgent('linux', `${api.source.split('.')[0]}.${kebab(api.name)}`));
      t += rng.int(1, 40) * SECOND;
    }
  }
}

/** IRSA controllers: an hourly web-identity session, then their EC2 calls with its key. */
function irsaController(trail: Trail, rng: Rng, ctx: WriterContext, namespace: string, sa: string, role: string, apis: Array<readonly [Api, number]>, perHour: number, ua: string): void {
  const { day } = ctx;
  for (let h = 0; h < 24; h++) {
    const hourStart = day.start + h * HOUR;
    const assumedUs = hourStart + rng.int(0, 120) * SECOND;
    const sessionName = `${Math.floor(assumedUs / 1000)}${rng.digits(6)}`;
    const key = sessionKey(rng);
    trail.assumeRoleWithWebIdentity(assumedUs, namespace, sa, role, sessionName, key, ua);
    const identity = roleSessionIdentity(role, sessionName, key, assumedUs, true);
    for (const us of rng.instants(scaled(ctx, perHour), assumedUs + SECOND, hourStart + HOUR)) {
      trail.call(rng.weighted(apis), us, identity, ORG.natIp, ua);
    }
  }
}

/** The EKS control plane (cluster role) and the nodes' instance profile, and the services acting for them. */
function platform(trail: Trail, rng: Rng, ctx: WriterContext): void {
  const { day } = ctx;
  const clusterSession = `aws-go-sdk-${rng.digits(19)}`;
  const clusterKey = sessionKey(rng);
  const clusterIdentity = roleSessionIdentity('eks-prod-cluster-role', clusterSession, clusterKey, day.start - 3 * HOUR, false);
  const describeNodes: Api = { source: 'ec2.amazonaws.com', name: 'DescribeInstances', readOnly: true, params: (r) => ({ instancesSet: { items: [{ instanceId: r.pick(K8S_NODES).instanceId }] }, filterSet: {} }) };
  const describeLb: Api = { source: 'elasticloadbalancing.amazonaws.com', name: 'DescribeLoadBalancers', readOnly: true, params: () => ({ names: ['a4f1c2e3b5d6a7c8e9f0a1b2c3d4e5f6'] }) };
  for (const us of rng.instants(scaled(ctx, 2200), day.start, day.end)) {
    trail.call(rng.chance(0.85) ? describeNodes : describeLb, us, clusterIdentity, 'eks.amazonaws.com', 'aws-sdk-go/1.50.8 (go1.21.6; linux; amd64) cloud-controller-manager/v1.29.0');
  }

  // EC2 refreshes each node's instance-profile credentials; the kubelet then pulls from ECR.
  for (const node of K8S_NODES) {
    for (let h = 0; h < 24; h += 6) {
      const us = day.start + h * HOUR + rng.int(0, 300) * SECOND;
      const key = sessionKey(rng);
      trail.add({
        us,
        identity: serviceIdentity('ec2.amazonaws.com'),
        source: 'sts.amazonaws.com',
        name: 'AssumeRole',
        ip: 'ec2.amazonaws.com',
        ua: 'ec2.amazonaws.com',
        params: { roleArn: roleArn('eks-prod-nodegroup-role'), roleSessionName: node.instanceId },
        response: { credentials: { accessKeyId: key, sessionToken: `IQoJb3JpZ2luX2VjE${rng.alnum(60)}`, expiration: awsDate(us + 6 * HOUR) }, assumedRoleUser: { assumedRoleId: `${ROLE_IDS['eks-prod-nodegroup-role']}:${node.instanceId}`, arn: `arn:aws:sts::${ACCT}:assumed-role/eks-prod-nodegroup-role/${node.instanceId}` } },
        readOnly: true,
        resources: [{ accountId: ACCT, type: 'AWS::IAM::Role', ARN: roleArn('eks-prod-nodegroup-role') }],
      });
      const identity = { ...roleSessionIdentity('eks-prod-nodegroup-role', node.instanceId, key, us, false), sessionContext: { sessionIssuer: issuer('eks-prod-nodegroup-role'), webIdFederationData: {}, attributes: { creationDate: isoSeconds(us), mfaAuthenticated: 'false' }, ec2RoleDelivery: '2.0' } };
      for (const t of rng.instants(scaled(ctx, 12), us + MINUTE, us + 6 * HOUR)) {
        if (t >= day.end) continue;
        trail.call({ source: 'ecr.amazonaws.com', name: 'GetAuthorizationToken', readOnly: true, params: () => ({ registryIds: [ACCT] }) }, t, identity, ORG.natIp, 'aws-sdk-go-v2/1.24.1 os/linux lang/go#1.21.6 md/GOOS#linux md/GOARCH#amd64 api/ecr#1.24.7 ecr-credential-provider');
      }
    }
  }

  // CloudTrail encrypting its own log files with KMS, every delivery.
  for (let us = day.start + 2 * MINUTE; us < day.end; us += 5 * MINUTE) {
    if (!rng.chance(Math.min(1, ctx.scale))) continue;
    trail.add({
      us: us + rng.int(0, 60) * SECOND,
      identity: serviceIdentity('cloudtrail.amazonaws.com'),
      source: 'kms.amazonaws.com',
      name: 'GenerateDataKey',
      ip: 'cloudtrail.amazonaws.com',
      ua: 'cloudtrail.amazonaws.com',
      params: { keyId: `arn:aws:kms:${REGION}:${ACCT}:alias/cloudtrail`, encryptionContext: { 'aws:cloudtrail:arn': `arn:aws:cloudtrail:${REGION}:${ACCT}:trail/org-trail` }, keySpec: 'AES_256' },
      readOnly: true,
      resources: [{ accountId: ACCT, type: 'AWS::KMS::Key', ARN: `arn:aws:kms:${REGION}:${ACCT}:key/${rng.uuid()}` }],
    });
  }
}

/** Flyte pods in ml-production run as ml-training, which IRSA maps to ml-training-irsa. */
function runSessions(trail: Trail, rng: Rng, ctx: WriterContext): void {
  for (const run of ctx.runs) {
    if (run.incident) continue;
    for (const node of run.nodes) {
      if (!node.irsa) continue;
      const { accessKeyId, sessionName, assumedUs } = node.irsa;
      trail.assumeRoleWithWebIdentity(assumedUs, run.namespace, run.serviceAccount, ORG.irsaRole, sessionName, accessKeyId, USER_AGENTS.boto3);
      const identity = roleSessionIdentity(ORG.irsaRole, sessionName, accessKeyId, assumedUs, true);
      trail.add({ us: assumedUs + rng.int(2, 9) * SECOND, identity, source: 'secretsmanager.amazonaws.com', name: 'GetSecretValue', ip: ORG.natIp, ua: USER_AGENTS.boto3, params: { secretId: 'prod/ml/wandb-api-key' }, readOnly: true });
      if (rng.chance(0.5)) {
        trail.add({ us: assumedUs + rng.int(10, 60) * SECOND, identity, source: 's3.amazonaws.com', name: 'GetBucketLocation', ip: ORG.natIp, ua: USER_AGENTS.boto3, params: { bucketName: 'acme-ml-artifacts-prod', Host: 'acme-ml-artifacts-prod.s3.amazonaws.com', location: '' }, readOnly: true });
      }
    }
  }
}

/** The incident rows of DEMO.md that happen in AWS. */
function incident(trail: Trail, rng: Rng, day: DemoDay): Omit<CloudTrailFacts, 'maxRecordAgeSeconds'> {
  const ip = ORG.attackerIp;
  const sessionKeyId = sessionKey(rng);
  const sessionStart = day.at('09:01:07');
  const identity = ssoIdentity(ALICE, 'admin', sessionKeyId, sessionStart);
  const consoleLogin = trail.add({
    us: sessionStart,
    identity: { ...identity, accessKeyId: undefined },
    source: 'signin.amazonaws.com',
    name: 'ConsoleLogin',
    ip,
    ua: USER_AGENTS.attackerBrowser,
    params: null,
    response: { ConsoleLogin: 'Success' },
    additional: { MobileVersion: 'No', MFAUsed: 'No' },
    readOnly: false,
    eventType: 'AwsConsoleSignIn',
    noRequestId: true,
  });
  const iamRead = (clock: string, name: string, params: Obj | null): IncidentRef & { eventName: string } => ({
    ...trail.add({ us: day.at(clock), identity, source: 'iam.amazonaws.com', name, ip, ua: 'AWS Internal', params, readOnly: true, console: true }),
    eventName: name,
  });
  const sessionReads = [iamRead('09:01:32', 'ListUsers', null), iamRead('09:02:10', 'GetUser', { userName: ORG.ciBot }), iamRead('09:02:12', 'ListAccessKeys', { userName: ORG.ciBot })];
  const newKey = 'AKIAEXAMPLECIBOT0001';
  const createAccessKey = trail.add({
    us: day.at('09:03:12'),
    identity,
    source: 'iam.amazonaws.com',
    name: 'CreateAccessKey',
    ip,
    ua: 'AWS Internal',
    params: { userName: ORG.ciBot },
    response: { accessKey: { userName: ORG.ciBot, accessKeyId: newKey, status: 'Active', createDate: awsDate(day.at('09:03:12')) } },
    readOnly: false,
    console: true,
  });
  const policyArn = 'arn:aws:iam::aws:policy/AdministratorAccess';
  const attachUserPolicy = trail.add({ us: day.at('09:04:05'), identity, source: 'iam.amazonaws.com', name: 'AttachUserPolicy', ip, ua: 'AWS Internal', params: { userName: ORG.ciBot, policyArn }, readOnly: false, console: true });

  // The run's pod assumes the IRSA role; the session's key then signs its calls.
  const node = INCIDENT_RUN;
  const assumedUs = day.at(node.assumeRole);
  const sessionName = `botocore-session-${Math.floor(assumedUs / SECOND)}`;
  const assume = trail.assumeRoleWithWebIdentity(assumedUs, ORG.trainingNamespace, ORG.trainingServiceAccount, ORG.irsaRole, sessionName, node.sessionKey, USER_AGENTS.boto3);
  const runIdentity = roleSessionIdentity(ORG.irsaRole, sessionName, node.sessionKey, assumedUs, true);
  const runCall = (clock: string, source: string, name: string, params: Obj | null): IncidentRef & { eventName: string } => ({
    ...trail.add({ us: day.at(clock), identity: runIdentity, source, name, ip: ORG.natIp, ua: USER_AGENTS.boto3, params, readOnly: true }),
    eventName: name,
  });
  const runSessionCalls = [
    runCall('09:12:27', 'sts.amazonaws.com', 'GetCallerIdentity', null),
    runCall('09:12:58', 'secretsmanager.amazonaws.com', 'GetSecretValue', { secretId: 'prod/db-password' }),
    runCall('09:18:40', 's3.amazonaws.com', 'ListBuckets', { Host: 's3.us-east-1.amazonaws.com' }),
    runCall('09:39:15', 'secretsmanager.amazonaws.com', 'GetSecretValue', { secretId: 'prod/db-password' }),
  ];

  // The new ci-bot key, used from the attacker's machine.
  const ciIdentity = ciBotIdentity(newKey);
  const ciCall = (clock: string, source: string, name: string, params: Obj | null, command: string, readOnly: boolean, error?: { code: string; message: string }): IncidentRef & { eventName: string; errorCode?: string } => ({
    ...trail.add({ us: day.at(clock), identity: ciIdentity, source, name, ip, ua: awsCliAgent('linux', command), params, readOnly, errorCode: error?.code, errorMessage: error?.message }),
    eventName: name,
    errorCode: error?.code,
  });
  const ciBotCalls = [
    ciCall('09:30:44', 's3.amazonaws.com', 'ListBuckets', { Host: 's3.us-east-1.amazonaws.com' }, 's3.ls', true),
    ciCall('09:32:10', 'secretsmanager.amazonaws.com', 'GetSecretValue', { secretId: 'prod/db-password' }, 'secretsmanager.get-secret-value', true),
    ciCall('09:34:52', 'iam.amazonaws.com', 'CreateUser', null, 'iam.create-user', false, {
      code: 'AccessDenied',
      message: `User: arn:aws:iam::${ACCT}:user/${ORG.ciBot} is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${ACCT}:user/svc-backup with an explicit deny in a service control policy`,
    }),
  ];

  return {
    consoleLogin,
    sessionArn: identity.arn as string,
    sessionAccessKeyId: sessionKeyId,
    sessionReads,
    createAccessKey: { ...createAccessKey, accessKeyId: newKey, userName: ORG.ciBot },
    attachUserPolicy: { ...attachUserPolicy, policyArn },
    assumeRoleWithWebIdentity: { ...assume, accessKeyId: node.sessionKey, roleArn: ORG.irsaRoleArn, sessionArn: runIdentity.arn as string, subject: `system:serviceaccount:${ORG.trainingNamespace}:${ORG.trainingServiceAccount}` },
    runSessionCalls,
    ciBotCalls,
  };
}

/**
 * Groups records into delivery files: file times about five minutes apart; each record waits a random
 * delivery lag and goes into the first file due after it, so a file holds records up to a few minutes older
 * than its name. Records are shuffled inside a file, as CloudTrail does not sort them.
 */
function deliver(rng: Rng, records: CtRecord[], day: DemoDay): { files: DemoFile[]; maxAgeUs: number } {
  const fileTimes: number[] = [];
  for (let t = day.start + rng.int(3, 6) * MINUTE; t < day.end + 20 * MINUTE; t += 5 * MINUTE) fileTimes.push(t + rng.int(0, 2) * MINUTE);
  const byFile = new Map<number, Obj[]>();
  let maxAgeUs = 0;
  for (const r of records) {
    const due = r.us + rng.int(20, 180) * SECOND;
    let lo = 0;
    let hi = fileTimes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (fileTimes[mid] >= due) hi = mid;
      else lo = mid + 1;
    }
    const ft = fileTimes[lo];
    maxAgeUs = Math.max(maxAgeUs, ft - r.us);
    const list = byFile.get(ft) ?? [];
    list.push(r.record);
    byFile.set(ft, list);
  }
  const files: DemoFile[] = [];
  for (const ft of [...byFile.keys()].sort((a, b) => a - b)) {
    const p = parts(ft);
    const name = `${ACCT}_CloudTrail_${REGION}_${p.y}${p.m}${p.d}T${p.hh}${p.mm}Z_${rng.alnum(16)}.json.gz`;
    const recs = rng.shuffle(byFile.get(ft) ?? []);
    files.push({ path: `cloudtrail/AWSLogs/${ACCT}/CloudTrail/${REGION}/${p.y}/${p.m}/${p.d}/${name}`, content: JSON.stringify({ Records: recs }), gzip: true });
  }
  return { files, maxAgeUs };
}

export function writeCloudTrail(ctx: WriterContext): { files: DemoFile[]; counts: SourceCounts; facts: CloudTrailFacts; timeline: TimelineEntry[] } {
  const { day } = ctx;
  const rng = ctx.rng;
  const trail = new Trail(rng);
  peopleSessions(trail, rng.fork('people'), ctx);
  ciBot(trail, rng.fork('ci-bot'), ctx);
  irsaController(trail, rng.fork('karpenter'), ctx, 'karpenter', 'karpenter', 'karpenter-controller', KARPENTER_APIS, 45, `${USER_AGENTS.goSdk} karpenter.sh-0.35.2`);
  irsaController(trail, rng.fork('aws-node'), ctx, 'kube-system', 'aws-node', 'aws-node-irsa', AWS_NODE_APIS, 30, 'amazon-vpc-cni-k8s/v1.16.4 aws-sdk-go/1.50.8 (go1.21.6; linux; amd64)');
  platform(trail, rng.fork('platform'), ctx);
  runSessions(trail, rng.fork('runs'), ctx);
  const facts = incident(trail, rng.fork('incident'), ctx.day);

  const records = trail.records.filter((r) => r.us >= day.start && r.us < day.end).sort((a, b) => a.us - b.us);
  const { files, maxAgeUs } = deliver(rng.fork('delivery'), records, ctx.day);

  const tl = (ref: IncidentRef, action: string): TimelineEntry => ({ time: ref.time, source: 'cloudtrail', action, id: ref.id });
  const timeline = [
    tl(facts.consoleLogin, 'ConsoleLogin'),
    ...facts.sessionReads.map((r) => tl(r, r.eventName)),
    tl(facts.createAccessKey, 'CreateAccessKey'),
    tl(facts.attachUserPolicy, 'AttachUserPolicy'),
    tl(facts.assumeRoleWithWebIdentity, 'AssumeRoleWithWebIdentity'),
    ...facts.runSessionCalls.map((r) => tl(r, r.eventName)),
    ...facts.ciBotCalls.map((r) => tl(r, r.errorCode ? `${r.eventName} (${r.errorCode})` : r.eventName)),
  ];
  return {
    files,
    counts: { path: 'cloudtrail', files: files.length, records: records.length },
    facts: { ...facts, maxRecordAgeSeconds: Math.ceil(maxAgeUs / SECOND) },
    timeline,
  };
}

