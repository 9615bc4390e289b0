import { HOUR, isoTicks, parts, SECOND, type DemoDay } from '../clock';
import type { AzureFacts, IncidentRef, SourceCounts, TimelineEntry } from '../manifest';
import { ALICE, ORG, PEOPLE, type Person, personIp } from '../org';
import { ndjson, scaled, type DemoFile, type WriterContext } from '../output';
import { stableUuid, type Rng } from '../prng';

/**
 * The Azure activity log as a diagnostic setting exports it to a storage account:
 * `azure/insights-activity-logs/resourceId=/SUBSCRIPTIONS/<ID>/y=YYYY/m=MM/d=DD/h=HH/m=00/PT1H.json`, one record
 * per line in the export schema (`time`, `resourceId`, `operationName`, `resultType`, `identity{authorization,
 * claims}`...), which is not the REST EventData shape: no `caller`, no `eventDataId`, upper-cased ids and
 * operation names, claims under their long URI names. A blob holds the records received during its hour, so a
 * record from the last seconds of an hour can sit in the next hour's blob.
 */

type Obj = Record<string, unknown>;

interface AzRecord {
  us: number;
  receivedUs: number;
  record: Obj;
}

const SUB = ORG.azureSubscription;
const TENANT = ORG.azureTenant;
const OWNER_ROLE_ID = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const ROLE_DEFINITIONS: Record<string, string> = {
  Owner: OWNER_ROLE_ID,
  Contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  'User Access Administrator': '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
  'Virtual Machine Contributor': '9980e02c-c2be-4d73-94e8-173b1dc7cf3c',
  Reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
};
const AZURE_CLI_APP = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
const PORTAL_APP = 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c';

interface AzResource {
  group: string;
  provider: string;
  type: string;
  name: string;
  operations: ReadonlyArray<readonly [string, number]>;
}

const RESOURCES: AzResource[] = [
  ...['vm-train-01', 'vm-train-02', 'vm-train-03'].map((name) => ({ group: 'rg-ml-prod', provider: 'Microsoft.Compute', type: 'virtualMachines', name, operations: [['write', 1], ['start/action', 3], ['deallocate/action', 3], ['restart/action', 1]] as const })),
  { group: 'rg-data', provider: 'Microsoft.Compute', type: 'virtualMachines', name: 'vm-etl-01', operations: [['write', 1], ['start/action', 2], ['deallocate/action', 2]] },
  { group: 'rg-ml-prod', provider: 'Microsoft.Storage', type: 'storageAccounts', name: 'stmlprodartifacts', operations: [['write', 1], ['listKeys/action', 4]] },
  { group: 'rg-data', provider: 'Microsoft.Storage', type: 'storageAccounts', name: 'stdatalake01', operations: [['write', 1], ['listKeys/action', 4]] },
  { group: 'rg-shared', provider: 'Microsoft.KeyVault', type: 'vaults', name: 'kv-acme-shared', operations: [['write', 1]] },
  { group: 'rg-shared', provider: 'Microsoft.Network', type: 'networkSecurityGroups', name: 'nsg-shared', operations: [['write', 1], ['securityRules/write', 2], ['securityRules/delete', 1]] },
  { group: 'rg-ml-prod', provider: 'Microsoft.Resources', type: 'deployments', name: 'ml-infra', operations: [['write', 2], ['validate/action', 2]] },
];

function resourceId(r: AzResource): string {
  return `/subscriptions/${SUB}/resourceGroups/${r.group}/providers/${r.provider}/${r.type}/${r.name}`;
}

/** The action as Azure RBAC names it, e.g. `Microsoft.Compute/virtualMachines/start/action`. */
function action(r: AzResource, op: string): string {
  return `${r.provider}/${r.type}/${op}`;
}

interface AzCaller {
  ip: string;
  claims: Obj;
  principalId: string;
  principalType: 'User' | 'ServicePrincipal';
  role: string;
  roleScope: string;
}

function epoch(us: number): string {
  return String(Math.floor(us / SECOND));
}

