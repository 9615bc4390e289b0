import { RunDocument, RunLinksDocument, RunTimelineDocument, RunsDocument, type RunTimelineQuery, type RunsQuery } from '../generated/graphql';
import { DemoServer } from './harness';

const DAY = { from: '2026-03-14T00:00:00Z', to: '2026-03-15T00:00:00Z' };

let demo: DemoServer;
beforeAll(async () => {
  demo = await DemoServer.start();
}, 120_000);
afterAll(async () => {
  await demo?.stop();
});

type TimelineEdge = NonNullable<RunTimelineQuery['run']>['timeline']['edges'][number];

/** The whole timeline of a run over HTTP, page after page. */
async function timeline(id: string, first = 100): Promise<TimelineEdge[]> {
  const edges: TimelineEdge[] = [];
  let after: string | null = null;
  for (let i = 0; i < 100; i++) {
    const { run }: RunTimelineQuery = await demo.query(RunTimelineDocument, { id, first, after });
    if (!run) throw new Error(`no run ${id}`);
    edges.push(...run.timeline.edges);
    if (!run.timeline.pageInfo.hasNextPage) return edges;
    after = run.timeline.pageInfo.endCursor ?? null;
  }
  throw new Error('too many pages');
}

describe('runs on the bundled demo, over HTTP', () => {
  it("gives the incident run: launched by alice, aborted by bob for 'suspicious activity', with its lifecycle", async () => {
    const facts = demo.manifest.incident.flyte;
    const { run } = await demo.query(RunDocument, { id: facts.runId });
    expect(run).toMatchObject({
      id: 'ml/production/fz3k9q2m1x',
      phase: 'ABORTED',
      mode: 'MANUAL',
      launchedBy: { name: 'alice@example.com', type: 'USER' },
      abortedBy: { name: 'bob@example.com', type: 'USER' },
      abort: { cause: 'suspicious activity', principal: { name: 'bob@example.com' } },
      createdAt: facts.createdAt,
      endedAt: facts.abortedAt,
      launchPlan: { name: 'ml.train.train_pipeline' },
      namespace: 'ml-production',
      serviceAccount: 'ml-training',
      source: { id: 'flyte', type: 'flyte', kind: 'EXECUTION' },
      pods: [facts.podName],
    });
    expect(run?.launchedBy?.aliases).toEqual(expect.arrayContaining([{ kind: 'EMAIL', value: 'alice@example.com', field: 'spec.metadata.principal' }]));
    expect(run?.lifecycle.map((e) => `${e.action} ${e.actor.name}`)).toEqual([
      'execution.created alice@example.com',
      'execution.started flytepropeller',
      'node.queued flytepropeller',
      'task.queued flytepropeller',
      'node.running flytepropeller',
      'task.running flytepropeller',
      'execution.aborted bob@example.com',
      'node.aborted flytepropeller',
      'task.aborted flytepropeller',
    ]);
    const taskQueued = run?.lifecycle.find((e) => e.action === 'task.queued');
    expect(taskQueued?.targets).toContainEqual({ type: 'pods', name: facts.podName, namespace: 'ml-production', uid: null });
  });

  it('finds it by its bare name too, and answers null for a run nobody has', async () => {
    const { run } = await demo.query(RunDocument, { id: 'fz3k9q2m1x' });
    expect(run?.id).toBe('ml/production/fz3k9q2m1x');
    expect((await demo.query(RunDocument, { id: 'ml/production/nosuchrun' })).run).toBeNull();
    expect((await demo.query(RunDocument, { id: 'nosuchrun' })).run).toBeNull();
  });

  it("holds the pod's Kubernetes events and the IRSA role's CloudTrail calls, each with its evidence", async () => {
    const { k8s, cloudtrail } = demo.manifest.incident;
    const edges = await timeline('ml/production/fz3k9q2m1x', 7);
    const byId = new Map(edges.map((e) => [`${e.node.source.id}/${e.node.id}`, e]));
    const evidence = (source: string, id: string) => byId.get(`${source}/${id}`)?.evidence ?? [];

    expect(evidence('prod-eks-audit', k8s.podCreate.id)).toEqual(["pod fz3k9q2m1x-n0-0 is the run's task pod (task execution n0 attempt 0)"]);
    expect(byId.get(`prod-eks-audit/${k8s.podCreate.id}`)?.node.actor.name).toBe('system:serviceaccount:flyte:flytepropeller');
    expect(evidence('prod-eks-audit', k8s.podSecretsList.id)).toEqual([expect.stringMatching(/^made from the run's pod fz3k9q2m1x-n0-0 \(user\.extra/)]);
    expect(evidence('prod-eks-audit', k8s.podDelete.id)).toHaveLength(1);
    expect(evidence('prod-eks-audit', k8s.workflowCreate.id)).toEqual(["FlyteWorkflow ml-production/fz3k9q2m1x is the run's workflow object"]);
    expect(evidence('aws-trail', cloudtrail.assumeRoleWithWebIdentity.id)).toEqual([
      `temporary key ASIAEXAMPLERUN00001 issued to ml-training-irsa for ml-production/ml-training by AssumeRoleWithWebIdentity at 2026-03-14T09:11:03Z (event ${cloudtrail.assumeRoleWithWebIdentity.id}), while the run's pod fz3k9q2m1x-n0-0 was running`,
    ]);
    const calls = edges.filter((e) => e.node.source.id === 'aws-trail' && e.node.rawAction !== 'AssumeRoleWithWebIdentity');
    expect(calls.map((e) => e.node.id)).toEqual(cloudtrail.runSessionCalls.map((c) => c.id));
    expect(calls.map((e) => e.node.rawAction)).toEqual(['GetCallerIdentity', 'GetSecretValue', 'ListBuckets', 'GetSecretValue']);
    expect(calls.find((e) => e.node.rawAction === 'GetSecretValue')?.node.targets).toContainEqual({ type: 'AWS::SecretsManager::Secret', name: 'prod/db-password', uid: null, namespace: null });
    for (const c of calls) expect(c.evidence).toEqual([expect.stringMatching(/^made with temporary key ASIAEXAMPLERUN00001 \(userIdentity\.accessKeyId\) issued to ml-training-irsa/)]);
    expect(edges.filter((e) => e.node.source.id === 'flyte').map((e) => e.node.action)).toEqual(['execution.created', 'execution.started', 'execution.aborted']);
    // every edge says why; oldest first; nothing twice across the pages
    expect(edges.every((e) => e.evidence.length > 0)).toBe(true);
    const times = edges.map((e) => Date.parse(e.node.time));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(byId.size).toBe(edges.length);
  });

  it("leaves out what the same service account did for the scheduled run before it (another run's key)", async () => {
    const edges = await timeline('fz3k9q2m1x');
    // 09:05:07: the 09:00 run's second pod took a key for the same role, inside this run's window
    const aws = edges.filter((e) => e.node.source.id === 'aws-trail');
    expect(aws.every((e) => e.node.actor.aliases.every((a) => a.kind !== 'AWS_ACCESS_KEY' || a.value === 'ASIAEXAMPLERUN00001'))).toBe(true);
    expect(aws.map((e) => e.node.time).every((t) => t >= '2026-03-14T09:11:03')).toBe(true);
    expect(edges.some((e) => e.node.targets.some((t) => t.type.startsWith('pods') && !t.name.startsWith('fz3k9q2m1x')))).toBe(false);
    const { run } = await demo.query(RunLinksDocument, { id: 'fz3k9q2m1x' });
    expect(run?.links.credentials.map((c) => [c.value, c.attributed, c.role])).toEqual([['ASIAEXAMPLERUN00001', true, 'arn:aws:iam::111122223333:role/ml-training-irsa']]);
    expect(run?.links.excluded).toEqual([
      expect.objectContaining({ value: 'ASIAVNPEGPVSUQMNUSHZ', attributed: false, evidence: expect.stringMatching(/not the run's, none of its pods was running then .*running then as ml-production\/ml-training: f9c5d351128b5056e847-n1-0 \(run ml\/production\/f9c5d351128b5056e847\)$/) }),
    ]);
    expect(run?.links.serviceAccounts.map((s) => [s.username, s.pods])).toEqual([['system:serviceaccount:ml-production:ml-training', ['fz3k9q2m1x-n0-0']]]);
    expect(run?.links.timelineSources).toEqual(['flyte', 'prod-eks-audit', 'aws-trail']);
  });

  it('a run whose service account maps to no role: nothing from the cloud, and the links say so', async () => {
    const { runs } = await demo.query(RunsDocument, { window: DAY, filter: { project: ['data'], domain: ['production'], mode: ['SCHEDULED'] }, first: 1 });
    const id = runs.edges[0].node.id;
    const { run } = await demo.query(RunLinksDocument, { id });
    expect(run?.links.serviceAccounts.map((s) => s.username)).toEqual(['system:serviceaccount:data-production:default']);
    expect(run?.links.credentials).toEqual([]);
    expect(run?.links.notes).toEqual([expect.stringMatching(/^service account data-production\/default: no AssumeRoleWithWebIdentity \(IRSA\) or Workload Identity call by it in the window/)]);
    const edges = await timeline(id);
    expect(new Set(edges.map((e) => e.node.source.id))).toEqual(new Set(['flyte', 'prod-eks-audit']));
  });

  it("lists the day's runs newest first, page by page, and filters them", async () => {
    const seen: string[] = [];
    const created: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 20; i++) {
      const { runs }: RunsQuery = await demo.query(RunsDocument, { window: DAY, first: 40, after });
      seen.push(...runs.edges.map((e) => e.node.id));
      created.push(...runs.edges.map((e) => e.node.createdAt));
      expect(runs.sources.map((s) => [s.source.id, s.state])).toEqual([['flyte', 'OK']]);
      if (!runs.pageInfo.hasNextPage) break;
      after = runs.pageInfo.endCursor ?? null;
    }
    expect(seen).toHaveLength(demo.manifest.sources.flyte.records);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...created].sort().reverse()).toEqual(created);
    const alice = await demo.query(RunsDocument, { window: DAY, filter: { launchedBy: ['alice@example.com'] } });
    expect(alice.runs.edges.map((e) => [e.node.id, e.node.launchedBy?.name])).toEqual([['ml/production/fz3k9q2m1x', 'alice@example.com']]);
    const aborted = await demo.query(RunsDocument, { window: DAY, filter: { phase: ['ABORTED'] } });
    expect(aborted.runs.edges.map((e) => e.node.id)).toEqual(['ml/production/fz3k9q2m1x']);
  });

  it('refuses bad arguments with their error codes', async () => {
    const margin = await demo.raw(`{ run(id: "fz3k9q2m1x") { timeline(margin: "5 minutes") { edges { cursor } } } }`);
    expect(margin.errors?.[0].extensions?.code).toBe('BAD_WINDOW');
    const bad = await demo.raw(`{ run(id: "ml/fz3k9q2m1x") { id } }`);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_FILTER');
    const page = await demo.raw(`{ runs(window: {last: "P1D"}, first: 0) { edges { cursor } } }`);
    expect(page.errors?.[0].extensions?.code).toBe('BAD_PAGE_SIZE');
    const phase = await demo.raw(`{ runs(window: {last: "P1D"}, filter: {phase: ["DONE"]}) { edges { cursor } } }`);
    expect(phase.errors?.[0].extensions?.code).toBe('BAD_FILTER');
  });
});
