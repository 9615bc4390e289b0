/**
 * Realistic activity-log records, shaped after the documented samples (Administrative category, REST EventData)
 * and the storage-export mapping (resource-log schema), with the demo's people and subscription.
 */

export const SUBSCRIPTION = '00000000-0000-0000-0000-000000000001';
export const TENANT = '7f3c1e2a-5b4d-4c6e-8f90-a1b2c3d4e5f6';
export const ALICE = { upn: 'alice@example.com', oid: '3e2f4a10-6c1b-4d7e-9a8b-0c1d2e3f4a5b', ip: '198.51.100.23' };
export const DEPLOYER_SP = { oid: '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d', appId: '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0' };
/** Azure CLI's well-known client id: a user's token names the app it came through */
export const AZURE_CLI_APP = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

export type Json = Record<string, unknown>;

export interface RestEventSpec {
  eventDataId: string;
  eventTimestamp: string;
  caller?: string | null;
  claims?: Record<string, string>;
  operation?: string;
  status?: 'Started' | 'Accepted' | 'Succeeded' | 'Failed';
  subStatus?: string;
  resourceId?: string;
  resourceType?: string;
  correlationId?: string;
  ip?: string;
  properties?: Record<string, string>;
}

export function userClaims(upn: string, oid: string, ip: string): Record<string, string> {
  return {
    aud: 'https://management.core.windows.net/',
    iss: `https://sts.windows.net/${TENANT}/`,
    iat: '1773479100',
    nbf: '1773479100',
    exp: '1773483000',
    'http://schemas.microsoft.com/claims/authnclassreference': '1',
    'http://schemas.microsoft.com/claims/authnmethodsreferences': 'pwd,mfa',
    appid: AZURE_CLI_APP,
    appidacr: '0',
    ipaddr: ip,
    name: 'Alice Liddell',
    'http://schemas.microsoft.com/identity/claims/objectidentifier': oid,
    'http://schemas.microsoft.com/identity/claims/scope': 'user_impersonation',
    'http://schemas.microsoft.com/identity/claims/tenantid': TENANT,
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name': upn,
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn': upn,
    ver: '1.0',
  };
}

export function servicePrincipalClaims(oid: string, appId: string): Record<string, string> {
  return {
    aud: 'https://management.core.windows.net/',
    iss: `https://sts.windows.net/${TENANT}/`,
    iat: '1773479100',
    nbf: '1773479100',
    exp: '1773483000',
    appid: appId,
    appidacr: '2',
    idtyp: 'app',
    'http://schemas.microsoft.com/identity/claims/identityprovider': `https://sts.windows.net/${TENANT}/`,
    'http://schemas.microsoft.com/identity/claims/objectidentifier': oid,
    'http://schemas.microsoft.com/identity/claims/tenantid': TENANT,
    ver: '1.0',
  };
}

