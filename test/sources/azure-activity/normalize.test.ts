import { ActorType, AliasKind, EventCategory, Outcome, type AuditEvent } from '../../../src/domain';
import { MalformedRecordError, normalizeExportRecord, normalizeRestEvent, resourceRefOf } from '../../../src/sources/azure-activity/normalize';
import { ALICE, AZURE_CLI_APP, DEPLOYER_SP, SUBSCRIPTION, restEvent, servicePrincipalClaims, toExport, userClaims } from './fixtures';

const ctx = { sourceId: 'azure-prod' };

/** what must agree between the two shapes of one event: all but the id, the raw record, the raw action's casing and alias fields */
function comparable(e: AuditEvent): unknown {
  const { id: _id, raw: _raw, rawAction: _rawAction, actor, ...rest } = e;
  return { ...rest, actor: { ...actor, aliases: actor.aliases.map((a) => [a.kind, a.value]) } };
}

describe('normalizeRestEvent', () => {
  it('maps a user role assignment write to User Access Management, with every alias of the caller', () => {
    const raw = restEvent({ eventDataId: 'b1b1b1b1-c2c2-4d3d-8e4e-f5f5f5f5f5f5', eventTimestamp: '2026-03-14T09:25:03.1234567Z' });
    const e = normalizeRestEvent(raw, ctx);

    expect(e.id).toBe('b1b1b1b1-c2c2-4d3d-8e4e-f5f5f5f5f5f5');
    expect(e.sourceId).toBe('azure-prod');
    expect(e.sourceType).toBe('azure-activity');
    expect(e.time.toISOString()).toBe('2026-03-14T09:25:03.123Z');
    expect(e.category).toBe(EventCategory.USER_ACCESS);
    expect(e.ocsfClassUid).toBe(3005);
    expect(e.action).toBe('Microsoft.Authorization/roleAssignments/write');
    expect(e.rawAction).toBe('Microsoft.Authorization/roleAssignments/write');
    expect(e.outcome).toBe(Outcome.SUCCESS);
    expect(e.outcomeReason).toBeUndefined();
    expect(e.sourceIp).toBe(ALICE.ip);
    expect(e.correlationId).toBe((raw as { correlationId: string }).correlationId);
    expect(e.cloud).toEqual({ provider: 'azure', account: SUBSCRIPTION });
    expect(e.raw).toBe(raw);

    expect(e.actor.name).toBe(ALICE.upn);
    expect(e.actor.type).toBe(ActorType.USER);
    expect(e.actor.uid).toBe(ALICE.oid);
    expect(e.actor.aliases).toEqual([
      { kind: AliasKind.AZURE_CALLER, value: ALICE.upn, field: 'caller' },
      { kind: AliasKind.EMAIL, value: ALICE.upn, field: 'caller' },
      { kind: AliasKind.AZURE_OBJECT_ID, value: ALICE.oid, field: 'claims.http://schemas.microsoft.com/identity/claims/objectidentifier' },
    ]);
    // the Azure CLI's app id is the client the user came through, not the user
    expect(e.actor.aliases.map((a) => a.value)).not.toContain(AZURE_CLI_APP);

    expect(e.targets).toEqual([
      {
        type: 'Microsoft.Authorization/roleAssignments',
        name: '9c1b2a3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
        uid: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleAssignments/9c1b2a3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d`,
      },
    ]);
  });

  it('takes a GUID caller for a service principal, with its object id and app id', () => {
    const raw = restEvent({
      eventDataId: 'e1',
      eventTimestamp: '2026-03-14T03:00:00.5Z',
      caller: DEPLOYER_SP.oid,
      claims: servicePrincipalClaims(DEPLOYER_SP.oid, DEPLOYER_SP.appId),
      operation: 'Microsoft.Compute/virtualMachines/write',
      resourceId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/ml-prod/providers/Microsoft.Compute/virtualMachines/trainer-01`,
      ip: '20.42.1.9',
    });
    const e = normalizeRestEvent(raw, ctx);
    expect(e.actor.type).toBe(ActorType.SERVICE_ACCOUNT);
    expect(e.actor.name).toBe(DEPLOYER_SP.oid);
    expect(e.actor.uid).toBe(DEPLOYER_SP.oid);
    expect(e.actor.aliases).toEqual([
      { kind: AliasKind.AZURE_CALLER, value: DEPLOYER_SP.oid, field: 'caller' },
      { kind: AliasKind.AZURE_OBJECT_ID, value: DEPLOYER_SP.oid, field: 'claims.http://schemas.microsoft.com/identity/claims/objectidentifier' },
      { kind: AliasKind.AZURE_CALLER, value: DEPLOYER_SP.appId, field: 'claims.appid' },
    ]);
    expect(e.category).toBe(EventCategory.API_ACTIVITY);
    expect(e.ocsfClassUid).toBe(6003);
    expect(e.targets[0]).toMatchObject({ type: 'Microsoft.Compute/virtualMachines', name: 'trainer-01' });
  });

  it('gives a failure its subStatus and the ARM error from properties.statusMessage', () => {
    const raw = restEvent({
      eventDataId: 'f1',
      eventTimestamp: '2026-03-14T09:26:00Z',
      status: 'Failed',
      subStatus: 'Forbidden',
      properties: {
        statusCode: 'Forbidden',
        statusMessage: JSON.stringify({ error: { code: 'AuthorizationFailed', message: "The client 'alice@example.com' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/write'." } }),
      },
    });
    const e = normalizeRestEvent(raw, ctx);
    expect(e.outcome).toBe(Outcome.FAILURE);
    expect(e.outcomeReason).toBe("Forbidden: AuthorizationFailed: The client 'alice@example.com' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/write'.");
  });

  it('keeps both events of one operation (Started, then Succeeded), tied by correlationId', () => {
    const correlationId = 'aaaa0000-bb11-4222-83cc-444444dddddd';
    const started = normalizeRestEvent(restEvent({ eventDataId: 's1', eventTimestamp: '2026-03-14T09:25:01.0000000Z', status: 'Started', correlationId }), ctx);
    const done = normalizeRestEvent(restEvent({ eventDataId: 's2', eventTimestamp: '2026-03-14T09:25:03.0000000Z', status: 'Succeeded', correlationId }), ctx);
    expect(started.id).not.toBe(done.id);
    expect(started.correlationId).toBe(correlationId);
    expect(done.correlationId).toBe(correlationId);
    expect(started.outcome).toBe(Outcome.UNKNOWN);
    expect(started.outcomeReason).toBe('Started');
    expect(done.outcome).toBe(Outcome.SUCCESS);
    expect(started.action).toBe(done.action);
  });

  it('names Azure itself (alert rules, Advisor) as a service, and an unnamed caller as unknown', () => {
    const alert = normalizeRestEvent(restEvent({ eventDataId: 'a1', eventTimestamp: '2026-03-14T09:00:00Z', caller: 'Microsoft.Insights/alertRules', claims: {}, operation: 'Microsoft.Insights/AlertRules/Activated/Action' }), ctx);
    expect(alert.actor).toEqual({ name: 'Microsoft.Insights/alertRules', type: ActorType.SERVICE, uid: undefined, aliases: [{ kind: AliasKind.AZURE_CALLER, value: 'Microsoft.Insights/alertRules', field: 'caller' }] });

    const anonymous = normalizeRestEvent(restEvent({ eventDataId: 'a2', eventTimestamp: '2026-03-14T09:00:00Z', caller: null, claims: {} }), ctx);
    expect(anonymous.actor.type).toBe(ActorType.UNKNOWN);
    expect(anonymous.actor.name).toBe('unknown');
    expect(anonymous.actor.aliases).toEqual([]);
  });

  it('does not take a guest UPN for an email address', () => {
    const guest = 'mallory.ext_gmail.com#EXT#@examplecorp.onmicrosoft.com';
    const e = normalizeRestEvent(restEvent({ eventDataId: 'g1', eventTimestamp: '2026-03-14T09:00:00Z', caller: guest, claims: userClaims(guest, '1b2c3d4e-5f60-4718-89a0-b1c2d3e4f5a6', ALICE.ip) }), ctx);
    expect(e.actor.type).toBe(ActorType.USER);
    expect(e.actor.aliases.map((a) => a.kind)).toEqual([AliasKind.AZURE_CALLER, AliasKind.AZURE_OBJECT_ID]);
  });

  it('treats Accepted as a step, not an outcome, and an empty subStatus as no reason', () => {
    const e = normalizeRestEvent(restEvent({ eventDataId: 'x1', eventTimestamp: '2026-03-14T09:00:00Z', status: 'Accepted', subStatus: '' }), ctx);
    expect(e.outcome).toBe(Outcome.UNKNOWN);
    expect(e.outcomeReason).toBe('Accepted');
  });

  it('refuses records it cannot place: no eventDataId, no time, no operation, not an object', () => {
    const base = restEvent({ eventDataId: 'm1', eventTimestamp: '2026-03-14T09:00:00Z' });
    expect(() => normalizeRestEvent({ ...base, eventDataId: undefined }, ctx)).toThrow(MalformedRecordError);
    expect(() => normalizeRestEvent({ ...base, eventTimestamp: 'yesterday' }, ctx)).toThrow(/not a time/);
    expect(() => normalizeRestEvent({ ...base, eventTimestamp: undefined }, ctx)).toThrow(/missing/);
    expect(() => normalizeRestEvent({ ...base, operationName: undefined, authorization: undefined }, ctx)).toThrow(/operationName/);
    expect(() => normalizeRestEvent([base], ctx)).toThrow(MalformedRecordError);
    expect(() => normalizeRestEvent(null, ctx)).toThrow(MalformedRecordError);
  });

  it('classifies by operation, whatever its casing', () => {
    const cases: [string, EventCategory][] = [
      ['Microsoft.Authorization/roleAssignments/delete', EventCategory.USER_ACCESS],
      ['MICROSOFT.AUTHORIZATION/ROLEDEFINITIONS/WRITE', EventCategory.USER_ACCESS],
      ['Microsoft.Authorization/elevateAccess/action', EventCategory.USER_ACCESS],
      ['Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write', EventCategory.ACCOUNT_CHANGE],
      ['Microsoft.Storage/storageAccounts/listKeys/action', EventCategory.API_ACTIVITY],
    ];
    for (const [operation, category] of cases) {
      expect(normalizeRestEvent(restEvent({ eventDataId: operation, eventTimestamp: '2026-03-14T09:00:00Z', operation }), ctx).category).toBe(category);
    }
  });
});

describe('normalizeExportRecord', () => {
  it('normalizes the storage export of an event like its REST record (bar id and raw)', () => {
    const rest = restEvent({ eventDataId: 'b1b1b1b1-c2c2-4d3d-8e4e-f5f5f5f5f5f5', eventTimestamp: '2026-03-14T09:25:03.1234567Z' });
    const exported = toExport(rest);
    const fromRest = normalizeRestEvent(rest, ctx);
    const fromExport = normalizeExportRecord(exported, ctx);

    expect(comparable(fromExport)).toEqual(comparable(fromRest));
    expect(fromExport.rawAction).toBe('MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE');
    expect(fromExport.action).toBe('Microsoft.Authorization/roleAssignments/write');
    expect(fromExport.raw).toBe(exported);
    expect(fromRest.raw).toBe(rest);
    expect(fromExport.id).toMatch(/^export-[0-9a-f]{32}$/);
    expect(fromExport.id).not.toBe(fromRest.id);
  });

  it('keeps parity for a failure and for a service principal', () => {
    const failed = restEvent({
      eventDataId: 'f2',
      eventTimestamp: '2026-03-14T09:31:00.25Z',
      status: 'Failed',
      subStatus: 'Conflict',
      properties: { statusCode: 'Conflict', statusMessage: '{"error":{"code":"RoleAssignmentExists","message":"The role assignment already exists."}}' },
    });
    const sp = restEvent({ eventDataId: 'sp', eventTimestamp: '2026-03-14T03:00:00Z', caller: DEPLOYER_SP.oid, claims: servicePrincipalClaims(DEPLOYER_SP.oid, DEPLOYER_SP.appId) });
    for (const rest of [failed, sp]) {
      const a = normalizeRestEvent(rest, ctx);
      const b = normalizeExportRecord(toExport(rest), ctx);
      expect(b.outcome).toBe(a.outcome);
      expect(b.outcomeReason).toBe(a.outcomeReason);
      expect(b.actor.name).toBe(a.actor.name);
      expect(b.actor.type).toBe(a.actor.type);
      expect(b.actor.uid).toBe(a.actor.uid);
      expect(b.actor.aliases.map((x) => [x.kind, x.value])).toEqual(a.actor.aliases.map((x) => [x.kind, x.value]));
    }
    expect(normalizeExportRecord(toExport(failed), ctx).outcomeReason).toBe('Conflict: RoleAssignmentExists: The role assignment already exists.');
  });

  it('reads the documented export sample: claims for the actor, evidence for the principal, resultSignature for the reason', () => {
    const record = {
      time: '2019-01-21T22:14:26.9792776Z',
      resourceId: '/subscriptions/s1/resourceGroups/MSSupportGroup/providers/microsoft.support/supporttickets/123456112305841',
      operationName: 'microsoft.support/supporttickets/write',
      category: 'Write',
      resultType: 'Failure',
      resultSignature: 'Failed.Forbidden',
      durationMs: 2826,
      callerIpAddress: '111.111.111.11',
      correlationId: 'aaaa6666-bb77-8888-99cc-000000dddddd',
      identity: {
        authorization: {
          scope: '/subscriptions/s1/resourceGroups/rg-001/providers/Microsoft.Storage/storageAccounts/msftstorageaccount',
          action: 'Microsoft.Storage/storageAccounts/listAccountSas/action',
          evidence: { role: 'Azure Eventhubs Service Role', principalId: 'abcdef038c6444c18f1c31311fabcdef', principalType: 'ServicePrincipal' },
        },
        claims: {
          'http://schemas.microsoft.com/identity/claims/objectidentifier': '123abc45-8211-44e3-95aa-85137af64708',
          'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn': 'admin@contoso.com',
          appid: '11112222-bbbb-3333-cccc-4444dddd5555',
          name: 'John Smith',
        },
      },
      level: 'Information',
      location: 'global',
      properties: { statusCode: 'Forbidden', serviceRequestId: '12345678-8ca0-47ad-9b80-6cde2207f97c' },
    };
    const e = normalizeExportRecord(record, ctx);
    expect(e.time.toISOString()).toBe('2019-01-21T22:14:26.979Z');
    expect(e.action).toBe('microsoft.support/supporttickets/write');
    expect(e.actor.name).toBe('admin@contoso.com');
    expect(e.actor.type).toBe(ActorType.USER);
    expect(e.actor.aliases).toEqual([
      { kind: AliasKind.AZURE_CALLER, value: 'admin@contoso.com', field: 'identity.claims.http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn' },
      { kind: AliasKind.EMAIL, value: 'admin@contoso.com', field: 'identity.claims.http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn' },
      { kind: AliasKind.AZURE_OBJECT_ID, value: '123abc45-8211-44e3-95aa-85137af64708', field: 'identity.claims.http://schemas.microsoft.com/identity/claims/objectidentifier' },
      { kind: AliasKind.AZURE_OBJECT_ID, value: 'abcdef03-8c64-44c1-8f1c-31311fabcdef', field: 'identity.authorization.evidence.principalId' },
    ]);
    expect(e.outcome).toBe(Outcome.FAILURE);
    expect(e.outcomeReason).toBe('Forbidden');
    expect(e.sourceIp).toBe('111.111.111.11');
    expect(e.cloud).toEqual({ provider: 'azure', account: 's1' });
    expect(e.targets[0]).toMatchObject({ type: 'microsoft.support/supporttickets', name: '123456112305841' });
  });

  it('derives a stable id that tells the steps of one operation apart', () => {
    const started = toExport(restEvent({ eventDataId: 'p1', eventTimestamp: '2026-03-14T09:25:01Z', status: 'Started', correlationId: 'c1' }));
    const done = toExport(restEvent({ eventDataId: 'p2', eventTimestamp: '2026-03-14T09:25:03Z', status: 'Succeeded', correlationId: 'c1' }));
    const a = normalizeExportRecord(started, ctx);
    expect(normalizeExportRecord(JSON.parse(JSON.stringify(started)), ctx).id).toBe(a.id);
    expect(normalizeExportRecord(done, ctx).id).not.toBe(a.id);
    expect(normalizeExportRecord({ ...started, resultType: 'Success' }, ctx).id).not.toBe(a.id);
  });

  it('keeps the operation as given when nothing names it in ARM casing, and reads times without a zone as UTC', () => {
    const e = normalizeExportRecord(
      { time: '2026-03-14T09:00:00.1234567', operationName: 'MICROSOFT.COMPUTE/VIRTUALMACHINES/DELETE', resourceId: '/SUBSCRIPTIONS/ABC/RESOURCEGROUPS/RG', resultType: 'Start', identity: {} },
      { sourceId: 'a', subscriptionId: 'fallback' },
    );
    expect(e.action).toBe('MICROSOFT.COMPUTE/VIRTUALMACHINES/DELETE');
    expect(e.time.toISOString()).toBe('2026-03-14T09:00:00.123Z');
    expect(e.outcome).toBe(Outcome.UNKNOWN);
    expect(e.outcomeReason).toBe('Started');
    expect(e.actor.type).toBe(ActorType.UNKNOWN);
    expect(e.cloud?.account).toBe('abc');
    expect(e.targets).toEqual([{ type: 'Microsoft.Resources/resourceGroups', name: 'RG', uid: '/SUBSCRIPTIONS/ABC/RESOURCEGROUPS/RG' }]);
  });

  it('takes a caller field when a pipeline added one, and a GUID caller whose token says user for a user', () => {
    const withCaller = normalizeExportRecord({ time: '2026-03-14T09:25:00Z', operationName: 'Microsoft.Resources/deployments/write', resultType: 'Success', caller: ALICE.upn }, ctx);
    expect(withCaller.actor).toMatchObject({ name: ALICE.upn, type: ActorType.USER });
    expect(withCaller.actor.aliases).toContainEqual({ kind: AliasKind.EMAIL, value: ALICE.upn, field: 'caller' });

    const oid = '6f7e8d9c-0b1a-4c2d-9e3f-4a5b6c7d8e9f';
    const guestByOid = normalizeExportRecord({ time: '2026-03-14T09:25:00Z', operationName: 'Microsoft.Resources/deployments/write', resultType: 'Success', identity: { claims: { oid, idtyp: 'user' } } }, ctx);
    expect(guestByOid.actor).toMatchObject({ name: oid, type: ActorType.USER, uid: oid });
    expect(guestByOid.actor.aliases).toEqual([
      { kind: AliasKind.AZURE_CALLER, value: oid, field: 'identity.claims.oid' },
      { kind: AliasKind.AZURE_OBJECT_ID, value: oid, field: 'identity.claims.oid' },
    ]);
  });

  it('refuses an export line without operation or time', () => {
    expect(() => normalizeExportRecord({ time: '2026-03-14T09:00:00Z' }, ctx)).toThrow(/operationName/);
    expect(() => normalizeExportRecord({ operationName: 'X/Y/READ' }, ctx)).toThrow(/time/);
  });
});

describe('resourceRefOf', () => {
  it('reads subscriptions, resource groups, child and extension resources', () => {
    expect(resourceRefOf(`/subscriptions/${SUBSCRIPTION}`, undefined, 'x')).toEqual({ type: 'Microsoft.Resources/subscriptions', name: SUBSCRIPTION, uid: `/subscriptions/${SUBSCRIPTION}` });
    expect(resourceRefOf('/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/db1/databases/orders', undefined, 'x')).toMatchObject({
      type: 'Microsoft.Sql/servers/databases',
      name: 'orders',
    });
    expect(resourceRefOf('/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app/providers/Microsoft.Authorization/roleAssignments/r1', undefined, 'x')).toMatchObject({
      type: 'Microsoft.Authorization/roleAssignments',
      name: 'r1',
    });
    expect(resourceRefOf('/SUBSCRIPTIONS/S/PROVIDERS/MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/R1', undefined, 'Microsoft.Authorization/roleAssignments/write')).toMatchObject({
      type: 'Microsoft.Authorization/roleAssignments',
      name: 'R1',
    });
    expect(resourceRefOf(undefined, undefined, 'x')).toBeUndefined();
  });
});
