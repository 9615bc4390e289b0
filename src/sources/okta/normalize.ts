import {
  ActorType,
  AliasKind,
  EventCategory,
  OCSF_CLASS_UID,
  Outcome,
  type Actor,
  type ActorAlias,
  type AuditEvent,
  type JsonValue,
  type ResourceRef,
} from '../../domain';

/** The fields of an Okta System Log `LogEvent` this adapter reads; everything else stays in `raw`. */
export interface OktaLogEvent {
  uuid?: unknown;
  published?: unknown;
  eventType?: unknown;
  displayMessage?: unknown;
  severity?: unknown;
  actor?: OktaLogActor | null;
  client?: {
    ipAddress?: unknown;
    userAgent?: { rawUserAgent?: unknown } | null;
  } | null;
  outcome?: { result?: unknown; reason?: unknown } | null;
  target?: OktaLogTarget[] | null;
  transaction?: { id?: unknown; type?: unknown } | null;
  authenticationContext?: { externalSessionId?: unknown } | null;
}

export interface OktaLogActor {
  id?: unknown;
  type?: unknown;
  alternateId?: unknown;
  displayName?: unknown;
}

export interface OktaLogTarget {
  id?: unknown;
  type?: unknown;
  alternateId?: unknown;
  displayName?: unknown;
}

/** What normalization needs besides the record: the source instance, and the org the record came from. */
export interface OktaNormalizeContext {
  sourceId: string;
  /** the org host (`corp.okta.com`), when known: archives only know it from config */
  orgHost?: string;
}

/** A record that cannot become an AuditEvent; the caller counts it as malformed. */
export class MalformedLogEvent extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'MalformedLogEvent';
  }
}

/**
 * Okta writes the literal `unknown` where it has no value (the actor of a sign-in for a login that does not
 * exist, a session id outside a session): treat it as absent so it never becomes an identity alias.
 */
