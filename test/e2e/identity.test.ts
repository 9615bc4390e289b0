import { ActorIdentitiesDocument, EventsDocument, IdentityDocument, IdentityEventsDocument, IdentityExplainDocument } from '../generated/graphql';
import { DemoServer } from './harness';

/** The demo's day: `identity(ref)` reads the last 7 days by default, so the demo needs its window spelled out. */
const DAY = { from: '2026-03-14T00:00:00Z', to: '2026-03-15T00:00:00Z' };
const INCIDENT = { from: '2026-03-14T08:45:00Z', to: '2026-03-14T10:00:00Z' };
const CI_BOT = 'arn:aws:iam::111122223333:user/ci-bot';

let demo: DemoServer;
beforeAll(async () => {
  demo = await DemoServer.start();
}, 120_000);
afterAll(async () => {
  await demo?.stop();
});

/** The demo's own record of an action, read through the API, so that evidence is checked against real event ids. */
async function eventOf(action: string, sourceIp?: string) {
  const { events } = await demo.query(EventsDocument, { window: INCIDENT, filter: { action: [action], ...(sourceIp ? { sourceIp: [sourceIp] } : {}) }, first: 10 });
  expect(events.edges).toHaveLength(1);
  return events.edges[0].node;
}

describe('identity on the bundled demo, over HTTP', () => {
  it("lists alice's aliases across the six trails, each with the rule and event that tied it", async () => {
    const { identity } = await demo.query(IdentityDocument, { ref: 'alice@example.com', window: DAY });
    expect(identity).not.toBeNull();
    const alice = identity!;
    expect(alice.id).toBe('alice@example.com');
    const has = (kind: string, value: string, scope: string | null = null) => alice.aliases.find((a) => a.kind === kind && a.value === value && (a.scope ?? null) === scope);
    expect(has('OKTA_USER_ID', '00u1alice00000000001')!.rule).toBe('okta.actor');
    expect(has('AWS_IDENTITY_CENTER_USER', 'alice@example.com')).toBeDefined();
    const session = has('AWS_ROLE_SESSION', 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_3f2a1b9c/alice@example.com')!;
    expect(session.rule).toBe('aws.identity-center-session');
    expect(session.evidence).toMatch(/^AWSReservedSSO_AdministratorAccess_3f2a1b9c is an Identity Center permission set: its session name alice@example.com is the Identity Center user \(aws-trail event [0-9a-f-]{36} at 2026-03-14T/);
    expect(has('K8S_USER', 'oidc:alice@example.com', 'prod-eks-audit')!.rule).toBe('config.oidc-prefix');
    expect(has('GCP_PRINCIPAL', 'alice@example.com')!.evidence).toContain('gcp-audit event projects/acme-ml-prod/');
    expect(has('AZURE_CALLER', 'alice@example.com')).toBeDefined();
    expect(has('AZURE_OBJECT_ID', '37c65162-fa62-441d-8230-f03f07a2f22c')!.rule).toBe('azure.claims');
    expect(has('FLYTE_PRINCIPAL', 'alice@example.com')!.evidence).toContain('flyte event ml/production/fz3k9q2m1x#created');
    expect(alice.aliases.every((a) => a.evidence !== '' && a.flags.length === 0)).toBe(true);
    // nobody else's names: not bob's, not the shared permission-set role, not the ci-bot key she created
    expect(alice.aliases.filter((a) => !a.value.includes('alice') && a.kind !== 'OKTA_USER_ID' && a.kind !== 'AZURE_OBJECT_ID').map((a) => a.kind).sort()).toEqual(['AWS_ACCESS_KEY', 'AWS_ACCESS_KEY']);
    expect(alice.discovery).toMatchObject({ window: { from: '2026-03-14T00:00:00.000Z', to: '2026-03-15T00:00:00.000Z' }, truncated: false });
  });

  it("ci-bot's new key is ci-bot's, issued by alice's CreateAccessKey at 09:03 (event id in the evidence)", async () => {
    const created = await eventOf('iam:CreateAccessKey');
    const { identity } = await demo.query(IdentityDocument, { ref: 'AKIAEXAMPLECIBOT0001', window: DAY });
    expect(identity!.discovery!.notes).toEqual([]);
    expect(identity!.id).toBe(CI_BOT);
    expect(identity!.displayName).toBe('ci-bot');
    const key = identity!.aliases.find((a) => a.value === 'AKIAEXAMPLECIBOT0001')!;
    expect(key.kind).toBe('AWS_ACCESS_KEY');
    expect(key.rule).toBe('aws.create-access-key');
    expect(key.evidence).toBe(`key AKIAEXAMPLECIBOT0001 was issued to IAM user ci-bot by alice@example.com via iam:CreateAccessKey at ${created.time} (aws-trail event ${created.id} at ${created.time})`);
    // the long-standing CI key is ci-bot's too, by use
    expect(identity!.aliases.find((a) => a.value === 'AKIAZ7CIBOTBUILD4K2Q')!.rule).toBe('aws.access-key-use');
  });

  it("the key's use at 09:30 from the attacker's IP carries that trace in its edge's evidence", async () => {
    const created = await eventOf('iam:CreateAccessKey');
    const { identity } = await demo.query(IdentityEventsDocument, { ref: 'AKIAEXAMPLECIBOT0001', window: INCIDENT, eventsWindow: { from: '2026-03-14T09:25:00Z', to: '2026-03-14T09:40:00Z' }, filter: { sourceIp: ['198.51.100.23'] }, order: 'OLDEST_FIRST', first: 50 });
    const edges = identity!.events.edges;
    expect(edges.map((e) => e.node.action)).toEqual(['s3:ListBuckets', 'secretsmanager:GetSecretValue', 'iam:CreateUser']);
    const first = edges[0];
    expect(first.node.time.startsWith('2026-03-14T09:30')).toBe(true);
    expect(first.evidence[0]).toBe(`actor AWS_IAM_USER ${CI_BOT} (userIdentity.arn): the identity's own name`);
    expect(first.evidence[1]).toContain(`actor AWS_ACCESS_KEY AKIAEXAMPLECIBOT0001 (userIdentity.accessKeyId): key AKIAEXAMPLECIBOT0001 was issued to IAM user ci-bot by alice@example.com via iam:CreateAccessKey`);
    expect(first.evidence[1]).toContain(`aws-trail event ${created.id}`);
    expect(edges.find((e) => e.node.action === 'iam:CreateUser')!.node.outcome).toBe('FAILURE');
    expect(edges.every((e) => e.node.actor.identity?.id === CI_BOT)).toBe(true);
  });

  it("alice's events of 08:45-10:00 come from all six sources, each edge saying which alias matched", async () => {
    const { identity } = await demo.query(IdentityEventsDocument, { ref: 'alice@example.com', window: INCIDENT, eventsWindow: INCIDENT, first: 500 });
    const events = identity!.events;
    expect(new Set(events.edges.map((e) => e.node.source.id))).toEqual(new Set(['okta', 'flyte', 'prod-eks-audit', 'aws-trail', 'gcp-audit', 'azure-activity']));
    expect(events.edges.every((e) => e.evidence.length > 0 && e.evidence[0].startsWith('actor '))).toBe(true);
    const k8s = events.edges.find((e) => e.node.source.id === 'prod-eks-audit')!;
    expect(k8s.evidence[0]).toMatch(/^actor K8S_USER oidc:alice@example.com \(in prod-eks-audit\) \(user.username\): prod-eks-audit prefixes OIDC usernames with "oidc:"/);
    // every event's actor resolves to the same identity through the per-request loaders
    expect(new Set(events.edges.map((e) => e.node.actor.identity?.id))).toEqual(new Set(['alice@example.com']));
    // the archives cannot be filtered upstream: each says which of her aliases it matches locally
    for (const s of events.sources) {
      expect(s.state).toBe('OK');
      expect(s.residual[0]).toMatch(/^identity=alice@example.com \(\d+ of its \d+ aliases can appear here: /);
    }
    // the same set as a plain identity filter gives, which expands by configuration only
    const { events: plain } = await demo.query(EventsDocument, { window: INCIDENT, filter: { identity: ['alice@example.com'] }, first: 500 });
    expect(events.edges.map((e) => e.node.id).sort()).toEqual(plain.edges.map((e) => e.node.id).sort());
  });

  it('pages an identity\'s events with cursors bound to the identity', async () => {
    const vars = { ref: 'alice@example.com', window: INCIDENT, eventsWindow: INCIDENT, order: 'OLDEST_FIRST' as const };
    const whole = await demo.query(IdentityEventsDocument, { ...vars, first: 500 });
    const paged: string[] = [];
    let after: string | null | undefined;
    for (let i = 0; i < 10; i++) {
      const { identity } = await demo.query(IdentityEventsDocument, { ...vars, first: 12, after });
      paged.push(...identity!.events.edges.map((e) => e.node.id));
      if (!identity!.events.pageInfo.hasNextPage) break;
      after = identity!.events.pageInfo.endCursor;
    }
    expect(paged).toEqual(whole.identity!.events.edges.map((e) => e.node.id));
    // a cursor of alice's events is refused for bob's
    const reply = await demo.raw<unknown>(
      'query($w: TimeWindowInput!, $d: TimeWindowInput, $a: String) { identity(ref: "bob@example.com", window: $d) { events(window: $w, order: OLDEST_FIRST, first: 7, after: $a) { edges { cursor } } } }',
      { w: INCIDENT, d: INCIDENT, a: whole.identity!.events.edges[6].cursor },
    );
    expect(reply.errors?.[0]?.extensions?.code).toBe('BAD_CURSOR');
  });

  it('the training service account maps to its IRSA role and the temporary key of the run, from AssumeRoleWithWebIdentity', async () => {
    const { identity } = await demo.query(IdentityDocument, { ref: 'system:serviceaccount:ml-production:ml-training', window: { from: '2026-03-14T09:00:00Z', to: '2026-03-14T10:00:00Z' } });
    const role = identity!.aliases.find((a) => a.kind === 'AWS_ROLE')!;
    expect(role.value).toBe('arn:aws:iam::111122223333:role/ml-training-irsa');
    expect(role.rule).toBe('aws.web-identity');
    const key = identity!.aliases.find((a) => a.value === 'ASIAEXAMPLERUN00001')!;
    expect(key.evidence).toMatch(/^system:serviceaccount:ml-production:ml-training assumed arn:aws:iam::111122223333:role\/ml-training-irsa with AssumeRoleWithWebIdentity at 2026-03-14T09:11:03.000Z; it issued temporary key ASIAEXAMPLERUN00001 \(aws-trail event /);
    // no person is in it
    expect(identity!.aliases.some((a) => a.kind === 'EMAIL' || a.kind === 'OKTA_USER_ID')).toBe(false);
  });

  it('explains what an identity search asks of whom, and does not ask sources that cannot hold it', async () => {
    const { identity } = await demo.query(IdentityExplainDocument, { ref: 'system:serviceaccount:ml-production:ml-training', window: INCIDENT, eventsWindow: INCIDENT });
    const of = (id: string) => identity!.explain.sources.find((s) => s.source.id === id)!;
    expect(of('okta').queried).toBe(false);
    expect(of('okta').notes[0]).toMatch(/^not queried: none of the identity's aliases \(.*\) can appear in okta's events/);
    expect(of('azure-activity').queried).toBe(false);
    expect(of('aws-trail').queried).toBe(true);
    expect(of('aws-trail').partitions!.length).toBeGreaterThan(0);
  });

  it('an unknown ref is null, not an error; a look-alike is not alice', async () => {
    expect((await demo.query(IdentityDocument, { ref: 'alice@elsewhere.org', window: INCIDENT })).identity).toBeNull();
    const smith = await demo.raw<{ identity: unknown }>('query { identity(ref: "alice.smith@example.com", window: { from: "2026-03-14T08:45:00Z", to: "2026-03-14T10:00:00Z" }) { id } }');
    expect(smith.errors).toBeUndefined();
    expect(smith.data!.identity).toBeNull();
  });

  it("resolves a page's actors to identities: alice's Okta, AWS and Kubernetes names are one", async () => {
    const { events } = await demo.query(ActorIdentitiesDocument, { window: INCIDENT, filter: { sourceIp: ['198.51.100.23'] }, first: 200 });
    const ids = new Map<string, Set<string>>();
    for (const e of events.edges) {
      const id = e.node.actor.identity?.id ?? 'none';
      ids.set(id, (ids.get(id) ?? new Set()).add(e.node.source.id));
    }
    expect([...ids.get('alice@example.com')!].sort()).toEqual(['aws-trail', 'azure-activity', 'gcp-audit', 'okta', 'prod-eks-audit']);
    expect([...ids.get(CI_BOT)!]).toEqual(['aws-trail']);
  });
});
