import { Outcome } from '../../../src/domain';
import { actionPatternParts } from '../../../src/domain';
import { buildFilter, MAX_FILTER_CHARS, quote, translateIdentity, type FilterRequest } from '../../../src/sources/gcp-audit/filter';
import { swapCase } from '../../contract/parity-contract';
import { normalizeEntry } from '../../../src/sources/gcp-audit/normalize';
import { compileFilter } from './fake-filter';
import { auditEntry, dataset, impersonationEntry, systemEventEntry, workloadIdentityEntry } from './fixtures';

const window = { from: new Date('2026-03-14T09:00:00Z'), to: new Date('2026-03-14T10:00:00Z') };
const base: FilterRequest = { window, resourceNames: ['projects/acme-ml-prod'], logs: ['activity'], includeGke: true, pushed: {} };
const WINDOW_AND_LOG = 'timestamp>="2026-03-14T09:00:00.000Z" AND timestamp<"2026-03-14T10:00:00.000Z" AND logName="projects/acme-ml-prod/logs/cloudaudit.googleapis.com%2Factivity"';

describe('gcp-audit filter', () => {
  it('always names the window and the audit logs', () => {
    expect(buildFilter(base)).toEqual({ filter: WINDOW_AND_LOG, sent: [], notes: [] });
    const two = buildFilter({ ...base, resourceNames: ['projects/a', 'folders/123'], logs: ['activity', 'data_access'], includeGke: false });
    expect(two.filter).toBe(
      'timestamp>="2026-03-14T09:00:00.000Z" AND timestamp<"2026-03-14T10:00:00.000Z" AND logName=(' +
        '"projects/a/logs/cloudaudit.googleapis.com%2Factivity" OR "projects/a/logs/cloudaudit.googleapis.com%2Fdata_access" OR ' +
        '"folders/123/logs/cloudaudit.googleapis.com%2Factivity" OR "folders/123/logs/cloudaudit.googleapis.com%2Fdata_access")' +
        ' AND NOT resource.type="k8s_cluster"',
    );
  });

  it('pushes identity, source IP, resource, action and outcome as clauses', () => {
    const built = buildFilter({
      ...base,
      pushed: { identity: ['alice@example.com'], sourceIp: ['198.51.100.23', '203.0.113.7'], resource: 'serviceAccounts/', action: ['SetIamPolicy', 'iam.googleapis.com:google.iam.admin.v1.CreateServiceAccountKey'], outcome: [Outcome.FAILURE] },
    });
    expect(built.sent).toEqual(['identity', 'sourceIp', 'resource', 'action', 'outcome']);
    expect(built.filter).toBe(
      `${WINDOW_AND_LOG} AND (` +
        'protoPayload.authenticationInfo.principalEmail="alice@example.com" OR ' +
        'protoPayload.authenticationInfo.principalSubject="alice@example.com" OR ' +
        'protoPayload.authenticationInfo.serviceAccountDelegationInfo.firstPartyPrincipal.principalEmail="alice@example.com" OR ' +
        'protoPayload.authenticationInfo.serviceAccountDelegationInfo.principalSubject="alice@example.com" OR ' +
        'protoPayload.serviceName="alice@example.com")' +
        ' AND protoPayload.requestMetadata.callerIp=("198.51.100.23" OR "203.0.113.7")' +
        // `ns/name` of a GKE object is no substring of its resource name: looked for apart
        ' AND (protoPayload.resourceName:"serviceAccounts/" OR (protoPayload.serviceName="k8s.io" AND protoPayload.resourceName:"serviceAccounts"))' +
        ' AND (protoPayload.methodName=("google.iam.admin.v1.CreateServiceAccountKey" OR "iam.googleapis.com:google.iam.admin.v1.CreateServiceAccountKey") OR protoPayload.methodName:"SetIamPolicy")' +
        ' AND protoPayload.status.code>0',
    );
  });

  it('sends success as NOT code>0, and nothing for an outcome set that selects everything', () => {
    expect(buildFilter({ ...base, pushed: { outcome: [Outcome.SUCCESS] } }).filter).toBe(`${WINDOW_AND_LOG} AND NOT protoPayload.status.code>0`);
    const all = buildFilter({ ...base, pushed: { outcome: [Outcome.SUCCESS, Outcome.FAILURE] } });
    expect(all.filter).toBe(WINDOW_AND_LOG);
    expect(all.notes[0]).toContain('not sent upstream');
  });

  it('escapes quotes and backslashes in values', () => {
    expect(quote('a"b\\c')).toBe('"a\\"b\\\\c"');
    const built = buildFilter({ ...base, pushed: { resource: 'x" OR logName:"y' } });
    expect(built.filter.endsWith('AND protoPayload.resourceName:"x\\" OR logName:\\"y"')).toBe(true);
    // the escaped value stays one value: it matches nothing but does not widen the query
    expect(compileFilter(built.filter)({ logName: 'projects/acme-ml-prod/logs/cloudaudit.googleapis.com%2Factivity', timestamp: '2026-03-14T09:30:00Z', protoPayload: { resourceName: 'y' } })).toBe(false);
  });

  it('leaves the longest clauses to the local filter when the filter would pass 20,000 characters', () => {
    const identities = Array.from({ length: 120 }, (_, i) => `person-${i}-with-a-long-name@subsidiary.example.com`);
    const built = buildFilter({ ...base, pushed: { identity: identities, sourceIp: ['198.51.100.23'] } });
    expect(built.filter.length).toBeLessThanOrEqual(MAX_FILTER_CHARS);
    expect(built.sent).toEqual(['sourceIp']);
    expect(built.notes).toEqual([`identity not sent upstream: the filter would exceed ${MAX_FILTER_CHARS} characters; filtered locally`]);
    expect(() => buildFilter({ ...base, resourceNames: Array.from({ length: 400 }, (_, i) => `projects/project-number-${i}`), logs: ['activity', 'data_access', 'system_event', 'policy'] })).toThrow(RangeError);
  });

  it('keeps the name "unknown" local: the normalizer gives it to entries no field names', () => {
    expect(translateIdentity(['Unknown'])).toMatchObject({ pushed: false });
    expect(translateIdentity(['alice@example.com'])).toMatchObject({ pushed: true, exactness: 'broader' });
  });

  it('sends a pattern as a regular expression without case on the method, and its literal parts', () => {
    const built = buildFilter({ ...base, pushed: { action: ['IAM.googleapis.com:*Key'] } });
    expect(built.filter).toBe(
      `${WINDOW_AND_LOG} AND (protoPayload.methodName=~"(?i)^IAM\\\\.googleapis\\\\.com:.*Key$" OR ` +
        '((protoPayload.serviceName:"IAM.googleapis.com" OR protoPayload.methodName:"IAM.googleapis.com") AND (protoPayload.serviceName:"Key" OR protoPayload.methodName:"Key")))',
    );
    expect(buildFilter({ ...base, pushed: { action: ['*'] } }).filter).toBe(WINDOW_AND_LOG);
  });

  describe('never narrower than the local filter: every name an event is found by selects its entry upstream', () => {
    const noCaller = auditEntry({ insertId: 'no-caller', timestamp: '2026-03-14T11:00:00Z', payload: { serviceName: 'compute.googleapis.com', methodName: 'compute.instances.preempted', resourceName: 'projects/acme-ml-prod/zones/us-central1-a/instances/vm-1' } });
    const entries = [...dataset(), systemEventEntry(), impersonationEntry(), workloadIdentityEntry(), noCaller];
    const wide = { ...base, window: { from: new Date('2026-03-14T00:00:00Z'), to: new Date('2026-03-15T00:00:00Z') }, logs: ['activity', 'data_access', 'system_event'] as FilterRequest['logs'] };
    const matches = (pushed: FilterRequest['pushed'], entry: (typeof entries)[number]) => compileFilter(buildFilter({ ...wide, pushed }).filter)(entry);

    it.each(entries.map((e) => [e.insertId as string, e]))('%s', (_id, entry) => {
      const event = normalizeEntry(entry, 'gcp');
      const names = [event.actor.name, event.actor.uid, ...event.actor.aliases.map((a) => a.value)].filter((v): v is string => !!v);
      for (const name of names) expect([name, matches({ identity: [name.toUpperCase()] }, entry)]).toEqual([name, true]);
      expect(matches({ action: [event.action] }, entry)).toBe(true);
      expect(matches({ action: [event.rawAction] }, entry)).toBe(true);
      expect(matches({ outcome: [event.outcome] }, entry)).toBe(true);
      expect(matches({ outcome: [event.outcome === Outcome.SUCCESS ? Outcome.FAILURE : Outcome.SUCCESS] }, entry)).toBe(false);
      if (event.sourceIp) expect(matches({ sourceIp: [event.sourceIp] }, entry)).toBe(true);
      for (const t of event.targets) {
        expect(matches({ resource: t.name.slice(1, -1) }, entry)).toBe(true);
        if (t.uid) expect(matches({ resource: t.uid }, entry)).toBe(true);
      }
      if (event.actor.onBehalfOf) expect(matches({ identity: [swapCase(event.actor.onBehalfOf)] }, entry)).toBe(true);
      // actions in other capitals and as patterns: the service, a prefix, a suffix, an infix, head and tail
      for (const name of [event.action, event.rawAction]) {
        const cut = Math.ceil(name.length / 2);
        const patterns = [swapCase(name), `${name.slice(0, cut)}*`, `*${swapCase(name.slice(cut))}`, `*${name.slice(2, -2)}*`, `${name.slice(0, 3)}*${name.slice(-3)}`, `${name.split(':')[0]}:*`];
        for (const pattern of patterns) {
          if (actionPatternParts(pattern).pieces.length === 0) continue;
          expect([pattern, matches({ action: [pattern] }, entry)]).toEqual([pattern, true]);
        }
      }
      for (const t of event.targets) if (t.namespace) expect(matches({ resource: `${t.namespace.slice(-3)}/${swapCase(t.name.slice(0, 4))}` }, entry)).toBe(true);
      // and a name the event does not carry does not select it
      expect(matches({ identity: ['nobody@example.org'] }, entry)).toBe(false);
      expect(matches({ action: ['nothing.at.all:*'] }, entry)).toBe(false);
    });
  });
});
