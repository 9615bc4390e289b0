import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { ConfigNode } from '../../../src/config/fields';
import type { Source } from '../../../src/domain';
import { cloudtrailDefinition } from '../../../src/sources/cloudtrail';
import { testDeps } from '../../helpers/deps';
import { ACCOUNT, REGION } from './records';

export interface TrailFileSpec {
  /** delivery time in the name, e.g. `2026-03-14T09:05Z` */
  delivered: string;
  records?: unknown[];
  /** the file's bytes as text instead of {"Records": records} */
  text?: string;
  account?: string;
  region?: string;
  orgId?: string;
  gzip?: boolean;
}

let serial = 0;

/** Writes one file where a trail delivers it: AWSLogs/[org/]acct/CloudTrail/region/YYYY/MM/DD/<name>. */
export function writeTrailFile(root: string, spec: TrailFileSpec): string {
  const account = spec.account ?? ACCOUNT;
  const region = spec.region ?? REGION;
  const t = new Date(spec.delivered.replace(/Z$/, ':00Z'));
  const iso = t.toISOString();
  const [y, m, d] = [iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10)];
  const stamp = `${y}${m}${d}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
  const id = `Ab3dEf7hIj${String(++serial).padStart(6, '0')}`;
  const gzip = spec.gzip ?? true;
  const rel = [
    'AWSLogs',
    ...(spec.orgId ? [spec.orgId] : []),
    account,
    'CloudTrail',
    region,
    y,
    m,
    d,
    `${account}_CloudTrail_${region}_${stamp}_${id}.json${gzip ? '.gz' : ''}`,
  ].join('/');
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const text = spec.text ?? JSON.stringify({ Records: spec.records ?? [] });
  fs.writeFileSync(file, gzip ? zlib.gzipSync(text) : text);
  return rel;
}

export function tempRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'auditgraph-cloudtrail-'));
}

export function archiveSource(root: string, extra: Record<string, unknown> = {}): Source {
  const node = ConfigNode.of({ id: 'trail-archive', type: 'cloudtrail', mode: 'archive', path: root, ...extra }, 'sources[1]');
  return cloudtrailDefinition.create(node, { id: 'trail-archive', mode: 'archive' }, testDeps());
}

/** A minimal valid record at `eventTime`. */
export function rec(eventID: string, eventTime: string, eventName = 'GetSecretValue'): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    eventTime,
    eventSource: 'secretsmanager.amazonaws.com',
    eventName,
    awsRegion: REGION,
    sourceIPAddress: '10.0.42.17',
    userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLECIBOT0001', arn: `arn:aws:iam::${ACCOUNT}:user/ci-bot`, accountId: ACCOUNT, accessKeyId: 'AKIAEXAMPLECIBOT0001', userName: 'ci-bot' },
    requestParameters: { secretId: 'prod/db-password' },
    responseElements: null,
    requestID: `req-${eventID}`,
    eventID,
    readOnly: true,
    eventType: 'AwsApiCall',
    recipientAccountId: ACCOUNT,
  };
}
