import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DemoServer } from './harness';

/**
 * The demo with a Flyte export as `uctl get execution -o json` writes it: executions only, no node or task
 * executions. Every run's pods, service accounts and cloud credentials are then found from the Kubernetes audit,
 * and must be the same as on the full demo; no run is said to have "no pods" while the audit shows them.
 */

const VARIANT_ROOT = path.join(os.tmpdir(), 'auditgraph-e2e-demo-executions-only');

let variant: DemoServer;
let full: DemoServer;
// one query asks every run of the day for its links: a discovery pass per run, more than the default limit allows,
// and more time than the default deadline on a loaded test machine (a cut discovery says so in its notes, but
// this test is about what the trails show, not about the budget)
const MANY_RUNS = { limits: { maxSourceQueries: 500 }, query: { deadlineMs: 300_000, sourceTimeoutMs: 120_000 } };
beforeAll(async () => {
  variant = await DemoServer.startWith(MANY_RUNS, {}, {}, { root: VARIANT_ROOT, demo: { flyteNodeExecutions: false } });
  full = await DemoServer.startWith(MANY_RUNS);
}, 180_000);
afterAll(async () => {
  await variant?.stop();
  await full?.stop();
});

interface Links {
  pods: { name: string; nodeId: string | null; retryAttempt: number | null; phase: string | null; createdBy: string | null; discoveredBy: string | null; serviceAccount: string | null }[];
  serviceAccounts: { username: string; pods: string[]; evidence: string }[];
  credentials: { value: string; role: string | null; pods: string[] }[];
  excluded: { value: string }[];
  notes: string[];
}

const LINKS = 'links { pods { name nodeId retryAttempt phase createdBy discoveredBy serviceAccount } serviceAccounts { username pods evidence } credentials { value role pods } excluded { value } notes }';

async function data<T>(demo: DemoServer, query: string): Promise<T> {
  const reply = await demo.raw<T>(query);
  if (reply.errors?.length || !reply.data) throw new Error(JSON.stringify(reply.errors));
  return reply.data;
}