/** A user's ARM token claims as the activity log records them (long URI names for oid, upn, name...). */
function userClaims(rng: Rng, p: Person, ip: string, us: number, cli: boolean): Obj {
  const [given, surname] = p.displayName.split(' ');
  const iat = us - rng.int(60, 3000) * SECOND;
  return {
    aud: 'https://management.core.windows.net/',
    iss: `https://sts.windows.net/${TENANT}/`,
    iat: epoch(iat),
    nbf: epoch(iat),
    exp: epoch(iat + HOUR + 17 * 60 * SECOND),
    'http://schemas.microsoft.com/claims/authnclassreference': '1',
    aio: `AVQAq/8W${rng.alnum(60)}`,
    'http://schemas.microsoft.com/claims/authnmethodsreferences': 'pwd,mfa',
    appid: cli ? AZURE_CLI_APP : PORTAL_APP,
    appidacr: cli ? '0' : '2',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname': surname,
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname': given,
    idtyp: 'user',
    ipaddr: ip,
    name: p.displayName,
    'http://schemas.microsoft.com/identity/claims/objectidentifier': p.azureObjectId,
    puid: `1003${rng.hex(12).toUpperCase()}`,
    rh: `0.AQ${rng.alnum(40)}.`,
    'http://schemas.microsoft.com/identity/claims/scope': 'user_impersonation',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier': rng.alnum(43),
    'http://schemas.microsoft.com/identity/claims/tenantid': TENANT,
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name': p.email,
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn': p.email,
    uti: rng.alnum(22),
    ver: '1.0',
    xms_tcdt: '1602151234',
  };
}

function servicePrincipalClaims(rng: Rng, appId: string, objectId: string, us: number): Obj {
  const iat = us - rng.int(60, 3000) * SECOND;
  return {
    aud: 'https://management.core.windows.net/',
    iss: `https://sts.windows.net/${TENANT}/`,
    iat: epoch(iat),
    nbf: epoch(iat),
    exp: epoch(iat + 24 * HOUR),
    aio: `E2NgYJ${rng.alnum(40)}`,
    appid: appId,
    appidacr: '1',
    'http://schemas.microsoft.com/identity/claims/identityprovider': `https://sts.windows.net/${TENANT}/`,
    idtyp: 'app',
    'http://schemas.microsoft.com/identity/claims/objectidentifier': objectId,
    rh: `0.AQ${rng.alnum(40)}.`,
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier': objectId,
    'http://schemas.microsoft.com/identity/claims/tenantid': TENANT,
    uti: rng.alnum(22),
    ver: '1.0',
  };
}

const TERRAFORM_SP = { appId: stableUuid('azure-app:sp-terraform-ci'), objectId: stableUuid('azure-sp:sp-terraform-ci') };
const SCHEDULER_MI = { appId: stableUuid('azure-app:mi-vm-scheduler'), objectId: stableUuid('azure-sp:mi-vm-scheduler') };
const FUNCTIONS_MI = { appId: stableUuid('azure-app:func-artifact-sync'), objectId: stableUuid('azure-sp:func-artifact-sync') };

class ActivityLog {
  readonly records: AzRecord[] = [];
  maxLagUs = 0;

  constructor(private readonly rng: Rng) {}

  /** Records a record arriving at `receivedUs`: the ingestion delay decides which hourly blob it lands in. */
  private push(us: number, receivedUs: number, record: Obj): IncidentRef {
    this.maxLagUs = Math.max(this.maxLagUs, receivedUs - us);
    this.records.push({ us, receivedUs, record });
    return { id: record.correlationId as string, time: record.time as string };
  }

  /**
   * One ARM operation: a `Start` record, then its outcome (`Success`/`Failure`) with the same correlationId.
   * Returns both records' refs.
   */
  operation(p: {
    us: number;
    durationMs: number;
    resourceId: string;
    action: string;
    caller: AzCaller;
    outcome: 'Success' | 'Failure';
    statusCode: string;
    requestBody?: string;
    responseBody?: string;
    correlationId?: string;
    /** the seventh fractional digit of both times, for records whose times must not depend on the seed */
    tickDigit?: number;
  }): { start: IncidentRef; end: IncidentRef; correlationId: string } {
    const r = this.rng;
    const correlationId = p.correlationId ?? r.uuid();
    const authorization = {
      scope: p.resourceId,
      action: p.action,
      evidence: {
        role: p.caller.role,
        roleAssignmentScope: p.caller.roleScope,
        roleAssignmentId: stableUuid(`azure-ra:${p.caller.principalId}:${p.caller.role}`).replace(/-/g, ''),
        roleDefinitionId: ROLE_DEFINITIONS[p.caller.role]?.replace(/-/g, '') ?? '',
        principalId: p.caller.principalId.replace(/-/g, ''),
        principalType: p.caller.principalType,
      },
    };
    const identity = { authorization, claims: p.caller.claims };
    const common = (us: number) => ({
      time: isoTicks(us, p.tickDigit ?? r.int(0, 10)),
      resourceId: p.resourceId.toUpperCase(),
      operationName: p.action.toUpperCase(),
      category: 'Administrative',
    });
    const propsBase = { eventCategory: 'Administrative', entity: p.resourceId, message: p.action, hierarchy: `${TENANT}/${SUB}` };
    // One operation's records travel together: the outcome never arrives before its Start.
    const lag = r.int(15, 150) * SECOND + r.int(0, 1000) * 1000;
    const endUs = p.us + p.durationMs * 1000;
    const startArrival = p.us + lag;
    const endArrival = Math.max(startArrival + 1, endUs + lag + r.int(0, 2000) * 1000);
    const start = this.push(p.us, startArrival, {
      ...common(p.us),
      resultType: 'Start',
      resultSignature: 'Started.',
      durationMs: 0,
      callerIpAddress: p.caller.ip,
      correlationId,
      identity,
      level: 'Information',
      location: 'global',
      properties: { ...propsBase, requestbody: p.requestBody },
    });
    const end = this.push(endUs, endArrival, {
      ...common(endUs),
      resultType: p.outcome,
      resultSignature: `${p.outcome === 'Success' ? 'Succeeded' : 'Failed'}.${p.statusCode}`,
      durationMs: p.durationMs,
      callerIpAddress: p.caller.ip,
      correlationId,
      identity,
      level: p.outcome === 'Success' ? 'Information' : 'Error',
      location: 'global',
      properties: { statusCode: p.statusCode, serviceRequestId: r.uuid(), ...propsBase, responseBody: p.responseBody },
    });
    return { start, end, correlationId };
  }
}

