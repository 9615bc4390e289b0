import { ActorType, AliasKind, EventCategory, Outcome } from '../../../src/domain';
import { MalformedLogEvent, categoryOf, normalizeLogEvent } from '../../../src/sources/okta/normalize';
import { ALICE, ATTACKER_IP, CAROL, OKTA_SYSTEM, logEvent } from './fixtures';

const ctx = { sourceId: 'okta', orgHost: 'example.okta.com' };

describe('okta normalizeLogEvent', () => {
  it('maps a failed sign-in (INVALID_CREDENTIALS) to a failed Authentication with every field', () => {
    const raw = logEvent({
      uuid: 'a1b2c3d4-0001',
      published: '2026-03-14T08:52:11.123Z',
      eventType: 'user.session.start',
      ip: ATTACKER_IP,
      result: 'FAILURE',
      reason: 'INVALID_CREDENTIALS',
      sessionId: 'unknown',
      transactionId: 'Zb1c2d3e4f5g6h7i8j9k0',
    });
    const e = normalizeLogEvent(raw, ctx);
    expect(e.id).toBe('a1b2c3d4-0001');
    expect(e.time.toISOString()).toBe('2026-03-14T08:52:11.123Z');
    expect(e.sourceId).toBe('okta');
    expect(e.sourceType).toBe('okta');
    expect(e.category).toBe(EventCategory.AUTHENTICATION);
    expect(e.ocsfClassUid).toBe(3002);
    expect(e.action).toBe('user.session.start');
    expect(e.rawAction).toBe('user.session.start');
    expect(e.outcome).toBe(Outcome.FAILURE);
    expect(e.outcomeReason).toBe('INVALID_CREDENTIALS');
    expect(e.sourceIp).toBe(ATTACKER_IP);
    expect(e.userAgent).toContain('Chrome/122');
    expect(e.correlationId).toBe('Zb1c2d3e4f5g6h7i8j9k0');
    expect(e.cloud).toEqual({ provider: 'okta', account: 'example.okta.com' });
    expect(e.actor).toEqual({
      name: 'alice@example.com',
      type: ActorType.USER,
      uid: '00u1alice00000000001',
      aliases: [
        { kind: AliasKind.OKTA_USER_ID, value: '00u1alice00000000001', field: 'actor.id' },
        { kind: AliasKind.EMAIL, value: 'alice@example.com', field: 'actor.alternateId' },
      ],
    });
    // `unknown` is Okta's placeholder, not a session id
    expect(e.actor.sessionId).toBeUndefined();
    expect(e.raw).toBe(raw);
  });

  it('maps an MFA push and its verification to Authentication', () => {
    const push = normalizeLogEvent(logEvent({ uuid: 'p1', published: '2026-03-14T08:55:01.000Z', eventType: 'system.push.send_factor_verify_push', ip: ATTACKER_IP }), ctx);
    expect(push.category).toBe(EventCategory.AUTHENTICATION);
    const verify = normalizeLogEvent(
      logEvent({
        uuid: 'p2',
        published: '2026-03-14T08:55:09.000Z',
        eventType: 'user.authentication.auth_via_mfa',
        ip: ATTACKER_IP,
        target: [{ id: 'opf1okta0verify00001', type: 'AuthenticatorEnrollment', alternateId: 'unknown', displayName: 'Okta Verify' }],
      }),
      ctx,
    );
    expect(verify.category).toBe(EventCategory.AUTHENTICATION);
    expect(verify.outcome).toBe(Outcome.SUCCESS);
    // alternateId `unknown` falls back to the display name
    expect(verify.targets).toEqual([{ type: 'AuthenticatorEnrollment', name: 'Okta Verify', uid: 'opf1okta0verify00001' }]);
    const denied = normalizeLogEvent(logEvent({ uuid: 'p3', published: '2026-03-14T08:54:00.000Z', eventType: 'user.mfa.okta_verify.deny_push', result: 'DENY', reason: 'User rejected Okta push verify' }), ctx);
    expect(denied.category).toBe(EventCategory.AUTHENTICATION);
    expect(denied.outcome).toBe(Outcome.FAILURE);
    expect(denied.outcomeReason).toBe('User rejected Okta push verify');
  });

  it('keeps the session id of a session start', () => {
    const e = normalizeLogEvent(logEvent({ uuid: 's1', published: '2026-03-14T08:55:10.000Z', eventType: 'user.session.start', sessionId: '102abcDEFsession0001' }), ctx);
    expect(e.actor.sessionId).toBe('102abcDEFsession0001');
    expect(e.outcome).toBe(Outcome.SUCCESS);
    expect(e.outcomeReason).toBeUndefined();
  });

  it('maps an API token creation to Account Change with the token as target', () => {
    const e = normalizeLogEvent(
      logEvent({
        uuid: 't1',
        published: '2026-03-14T08:57:00.000Z',
        eventType: 'system.api_token.create',
        ip: ATTACKER_IP,
        target: [{ id: '00T1token00000000001', type: 'Token', alternateId: 'unknown', displayName: 'ci-automation' }],
      }),
      ctx,
    );
    expect(e.category).toBe(EventCategory.ACCOUNT_CHANGE);
    expect(e.ocsfClassUid).toBe(3001);
    expect(e.targets).toEqual([{ type: 'Token', name: 'ci-automation', uid: '00T1token00000000001' }]);
  });

  it('maps an admin suspending a user: the admin is the actor, the user the target', () => {
    const e = normalizeLogEvent(logEvent({ uuid: 'l1', published: '2026-03-14T09:50:30.000Z', eventType: 'user.lifecycle.suspend', actor: CAROL, target: [ALICE] }), ctx);
    expect(e.category).toBe(EventCategory.ACCOUNT_CHANGE);
    expect(e.actor.name).toBe('carol@example.com');
    expect(e.actor.uid).toBe('00u1carol00000000003');
    expect(e.targets).toEqual([{ type: 'User', name: 'alice@example.com', uid: '00u1alice00000000001' }]);
  });

  it('maps a session clear to Authentication (a forced logoff)', () => {
    const e = normalizeLogEvent(logEvent({ uuid: 'l0', published: '2026-03-14T09:50:00.000Z', eventType: 'user.session.clear', actor: CAROL, target: [ALICE] }), ctx);
    expect(e.category).toBe(EventCategory.AUTHENTICATION);
  });

  it('maps an app assignment to User Access Management with both targets', () => {
    const e = normalizeLogEvent(
      logEvent({
        uuid: 'app1',
        published: '2026-03-14T10:00:00.000Z',
        eventType: 'application.user_membership.add',
        actor: CAROL,
        target: [
          { id: '0ua1appuser000000001', type: 'AppUser', alternateId: 'alice@example.com', displayName: 'Alice Example' },
          { id: '0oa1awsapp000000001', type: 'AppInstance', alternateId: 'AWS IAM Identity Center', displayName: 'AWS IAM Identity Center' },
        ],
      }),
      ctx,
    );
    expect(e.category).toBe(EventCategory.USER_ACCESS);
    expect(e.ocsfClassUid).toBe(3005);
    expect(e.targets.map((t) => t.type)).toEqual(['AppUser', 'AppInstance']);
    expect(e.targets[1]).toEqual({ type: 'AppInstance', name: 'AWS IAM Identity Center', uid: '0oa1awsapp000000001' });
  });

  it('maps a group membership change to Group Management', () => {
    const e = normalizeLogEvent(
      logEvent({
        uuid: 'g1',
        published: '2026-03-14T10:01:00.000Z',
        eventType: 'group.user_membership.add',
        actor: CAROL,
        target: [ALICE, { id: '00g1admins0000000001', type: 'UserGroup', alternateId: 'unknown', displayName: 'AWS Admins' }],
      }),
      ctx,
    );
    expect(e.category).toBe(EventCategory.GROUP_MANAGEMENT);
    expect(e.ocsfClassUid).toBe(3006);
    expect(e.targets[1]).toEqual({ type: 'UserGroup', name: 'AWS Admins', uid: '00g1admins0000000001' });
  });

  it("types Okta's system principal as SYSTEM, with no user id or email alias", () => {
    const e = normalizeLogEvent(logEvent({ uuid: 'sys1', published: '2026-03-14T00:00:00.000Z', eventType: 'user.lifecycle.deactivate', actor: OKTA_SYSTEM, target: [ALICE], noClient: true }), ctx);
    expect(e.actor.type).toBe(ActorType.SYSTEM);
    expect(e.actor.name).toBe('system@okta.com');
    expect(e.actor.uid).toBe('0oa1system0000000001');
    expect(e.actor.aliases).toEqual([]);
  });

  it('types an OAuth client acting on its own as SERVICE_ACCOUNT, without aliases', () => {
    const e = normalizeLogEvent(
      logEvent({ uuid: 'c1', published: '2026-03-14T00:00:00.000Z', eventType: 'app.oauth2.as.token.grant.access_token', actor: { id: '0oa1svcapp0000000001', type: 'PublicClientApp', alternateId: 'siem-exporter', displayName: 'siem-exporter' } }),
      ctx,
    );
    expect(e.actor.type).toBe(ActorType.SERVICE_ACCOUNT);
    expect(e.actor.name).toBe('siem-exporter');
    expect(e.actor.aliases).toEqual([]);
    expect(e.category).toBe(EventCategory.API_ACTIVITY);
    expect(e.ocsfClassUid).toBe(6003);
  });

  it('survives a missing client block and a sign-in by a login that does not exist', () => {
    const raw = logEvent({
      uuid: 'n1',
      published: '2026-03-14T08:51:00.000Z',
      eventType: 'user.session.start',
      actor: { id: 'unknown', type: 'User', alternateId: 'mallory@example.com', displayName: 'unknown' },
      result: 'FAILURE',
      reason: 'VERIFICATION_ERROR',
      noClient: true,
    });
    delete raw.transaction;
    const e = normalizeLogEvent(raw, { sourceId: 'archive' });
    expect(e.sourceIp).toBeUndefined();
    expect(e.userAgent).toBeUndefined();
    expect(e.correlationId).toBeUndefined();
    expect(e.cloud).toEqual({ provider: 'okta' });
    expect(e.actor.uid).toBeUndefined();
    expect(e.actor.name).toBe('mallory@example.com');
    expect(e.actor.aliases).toEqual([{ kind: AliasKind.EMAIL, value: 'mallory@example.com', field: 'actor.alternateId' }]);
  });

  it('keeps CHALLENGE (and other non-verdicts) as UNKNOWN with the result in the reason', () => {
    const challenge = normalizeLogEvent(
      logEvent({ uuid: 'ch1', published: '2026-03-14T08:55:00.000Z', eventType: 'policy.evaluate_sign_on', result: 'CHALLENGE', reason: 'Sign-on policy evaluation resulted in CHALLENGE' }),
      ctx,
    );
    expect(challenge.category).toBe(EventCategory.AUTHENTICATION);
    expect(challenge.outcome).toBe(Outcome.UNKNOWN);
    expect(challenge.outcomeReason).toBe('CHALLENGE: Sign-on policy evaluation resulted in CHALLENGE');
    const skipped = normalizeLogEvent(logEvent({ uuid: 'sk1', published: '2026-03-14T08:55:00.000Z', eventType: 'user.authentication.sso', result: 'SKIPPED' }), ctx);
    expect(skipped.outcome).toBe(Outcome.UNKNOWN);
    expect(skipped.outcomeReason).toBe('SKIPPED');
    const raw = logEvent({ uuid: 'no1', published: '2026-03-14T08:55:00.000Z', eventType: 'user.authentication.sso' });
    delete raw.outcome;
    expect(normalizeLogEvent(raw, ctx).outcome).toBe(Outcome.UNKNOWN);
  });

  it('refuses records without published, uuid or eventType, or with a published that is not a time', () => {
    const noPublished = logEvent({ uuid: 'm1', published: 'x', eventType: 'user.session.start' });
    delete noPublished.published;
    expect(() => normalizeLogEvent(noPublished, ctx)).toThrow(MalformedLogEvent);
    expect(() => normalizeLogEvent(noPublished, ctx)).toThrow(/m1.*published/);
    expect(() => normalizeLogEvent(logEvent({ uuid: 'm2', published: 'yesterday', eventType: 'user.session.start' }), ctx)).toThrow(MalformedLogEvent);
    const noUuid = logEvent({ uuid: 'm3', published: '2026-03-14T08:55:00.000Z', eventType: 'user.session.start' });
    delete noUuid.uuid;
    expect(() => normalizeLogEvent(noUuid, ctx)).toThrow(/uuid/);
    const noType = logEvent({ uuid: 'm4', published: '2026-03-14T08:55:00.000Z', eventType: 'user.session.start' });
    delete noType.eventType;
    expect(() => normalizeLogEvent(noType, ctx)).toThrow(/eventType/);
    expect(() => normalizeLogEvent([1, 2], ctx)).toThrow(MalformedLogEvent);
    expect(() => normalizeLogEvent(null, ctx)).toThrow(MalformedLogEvent);
  });

  it('categorizes factor lifecycle as Account Change before the broader MFA rule', () => {
    expect(categoryOf('user.mfa.factor.reset_all')).toBe(EventCategory.ACCOUNT_CHANGE);
    expect(categoryOf('user.mfa.factor.activate')).toBe(EventCategory.ACCOUNT_CHANGE);
    expect(categoryOf('user.mfa.attempt_bypass')).toBe(EventCategory.AUTHENTICATION);
    expect(categoryOf('user.account.lock')).toBe(EventCategory.ACCOUNT_CHANGE);
    expect(categoryOf('group.user_membership.remove')).toBe(EventCategory.GROUP_MANAGEMENT);
    expect(categoryOf('system.org.rate_limit.violation')).toBe(EventCategory.API_ACTIVITY);
  });
});
