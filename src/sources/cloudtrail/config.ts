import { RAW_LIMIT_KEY, rawLimitOf } from '../shared/raw';
import { ConfigError } from '../../config/errors';
import type { ConfigNode } from '../../config/fields';
import { COMMON_SOURCE_KEYS } from '../definition';

/** `mode: api`: LookupEvents in one account and region. Credentials come from the SDK's default chain. */
export interface CloudTrailApiConfig {
  region: string;
  /** another endpoint than the region's (a VPC endpoint, a test server) */
  endpoint?: string;
  /** the account the credentials belong to: names the rate-limit scope and what `sources` shows */
  accountId?: string;
  /** a named profile of the shared AWS config files, instead of AWS_PROFILE */
  profile?: string;
}

/** `mode: archive`: a trail's S3 layout copied or mounted in a local folder. */
export interface CloudTrailArchiveConfig {
  /** the folder that holds `AWSLogs/` (or `AWSLogs` itself) */
  path: string;
  /**
   * How much older than its file name's delivery time a record may be. Files are pruned and events released
   * in order on the promise that a file named T holds records in [T - lag, T].
   */
  deliveryLagMinutes: number;
  /** read only these accounts / regions (empty: all) */
  accounts: string[];
  regions: string[];
  /** a record larger than this keeps its fields, and its raw is cut and marked */
  maxRawBytes: number;
}

export const DEFAULT_DELIVERY_LAG_MINUTES = 15;

const API_KEYS = ['region', 'endpoint', 'accountId', 'profile'] as const;
const ARCHIVE_KEYS = ['path', 'deliveryLagMinutes', 'accounts', 'regions', RAW_LIMIT_KEY] as const;

const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function region(node: ConfigNode, key: string, value: string): string {
  if (!REGION.test(value)) throw new ConfigError(node.key(key), `expected an AWS region such as us-east-1, got ${JSON.stringify(value)}`);
  return value;
}

function accountId(node: ConfigNode, key: string, value: string): string {
  if (!ACCOUNT_ID.test(value)) throw new ConfigError(node.key(key), `expected a 12-digit AWS account id, got ${JSON.stringify(value)}`);
  return value;
}

export function parseApiConfig(node: ConfigNode): CloudTrailApiConfig {
  node.allowOnly([...COMMON_SOURCE_KEYS, ...API_KEYS]);
  const config: CloudTrailApiConfig = { region: region(node, 'region', node.string('region')) };
  if (node.has('endpoint')) config.endpoint = node.credentialUrl('endpoint', 'the AWS session token of every signed request');
  const account = node.optionalString('accountId');
  if (account !== undefined) config.accountId = accountId(node, 'accountId', account);
  const profile = node.optionalString('profile');
  if (profile !== undefined) config.profile = profile;
  return config;
}

export function parseArchiveConfig(node: ConfigNode): CloudTrailArchiveConfig {
  node.allowOnly([...COMMON_SOURCE_KEYS, ...ARCHIVE_KEYS]);
  return {
    path: node.directory('path'),
    deliveryLagMinutes: node.number('deliveryLagMinutes', DEFAULT_DELIVERY_LAG_MINUTES, { min: 0, max: 24 * 60, integer: true }),
    accounts: node.stringList('accounts').map((a, i) => accountId(node, `accounts[${i}]`, a)),
    regions: node.stringList('regions').map((r, i) => region(node, `regions[${i}]`, r)),
    maxRawBytes: rawLimitOf(node),
  };
}
