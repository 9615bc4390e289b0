import type { AuditEvent } from '../../../src/domain';
import { normalizeExportRecord } from '../../../src/sources/azure-activity/normalize';
import { normalizeRecord } from '../../../src/sources/cloudtrail/normalize';
import { normalizeExecution } from '../../../src/sources/flyte/normalize';
import { normalizeEntry } from '../../../src/sources/gcp-audit/normalize';
import { normalizeAuditRecord } from '../../../src/sources/k8s-audit/normalize';
import type { K8sAuditRecord } from '../../../src/sources/k8s-audit/record';
import { normalizeLogEvent } from '../../../src/sources/okta/normalize';

/**
 * Realistic records of every trail, normalized by the sources' own normalizers, so that the identity rules are
 * tested on the actor aliases (kinds and fields) the sources really produce.
 */

export const ACCOUNT = '111122223333';
export const ADMIN_SSO_ROLE = 'AWSReservedSSO_AdministratorAccess_3f2a1b9c';
export const OIDC_PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/8F3A1C7E2B9D4E6F0A5B3C1D7E9F2A4B`;

let seq = 0;
const next = () => String(++seq).padStart(6, '0');

export interface OktaActor {
  id: string;
  login: string;
  displayName?: string;
  type?: string;
}

export function oktaEvent(time: string, actor: OktaActor, eventType = 'user.session.start', sourceId = 'okta'): AuditEvent {
  return normalizeLogEvent(
    {
      uuid: `okta-${next()}`,
      published: time,
      eventType,
      displayMessage: 'User login to Okta',
      severity: 'INFO',
      actor: { id: actor.id, type: actor.type ?? 'User', alternateId: actor.login, displayName: actor.displayName ?? actor.login },
      client: { ipAddress: '203.0.113.7', userAgent: { rawUserAgent: 'Mozilla/5.0' } },
      outcome: { result: 'SUCCESS' },
      target: [],
      transaction: { id: `tx${next()}`, type: 'WEB' },
    },
    { sourceId, orgHost: 'example.okta.com' },
  );
}

interface CloudTrailOpts {
  eventName: string;
  eventSource?: string;
  userIdentity: Record<string, unknown>;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  errorCode?: string;
  sourceIp?: string;
}

export function cloudTrailEvent(time: string, o: CloudTrailOpts, sourceId = 'trail'): AuditEvent {
  const id = `ct-${next()}`;
  return normalizeRecord(
    {
      eventVersion: '1.10',
      userIdentity: o.userIdentity,
      eventTime: time,
      eventSource: o.eventSource ?? 'iam.amazonaws.com',
      eventName: o.eventName,
      awsRegion: 'us-east-1',
      sourceIPAddress: o.sourceIp ?? '198.51.100.23',
      userAgent: 'aws-cli/2.15.30',
      requestParameters: o.requestParameters ?? null,
      responseElements: o.responseElements ?? null,
      ...(o.errorCode ? { errorCode: o.errorCode, errorMessage: 'denied' } : {}),
      requestID: id,
      eventID: id,
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: ACCOUNT,
      eventCategory: 'Management',
    },
    sourceId,
  );
}

/** `userIdentity` of a person's Identity Center session. */
export function ssoSession(email: string, accessKeyId: string, role = ADMIN_SSO_ROLE): Record<string, unknown> {
  return {
    type: 'AssumedRole',
    principalId: `AROAZ3EXAMPLEADMIN7Q2K:${email}`,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${email}`,
    accountId: ACCOUNT,
    accessKeyId,
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: 'AROAZ3EXAMPLEADMIN7Q2K', arn: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/${role}`, accountId: ACCOUNT, userName: role },
      webIdFederationData: {},
      attributes: { creationDate: '2026-03-14T09:01:07Z', mfaAuthenticated: 'false' },
    },
  };
}

/** `userIdentity` of an IAM user calling with a long-term key. */
export function iamUser(name: string, accessKeyId: string): Record<string, unknown> {
  return { type: 'IAMUser', principalId: `AIDA${name.toUpperCase().replace(/[^A-Z]/g, '')}EXAMPLE`, arn: `arn:aws:iam::${ACCOUNT}:user/${name}`, accountId: ACCOUNT, accessKeyId, userName: name };
}

/** `userIdentity` of a role session (not Identity Center), e.g. an IRSA session. */
export function roleSession(role: string, session: string, accessKeyId: string): Record<string, unknown> {
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLE${role.length}:${session}`,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${session}`,
    accountId: ACCOUNT,
    accessKeyId,
    sessionContext: { sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:role/${role}`, accountId: ACCOUNT, userName: role }, attributes: { creationDate: '2026-03-14T09:11:03Z', mfaAuthenticated: 'false' } },
  };
}

export function createAccessKey(time: string, caller: Record<string, unknown>, targetUser: string, newKey: string, errorCode?: string): AuditEvent {
  return cloudTrailEvent(time, {
    eventName: 'CreateAccessKey',
    userIdentity: caller,
    requestParameters: { userName: targetUser },
    responseElements: errorCode ? null : { accessKey: { userName: targetUser, accessKeyId: newKey, status: 'Active', createDate: 'Mar 14, 2026, 9:03:12 AM' } },
    errorCode,
  });
}

