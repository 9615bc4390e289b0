import { createHash } from 'node:crypto';
import { buildAuditgraphSchema } from '../../../src/schema/build';
import { DemoServer } from '../../e2e/harness';
import { normalized, stringsOf, walkDocument } from './schema-walk';

/** both sides of a comparison get all the time they need: a page cut by the deadline on a busy machine is not a leak */
const SLOW_MACHINE = { deadlineMs: 600_000 };
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const INCIDENT = '{ from: "2026-03-14T08:45:00Z", to: "2026-03-14T10:00:00Z" }';
const ALL = ['okta', 'flyte', 'prod-eks-audit', 'aws-trail', 'gcp-audit', 'azure-activity'];
const VISIBLE = ['okta', 'flyte', 'prod-eks-audit'];
const HIDDEN = ALL.filter((s) => !VISIBLE.includes(s));

const KEYS = { restricted: 'ag_restricted_0123456789', cloud: 'ag_cloud_0123456789abcd', responder: 'ag_responder_0123456789', admin: 'ag_admin_0123456789abcde' };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

const auth = {
  apiKeys: [
    { id: 'restricted-job', sha256: sha256(KEYS.restricted), roles: ['idp-and-k8s'] },
    { id: 'cloud-job', sha256: sha256(KEYS.cloud), roles: ['cloud'] },
    { id: 'responder', sha256: sha256(KEYS.responder), roles: ['everything'] },
    { id: 'ops', sha256: sha256(KEYS.admin), roles: ['everything', 'ops'] },
  ],
  roles: [
    // admin, so that the walk differs from the reference only by the sources it sees
    { name: 'idp-and-k8s', sources: ['okta', 'EXECUTION', 'prod-eks-audit'], raw: true, admin: true },
    { name: 'cloud', sources: ['CLOUD_AUDIT'], raw: false },
    { name: 'everything', sources: ['*'], raw: true },
    { name: 'ops', sources: ['okta'], admin: true },
  ],
};

