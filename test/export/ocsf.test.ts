import { configFromDocument } from '../../src/config/load';
import { demoConfigDocument } from '../../src/demo/document';
import { ensureDemo } from '../../src/demo/ensure';
import { ActorType, EventCategory, OCSF_CLASS_UID, Outcome, SortOrder } from '../../src/domain';
import { OCSF_VERSION, toOcsf } from '../../src/export/ocsf';
import { QueryEngine } from '../../src/query/engine';
import { streamEvents } from '../../src/query/stream';
import { E2E_DEMO_ROOT } from '../e2e/harness';
import { testDeps } from '../helpers/deps';
import { makeEvent } from '../helpers/memory-source';
import { SCHEMA_VERSION, validateOcsf } from './ocsf/validate';

// the incident and the background around it: every class the demo's trails produce
const WINDOW = { from: new Date('2026-03-14T07:30:00Z'), to: new Date('2026-03-14T10:00:00Z') };

describe('OCSF 1.8.0 export', () => {
  it('writes the schema version it is checked against', () => {
    expect(SCHEMA_VERSION).toBe('1.8.0');
    expect(OCSF_VERSION).toBe(SCHEMA_VERSION);
  });

  it('maps every event of the demo morning to a valid event of its class', async () => {
    await ensureDemo(E2E_DEMO_ROOT);
    const config = configFromDocument(demoConfigDocument(E2E_DEMO_ROOT), 'demo', testDeps(), {});
    const engine = new QueryEngine(config.sources, { cursorSecret: 'test' });
    const stream = streamEvents(engine, { window: WINDOW, order: SortOrder.OLDEST_FIRST });
    const classes = new Map<number, number>();
    const failures: string[] = [];
    let n = 0;
    for await (const { event } of stream) {
      const ocsf = toOcsf(event);
      n += 1;
      classes.set(ocsf.class_uid as number, (classes.get(ocsf.class_uid as number) ?? 0) + 1);
      expect(ocsf.class_uid).toBe(event.ocsfClassUid);
      const errors = validateOcsf(ocsf);
      if (errors.length && failures.length < 10) failures.push(`${event.sourceId} ${event.action}: ${errors.join('; ')}`);
    }
    expect(failures).toEqual([]);
    expect(stream.summary().complete).toBe(true);
    expect(n).toBeGreaterThan(4_000);
    // the demo's trails cover these classes; each must have been checked
    for (const uid of [6003, 3002, 3001, 3005, 1006]) expect(classes.get(uid) ?? 0).toBeGreaterThan(0);
  }, 180_000);

  it('maps each category to its class, with metadata, actor, api, src_endpoint, status and unmapped', () => {
    const base = makeEvent('aws-trail', '2026-03-14T09:03:12Z', {
      sourceType: 'cloudtrail',
      action: 'iam:CreateAccessKey',
      rawAction: 'CreateAccessKey',
      actor: { name: 'alice@example.com', type: ActorType.USER, uid: 'AROA:alice', sessionId: 'ASIA1', aliases: [] },
      targets: [{ type: 'AWS::IAM::User', name: 'ci-bot' }],
      sourceIp: '198.51.100.23',
      correlationId: 'req-1',
      runId: 'ml/production/fz3k9q2m1x',
      cloud: { provider: 'aws', account: '111122223333', region: 'us-east-1' },
      outcome: Outcome.FAILURE,
      outcomeReason: 'AccessDenied',
    });
    for (const category of Object.values(EventCategory)) {
      const ocsf = toOcsf({ ...base, category, ocsfClassUid: OCSF_CLASS_UID[category] });
      expect({ category, errors: validateOcsf(ocsf) }).toEqual({ category, errors: [] });
      expect(ocsf.class_uid).toBe(OCSF_CLASS_UID[category]);
    }
    const api = toOcsf({ ...base, category: EventCategory.API_ACTIVITY, ocsfClassUid: 6003 });
    expect(api).toMatchObject({
      activity_id: 1,
      type_uid: 600301,
      time: Date.parse('2026-03-14T09:03:12Z'),
      status: 'Failure',
      status_id: 2,
      status_detail: 'AccessDenied',
      metadata: { version: '1.8.0', product: { name: 'CloudTrail', vendor_name: 'AWS' }, uid: base.id, correlation_uid: 'req-1', profiles: ['cloud'] },
      actor: { user: { name: 'alice@example.com', uid: 'AROA:alice', email_addr: 'alice@example.com', type_id: 1 }, session: { uid: 'ASIA1' } },
      src_endpoint: { ip: '198.51.100.23' },
      api: { operation: 'CreateAccessKey', service: { name: 'iam' }, request: { uid: 'req-1' }, response: { error: 'AccessDenied' } },
      resources: [{ type: 'AWS::IAM::User', name: 'ci-bot' }],
      cloud: { provider: 'aws', region: 'us-east-1', account: { uid: '111122223333' } },
      unmapped: { source_id: 'aws-trail', action: 'iam:CreateAccessKey', run_id: 'ml/production/fz3k9q2m1x' },
    });
    expect(JSON.parse(api.raw_data as string)).toEqual({});
    const change = toOcsf({ ...base, category: EventCategory.ACCOUNT_CHANGE, ocsfClassUid: 3001 });
    expect(change.user).toMatchObject({ name: 'ci-bot' });
    expect(change.activity_id).toBe(1);
  });

  it('names verbs after their class: reads, deletes, logons, suspensions, job starts', () => {
    const of = (category: EventCategory, action: string, rawAction = action) => toOcsf(makeEvent('s', 0, { category, ocsfClassUid: OCSF_CLASS_UID[category], action, rawAction }));
    expect(of(EventCategory.API_ACTIVITY, 'secrets.list', 'list').activity_name).toBe('Read');
    expect(of(EventCategory.API_ACTIVITY, 'iam:DeleteUser', 'DeleteUser').activity_name).toBe('Delete');
    expect(of(EventCategory.API_ACTIVITY, 'Microsoft.Authorization/roleAssignments/write').activity_name).toBe('Create');
    expect(of(EventCategory.AUTHENTICATION, 'user.session.start').activity_name).toBe('Logon');
    expect(of(EventCategory.AUTHENTICATION, 'user.session.end').activity_name).toBe('Logoff');
    expect(of(EventCategory.ACCOUNT_CHANGE, 'user.lifecycle.suspend').activity_name).toBe('Disable');
    expect(of(EventCategory.ACCOUNT_CHANGE, 'iam:AttachUserPolicy', 'AttachUserPolicy').activity_name).toBe('Attach Policy');
    expect(of(EventCategory.SCHEDULED_JOB, 'execution.started').activity_name).toBe('Start');
  });

  it('the validator refuses what the schema refuses', () => {
    const good = toOcsf(makeEvent('s', 0, { sourceIp: '203.0.113.7' }));
    expect(validateOcsf(good)).toEqual([]);
    const { api: _api, ...noApi } = good;
    expect(validateOcsf(noApi)).toEqual([expect.stringContaining('.api: required by 6003')]);
    expect(validateOcsf({ ...good, status_id: 7 })).toEqual([expect.stringContaining('7 is not one of 0, 1, 2, 99')]);
    expect(validateOcsf({ ...good, time: '2026-03-14' })).toEqual([expect.stringContaining('expected an integer')]);
    expect(validateOcsf({ ...good, colour: 'red' })).toEqual([expect.stringContaining('colour: not an attribute')]);
    expect(validateOcsf({ ...good, src_endpoint: { ip: 'not-an-ip' } })).toEqual([expect.stringContaining('does not match ip_t')]);
    expect(validateOcsf({ ...good, actor: {} })).toEqual([expect.stringContaining('needs at least one of process, user')]);
    expect(validateOcsf({ ...good, type_uid: 600301 })).toEqual([expect.stringContaining('type_uid')]);
    expect(validateOcsf({ ...good, cloud: { provider: 'aws' } })).toEqual([expect.stringContaining('profile cloud')]);
    expect(validateOcsf({ ...good, class_uid: 4001 })).toEqual([expect.stringContaining('not a class')]);
  });
});