const ROLE_ASSIGNMENT = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleAssignments/9c1b2a3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d`;

/** One REST EventData, as `GET …/eventtypes/management/values` returns it. */
export function restEvent(spec: RestEventSpec): Json {
  const operation = spec.operation ?? 'Microsoft.Authorization/roleAssignments/write';
  const resourceId = spec.resourceId ?? ROLE_ASSIGNMENT;
  const status = spec.status ?? 'Succeeded';
  const provider = operation.split('/')[0];
  const subStatus = spec.subStatus ?? (status === 'Succeeded' ? 'Created' : '');
  const event: Json = {
    authorization: { action: operation, scope: resourceId },
    channels: 'Operation',
    claims: spec.claims ?? userClaims(ALICE.upn, ALICE.oid, ALICE.ip),
    correlationId: spec.correlationId ?? `c0ffee00-0000-4000-8000-${spec.eventDataId.replace(/[^0-9a-f]/gi, '').padStart(12, '0').slice(-12)}`,
    description: '',
    eventDataId: spec.eventDataId,
    eventName: { value: status === 'Started' ? 'BeginRequest' : 'EndRequest', localizedValue: status === 'Started' ? 'Begin request' : 'End request' },
    category: { value: 'Administrative', localizedValue: 'Administrative' },
    eventTimestamp: spec.eventTimestamp,
    id: `${resourceId}/events/${spec.eventDataId}/ticks/639000000000000000`,
    level: 'Informational',
    operationId: `0e12a7e0-0000-4000-8000-${spec.eventDataId.replace(/[^0-9a-f]/gi, '').padStart(12, '0').slice(-12)}`,
    operationName: { value: operation, localizedValue: operation },
    resourceProviderName: { value: provider, localizedValue: provider },
    resourceType: { value: spec.resourceType ?? typeOf(resourceId), localizedValue: spec.resourceType ?? typeOf(resourceId) },
    resourceId,
    status: { value: status, localizedValue: status },
    subStatus: { value: subStatus, localizedValue: subStatus },
    submissionTimestamp: submittedAfter(spec.eventTimestamp),
    subscriptionId: SUBSCRIPTION,
    tenantId: TENANT,
    properties: spec.properties ?? { statusCode: status === 'Succeeded' ? 'Created' : status === 'Failed' ? 'Forbidden' : '', serviceRequestId: '' },
    relatedEvents: [],
  };
  if (spec.caller !== null) event.caller = spec.caller ?? ALICE.upn;
  if (spec.ip !== undefined || spec.claims === undefined) {
    event.httpRequest = { clientRequestId: '6d7e8f90-1a2b-4c3d-8e4f-5a6b7c8d9e0f', clientIpAddress: spec.ip ?? ALICE.ip, method: 'PUT' };
  }
  return event;
}

/** the event becomes queryable some seconds after it happened */
function submittedAfter(eventTimestamp: string): string {
  const t = Date.parse(eventTimestamp);
  return Number.isNaN(t) ? eventTimestamp : new Date(t + 19_000).toISOString().replace('Z', '0000Z');
}

function typeOf(resourceId: string): string {
  const parts = resourceId.split('/');
  const p = parts.findIndex((s) => s.toLowerCase() === 'providers');
  return p >= 0 ? `${parts[p + 1]}/${parts[p + 2]}` : 'Microsoft.Resources/subscriptions';
}

const RESULT_TYPE: Record<string, string> = { Succeeded: 'Success', Failed: 'Failure', Started: 'Start', Accepted: 'Accept' };

/**
 * The same event as a diagnostic setting writes it to a storage account, following the documented mapping:
 * time = eventTimestamp, operationName = operationName.value (upper-cased, as the export writes it), resultType =
 * status, resultSignature = `<status>.<subStatus>`, callerIpAddress = httpRequest.clientIpAddress, identity =
 * {authorization, claims}, properties = properties + eventCategory/entity/message/hierarchy. No caller, no eventDataId.
 */
export function toExport(rest: Json): Json {
  const r = rest as {
    eventTimestamp: string;
    resourceId: string;
    operationName: { value: string };
    status: { value: string };
    subStatus?: { value?: string };
    httpRequest?: { clientIpAddress?: string };
    correlationId: string;
    authorization: Json;
    claims: Json;
    description?: string;
    properties?: Json;
    category: { value: string };
  };
  return {
    time: r.eventTimestamp,
    resourceId: r.resourceId.toUpperCase(),
    operationName: r.operationName.value.toUpperCase(),
    category: r.category.value,
    resultType: RESULT_TYPE[r.status.value] ?? r.status.value,
    resultSignature: `${r.status.value}.${r.subStatus?.value ?? ''}`,
    resultDescription: r.description ?? '',
    durationMs: '0',
    callerIpAddress: r.httpRequest?.clientIpAddress,
    correlationId: r.correlationId,
    identity: { authorization: r.authorization, claims: r.claims },
    level: 'Information',
    location: 'global',
    properties: {
      ...(r.properties ?? {}),
      eventCategory: r.category.value,
      entity: r.resourceId,
      message: r.operationName.value,
      hierarchy: `${TENANT}/${SUBSCRIPTION}`,
    },
  };
}

/** `insights-activity-logs/resourceId=/SUBSCRIPTIONS/<ID>/y=…/m=…/d=…/h=…/m=00/PT1H.json` for an hour (UTC). */
export function exportPath(hour: Date, subscription = SUBSCRIPTION): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `insights-activity-logs/resourceId=/SUBSCRIPTIONS/${subscription.toUpperCase()}/y=${hour.getUTCFullYear()}/m=${p(hour.getUTCMonth() + 1)}/d=${p(hour.getUTCDate())}/h=${p(hour.getUTCHours())}/m=00/PT1H.json`;
}

const REST_STATUS: Record<string, string> = { Success: 'Succeeded', Failure: 'Failed', Start: 'Started', Accept: 'Accepted' };

/**
 * A storage-account export line as the REST API's EventData, following the documented mapping backwards (the
 * inverse of `toExport`): eventTimestamp = time, operationName in ARM's spelling (from the authorization action or
 * `properties.message`), status from resultType, subStatus from resultSignature, httpRequest.clientIpAddress =
 * callerIpAddress, caller = the token's upn (else its object id, else its app id), claims and authorization from
 * identity. The export has no eventDataId: the REST record gets the id the archive reader derives for the line
 * (`exportEventId`), so that the two modes' events can be compared one for one.
 */
export function fromExport(line: Json, eventDataId: string): Json {
  const x = line as {
    time: string;
    resourceId?: string;
    operationName: string;
    category?: string;
    resultType?: string;
    resultSignature?: string;
    callerIpAddress?: string;
    correlationId?: string;
    level?: string;
    identity?: { authorization?: { scope?: string; action?: string }; claims?: Record<string, string> };
    properties?: Record<string, unknown>;
  };
  const same = (a: unknown, b: string) => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
  const authorization = x.identity?.authorization;
  const claims = x.identity?.claims ?? {};
  const props = x.properties ?? {};
  const operation = same(authorization?.action, x.operationName) ? authorization!.action! : same(props.message, x.operationName) ? (props.message as string) : x.operationName;
  const resourceId = x.resourceId && same(authorization?.scope, x.resourceId) ? authorization!.scope! : x.resourceId;
  const status = REST_STATUS[x.resultType ?? ''] ?? x.resultType;
  const subStatus = x.resultSignature?.includes('.') ? x.resultSignature.slice(x.resultSignature.indexOf('.') + 1) : '';
  const caller =
    claims['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn'] ?? claims.upn ?? claims['http://schemas.microsoft.com/identity/claims/objectidentifier'] ?? claims.oid ?? claims.appid;
  const { eventCategory: _c, entity: _e, message: _m, hierarchy: _h, ...rest } = props;
  const provider = operation.split('/')[0];
  const event: Json = {
    authorization,
    claims,
    correlationId: x.correlationId,
    eventDataId,
    eventName: { value: status === 'Started' ? 'BeginRequest' : 'EndRequest' },
    category: { value: x.category ?? 'Administrative' },
    eventTimestamp: x.time,
    level: x.level === 'Information' ? 'Informational' : x.level,
    operationName: { value: operation, localizedValue: operation },
    resourceProviderName: { value: provider, localizedValue: provider },
    resourceId,
    status: { value: status, localizedValue: status },
    subStatus: { value: subStatus, localizedValue: subStatus },
    submissionTimestamp: x.time,
    subscriptionId: /^\/subscriptions\/([^/]+)/i.exec(resourceId ?? '')?.[1]?.toLowerCase(),
    properties: rest,
  };
  if (caller) event.caller = caller;
  if (x.callerIpAddress) event.httpRequest = { clientIpAddress: x.callerIpAddress, method: 'PUT' };
  return event;
}
