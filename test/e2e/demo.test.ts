import { EventsDocument, ExplainDocument, SourcesDocument, type EventsQuery } from '../generated/graphql';
import { DemoServer } from './harness';

const INCIDENT = { from: '2026-03-14T08:45:00Z', to: '2026-03-14T10:00:00Z' };
const ATTACKER_IP = '198.51.100.23';

let demo: DemoServer;
beforeAll(async () => {
  demo = await DemoServer.start();
}, 120_000);
afterAll(async () => {
  await demo?.stop();
});

type Edge = EventsQuery['events']['edges'][number];
const keyOf = (e: Edge) => `${e.node.source.id}/${e.node.id}`;

describe('the HTTP server on the bundled demo', () => {
  it('answers /healthz and refuses unknown paths', async () => {
    const health = await fetch(demo.url.replace('/graphql', '/healthz'));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', sources: ['okta', 'flyte', 'prod-eks-audit', 'aws-trail', 'gcp-audit', 'azure-activity'] });
    expect((await fetch(demo.url.replace('/graphql', '/nope'))).status).toBe(404);
  });

  it('lists the six demo sources, all healthy, with honest capabilities', async () => {
    const { sources } = await demo.query(SourcesDocument, {});
    expect(sources.map((s) => [s.id, s.type, s.mode])).toEqual([
      ['okta', 'okta', 'archive'],
      ['flyte', 'flyte', 'archive'],
      ['prod-eks-audit', 'k8s-audit', 'file'],
      ['aws-trail', 'cloudtrail', 'archive'],
      ['gcp-audit', 'gcp-audit', 'archive'],
      ['azure-activity', 'azure-activity', 'archive'],
    ]);
    for (const s of sources) {
      expect(s.health.ok).toBe(true);
      expect(s.capabilities.orders.length).toBeGreaterThan(0);
    }
  });

  it("returns alice's events of 08:45-10:00 from all six sources", async () => {
    const { events } = await demo.query(EventsDocument, { window: INCIDENT, filter: { identity: ['alice@example.com'] }, first: 500 });
    const bySource = new Map<string, string[]>();
    for (const e of events.edges) bySource.set(e.node.source.id, [...(bySource.get(e.node.source.id) ?? []), e.node.action]);
    expect([...bySource.keys()].sort()).toEqual(['aws-trail', 'azure-activity', 'flyte', 'gcp-audit', 'okta', 'prod-eks-audit']);
    expect(bySource.get('okta')).toEqual(expect.arrayContaining(['user.session.start', 'user.authentication.auth_via_mfa', 'system.api_token.create']));
    expect(bySource.get('aws-trail')).toEqual(expect.arrayContaining(['iam:CreateAccessKey', 'iam:AttachUserPolicy']));
    expect(bySource.get('prod-eks-audit')).toEqual(expect.arrayContaining(['secrets.list', 'secrets.get']));
    expect(bySource.get('flyte')).toEqual(['execution.created']);
    expect(bySource.get('gcp-audit')).toEqual(expect.arrayContaining(['cloudresourcemanager.googleapis.com:SetIamPolicy', 'iam.googleapis.com:google.iam.admin.v1.CreateServiceAccountKey']));
    expect(bySource.get('azure-activity')).toContain('Microsoft.Authorization/roleAssignments/write');
    const failed = events.edges.filter((e) => e.node.action === 'user.session.start' && e.node.outcome === 'FAILURE');
    expect(failed).toHaveLength(3);
    expect(failed.every((e) => e.node.outcomeReason?.includes('INVALID_CREDENTIALS'))).toBe(true);
    // newest first, and every source's status is reported
    const times = events.edges.map((e) => Date.parse(e.node.time));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(events.sources.map((s) => s.state)).toEqual(Array(6).fill('OK'));
    expect(events.sources.every((s) => s.residual.some((r) => r.startsWith('identity=')))).toBe(true);
  });

  it("follows the attacker's IP across Okta, AWS, Kubernetes, GCP and Azure", async () => {
    const { events } = await demo.query(EventsDocument, { window: INCIDENT, filter: { sourceIp: [ATTACKER_IP] }, first: 500 });
    expect(new Set(events.edges.map((e) => e.node.source.id))).toEqual(new Set(['okta', 'aws-trail', 'prod-eks-audit', 'gcp-audit', 'azure-activity']));
    expect(events.edges.every((e) => e.node.sourceIp === ATTACKER_IP)).toBe(true);
    const ciBot = events.edges.filter((e) => e.node.actor.name === 'ci-bot');
    expect(ciBot.map((e) => e.node.action)).toEqual(expect.arrayContaining(['s3:ListBuckets', 'secretsmanager:GetSecretValue', 'iam:CreateUser']));
    expect(ciBot.find((e) => e.node.action === 'iam:CreateUser')?.node.outcome).toBe('FAILURE');
  });

  it.each(['NEWEST_FIRST', 'OLDEST_FIRST'] as const)('pages through a window with cursors, neither skipping nor repeating (%s)', async (order) => {
    const window = { from: '2026-03-14T09:00:00Z', to: '2026-03-14T09:10:00Z' };
    const whole = await demo.query(EventsDocument, { window, order, first: 1000 });
    expect(whole.events.pageInfo.hasNextPage).toBe(false);
    expect(whole.events.edges.length).toBeGreaterThan(150);
    const paged: string[] = [];
    let after: string | null | undefined;
    for (let i = 0; i < 100; i++) {
      const { events } = await demo.query(EventsDocument, { window, order, first: 37, after });
      paged.push(...events.edges.map(keyOf));
      if (!events.pageInfo.hasNextPage) break;
      after = events.pageInfo.endCursor;
    }
    expect(paged).toEqual(whole.events.edges.map(keyOf));
  });

  it('filters by action with a wildcard, and says what ran locally', async () => {
    const { events } = await demo.query(EventsDocument, { window: INCIDENT, filter: { action: ['iam:*'], outcome: ['SUCCESS'] }, first: 200 });
    expect(events.edges.length).toBeGreaterThan(0);
    expect(events.edges.every((e) => e.node.action.startsWith('iam:') && e.node.outcome === 'SUCCESS')).toBe(true);
  });

  it('explains a query: pruned partitions per archive, pushdown and residual', async () => {
    const { explain } = await demo.query(ExplainDocument, { window: { from: '2026-03-14T09:00:00Z', to: '2026-03-14T10:00:00Z' }, filter: { identity: ['alice@example.com'] } });
    const trail = explain.sources.find((s) => s.source.id === 'aws-trail')!;
    expect(trail.partitions!.length).toBeGreaterThan(0);
    expect(trail.partitions!.length).toBeLessThan(trail.partitionsTotal! / 5);
    const k8s = explain.sources.find((s) => s.source.id === 'prod-eks-audit')!;
    expect(k8s.partitions!.length).toBeLessThan(k8s.partitionsTotal!);
    expect(explain.sources.every((s) => s.queried && s.residual.length === 1)).toBe(true);
  });

  it('refuses bad input with a named error code, over HTTP', async () => {
    const q = 'query($w: TimeWindowInput!, $f: EventFilterInput, $first: Int, $after: String) { events(window: $w, filter: $f, first: $first, after: $after) { edges { cursor } pageInfo { endCursor } } }';
    const codeOf = async (vars: Record<string, unknown>) => {
      const error = (await demo.raw(q, vars)).errors?.[0];
      expect(error?.extensions?.stacktrace).toBeUndefined();
      return error?.extensions?.code;
    };
    expect(await codeOf({ w: { from: INCIDENT.to, to: INCIDENT.from } })).toBe('BAD_WINDOW');
    expect(await codeOf({ w: { last: 'one hour' } })).toBe('BAD_WINDOW');
    expect(await codeOf({ w: INCIDENT, first: 5000 })).toBe('BAD_PAGE_SIZE');
    expect(await codeOf({ w: INCIDENT, f: { sources: ['splunk'] } })).toBe('UNKNOWN_SOURCE');
    expect(await codeOf({ w: INCIDENT, f: { sourceIp: ['198.51.100'] } })).toBe('BAD_FILTER');
    const first = await demo.raw<{ events: { pageInfo: { endCursor: string } } }>(q, { w: INCIDENT, first: 5 });
    const after = first.data!.events.pageInfo.endCursor;
    expect(await codeOf({ w: { from: '2026-03-14T08:00:00Z', to: INCIDENT.to }, first: 5, after })).toBe('BAD_CURSOR');
    expect(await codeOf({ w: INCIDENT, first: 5, after: `${after}x` })).toBe('BAD_CURSOR');
  });
});
