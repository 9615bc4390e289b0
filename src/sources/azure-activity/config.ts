import { RAW_LIMIT_KEY, rawLimitOf } from '../shared/raw';
import * as fs from 'node:fs';
import type { ConfigNode } from '../../config/fields';
import { ConfigError } from '../../config/errors';
import { COMMON_SOURCE_KEYS } from '../definition';

export const DEFAULT_ENDPOINT = 'https://management.azure.com';

/** `mode: api`: the activity log REST API of one subscription. */
export interface AzureApiConfig {
  subscriptionId: string;
  /** Azure Resource Manager endpoint (sovereign clouds: https://management.usgovcloudapi.net, …) */
  endpoint: string;
  /** a pre-fetched bearer token (`az account get-access-token`); DefaultAzureCredential when absent */
  token?: string;
  /** for DefaultAzureCredential */
  tenantId?: string;
  /** PEM certificates to trust instead of the public CAs (a TLS-inspecting proxy, a test server) */
  ca?: string;
  /** the window is asked for in slices of this length, each sorted in memory (the API promises no order) */
  sliceMinutes: number;
  requestsPerSecond: number;
}

/** `mode: archive`: a storage account's `insights-activity-logs/` export, read in place. */
export interface AzureArchiveConfig {
  /** the folder that holds `insights-activity-logs/` (or that folder itself) */
  path: string;
  /**
   * A `PT1H.json` holds the events *received* in its hour: an event may land in a later hour's file. This is how
   * late an event may be filed, which widens pruning and ordering by as much.
   */
  lateArrivalMinutes: number;
  /** a record larger than this keeps its fields, and its raw is cut and marked */
  maxRawBytes: number;
}

const API_KEYS = ['subscriptionId', 'endpoint', 'tokenEnv', 'tokenFile', 'tenantId', 'caFile', 'sliceMinutes', 'requestsPerSecond'];
const ARCHIVE_KEYS = ['path', 'lateArrivalMinutes', RAW_LIMIT_KEY];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function readApiConfig(node: ConfigNode): AzureApiConfig {
  // `token` is listed so that `secret()` refuses it with its own message (secrets go in tokenEnv/tokenFile)
  node.allowOnly([...COMMON_SOURCE_KEYS, ...API_KEYS, 'token']);
  const subscriptionId = node.string('subscriptionId');
  if (!GUID.test(subscriptionId)) {
    throw new ConfigError(node.key('subscriptionId'), `expected a subscription id (a GUID), got ${JSON.stringify(subscriptionId)}`);
  }
  const endpoint = node.has('endpoint') ? node.url('endpoint') : DEFAULT_ENDPOINT;
  if (!endpoint.startsWith('https://')) {
    // the SDK's bearer-token policy refuses to send a token over plain http
    throw new ConfigError(node.key('endpoint'), `expected an https URL (Azure sends bearer tokens over TLS only), got ${JSON.stringify(endpoint)}`);
  }
  return {
    subscriptionId: subscriptionId.toLowerCase(),
    endpoint,
    token: node.secret('token', false),
    tenantId: node.optionalString('tenantId'),
    ca: readCa(node),
    sliceMinutes: node.number('sliceMinutes', 60, { min: 1, max: 1440, integer: true }),
    requestsPerSecond: node.number('requestsPerSecond', 3, { min: 0.01, max: 100 }),
  };
}

export function readArchiveConfig(node: ConfigNode): AzureArchiveConfig {
  node.allowOnly([...COMMON_SOURCE_KEYS, ...ARCHIVE_KEYS]);
  return {
    path: node.directory('path'),
    lateArrivalMinutes: node.number('lateArrivalMinutes', 60, { min: 0, max: 1440, integer: true }),
    maxRawBytes: rawLimitOf(node),
  };
}

function readCa(node: ConfigNode): string | undefined {
  const file = node.optionalString('caFile');
  if (file === undefined) return undefined;
  try {
    const pem = fs.readFileSync(file, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no certificate');
    return pem;
  } catch {
    throw new ConfigError(node.key('caFile'), `expected a readable PEM certificate file, got ${file}`);
  }
}