function statusFor(op: string, rng: Rng): { outcome: 'Success' | 'Failure'; statusCode: string } {
  if (rng.chance(0.02)) return { outcome: 'Failure', statusCode: rng.pick(['Conflict', 'BadRequest', 'Forbidden']) };
  if (op.endsWith('/action')) return { outcome: 'Success', statusCode: op.startsWith('listKeys') || op.startsWith('validate') ? 'OK' : 'Accepted' };
  if (op.endsWith('delete')) return { outcome: 'Success', statusCode: 'OK' };
  return { outcome: 'Success', statusCode: rng.chance(0.3) ? 'Created' : 'OK' };
}

function background(log: ActivityLog, rng: Rng, ctx: WriterContext): void {
  const { day } = ctx;
  const people = PEOPLE.filter((p) => p.azure && p !== ALICE);
  for (const us of rng.instants(scaled(ctx, 400), day.start, day.end)) {
    const p = rng.pick(people);
    const when = day.start + p.workStartHour * HOUR + (us % (p.workHours * HOUR));
    const res = rng.pick(RESOURCES);
    const op = rng.weighted(res.operations);
    const ip = personIp(p, rng.chance(0.8));
    const cli = rng.chance(0.4);
    const role = p.team === 'infrastructure' ? 'Owner' : 'Contributor';
    log.operation({
      us: when,
      durationMs: rng.int(200, 9000),
      resourceId: resourceId(res),
      action: action(res, op),
      caller: { ip, claims: userClaims(rng, p, ip, when, cli), principalId: p.azureObjectId, principalType: 'User', role, roleScope: `/subscriptions/${SUB}` },
      ...statusFor(op, rng),
    });
  }
  // Terraform applies from CI.
  for (const us of rng.instants(scaled(ctx, 300), day.start, day.end)) {
    const res = rng.pick(RESOURCES.filter((r) => r.provider !== 'Microsoft.Compute' || rng.chance(0.3)));
    const writes = res.operations.filter(([op]) => !op.endsWith('/action') || op.startsWith('validate'));
    const op = rng.weighted(writes.length ? writes : res.operations);
    log.operation({
      us,
      durationMs: rng.int(300, 20000),
      resourceId: resourceId(res),
      action: action(res, op),
      caller: { ip: rng.pick(ORG.ciIps), claims: servicePrincipalClaims(rng, TERRAFORM_SP.appId, TERRAFORM_SP.objectId, us), principalId: TERRAFORM_SP.objectId, principalType: 'ServicePrincipal', role: 'Owner', roleScope: `/subscriptions/${SUB}` },
      ...statusFor(op, rng),
    });
  }
  // The VM scheduler's managed identity starts training VMs in the morning and stops them at night.
  const vms = RESOURCES.filter((r) => r.type === 'virtualMachines');
  for (const [hour, op] of [[7, 'start/action'], [19, 'deallocate/action']] as const) {
    for (const vm of vms) {
      for (let i = 0; i < Math.max(1, scaled(ctx, 12)); i++) {
        const us = day.start + hour * HOUR + rng.int(0, 50 * 60) * SECOND;
        log.operation({
          us,
          durationMs: rng.int(15_000, 90_000),
          resourceId: resourceId(vm),
          action: action(vm, op),
          caller: { ip: '192.0.2.220', claims: servicePrincipalClaims(rng, SCHEDULER_MI.appId, SCHEDULER_MI.objectId, us), principalId: SCHEDULER_MI.objectId, principalType: 'ServicePrincipal', role: 'Virtual Machine Contributor', roleScope: `/subscriptions/${SUB}/resourceGroups/${vm.group}` },
          outcome: 'Success',
          statusCode: 'Accepted',
        });
      }
    }
  }
  // A function app's identity fetches storage keys all day.
  const storage = RESOURCES.filter((r) => r.type === 'storageAccounts');
  for (const us of rng.instants(scaled(ctx, 200), day.start, day.end)) {
    const sa = rng.pick(storage);
    log.operation({
      us,
      durationMs: rng.int(40, 400),
      resourceId: resourceId(sa),
      action: action(sa, 'listKeys/action'),
      caller: { ip: '192.0.2.221', claims: servicePrincipalClaims(rng, FUNCTIONS_MI.appId, FUNCTIONS_MI.objectId, us), principalId: FUNCTIONS_MI.objectId, principalType: 'ServicePrincipal', role: 'Contributor', roleScope: `/subscriptions/${SUB}/resourceGroups/${sa.group}` },
      outcome: 'Success',
      statusCode: 'OK',
    });
  }
}