export function assumeRoleWithWebIdentity(time: string, serviceAccount: string, roleName: string, session: string, issuedKey: string): AuditEvent {
  return cloudTrailEvent(time, {
    eventName: 'AssumeRoleWithWebIdentity',
    eventSource: 'sts.amazonaws.com',
    userIdentity: { type: 'WebIdentityUser', principalId: `${OIDC_PROVIDER}:sts.amazonaws.com:${serviceAccount}`, userName: serviceAccount, identityProvider: OIDC_PROVIDER },
    requestParameters: { roleArn: `arn:aws:iam::${ACCOUNT}:role/${roleName}`, roleSessionName: session, durationSeconds: 3600 },
    responseElements: {
      credentials: { accessKeyId: issuedKey, sessionToken: 'IQoJb3JpZ2luX2Vj', expiration: 'Mar 14, 2026, 10:11:03 AM' },
      subjectFromWebIdentityToken: serviceAccount,
      assumedRoleUser: { assumedRoleId: `AROAEXAMPLE:${session}`, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/${session}` },
      provider: OIDC_PROVIDER,
      audience: 'sts.amazonaws.com',
    },
  });
}

interface K8sUser {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export function k8sEvent(time: string, user: K8sUser, sourceId = 'prod-eks-audit', verb = 'list', resource = 'secrets'): AuditEvent {
  const record: K8sAuditRecord = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `k8s-${next()}`,
    stage: 'ResponseComplete',
    requestURI: `/api/v1/namespaces/ml-production/${resource}`,
    verb,
    user: { groups: ['system:authenticated'], ...user },
    sourceIPs: ['198.51.100.23'],
    userAgent: 'kubectl/v1.29.2',
    objectRef: { resource, namespace: 'ml-production', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: time,
    stageTimestamp: time,
  } as K8sAuditRecord;
  return normalizeAuditRecord(record, { sourceId, cluster: sourceId });
}

/** EKS: a person's Identity Center session authenticated by aws-iam-authenticator, mapped to `username`. */
export function eksIamUser(username: string, sessionArn: string, accessKeyId: string): K8sUser {
  return {
    username,
    uid: `aws-iam-authenticator:${ACCOUNT}:AROAZ3EXAMPLEADMIN7Q2K`,
    groups: ['system:masters', 'system:authenticated'],
    extra: {
      accessKeyId: [accessKeyId],
      arn: [sessionArn],
      canonicalArn: [`arn:aws:iam::${ACCOUNT}:role/${ADMIN_SSO_ROLE}`],
      principalId: ['AROAZ3EXAMPLEADMIN7Q2K'],
      sessionName: [sessionArn.split('/').pop()!],
    },
  };
}

export function gcpEvent(time: string, authenticationInfo: Record<string, unknown>, methodName = 'google.iam.admin.v1.CreateServiceAccountKey', serviceName = 'iam.googleapis.com'): AuditEvent {
  const insertId = `gcp${next()}`;
  return normalizeEntry(
    {
      protoPayload: {
        '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
        status: {},
        authenticationInfo,
        requestMetadata: { callerIp: '198.51.100.23', callerSuppliedUserAgent: 'google-cloud-sdk' },
        serviceName,
        methodName,
        resourceName: 'projects/-/serviceAccounts/109478213609284530117',
      },
      insertId,
      resource: { type: 'service_account', labels: { project_id: 'acme-ml-prod' } },
      timestamp: time,
      severity: 'NOTICE',
      logName: 'projects/acme-ml-prod/logs/cloudaudit.googleapis.com%2Factivity',
      receiveTimestamp: time,
    },
    'gcp',
  );
}

export function azureEvent(time: string, upn: string, objectId: string): AuditEvent {
  return normalizeExportRecord(
    {
      time,
      resourceId: '/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000001/PROVIDERS/MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/40AB4BF8-81A5-4218-B7E6-8728910C59CD',
      operationName: 'MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE',
      category: 'Administrative',
      resultType: 'Success',
      resultSignature: 'Succeeded.Created',
      callerIpAddress: '198.51.100.23',
      correlationId: `corr-${next()}`,
      identity: {
        authorization: { scope: '/subscriptions/00000000-0000-0000-0000-000000000001', action: 'Microsoft.Authorization/roleAssignments/write' },
        claims: {
          'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn': upn,
          'http://schemas.microsoft.com/identity/claims/objectidentifier': objectId,
          appid: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
        },
      },
      level: 'Information',
      properties: { eventCategory: 'Administrative', entity: '/subscriptions/00000000-0000-0000-0000-000000000001', message: 'Microsoft.Authorization/roleAssignments/write', hierarchy: '' },
    },
    { sourceId: 'azure' },
  );
}

export function flyteCreated(time: string, principal: string, name = `run${next()}`): AuditEvent {
  const events = normalizeExecution(
    {
      id: { project: 'ml', domain: 'production', name },
      spec: { launchPlan: { project: 'ml', domain: 'production', name: 'ml.train.train_pipeline', version: 'v1' }, metadata: { principal } },
      closure: { phase: 'RUNNING', createdAt: time, startedAt: time, updatedAt: time },
    },
    { sourceId: 'flyte', account: 'flyte.example.com' },
  );
  return events.find((e) => e.action === 'execution.created')!;
}
