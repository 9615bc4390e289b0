/**
 * The CloudTrail record as CloudTrail writes it: the same object is an archive's `Records[]` item and the JSON
 * string in LookupEvents' `Event.CloudTrailEvent`. Only the fields auditgraph reads are typed; every field is
 * optional because real records omit many of them (service events have no access key, reads have no
 * responseElements, failed sign-ins hide the user name).
 */

import type { JsonValue } from '../../domain';

export type JsonObject = { [key: string]: JsonValue };

export interface CloudTrailSessionIssuer {
  type?: string; // Role | IAMUser | Root
  principalId?: string;
  arn?: string;
  accountId?: string;
  userName?: string;
}

export interface CloudTrailSessionContext {
  sessionIssuer?: CloudTrailSessionIssuer;
  webIdFederationData?: { federatedProvider?: string; attributes?: JsonObject };
  attributes?: { creationDate?: string; mfaAuthenticated?: string };
  sourceIdentity?: string;
}

export interface CloudTrailUserIdentity {
  /** IAMUser | AssumedRole | Role | FederatedUser | AWSAccount | AWSService | Root | SAMLUser | WebIdentityUser | IdentityCenterUser | Unknown */
  type?: string;
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  invokedBy?: string;
  identityProvider?: string;
  credentialId?: string;
  sessionContext?: CloudTrailSessionContext;
  /** IdentityCenterUser: the Identity Store user the call was made for */
  onBehalfOf?: { userId?: string; identityStoreArn?: string };
}

export interface CloudTrailResource {
  ARN?: string;
  accountId?: string;
  type?: string;
}

export interface CloudTrailRecord {
  eventVersion?: string;
  userIdentity?: CloudTrailUserIdentity;
  eventTime?: string;
  eventSource?: string;
  eventName?: string;
  awsRegion?: string;
  sourceIPAddress?: string;
  userAgent?: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters?: JsonObject | null;
  responseElements?: JsonObject | null;
  additionalEventData?: JsonObject;
  requestID?: string;
  eventID?: string;
  readOnly?: boolean;
  resources?: CloudTrailResource[];
  eventType?: string;
  managementEvent?: boolean;
  recipientAccountId?: string;
  sharedEventID?: string;
  eventCategory?: string;
}

export function isJsonObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function pickStrings<K extends string>(obj: unknown, keys: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  if (!isJsonObject(obj)) return out;
  for (const k of keys) {
    const v = obj[k];
    if (typeof v === 'string' && v !== '') out[k] = v;
  }
  return out;
}

/**
 * `userIdentity` with only the fields of the expected types, so that an odd record (a number where an ARN
 * should be) yields a thinner actor instead of a crash.
 */
export function userIdentityOf(raw: unknown): CloudTrailUserIdentity | undefined {
  if (!isJsonObject(raw)) return undefined;
  const identity: CloudTrailUserIdentity = pickStrings(raw, [
    'type',
    'principalId',
    'arn',
    'accountId',
    'accessKeyId',
    'userName',
    'invokedBy',
    'identityProvider',
    'credentialId',
  ] as const);
  const context = raw.sessionContext;
  if (isJsonObject(context)) {
    identity.sessionContext = {};
    if (isJsonObject(context.sessionIssuer)) {
      identity.sessionContext.sessionIssuer = pickStrings(context.sessionIssuer, ['type', 'principalId', 'arn', 'accountId', 'userName'] as const);
    }
    if (isJsonObject(context.attributes)) {
      identity.sessionContext.attributes = pickStrings(context.attributes, ['creationDate', 'mfaAuthenticated'] as const);
    }
    if (isJsonObject(context.webIdFederationData)) {
      identity.sessionContext.webIdFederationData = pickStrings(context.webIdFederationData, ['federatedProvider'] as const);
    }
    if (typeof context.sourceIdentity === 'string') identity.sessionContext.sourceIdentity = context.sourceIdentity;
  }
  if (isJsonObject(raw.onBehalfOf)) identity.onBehalfOf = pickStrings(raw.onBehalfOf, ['userId', 'identityStoreArn'] as const);
  return identity;
}