function text(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  if (t === '' || t.toLowerCase() === 'unknown') return undefined;
  return t;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Okta actor types: people, OAuth clients and app instances acting on their own, and Okta itself. */
function actorType(type: string | undefined): ActorType {
  switch (type) {
    case 'User':
      return ActorType.USER;
    case 'PublicClientApp':
    case 'AppInstance':
    case 'Client':
      return ActorType.SERVICE_ACCOUNT;
    case 'SystemPrincipal':
      return ActorType.SYSTEM;
    default:
      return ActorType.UNKNOWN;
  }
}

function normalizeActor(raw: OktaLogActor | null | undefined, sessionId: string | undefined): Actor {
  const id = text(raw?.id);
  const alternateId = text(raw?.alternateId);
  const displayName = text(raw?.displayName);
  const type = actorType(typeof raw?.type === 'string' ? raw.type : undefined);
  const aliases: ActorAlias[] = [];
  if (id && type === ActorType.USER) aliases.push({ kind: AliasKind.OKTA_USER_ID, value: id, field: 'actor.id' });
  // Okta's own principal signs as system@okta.com: an address, but nobody's identity.
  if (alternateId && EMAIL.test(alternateId) && type !== ActorType.SYSTEM) {
    aliases.push({ kind: AliasKind.EMAIL, value: alternateId, field: 'actor.alternateId' });
  }
  const actor: Actor = { name: alternateId ?? displayName ?? id ?? 'unknown', type, aliases };
  if (id) actor.uid = id;
  if (sessionId) actor.sessionId = sessionId;
  return actor;
}

function normalizeTargets(raw: unknown): ResourceRef[] {
  if (!Array.isArray(raw)) return [];
  const targets: ResourceRef[] = [];
  for (const t of raw as (OktaLogTarget | null)[]) {
    if (t === null || typeof t !== 'object') continue;
    const id = text(t.id);
    const name = text(t.alternateId) ?? text(t.displayName) ?? id;
    if (!name) continue;
    const ref: ResourceRef = { type: text(t.type) ?? 'unknown', name };
    if (id) ref.uid = id;
    targets.push(ref);
  }
  return targets;
}

/**
 * `outcome.result` is one of SUCCESS, FAILURE, SKIPPED, ALLOW, DENY, CHALLENGE, UNKNOWN. ALLOW/DENY are policy
 * decisions, counted as success/failure; the rest say neither, so the result is kept in the reason.
 */
function normalizeOutcome(raw: OktaLogEvent['outcome']): { outcome: Outcome; reason?: string } {
  const result = text(raw?.result)?.toUpperCase();
  const reason = text(raw?.reason);
  if (result === 'SUCCESS' || result === 'ALLOW') return { outcome: Outcome.SUCCESS, reason };
  if (result === 'FAILURE' || result === 'DENY') return { outcome: Outcome.FAILURE, reason };
  if (!result) return { outcome: Outcome.UNKNOWN, reason };
  return { outcome: Outcome.UNKNOWN, reason: reason ? `${result}: ${reason}` : result };
}

/**
 * Event types to OCSF classes, first match wins (exact names before the prefixes that would also match them).
 * - Sessions (`user.session.*`, including an admin's `user.session.clear`) are Authentication: OCSF 3002 has
 *   Logon and Logoff, and clearing sessions is a forced logoff. Authorize Session (3003) is about privileges
 *   granted to a new session, which Okta does not log as such.
 * - Factor verification, pushes and sign-on policy are Authentication; factor enrolment/reset is a change to
 *   the account's credentials (3001), like API tokens and lifecycle changes.
 */
const CATEGORY_RULES: readonly { match: string; prefix: boolean; category: EventCategory }[] = [
  { match: 'user.mfa.factor.', prefix: true, category: EventCategory.ACCOUNT_CHANGE },
  { match: 'user.session.', prefix: true, category: EventCategory.AUTHENTICATION },
  { match: 'user.authentication.', prefix: true, category: EventCategory.AUTHENTICATION },
  { match: 'user.mfa.', prefix: true, category: EventCategory.AUTHENTICATION },
  { match: 'system.push.send_factor_verify_push', prefix: false, category: EventCategory.AUTHENTICATION },
  { match: 'policy.evaluate_sign_on', prefix: false, category: EventCategory.AUTHENTICATION },
  { match: 'user.lifecycle.', prefix: true, category: EventCategory.ACCOUNT_CHANGE },
  { match: 'user.account.', prefix: true, category: EventCategory.ACCOUNT_CHANGE },
  { match: 'user.credential.', prefix: true, category: EventCategory.ACCOUNT_CHANGE },
  { match: 'system.api_token.', prefix: true, category: EventCategory.ACCOUNT_CHANGE },
  { match: 'application.user_membership.', prefix: true, category: EventCategory.USER_ACCESS },
  { match: 'group.user_membership.', prefix: true, category: EventCategory.GROUP_MANAGEMENT },
  { match: 'group.lifecycle.', prefix: true, category: EventCategory.GROUP_MANAGEMENT },
  { match: 'group.privilege.', prefix: true, category: EventCategory.GROUP_MANAGEMENT },
];

export function categoryOf(eventType: string): EventCategory {
  for (const rule of CATEGORY_RULES) {
    if (rule.prefix ? eventType.startsWith(rule.match) : eventType === rule.match) return rule.category;
  }
  return EventCategory.API_ACTIVITY;
}

/** Okta's `published` is RFC 3339 with milliseconds; anything else is not a time we can order by. */
export function publishedTime(value: unknown): Date | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return undefined;
  const t = new Date(value);
  return Number.isNaN(t.getTime()) ? undefined : t;
}

/** One System Log LogEvent, as `/api/v1/logs` returns it, to an AuditEvent. Throws MalformedLogEvent. */
export function normalizeLogEvent(record: unknown, ctx: OktaNormalizeContext): AuditEvent {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw new MalformedLogEvent('not a LogEvent object');
  }
  const raw = record as OktaLogEvent;
  const id = text(raw.uuid);
  if (!id) throw new MalformedLogEvent('no uuid');
  const time = publishedTime(raw.published);
  if (!time) throw new MalformedLogEvent(`event ${id}: missing or invalid published ${JSON.stringify(raw.published ?? null)}`);
  const eventType = text(raw.eventType);
  if (!eventType) throw new MalformedLogEvent(`event ${id}: no eventType`);

  const category = categoryOf(eventType);
  const { outcome, reason } = normalizeOutcome(raw.outcome);
  const event: AuditEvent = {
    id,
    sourceId: ctx.sourceId,
    sourceType: 'okta',
    time,
    category,
    ocsfClassUid: OCSF_CLASS_UID[category],
    action: eventType,
    rawAction: eventType,
    actor: normalizeActor(raw.actor, text(raw.authenticationContext?.externalSessionId)),
    targets: normalizeTargets(raw.target),
    outcome,
    cloud: ctx.orgHost ? { provider: 'okta', account: ctx.orgHost } : { provider: 'okta' },
    raw: record as JsonValue,
  };
  if (reason) event.outcomeReason = reason;
  const ip = text(raw.client?.ipAddress);
  if (ip) event.sourceIp = ip;
  const userAgent = text(raw.client?.userAgent?.rawUserAgent);
  if (userAgent) event.userAgent = userAgent;
  const transactionId = text(raw.transaction?.id);
  if (transactionId) event.correlationId = transactionId;
  return event;
}