describe('runs tied from the trails themselves (a Flyte export without node or task executions)', () => {
  it('is a demo whose Flyte export holds executions only', () => {
    expect(variant.manifest.flyteNodeExecutions).toBe(false);
    expect(variant.manifest.sources.flyte).toMatchObject({ nodeExecutions: 0, taskExecutions: 0, files: 1 });
    expect(fs.existsSync(path.join(VARIANT_ROOT, 'flyte', 'node_executions'))).toBe(false);
    expect(full.manifest.sources.flyte.taskExecutions).toBeGreaterThan(100);
  });

  it("finds the incident run's pod, its service account and the IRSA key from the audit, each with the event it came from", async () => {
    const { k8s, cloudtrail } = variant.manifest.incident;
    const { run } = await data<{ run: { pods: string[]; lifecycle: { action: string }[]; links: Links } }>(variant, `{ run(id: "fz3k9q2m1x") { pods lifecycle { action } ${LINKS} } }`);
    // Flyte's own record has no task attempt: its lifecycle is the execution's, and its pods field says so
    expect(run.lifecycle.map((e) => e.action)).toEqual(['execution.created', 'execution.started', 'execution.aborted']);
    expect(run.pods).toEqual([]);
    const [pod] = run.links.pods;
    expect(run.links.pods).toHaveLength(1);
    expect(pod).toMatchObject({ name: 'fz3k9q2m1x-n0-0', nodeId: 'n0', retryAttempt: 0, phase: null, createdBy: `prod-eks-audit/${k8s.podCreate.id}`, serviceAccount: 'system:serviceaccount:ml-production:ml-training' });
    expect(pod.discoveredBy).toBe(`prod-eks-audit/${k8s.podCreate.id}: its create event ${k8s.podCreate.id} at ${new Date(k8s.podCreate.time).toISOString()} labels it execution-id=fz3k9q2m1x, project=ml, domain=production, node-id=n0`);
    expect(run.links.serviceAccounts).toEqual([
      { username: 'system:serviceaccount:ml-production:ml-training', pods: ['fz3k9q2m1x-n0-0'], evidence: expect.stringContaining(`(requestObject.spec.serviceAccountName, event ${k8s.podCreate.id})`) },
    ]);
    expect(run.links.credentials).toEqual([{ value: cloudtrail.assumeRoleWithWebIdentity.accessKeyId, role: cloudtrail.assumeRoleWithWebIdentity.roleArn, pods: ['fz3k9q2m1x-n0-0'] }]);
    expect(run.links.notes).toEqual([expect.stringMatching(/^Flyte's record of the run lists no task execution .*: its 1 pod\(s\) fz3k9q2m1x-n0-0 were found in the Kubernetes audit/)]);
  });

  it("holds the pod's Kubernetes events and the role's CloudTrail calls in the timeline, as on the full demo", async () => {
    const { k8s, cloudtrail } = variant.manifest.incident;
    const q = '{ run(id: "fz3k9q2m1x") { timeline(first: 500) { edges { evidence node { id source { id } } } } } }';
    type T = { run: { timeline: { edges: { evidence: string[]; node: { id: string; source: { id: string } } }[] } } };
    const mine = (await data<T>(variant, q)).run.timeline.edges;
    const theirs = (await data<T>(full, q)).run.timeline.edges;
    const evidence = (id: string) => mine.find((e) => e.node.id === id)?.evidence ?? [];
    expect(evidence(k8s.podCreate.id)).toEqual([`pod fz3k9q2m1x-n0-0 is the run's task pod (not in Flyte's record; found in the Kubernetes audit: its create event ${k8s.podCreate.id} at ${new Date(k8s.podCreate.time).toISOString()} labels it execution-id=fz3k9q2m1x, project=ml, domain=production, node-id=n0)`]);
    expect(evidence(k8s.podSecretsList.id)).toEqual([expect.stringMatching(/^made from the run's pod fz3k9q2m1x-n0-0 \(user\.extra\["authentication\.kubernetes\.io\/pod-name"\], not in Flyte's record/)]);
    expect(evidence(cloudtrail.assumeRoleWithWebIdentity.id)[0]).toMatch(/^temporary key ASIAEXAMPLERUN00001 issued to ml-training-irsa .* while the run's pod fz3k9q2m1x-n0-0 was running$/);
    for (const call of cloudtrail.runSessionCalls) expect(evidence(call.id)[0]).toMatch(/^made with temporary key ASIAEXAMPLERUN00001 \(userIdentity\.accessKeyId\)/);
    // the same events as the full demo's timeline, but Flyte's node and task events, which this export does not hold
    const key = (e: { node: { id: string; source: { id: string } } }) => `${e.node.source.id}/${e.node.id}`;
    const flyteDetail = (e: { node: { id: string; source: { id: string } } }) => e.node.source.id === 'flyte' && !/#(created|started|aborted)$/.test(e.node.id);
    expect(mine.map(key)).toEqual(theirs.filter((e) => !flyteDetail(e)).map(key));
  });

  it("ties every run of the day to the same pods, accounts and keys as Flyte's task executions do, and never says 'no pods' when the audit shows them", async () => {
    const q = `{ runs(window: {day: "demo"}, first: 200) { edges { node { id ${LINKS} } } } }`;
    type T = { runs: { edges: { node: { id: string; links: Links } }[] } };
    const mine = (await data<T>(variant, q)).runs.edges.map((e) => e.node);
    const theirs = new Map((await data<T>(full, q)).runs.edges.map((e) => [e.node.id, e.node.links]));
    expect(mine).toHaveLength(103);
    const summary = (l: Links) => ({
      pods: l.pods.map((p) => `${p.name} ${p.serviceAccount} ${p.createdBy}`),
      accounts: l.serviceAccounts.map((s) => `${s.username} ${s.pods.join(',')}`),
      credentials: l.credentials.map((c) => c.value),
      excluded: l.excluded.map((c) => c.value),
    });
    let credited = 0;
    for (const run of mine) {
      const flyte = theirs.get(run.id)!;
      expect([run.id, run.links.notes.filter((n) => /no pods/.test(n))]).toEqual([run.id, []]);
      expect([run.id, run.links.pods.length > 0]).toEqual([run.id, true]);
      expect([run.id, summary(run.links)]).toEqual([run.id, summary(flyte)]);
      expect(run.links.pods.every((p) => p.discoveredBy?.startsWith(`${p.createdBy}: its create event`))).toBe(true);
      // without Flyte's attempt ends a pod's life runs to its delete or the run's end: a key may be credited to
      // more of the run's pods than were running, never to fewer
      for (const c of run.links.credentials) {
        const exact = flyte.credentials.find((f) => f.value === c.value)!;
        expect([run.id, c.value, exact.pods.filter((p) => !c.pods.includes(p))]).toEqual([run.id, c.value, []]);
        credited += 1;
      }
    }
    expect(credited).toBeGreaterThan(20);
  }, 300_000);
});