/** 09:25: alice's identity, from the attacker's address, assigns Owner on the subscription to a guest. */
function incident(log: ActivityLog, rng: Rng, day: DemoDay): AzureFacts {
  const us = day.at('09:25:31.482013');
  const assignmentId = rng.uuid();
  const guestObjectId = stableUuid('azure-oid:mallory.ext@gmail.com');
  const scope = `/subscriptions/${SUB}`;
  const assignmentResource = `${scope}/providers/Microsoft.Authorization/roleAssignments/${assignmentId}`;
  const roleDefinitionId = `${scope}/providers/Microsoft.Authorization/roleDefinitions/${OWNER_ROLE_ID}`;
  const claims = userClaims(rng, ALICE, ORG.attackerIp, us, true);
  const op = log.operation({
    us,
    durationMs: 1622,
    resourceId: assignmentResource,
    action: 'Microsoft.Authorization/roleAssignments/write',
    caller: { ip: ORG.attackerIp, claims, principalId: ALICE.azureObjectId, principalType: 'User', role: 'User Access Administrator', roleScope: scope },
    outcome: 'Success',
    statusCode: 'Created',
    tickDigit: 4,
    requestBody: JSON.stringify({ Id: assignmentId, Properties: { PrincipalId: guestObjectId, PrincipalType: 'User', RoleDefinitionId: roleDefinitionId, Scope: scope, Condition: null, ConditionVersion: null } }),
    responseBody: JSON.stringify({
      properties: { roleDefinitionId, principalId: guestObjectId, principalType: 'User', scope, condition: null, conditionVersion: null, createdOn: isoTicks(us + 1_500_000, 0), updatedOn: isoTicks(us + 1_500_000, 0), createdBy: null, updatedBy: ALICE.azureObjectId, delegatedManagedIdentityResourceId: null, description: null },
      id: assignmentResource,
      type: 'Microsoft.Authorization/roleAssignments',
      name: assignmentId,
    }),
  });
  return { correlationId: op.correlationId, roleAssignmentId: assignmentId, start: op.start, success: op.end };
}

export function writeAzure(ctx: WriterContext): { files: DemoFile[]; counts: SourceCounts & { operations: number; maxIngestLagSeconds: number }; facts: AzureFacts; timeline: TimelineEntry[] } {
  const { day } = ctx;
  const rng = ctx.rng;
  const log = new ActivityLog(rng.fork('ids'));
  background(log, rng.fork('background'), ctx);
  const facts = incident(log, rng.fork('incident'), ctx.day);

  // One blob per hour of arrival; within it, records in arrival order.
  const records = log.records.filter((r) => r.us >= day.start && r.receivedUs < day.end);
  const blobs = new Map<string, AzRecord[]>();
  for (const r of records) {
    const p = parts(r.receivedUs);
    const key = `azure/insights-activity-logs/resourceId=/SUBSCRIPTIONS/${SUB.toUpperCase()}/y=${p.y}/m=${p.m}/d=${p.d}/h=${p.hh}/m=00/PT1H.json`;
    const list = blobs.get(key) ?? [];
    list.push(r);
    blobs.set(key, list);
  }
  const files: DemoFile[] = [...blobs.keys()].sort().map((key) => {
    const list = (blobs.get(key) ?? []).sort((a, b) => a.receivedUs - b.receivedUs);
    return { path: key, content: ndjson(list.map((r) => r.record)) };
  });

  const tl = (ref: IncidentRef, what: string): TimelineEntry => ({ time: ref.time, source: 'azure-activity', action: what, id: ref.id });
  const timeline = [tl(facts.start, 'Microsoft.Authorization/roleAssignments/write (Start)'), tl(facts.success, 'Microsoft.Authorization/roleAssignments/write (Success)')];
  return {
    files,
    counts: { path: 'azure', files: files.length, records: records.length, operations: new Set(records.map((r) => r.record.correlationId)).size, maxIngestLagSeconds: Math.ceil(log.maxLagUs / SECOND) },
    facts,
    timeline,
  };
}