let server: DemoServer;
beforeAll(async () => {
  server = await DemoServer.startWith({ auth, query: SLOW_MACHINE });
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

const as = (key: string) => server.as(bearer(key));

describe('a caller sees only the sources their roles grant', () => {
  it('lists only those sources, and names a hidden one as it would an unconfigured one', async () => {
    const r = await as(KEYS.cloud).raw<{ sources: { id: string }[] }>('{ sources { id } }');
    expect(r.data?.sources.map((s) => s.id)).toEqual(['aws-trail', 'gcp-audit', 'azure-activity']);
    const hidden = await as(KEYS.cloud).raw(`{ events(window: ${INCIDENT}, filter: { sources: ["okta"] }) { edges { node { id } } } }`);
    expect(hidden.errors?.[0].extensions?.code).toBe('UNKNOWN_SOURCE');
    expect(hidden.errors?.[0].message).not.toMatch(/flyte|prod-eks-audit/);
    const reference = await DemoServer.startWith({ sources: (all) => all.filter((s) => ['aws-trail', 'gcp-audit', 'azure-activity'].includes(s.id as string)) });
    try {
      const unconfigured = await reference.raw(`{ events(window: ${INCIDENT}, filter: { sources: ["okta"] }) { edges { node { id } } } }`);
      expect(hidden.errors).toEqual(unconfigured.errors);
    } finally {
      await reference.stop();
    }
  });

  it("withholds raw payloads from a role without raw, and shows them to one with it", async () => {
    const q = `{ events(window: ${INCIDENT}, first: 20) { edges { node { source { id } raw } } } }`;
    const cloud = await as(KEYS.cloud).raw<{ events: { edges: { node: { source: { id: string }; raw: unknown } }[] } }>(q);
    expect(cloud.data!.events.edges.length).toBe(20);
    for (const e of cloud.data!.events.edges) expect(e.node.raw).toBe(`[withheld: the raw payloads of ${e.node.source.id} are not visible to your roles (auth.roles[].raw)]`);
    const responder = await as(KEYS.responder).raw<{ events: { edges: { node: { raw: unknown } }[] } }>(q);
    expect(responder.data!.events.edges.every((e) => typeof e.node.raw === 'object' && e.node.raw !== null)).toBe(true);
  });

  it('refuses a cursor made for another caller, even one with the same roles', async () => {
    const q = (after: string | null) => `{ events(window: ${INCIDENT}, first: 5${after ? `, after: "${after}"` : ''}) { pageInfo { endCursor } edges { node { id } } } }`;
    type Page = { events: { pageInfo: { endCursor: string }; edges: { node: { id: string } }[] } };
    const first = await as(KEYS.responder).raw<Page>(q(null));
    const cursor = first.data!.events.pageInfo.endCursor;
    const same = await as(KEYS.responder).raw<Page>(q(cursor));
    expect(same.errors).toBeUndefined();
    expect(same.data!.events.edges).toHaveLength(5);
    for (const other of [KEYS.admin, KEYS.restricted]) {
      const r = await as(other).raw<Page>(q(cursor));
      expect(r.errors?.[0].extensions?.code).toBe('BAD_CURSOR');
      expect(r.errors?.[0].message).toContain('issued to another caller');
    }
  });

  it('shows where sources read from to admins only: others see no absolute path', async () => {
    const q = `{ sources { id location health { message } } explain(window: ${INCIDENT}) { sources { request notes } } }`;
    const admin = await as(KEYS.admin).raw(q);
    const responder = await as(KEYS.responder).raw<{ sources: { id: string; location: string }[] }>(q);
    const root = server.manifest && (admin.data as { sources: { location: string }[] }).sources[0].location.replace(/\/okta$/, '');
    expect(root).toMatch(/^\/.+auditgraph-e2e-demo$/);
    expect(stringsOf(admin.data).some((s) => s.includes(root))).toBe(true);
    expect(stringsOf(responder.data).filter((s) => s.includes(root))).toEqual([]);
    expect(responder.data!.sources.map((s) => s.location)).toEqual([
      '…/okta',
      '…/flyte',
      '…/k8s-audit',
      '…/cloudtrail (CloudTrail S3 layout, delivery lag 15 min)',
      '…/gcp (Cloud Storage sink layout: activity, data_access, system_event, policy)',
      '…/azure',
    ]);
    expect(stringsOf(responder.data).some((s) => s.startsWith('export files under …/azure/insights-activity-logs'))).toBe(true);
  });
});

describe('every field of the schema, walked by a restricted caller', () => {
  it('answers exactly what a server configured with only the visible sources answers', async () => {
    const schema = await buildAuditgraphSchema();
    const values = { window: INCIDENT, ref: '"alice@example.com"', 'Query.run.id': `"${server.manifest.incident.flyte.runId}"`, first: '10' };
    const { documents, covered, all } = walkDocument(schema, values);
    expect([...all].filter((c) => !covered.has(c))).toEqual([]);
    expect(covered.size).toBeGreaterThan(150);

    // fresh servers on both sides, so that what earlier reads taught the sources (file time spans) is alike
    const full = await DemoServer.startWith({ auth, query: SLOW_MACHINE });
    const reference = await DemoServer.startWith({ query: SLOW_MACHINE, sources: (demo) => demo.filter((s) => VISIBLE.includes(s.id as string)) });
    try {
      const seen: string[] = [];
      for (const document of documents) {
        const restricted = await full.as(bearer(KEYS.restricted)).raw(document);
        const expected = await reference.raw(document);
        expect(restricted.errors).toBeUndefined();
        expect(expected.errors).toBeUndefined();
        expect(normalized(restricted.data)).toEqual(normalized(expected.data));
        // nothing of a hidden source, anywhere: not its id, not its events
        const strings = stringsOf(restricted.data);
        for (const id of HIDDEN) expect(strings.filter((s) => s.includes(id))).toEqual([]);
        // and the walk does reach what it must not show when everything is visible
        stringsOf((await full.as(bearer(KEYS.responder)).raw(document)).data, seen);
      }
      for (const id of HIDDEN) expect(seen.some((s) => s === id)).toBe(true);
      expect(seen.some((s) => s.startsWith('arn:aws:iam::'))).toBe(true);
    } finally {
      await full.stop();
      await reference.stop();
    }
  }, 120_000);
});
