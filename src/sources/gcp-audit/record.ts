import type { JsonValue } from '../../domain';

/**
 * The fields of a Cloud Logging LogEntry this source reads, in the JSON form the REST API returns and a
 * Cloud Storage sink writes (camelCase, timestamps as RFC 3339 strings, `protoPayload` with its `@type`).
 * The gRPC answers are brought to the same form by `auditlog.ts`, so one normalizer serves both modes.
 */
export interface LogEntryRecord {
  logName?: string;
  insertId?: string;
  timestamp?: string;
  receiveTimestamp?: string;
  severity?: string;
  resource?: { type?: string; labels?: Record<string, string> };
  operation?: { id?: string; producer?: string; first?: boolean; last?: boolean };
  labels?: Record<string, string>;
  protoPayload?: AuditLogRecord;
}

/** `google.cloud.audit.AuditLog` as proto3 JSON. */
export interface AuditLogRecord {
  '@type'?: string;
  serviceName?: string;
  methodName?: string;
  resourceName?: string;
  status?: { code?: number | string; message?: string };
  authenticationInfo?: AuthenticationInfoRecord;
  authorizationInfo?: { resource?: string; permission?: string; granted?: boolean }[];
  requestMetadata?: { callerIp?: string; callerSuppliedUserAgent?: string; callerNetwork?: string };
  request?: Record<string, JsonValue>;
  response?: Record<string, JsonValue>;
  metadata?: Record<string, JsonValue>;
  serviceData?: Record<string, JsonValue>;
}

export interface AuthenticationInfoRecord {
  principalEmail?: string;
  principalSubject?: string;
  authoritySelector?: string;
  serviceAccountKeyName?: string;
  thirdPartyPrincipal?: Record<string, JsonValue>;
  serviceAccountDelegationInfo?: DelegationRecord[];
}

/** One link of a delegation chain: who created the credentials the caller used. */
export interface DelegationRecord {
  principalSubject?: string;
  firstPartyPrincipal?: { principalEmail?: string; serviceMetadata?: Record<string, JsonValue> };
  thirdPartyPrincipal?: { thirdPartyClaims?: Record<string, JsonValue> };
}

export const AUDIT_LOG_TYPE_URL = 'type.googleapis.com/google.cloud.audit.AuditLog';
