import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { buildAuditgraphSchema } from '../../../src/schema/build';
import { DemoServer } from '../../e2e/harness';
import { normalized, stringsOf, walkDocument } from './schema-walk';

/** both sides of a comparison get all the time they need: a page cut by the deadline on a busy machine is not a leak */
const SLOW_MACHINE = { deadlineMs: 600_000 };
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const INCIDENT = '{ from: "2026-03-14T08:45:00Z", to: "2026-03-14T10:00:00Z" }';
const ALL = ['okta', 'flyte', 'prod-eks-audit', 'aws-trail', 'gcp-audit', 'azure-activity'];
const KINDS: Record<string, string> = { okta: 'IDENTITY_PROVIDER', flyte: 'EXECUTION', 'prod-eks-audit': 'KUBERNETES_AUDIT', 'aws-trail': 'CLOUD_AUDIT', 'gcp-audit': 'CLOUD_AUDIT', 'azure-activity': 'CLOUD_AUDIT' };

/**
 * For any split of the demo's sources over a caller's roles (written as ids or kinds, one role or several), the
 * caller is answered what a server configured with only the union of those sources answers.
 */
describe('authorization over random role assignments', () => {
  it('a caller of any roles sees exactly what a server of just their sources shows', async () => {
    const schema = await buildAuditgraphSchema();
    const { documents } = walkDocument(schema, { window: INCIDENT, ref: '"alice@example.com"', 'Query.run.id': '"fz3k9q2m1x"', first: '10' });
    const picked = documents.filter((d) => /^query Walk_(events|identity|sources|explain) /.test(d));
    expect(picked).toHaveLength(4);

    const roleSets = fc.array(fc.subarray(ALL, { minLength: 1 }), { minLength: 1, maxLength: 3 });
    await fc.assert(
      fc.asyncProperty(roleSets, fc.boolean(), async (roles, asKinds) => {
        const visible = ALL.filter((id) => roles.some((r) => r.includes(id)));
        // a role written with a kind grants every source of that kind: only write kinds that mean the same set
        const written = (ids: string[]) => (asKinds ? ids.map((id) => (ALL.filter((x) => KINDS[x] === KINDS[id]).every((x) => ids.includes(x)) ? KINDS[id] : id)) : ids);
        const key = 'ag_property_caller_0123456789';
        const auth = {
          apiKeys: [{ id: 'caller', sha256: sha256(key), roles: roles.map((_, i) => `r${i}`) }],
          roles: roles.map((ids, i) => ({ name: `r${i}`, sources: [...new Set(written(ids))], raw: true, admin: true })),
        };
        const full = await DemoServer.startWith({ auth, query: SLOW_MACHINE }, {}, { authorization: `Bearer ${key}` });
        const reference = await DemoServer.startWith({ query: SLOW_MACHINE, sources: (demo) => demo.filter((s) => visible.includes(s.id as string)) });
        try {
          for (const document of picked) {
            const got = await full.raw(document);
            const expected = await reference.raw(document);
            expect(normalized(got)).toEqual(normalized(expected));
            // a hidden source's id appears no more often than on the server that does not have the source at all: there
            // only as data (the demo's Kubernetes namespace is called `flyte`, as the source of Flyte's executions is)
            const strings = stringsOf(got.data);
            const asData = stringsOf(expected.data);
            for (const hidden of ALL.filter((id) => !visible.includes(id))) expect(strings.filter((s) => s === hidden)).toEqual(asData.filter((s) => s === hidden));
          }
        } finally {
          await full.stop();
          await reference.stop();
        }
      }),
      { numRuns: 4 },
    );
  }, 240_000);
});
