import { createHash } from 'node:crypto';
import {
  ActorType,
  AliasKind,
  EventCategory,
  OCSF_CLASS_UID,
  Outcome,
  type ActorAlias,
  type AuditEvent,
  type JsonValue,
  type ResourceRef,
} from '../../domain';
import type { AuthorizationEvidence, Claims, ExportRecord, RestEventData } from './records';

/**
 * Pure normalization of one Azure activity-log record into an AuditEvent. Two readers, one per shape
 * (`normalizeRestEvent` for the REST API's EventData, `normalizeExportRecord` for a storage-account export line),
 * each reduce their record to `ActivityFacts`; `buildEvent` turns facts into the event, so that the two shapes of
 * one event normalize alike (except `id`, see `exportEventId`, and `raw`).
 */

export interface NormalizeContext {
  sourceId: string;
  /** subscription the record was found under (archive path), used when the record names none */
  subscriptionId?: string;
}

/** A record that cannot become an event: the caller counts it with `recordMalformed`. */
export class MalformedRecordError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'MalformedRecordError';
  }
}

const CLAIM = {
  objectId: ['http://schemas.microsoft.com/identity/claims/objectidentifier', 'oid'],
  upn: ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn', 'upn'],
  appId: ['appid', 'azp'],
  identityType: ['idtyp'],
} as const;

/** The REST API's status vocabulary; the export's `resultType` says `Success`/`Failure`/`Start`/`Accept`. */
const STATUS_SYNONYMS: Readonly<Record<string, string>> = {
  success: 'Succeeded',
  succeeded: 'Succeeded',
  failure: 'Failed',
  failed: 'Failed',
  start: 'Started',
  started: 'Started',
  accept: 'Accepted',
  accepted: 'Accepted',
};

/** What both shapes say about one event, with the record field each value came from. */
interface ActivityFacts {
  id: string;
  time: Date;
  rawAction: string;
  action: string;
  caller?: { value: string; field: string };
  claims: Claims;
  claimsField: string;
  evidence?: AuthorizationEvidence;
  evidenceField: string;
  resourceId?: string;
  resourceType?: string;
  /** in the REST vocabulary: Started, Accepted, Succeeded, Failed, Active, Resolved… */
  status?: string;
  subStatus?: string;
  statusMessage?: string;
  sourceIp?: string;
  correlationId?: string;
  subscriptionId?: string;
}

export function normalizeRestEvent(raw: unknown, ctx: NormalizeContext): AuditEvent {
  const r = asRecord(raw) as RestEventData;
  const id = str(r.eventDataId);
  if (!id) throw new MalformedRecordError('no eventDataId');
  const rawAction = str(r.operationName?.value) ?? str(r.authorization?.action);
  if (!rawAction) throw new MalformedRecordError(`event ${id} has no operationName`);
  const caller = str(r.caller);
  const facts: ActivityFacts = {
    id,
    time: parseAzureTime(r.eventTimestamp, `event ${id} eventTimestamp`),
    rawAction,
    // the REST API already spells operations in their canonical casing
    action: rawAction,
    caller: caller ? { value: caller, field: 'caller' } : undefined,
    claims: claimsOf(r.claims),
    claimsField: 'claims',
    evidence: evidenceOf(r.authorization?.evidence),
    evidenceField: 'authorization.evidence',
    resourceId: str(r.resourceId),
    resourceType: str(r.resourceType?.value),
    status: canonicalStatus(str(r.status?.value)),
    subStatus: str(r.subStatus?.value),
    statusMessage: str(r.properties?.statusMessage),
    sourceIp: str(r.httpRequest?.clientIpAddress),
    correlationId: str(r.correlationId),
    subscriptionId: str(r.subscriptionId),
  };
  return buildEvent(facts, raw as JsonValue, ctx);
}

export function normalizeExportRecord(raw: unknown, ctx: NormalizeContext): AuditEvent {
  const r = asRecord(raw) as ExportRecord;
  const rawAction = str(r.operationName);
  if (!rawAction) throw new MalformedRecordError('no operationName');
  const time = parseAzureTime(r.time, 'time');
  const claims = claimsOf(r.identity?.claims);
  const properties = r.properties && typeof r.properties === 'object' ? r.properties : {};
  const authorization = r.identity?.authorization;
  const status = canonicalStatus(str(r.resultType));
  const resourceId = canonicalResourceId(str(r.resourceId), str(authorization?.scope));
  const facts: ActivityFacts = {
    id: exportEventId(r, rawAction),
    time,
    rawAction,
    action: recoverCasing(rawAction, [str(authorization?.action), str(properties.message)]),
    caller: exportCaller(str(r.caller), claims),
    claims,
    claimsField: 'identity.claims',
    evidence: evidenceOf(authorization?.evidence),
    evidenceField: 'identity.authorization.evidence',
    resourceId,
    status,
    subStatus: subStatusOfSignature(str(r.resultSignature)),
    statusMessage: str(properties.statusMessage),
    sourceIp: str(r.callerIpAddress),
    correlationId: str(r.correlationId),
  };
  return buildEvent(facts, raw as JsonValue, ctx);
}

