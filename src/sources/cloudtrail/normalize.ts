import { isIP } from 'node:net';
import { EventCategory, OCSF_CLASS_UID, Outcome, type AuditEvent, type JsonValue } from '../../domain';
import { actorOf } from './actor';
import { isJsonObject, userIdentityOf, type CloudTrailRecord } from './record';
import { targetsOf } from './targets';

/** A record that cannot become an AuditEvent; the caller counts it as malformed with where it was. */
export class MalformedRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedRecordError';
  }
}

/** STS calls that hand out credentials: OCSF Authentication. */
const AUTHENTICATION_EVENTS = new Set([
  'ConsoleLogin',
  'AssumeRole',
  'AssumeRoleWithSAML',
  'AssumeRoleWithWebIdentity',
  'AssumeRoot',
  'GetSessionToken',
  'GetFederationToken',
]);

/** IAM calls that change a user's credentials, MFA, group membership or permissions: OCSF Account Change. */
const ACCOUNT_CHANGE_EVENTS = new Set([
  'CreateUser',
  'DeleteUser',
  'UpdateUser',
  'TagUser',
  'UntagUser',
  'CreateAccessKey',
  'UpdateAccessKey',
  'DeleteAccessKey',
  'CreateLoginProfile',
  'UpdateLoginProfile',
  'DeleteLoginProfile',
  'ChangePassword',
  'CreateVirtualMFADevice',
  'DeleteVirtualMFADevice',
  'EnableMFADevice',
  'DeactivateMFADevice',
  'ResyncMFADevice',
  'UploadSSHPublicKey',
  'UpdateSSHPublicKey',
  'DeleteSSHPublicKey',
  'UploadSigningCertificate',
  'UpdateSigningCertificate',
  'DeleteSigningCertificate',
  'CreateServiceSpecificCredential',
  'ResetServiceSpecificCredential',
  'DeleteServiceSpecificCredential',
  'AddUserToGroup',
  'RemoveUserFromGroup',
  'AttachUserPolicy',
  'DetachUserPolicy',
  'PutUserPolicy',
  'DeleteUserPolicy',
  'PutUserPermissionsBoundary',
  'DeleteUserPermissionsBoundary',
  'AttachGroupPolicy',
  'DetachGroupPolicy',
  'PutGroupPolicy',
  'DeleteGroupPolicy',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'PutRolePolicy',
  'DeleteRolePolicy',
  'PutRolePermissionsBoundary',
  'DeleteRolePermissionsBoundary',
  'UpdateAssumeRolePolicy',
]);

/** `iam.amazonaws.com` -> `iam`; the service prefix IAM policies use for the action. */
export function serviceOf(eventSource: string): string {
  return eventSource.split('.')[0];
}

export function categoryOf(service: string, eventName: string): EventCategory {
  if (service === 'signin' || AUTHENTICATION_EVENTS.has(eventName)) return EventCategory.AUTHENTICATION;
  if (service === 'iam' && ACCOUNT_CHANGE_EVENTS.has(eventName)) return EventCategory.ACCOUNT_CHANGE;
  return EventCategory.API_ACTIVITY;
}

/**
 * `errorCode` marks a failed call. Sign-in events are the exception: a failed console login has no errorCode,
 * only `responseElements.ConsoleLogin: "Failure"` and `errorMessage: "Failed authentication"`.
 */
function outcomeOf(record: CloudTrailRecord, eventName: string): { outcome: Outcome; reason?: string } {
  const errorCode = stringOr(record.errorCode);
  const errorMessage = stringOr(record.errorMessage);
  if (errorCode) {
    const reason = errorMessage ? `${errorCode}: ${errorMessage}` : errorCode;
    return { outcome: Outcome.FAILURE, reason };
  }
  const response = isJsonObject(record.responseElements) ? record.responseElements : undefined;
  const verdict = response?.[eventName];
  if (verdict === 'Failure') return { outcome: Outcome.FAILURE, reason: errorMessage ?? `${eventName} failed` };
  return { outcome: Outcome.SUCCESS };
}

function stringOr(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function requireString(record: CloudTrailRecord, key: 'eventID' | 'eventTime' | 'eventName' | 'eventSource'): string {
  const v = record[key];
  if (typeof v !== 'string' || v === '') throw new MalformedRecordError(`missing ${key}`);
  return v;
}

/**
 * One CloudTrail record (an archive `Records[]` item, or the parsed `CloudTrailEvent` of LookupEvents) as an
 * AuditEvent. Pure; throws MalformedRecordError when the record lacks what an event needs.
 */
export function normalizeRecord(raw: unknown, sourceId: string): AuditEvent {
  if (!isJsonObject(raw)) throw new MalformedRecordError('a record must be a JSON object');
  const record = raw as CloudTrailRecord;
  const id = requireString(record, 'eventID');
  const eventTime = requireString(record, 'eventTime');
  const time = new Date(eventTime);
  if (Number.isNaN(time.getTime())) throw new MalformedRecordError(`eventTime ${JSON.stringify(eventTime)} is not a date`);
  const eventName = requireString(record, 'eventName');
  const eventSource = requireString(record, 'eventSource');
  if (record.userIdentity !== undefined && !isJsonObject(record.userIdentity)) throw new MalformedRecordError('userIdentity is not an object');

  const service = serviceOf(eventSource);
  const category = categoryOf(service, eventName);
  const { outcome, reason } = outcomeOf(record, eventName);
  // AWS services put their own hostname in sourceIPAddress; only an address is a source IP
  const sourceIp = typeof record.sourceIPAddress === 'string' && isIP(record.sourceIPAddress) !== 0 ? record.sourceIPAddress : undefined;
  const region = stringOr(record.awsRegion);
  const account = stringOr(record.recipientAccountId) ?? stringOr(record.userIdentity?.accountId);

  const event: AuditEvent = {
    id,
    sourceId,
    sourceType: 'cloudtrail',
    time,
    category,
    ocsfClassUid: OCSF_CLASS_UID[category],
    action: `${service}:${eventName}`,
    rawAction: eventName,
    actor: actorOf(userIdentityOf(record.userIdentity), record.additionalEventData),
    targets: targetsOf(record),
    outcome,
    cloud: { provider: 'aws', ...(account ? { account } : {}), ...(region ? { region } : {}) },
    raw: raw as JsonValue,
  };
  if (reason) event.outcomeReason = reason;
  if (sourceIp) event.sourceIp = sourceIp;
  const userAgent = stringOr(record.userAgent);
  if (userAgent) event.userAgent = userAgent;
  const correlationId = stringOr(record.requestID) ?? stringOr(record.sharedEventID);
  if (correlationId) event.correlationId = correlationId;
  return event;
}
