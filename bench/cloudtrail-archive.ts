import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { prng } from './k8s-archive';

/**
 * A deterministic CloudTrail archive for the benchmark, laid out as a trail delivers it to S3:
 * `AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<16 alnum>.json.gz`,
 * one gzip JSON `{"Records":[...]}` about every five minutes, holding the records of the few minutes before the time
 * in its name, not sorted. Management events of ~150 people through Identity Center sessions, service roles and a
 * few IAM users, about 1.4 KB a record, so that a day is about as much text as the Kubernetes bench day.
 */

export interface TrailArchiveSpec {
  seed: number;
  /** the day the benchmark asks about; files are written for an hour either side too (delivery lag) */
  dayMs: number;
  recordsPerFile: number;
  people: number;
}

export interface TrailArchiveManifest extends TrailArchiveSpec {
  version: number;
  files: number;
  records: number;
  bytesOnDisk: number;
}

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
/** the person the selective question is about: about one record in 200 */
export const ALICE = 'alice@example.com';

export const DEFAULT_TRAIL_SPEC: TrailArchiveSpec = { seed: 20260310, dayMs: Date.UTC(2026, 2, 10), recordsPerFile: 640, people: 150 };

const VERSION = 1;
const MANIFEST = 'manifest.json';
const FIVE_MIN = 300_000;
const HOUR = 3_600_000;

const CALLS: [string, string, boolean][] = [
  ['s3.amazonaws.com', 'GetBucketAcl', true],
  ['s3.amazonaws.com', 'ListBuckets', true],
  ['ec2.amazonaws.com', 'DescribeInstances', true],
  ['ec2.amazonaws.com', 'RunInstances', false],
  ['iam.amazonaws.com', 'GetRole', true],
  ['iam.amazonaws.com', 'CreateAccessKey', false],
  ['sts.amazonaws.com', 'AssumeRole', false],
  ['secretsmanager.amazonaws.com', 'GetSecretValue', true],
  ['kms.amazonaws.com', 'Decrypt', true],
  ['eks.amazonaws.com', 'DescribeCluster', true],
  ['logs.amazonaws.com', 'PutLogEvents', false],
  ['cloudtrail.amazonaws.com', 'LookupEvents', true],
];
const ROLES = ['karpenter-controller', 'aws-node-irsa', 'eks-prod-nodegroup-role', 'ml-training', 'ci-deployer'];
const AGENTS = [
  'aws-cli/2.17.0 md/awscrt#0.20.11 ua/2.0 os/macos#23.5.0 md/arch#arm64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off md/command#s3.ls',
  'aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.171.0',
  'Boto3/1.34.144 md/Botocore#1.34.144 ua/2.0 os/linux#6.1.97 md/arch#x86_64 lang/python#3.12.4 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.144',
];

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function hex(rand: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(rand() * 16)];
  return s;
}