/**
 * Export records carry no eventDataId. Their id is derived from what tells two records apart: the operation
 * (correlationId, operationName, resourceId) and the step of it (time, resultType), so it is stable across reads.
 */
export function exportEventId(r: ExportRecord, rawAction: string): string {
  const key = [str(r.correlationId) ?? '', rawAction.toLowerCase(), str(r.resourceId)?.toLowerCase() ?? '', str(r.time) ?? '', str(r.resultType) ?? ''].join('|');
  return `export-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

function buildEvent(f: ActivityFacts, raw: JsonValue, ctx: NormalizeContext): AuditEvent {
  const outcome = outcomeOf(f.status);
  const category = categoryOf(f.action);
  const target = resourceRefOf(f.resourceId, f.resourceType, f.action);
  const subscription = (f.subscriptionId ?? subscriptionOf(f.resourceId) ?? ctx.subscriptionId)?.toLowerCase();
  return {
    id: f.id,
    sourceId: ctx.sourceId,
    sourceType: 'azure-activity',
    time: f.time,
    category,
    ocsfClassUid: OCSF_CLASS_UID[category],
    action: f.action,
    rawAction: f.rawAction,
    actor: actorOf(f),
    targets: target ? [target] : [],
    outcome,
    outcomeReason: outcomeReasonOf(outcome, f),
    sourceIp: f.sourceIp,
    correlationId: f.correlationId,
    cloud: { provider: 'azure', account: subscription },
    raw,
  };
}

// ---- actor ---------------------------------------------------------------------------------------------------

function actorOf(f: ActivityFacts): AuditEvent['actor'] {
  const aliases: ActorAlias[] = [];
  const add = (kind: AliasKind, value: string | undefined, field: string) => {
    if (!value) return;
    if (aliases.some((a) => a.kind === kind && a.value.toLowerCase() === value.toLowerCase())) return;
    aliases.push({ kind, value, field });
  };
  const caller = f.caller;
  const objectId = claimOf(f.claims, CLAIM.objectId);
  const evidencePrincipal = evidencePrincipalOf(f.evidence);
  const type = actorTypeOf(caller?.value, f.claims, f.evidence);

  if (caller) {
    add(AliasKind.AZURE_CALLER, caller.value, caller.field);
    if (isEmail(caller.value)) add(AliasKind.EMAIL, caller.value, caller.field);
  }
  if (objectId) add(AliasKind.AZURE_OBJECT_ID, objectId.value, `${f.claimsField}.${objectId.key}`);
  if (evidencePrincipal) add(AliasKind.AZURE_OBJECT_ID, evidencePrincipal, `${f.evidenceField}.principalId`);
  // A user's token names the client app it used (Azure CLI, portal), which is not the user: only an app-only
  // token's appid names the actor itself.
  const appId = claimOf(f.claims, CLAIM.appId);
  if (appId && type === ActorType.SERVICE_ACCOUNT) add(AliasKind.AZURE_CALLER, appId.value, `${f.claimsField}.${appId.key}`);

  return {
    name: caller?.value ?? objectId?.value ?? 'unknown',
    type,
    uid: objectId?.value ?? evidencePrincipal ?? (caller && isGuid(caller.value) ? caller.value : undefined),
    aliases,
  };
}

function actorTypeOf(caller: string | undefined, claims: Claims, evidence: AuthorizationEvidence | undefined): ActorType {
  const principalType = evidence?.principalType?.toLowerCase();
  const identityType = claimOf(claims, CLAIM.identityType)?.value.toLowerCase();
  if (!caller) return ActorType.UNKNOWN;
  if (caller.includes('@')) return ActorType.USER;
  if (isGuid(caller)) {
    // a GUID caller is a service principal or managed identity, unless the token says it is a user's
    if (principalType === 'user' || identityType === 'user') return ActorType.USER;
    return ActorType.SERVICE_ACCOUNT;
  }
  // e.g. `Microsoft.Insights/alertRules`, `Microsoft.Advisor`: Azure acting on its own
  return ActorType.SERVICE;
}

/**
 * The export has no `caller`. The REST API fills `caller` from the UPN claim for users, or with the principal's
 * id for service principals, so the same values are taken from the export's claims, in that order.
 */
function exportCaller(caller: string | undefined, claims: Claims): ActivityFacts['caller'] {
  // not in the documented schema, but some pipelines copy it in: when present it is the REST caller itself
  if (caller) return { value: caller, field: 'caller' };
  const upn = claimOf(claims, CLAIM.upn);
  if (upn) return { value: upn.value, field: `identity.claims.${upn.key}` };
  const oid = claimOf(claims, CLAIM.objectId);
  if (oid) return { value: oid.value, field: `identity.claims.${oid.key}` };
  const appId = claimOf(claims, CLAIM.appId);
  if (appId) return { value: appId.value, field: `identity.claims.${appId.key}` };
  return undefined;
}

/** Role-assignment evidence names the principal the role was granted to; only a user or an app is the caller. */
function evidencePrincipalOf(evidence: AuthorizationEvidence | undefined): string | undefined {
  const type = evidence?.principalType?.toLowerCase();
  if (!evidence?.principalId || (type !== 'user' && type !== 'serviceprincipal')) return undefined;
  return dashedGuid(evidence.principalId);
}

// ---- outcome -------------------------------------------------------------------------------------------------

function outcomeOf(status: string | undefined): Outcome {
  if (status === 'Succeeded') return Outcome.SUCCESS;
  if (status === 'Failed') return Outcome.FAILURE;
  // Started, Accepted, Active, In Progress, Resolved…: one step of an operation, or not an operation at all
  return Outcome.UNKNOWN;
}

function outcomeReasonOf(outcome: Outcome, f: ActivityFacts): string | undefined {
  if (outcome === Outcome.SUCCESS) return undefined;
  if (outcome === Outcome.UNKNOWN) return f.status;
  const parts = [f.subStatus, statusMessageText(f.statusMessage)].filter((p): p is string => !!p);
  return parts.length > 0 ? parts.join(': ') : 'Failed';
}

/** `properties.statusMessage` is usually the ARM error body as a JSON string. */
function statusMessageText(message: string | undefined): string | undefined {
  if (!message) return undefined;
  try {
    const parsed = JSON.parse(message) as { error?: { code?: unknown; message?: unknown }; Code?: unknown; Message?: unknown };
    const code = str(parsed.error?.code) ?? str(parsed.Code);
    const text = str(parsed.error?.message) ?? str(parsed.Message);
    if (code || text) return [code, text].filter(Boolean).join(': ');
  } catch {
    // not JSON: keep the text as it is
  }
  return message;
}

export function canonicalStatus(status: string | undefined): string | undefined {
  if (!status) return undefined;
  return STATUS_SYNONYMS[status.toLowerCase()] ?? status;
}

/** `Failed.Forbidden` -> `Forbidden`; `Started.` -> undefined; the export joins status and subStatus with a dot. */
function subStatusOfSignature(signature: string | undefined): string | undefined {
  if (!signature) return undefined;
  const dot = signature.indexOf('.');
  if (dot >= 0 && STATUS_SYNONYMS[signature.slice(0, dot).toLowerCase()]) return str(signature.slice(dot + 1));
  return signature;
}

// ---- category ------------------------------------------------------------------------------------------------

const USER_ACCESS_ACTIONS = [
  'microsoft.authorization/roleassignments/write',
  'microsoft.authorization/roleassignments/delete',
  'microsoft.authorization/roleassignmentschedulerequests/write',
  'microsoft.authorization/roledefinitions/write',
  'microsoft.authorization/roledefinitions/delete',
  'microsoft.authorization/elevateaccess/action',
];

const ACCOUNT_CHANGE_ACTIONS = [
  'microsoft.managedidentity/userassignedidentities/write',
  'microsoft.managedidentity/userassignedidentities/delete',
  'microsoft.managedidentity/userassignedidentities/federatedidentitycredentials/write',
  'microsoft.managedidentity/userassignedidentities/federatedidentitycredentials/delete',
];

/**
 * Who-may-do-what changes (role assignments, role definitions, elevation) are OCSF User Access Management;
 * creating or deleting a workload identity or its federated credential is an Account Change; the rest is API
 * Activity.
 */
function categoryOf(action: string): EventCategory {
  const a = action.toLowerCase();
  if (USER_ACCESS_ACTIONS.includes(a)) return EventCategory.USER_ACCESS;
  if (ACCOUNT_CHANGE_ACTIONS.includes(a)) return EventCategory.ACCOUNT_CHANGE;
  return EventCategory.API_ACTIVITY;
}

// ---- resource ------------------------------------------------------------------------------------------------

/**
 * `/subscriptions/S/resourceGroups/G/providers/NS/type/name[/subtype/subname…]` -> type `NS/type/subtype`, name the
 * last name. Extension resources (`…/providers/A/x/y/providers/B/z/w`) take the last provider.
 */
export function resourceRefOf(resourceId: string | undefined, typeHint: string | undefined, action: string): ResourceRef | undefined {
  if (!resourceId) return undefined;
  const segments = resourceId.split('/').filter((s) => s !== '');
  let type: string | undefined;
  let name: string | undefined;
  const providers = lastIndexOfIgnoreCase(segments, 'providers');
  if (providers >= 0 && providers + 1 < segments.length) {
    const rest = segments.slice(providers + 2);
    const types = rest.filter((_, i) => i % 2 === 0);
    const names = rest.filter((_, i) => i % 2 === 1);
    type = [segments[providers + 1], ...types].join('/');
    name = names.length > 0 ? names[names.length - 1] : rest[rest.length - 1] ?? segments[providers + 1];
  } else {
    const group = lastIndexOfIgnoreCase(segments, 'resourcegroups');
    const sub = lastIndexOfIgnoreCase(segments, 'subscriptions');
    if (group >= 0 && group + 1 < segments.length) {
      type = 'Microsoft.Resources/resourceGroups';
      name = segments[group + 1];
    } else if (sub >= 0 && sub + 1 < segments.length) {
      type = 'Microsoft.Resources/subscriptions';
      name = segments[sub + 1];
    }
  }
  if (!type || !name) return { type: 'azure-resource', name: resourceId, uid: resourceId };
  if (typeHint && typeHint.toLowerCase() === type.toLowerCase()) type = typeHint;
  else if (action.toLowerCase().startsWith(`${type.toLowerCase()}/`)) type = action.slice(0, type.length);
  return { type, name, uid: resourceId };
}

/** The export upper-cases resourceId; its authorization scope usually names the same resource in ARM's casing. */
function canonicalResourceId(resourceId: string | undefined, scope: string | undefined): string | undefined {
  if (resourceId && scope && scope.toLowerCase() === resourceId.toLowerCase()) return scope;
  return resourceId;
}

function subscriptionOf(resourceId: string | undefined): string | undefined {
  const m = resourceId ? /^\/subscriptions\/([^/]+)/i.exec(resourceId) : null;
  return m?.[1];
}

/**
 * The export may upper-case operation names (`MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE`). ARM's own spelling
 * is recovered from a field that names the same operation in it (the authorization action, `properties.message`);
 * otherwise the name stays as given and only case-insensitive comparison matches it.
 */
export function recoverCasing(operation: string, candidates: (string | undefined)[]): string {
  if (operation !== operation.toUpperCase()) return operation;
  for (const c of candidates) if (c && c.toLowerCase() === operation.toLowerCase()) return c;
  return operation;
}

// ---- helpers -------------------------------------------------------------------------------------------------

/** Azure writes UTC with up to 7 fractional digits; JavaScript keeps milliseconds. */
export function parseAzureTime(value: unknown, what: string): Date {
  const text = str(value);
  if (!text) throw new MalformedRecordError(`${what} is missing`);
  const withZone = /([zZ]|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text}Z`;
  const time = new Date(withZone);
  if (Number.isNaN(time.getTime())) throw new MalformedRecordError(`${what} is not a time: ${JSON.stringify(text)}`);
  return time;
}

function asRecord(raw: unknown): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new MalformedRecordError('not a JSON object');
  return raw as Record<string, unknown>;
}

function str(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

function claimsOf(v: unknown): Claims {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return {};
  return v as Claims;
}

function evidenceOf(v: unknown): AuthorizationEvidence | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  return v as AuthorizationEvidence;
}

function claimOf(claims: Claims, keys: readonly string[]): { key: string; value: string } | undefined {
  for (const key of keys) {
    const value = str(claims[key]);
    if (value) return { key, value };
  }
  return undefined;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(v: string): boolean {
  return GUID.test(v);
}

function dashedGuid(v: string): string {
  const hex = v.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return v;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A mailbox, not a guest UPN (`alice_example.com#EXT#@corp.onmicrosoft.com`). */
function isEmail(v: string): boolean {
  return /^[^\s@#]+@[^\s@]+\.[^\s@]+$/.test(v);
}

function lastIndexOfIgnoreCase(segments: string[], word: string): number {
  for (let i = segments.length - 1; i >= 0; i--) if (segments[i].toLowerCase() === word) return i;
  return -1;
}
