import type { ConfigNode } from '../../config/fields';
import { ConfigError } from '../../config/errors';
import { COMMON_SOURCE_KEYS } from '../definition';
import { RAW_LIMIT_KEY, rawLimitOf } from '../shared/raw';

/** Okta's default System Log budget is 50 requests a minute on most plans (20 to 120 by plan). */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 50;

/** How the API client proves who it is: an API token (SSWS), or an OAuth service app's private key. */
export type OktaAuth =
  | { mode: 'SSWS'; token: string }
  | { mode: 'PrivateKey'; clientId: string; privateKey: string; keyId?: string };

export interface OktaApiConfig {
  id: string;
  /** `https://corp.okta.com`, without a trailing slash */
  orgUrl: string;
  /** `corp.okta.com`: the rate-limit scope and the events' cloud account */
  orgHost: string;
  auth: OktaAuth;
  rateLimitPerMinute: number;
}

export interface OktaArchiveConfig {
  id: string;
  path: string;
  /** the org the export came from, when given: exports do not say it themselves */
  orgHost?: string;
  /** a record larger than this keeps its fields, and its raw is cut and marked */
  maxRawBytes: number;
}

const API_KEYS = ['orgUrl', 'tokenEnv', 'tokenFile', 'authorizationMode', 'clientId', 'privateKeyEnv', 'privateKeyFile', 'keyId', 'rateLimitPerMinute'] as const;
const ARCHIVE_KEYS = ['path', 'orgUrl', RAW_LIMIT_KEY] as const;

export function parseApiConfig(node: ConfigNode, id: string): OktaApiConfig {
  node.allowOnly([...COMMON_SOURCE_KEYS, ...API_KEYS]);
  const orgUrl = node.credentialUrl('orgUrl', 'the Okta credential');
  const mode = node.oneOf('authorizationMode', ['SSWS', 'PrivateKey'] as const, 'SSWS');
  let auth: OktaAuth;
  if (mode === 'SSWS') {
    for (const k of ['clientId', 'privateKeyEnv', 'privateKeyFile', 'keyId']) {
      if (node.has(k)) throw new ConfigError(node.key(k), 'only used with authorizationMode: PrivateKey');
    }
    auth = { mode, token: node.secret('token', true) as string };
  } else {
    for (const k of ['tokenEnv', 'tokenFile']) {
      if (node.has(k)) throw new ConfigError(node.key(k), 'an API token is not used with authorizationMode: PrivateKey');
    }
    auth = {
      mode,
      clientId: node.string('clientId'),
      privateKey: node.secret('privateKey', true) as string,
      keyId: node.optionalString('keyId'),
    };
  }
  return {
    id,
    orgUrl,
    orgHost: new URL(orgUrl).host,
    auth,
    rateLimitPerMinute: node.number('rateLimitPerMinute', DEFAULT_RATE_LIMIT_PER_MINUTE, { min: 1, max: 10_000 }),
  };
}

export function parseArchiveConfig(node: ConfigNode, id: string): OktaArchiveConfig {
  node.allowOnly([...COMMON_SOURCE_KEYS, ...ARCHIVE_KEYS]);
  const path = node.directory('path');
  const orgUrl = node.has('orgUrl') ? node.url('orgUrl') : undefined;
  return { id, path, orgHost: orgUrl ? new URL(orgUrl).host : undefined, maxRawBytes: rawLimitOf(node) };
}