function uuid(rand: () => number): string {
  const h = hex(rand, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

function identity(rand: () => number, people: number): Record<string, unknown> {
  const r = rand();
  if (r < 0.6) {
    // one person in `people`, alice among them; Identity Center names the session after the email
    const who = Math.floor(rand() * people);
    const email = who === 0 ? ALICE : `user${who}@example.com`;
    const role = 'AWSReservedSSO_AdministratorAccess_3f2a1b9c';
    return {
      type: 'AssumedRole',
      principalId: `AROAZ3EXAMPLEADMIN7Q2K:${email}`,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${email}`,
      accountId: ACCOUNT,
      accessKeyId: `ASIAZ3EXAMPLE${hex(rand, 7).toUpperCase()}`,
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: 'AROAZ3EXAMPLEADMIN7Q2K', arn: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/${role}`, accountId: ACCOUNT, userName: role },
        attributes: { creationDate: '2026-03-10T06:00:00Z', mfaAuthenticated: 'false' },
      },
    };
  }
  if (r < 0.9) {
    const role = ROLES[Math.floor(rand() * ROLES.length)];
    const session = `${role}-${hex(rand, 8)}`;
    return {
      type: 'AssumedRole',
      principalId: `AROAZ3EXAMPLE${role.length}ROLE:${session}`,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${session}`,
      accountId: ACCOUNT,
      accessKeyId: `ASIAZ3EXAMPLE${hex(rand, 7).toUpperCase()}`,
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: `AROAZ3EXAMPLE${role.length}ROLE`, arn: `arn:aws:iam::${ACCOUNT}:role/${role}`, accountId: ACCOUNT, userName: role },
        attributes: { creationDate: '2026-03-10T05:00:00Z', mfaAuthenticated: 'false' },
      },
    };
  }
  const bot = `ci-bot-${Math.floor(rand() * 5)}`;
  return { type: 'IAMUser', principalId: `AIDAZ3EXAMPLE${bot.toUpperCase().replace(/-/g, '')}`, arn: `arn:aws:iam::${ACCOUNT}:user/${bot}`, accountId: ACCOUNT, accessKeyId: `AKIAZ3EXAMPLE${hex(rand, 7).toUpperCase()}`, userName: bot };
}

function record(rand: () => number, timeMs: number, people: number): Record<string, unknown> {
  const [eventSource, eventName, readOnly] = CALLS[Math.floor(rand() * CALLS.length)];
  const failed = rand() < 0.03;
  return {
    eventVersion: '1.09',
    userIdentity: identity(rand, people),
    eventTime: iso(timeMs),
    eventSource,
    eventName,
    awsRegion: REGION,
    sourceIPAddress: `198.51.100.${Math.floor(rand() * 250) + 1}`,
    userAgent: AGENTS[Math.floor(rand() * AGENTS.length)],
    ...(failed ? { errorCode: 'AccessDenied', errorMessage: `User is not authorized to perform: ${eventSource.split('.')[0]}:${eventName}` } : {}),
    requestParameters: { maxResults: 1000, filterSet: { items: [{ name: 'tag:team', valueSet: { items: [{ value: 'ml-platform' }] } }] }, resource: `arn:aws:${eventSource.split('.')[0]}:${REGION}:${ACCOUNT}:thing/${hex(rand, 12)}` },
    responseElements: null,
    requestID: uuid(rand),
    eventID: uuid(rand),
    readOnly,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `${eventSource.split('.')[0]}.${REGION}.amazonaws.com` },
  };
}

function fileName(deliveredMs: number, rand: () => number): string {
  const d = new Date(deliveredMs).toISOString();
  const stamp = `${d.slice(0, 4)}${d.slice(5, 7)}${d.slice(8, 10)}T${d.slice(11, 13)}${d.slice(14, 16)}Z`;
  let id = '';
  for (let i = 0; i < 16; i++) id += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[Math.floor(rand() * 36)];
  return path.posix.join('AWSLogs', ACCOUNT, 'CloudTrail', REGION, d.slice(0, 4), d.slice(5, 7), d.slice(8, 10), `${ACCOUNT}_CloudTrail_${REGION}_${stamp}_${id}.json.gz`);
}

/** The archive under `dir`, written once (a manifest says which spec it holds). */
export async function ensureTrailArchive(dir: string, spec: TrailArchiveSpec = DEFAULT_TRAIL_SPEC, log: (line: string) => void = () => undefined): Promise<TrailArchiveManifest> {
  const manifestPath = path.join(dir, MANIFEST);
  try {
    const m = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as TrailArchiveManifest;
    if (m.version === VERSION && m.seed === spec.seed && m.dayMs === spec.dayMs && m.recordsPerFile === spec.recordsPerFile && m.people === spec.people) return m;
  } catch {
    // not there yet, or another spec: written below
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const started = Date.now();
  const rand = prng(spec.seed);
  let files = 0;
  let records = 0;
  let bytesOnDisk = 0;
  // deliveries every five minutes from an hour before the day to an hour after it
  for (let delivered = spec.dayMs - HOUR; delivered <= spec.dayMs + 25 * HOUR; delivered += FIVE_MIN) {
    const batch: Record<string, unknown>[] = [];
    for (let i = 0; i < spec.recordsPerFile; i++) {
      // the five minutes before delivery, a few records a little older (late deliveries), in no order
      const age = rand() < 0.05 ? FIVE_MIN + rand() * 2 * FIVE_MIN : rand() * FIVE_MIN;
      batch.push(record(rand, Math.floor(delivered - age), spec.people));
    }
    const rel = fileName(delivered, rand);
    const gz = zlib.gzipSync(JSON.stringify({ Records: batch }));
    fs.mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), gz);
    files += 1;
    records += batch.length;
    bytesOnDisk += gz.length;
  }
  const manifest: TrailArchiveManifest = { ...spec, version: VERSION, files, records, bytesOnDisk };
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  log(`generated ${records} CloudTrail records in ${files} files (${(bytesOnDisk / 1e6).toFixed(1)} MB on disk) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return manifest;
}
