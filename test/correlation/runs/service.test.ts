import * as fs from 'node:fs';
import * as path from 'node:path';
import { AmbiguousRunError, type RunService } from '../../../src/correlation/runs';
import { RunService as Runs } from '../../../src/correlation/runs/service';
import { AuditgraphError, ErrorCode, SortOrder, SourceError, type Source } from '../../../src/domain';
import { QueryEngine, type EventEdge } from '../../../src/query/engine';
import { CT_IDS, K8S_IDS, KEY_A, KEY_B, KEY_SHARED, buildScenario, type Scenario } from './scenario';

let scenario: Scenario;
let runs: RunService;

beforeAll(() => {
  scenario = buildScenario();
});
afterAll(() => scenario.cleanup());
beforeEach(() => {
  runs = scenario.service();
});

async function handle(id: string) {
  const h = await runs.resolve(id);
  if (!h) throw new Error(`no run ${id}`);
  return h;
}

/** Every edge of the timeline, following the cursor page by page. */
async function wholeTimeline(id: string, args: { first?: number; margin?: string; order?: SortOrder } = {}): Promise<EventEdge[]> {
  const h = await handle(id);
  const edges: EventEdge[] = [];
  let after: string | undefined;
  for (let page = 0; page < 50; page++) {
    const result = await runs.timeline(h, { ...args, after });
    edges.push(...result.edges);
    if (!result.hasNextPage) return edges;
    after = result.endCursor;
  }
  throw new Error('too many pages');
}

const idsOf = (edges: EventEdge[]) => edges.map((e) => e.event.id);
const bySource = (edges: EventEdge[], source: string) => edges.filter((e) => e.event.sourceId === source).map((e) => e.event.id);

async function expectError(promise: Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AuditgraphError);
  expect((err as AuditgraphError).code).toBe(code);
  if (message) expect((err as Error).message).toMatch(message);
}

describe('finding a run', () => {
  it('by project/domain/name, or by its bare name when one run has it', async () => {
    const full = await handle('ml/production/arun00001');
    expect(full.source.id).toBe('flyte');
    expect(full.run).toMatchObject({ runId: 'ml/production/arun00001', phase: 'ABORTED', principal: 'alice@example.com' });
    expect((await handle('arun00001')).run.runId).toBe('ml/production/arun00001');
  });

  it('answers null for a run nobody has, and refuses an id that cannot be one', async () => {
    expect(await runs.resolve('ml/production/nosuchrun')).toBeNull();
    expect(await runs.resolve('nosuchrun')).toBeNull();
    // right name, wrong place
    expect(await runs.resolve('data/production/arun00001')).toBeNull();
    await expectError(runs.resolve('ml/arun00001'), ErrorCode.BAD_FILTER, /project\/domain\/name/);
    await expectError(runs.resolve('ml/production/a b'), ErrorCode.BAD_FILTER);
  });

  it('refuses a bare name two runs have, naming both; the full id picks one', async () => {
    const err = await runs.resolve('dupname01').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmbiguousRunError);
    expect((err as AmbiguousRunError).candidates).toEqual(['flyte:data/development/dupname01', 'flyte:ml/development/dupname01']);
    expect((await handle('data/development/dupname01')).run.mode).toBe('SCHEDULED');
  });

  it('refuses an unknown execution source', async () => {
    await expectError(runs.resolve('arun00001', 'trail'), ErrorCode.UNKNOWN_SOURCE, /no execution source with id "trail"/);
  });
});

describe("a run's lifecycle", () => {
  it('holds the execution, its nodes and task attempts in time order, with the pods', async () => {
    const detail = await runs.detail(await handle('arun00001'));
    expect(detail.pods.map((p) => p.name)).toEqual(['arun00001-n0-0', 'arun00001-n0-1']);
    expect(detail.lifecycle.map((e) => e.action)).toEqual([
      'execution.created',
      'execution.started',
      'node.queued',
      'task.queued',
      'node.running',
      'task.running',
      'task.failed',
      'task.queued',
      'task.running',
      'task.aborted',
      'node.aborted',
      'execution.aborted',
    ]);
    const aborted = detail.lifecycle[detail.lifecycle.length - 1];
    expect(aborted.actor.name).toBe('bob@example.com');
    expect(aborted.outcomeReason).toBe('suspicious activity');
    // the lifecycle's execution events are the source's own: same ids as the engine returns
    expect(detail.lifecycle.filter((e) => e.action.startsWith('execution.')).map((e) => e.id)).toEqual([
      'ml/production/arun00001#created',
      'ml/production/arun00001#started',
      'ml/production/arun00001#aborted',
    ]);
  });

  it('a run that failed before any pod ran has no pods', async () => {
    const detail = await runs.detail(await handle('drun00004'));
    expect(detail.pods).toEqual([]);
    // the node and the execution failed in the same millisecond: ties go by id
    expect(detail.lifecycle.map((e) => e.action)).toEqual(['execution.created', 'execution.started', 'node.queued', 'execution.failed', 'node.failed']);
  });
});

describe("a run's timeline", () => {
  it("holds its lifecycle, its pods' Kubernetes events and the calls of the keys its pods obtained, each with evidence", async () => {
    const edges = await wholeTimeline('arun00001');
    expect(bySource(edges, 'flyte')).toEqual(['ml/production/arun00001#created', 'ml/production/arun00001#started', 'ml/production/arun00001#aborted']);
    expect(bySource(edges, 'eks-audit')).toEqual([
      K8S_IDS.workflowCreateA,
      K8S_IDS.podCreateA0,
      K8S_IDS.bindA0,
      K8S_IDS.fromPodA0,
      K8S_IDS.podCreateA1,
      K8S_IDS.legacyShared,
      K8S_IDS.legacyAOnly,
      K8S_IDS.fromPodA1,
      K8S_IDS.deleteA1,
    ]);
    expect(bySource(edges, 'trail')).toEqual([CT_IDS.assumeShared, CT_IDS.useShared, CT_IDS.assumeA, CT_IDS.useA1, CT_IDS.useA2, CT_IDS.useAAfter]);
    for (const e of edges) expect(e.evidence.length).toBeGreaterThan(0);
    const times = edges.map((e) => e.event.time.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const evidence = (id: string) => edges.find((e) => e.event.id === id)?.evidence;
    expect(evidence(K8S_IDS.fromPodA1)).toEqual([expect.stringContaining("made from the run's pod arun00001-n0-1")]);
    expect(evidence(CT_IDS.useA1)).toEqual([expect.stringContaining(`made with temporary key ${KEY_A}`)]);
    expect(evidence(CT_IDS.useShared)?.[0]).toMatch(/shared: other pods of ml-production\/ml-training were running then: brun00002-n0-0/);
    expect(evidence(K8S_IDS.legacyShared)?.[0]).toMatch(/not tied to this run's pods/);
  });

  it("leaves out another run's pods and keys, even of the same service account and inside the window", async () => {
    const ids = idsOf(await wholeTimeline('arun00001'));
    for (const id of [K8S_IDS.fromPodB, K8S_IDS.podCreateLookalike, K8S_IDS.fromPodLookalike, K8S_IDS.otherNamespaceSameName, K8S_IDS.podCreateC, K8S_IDS.podCreateD, CT_IDS.useB, CT_IDS.personRead]) {
      expect(ids).not.toContain(id);
    }
    // the other run sees its own key and the shared one, never this run's own
    const other = await wholeTimeline('brun00002');
    expect(bySource(other, 'trail')).toEqual([CT_IDS.assumeB, CT_IDS.useB, CT_IDS.assumeShared, CT_IDS.useShared]);
    expect(idsOf(other)).toContain(K8S_IDS.fromPodB);
    expect(idsOf(other)).not.toContain(K8S_IDS.fromPodA0);
    const links = await runs.links(await handle('brun00002'));
    expect(links.excluded.map((c) => c.value)).toEqual([KEY_A]);
    expect(links.credentials.map((c) => c.value)).toEqual([KEY_B, KEY_SHARED]);
  });

  it('pages with a cursor bound to the run: the same events, none twice, and the margin moves the window', async () => {
    const all = idsOf(await wholeTimeline('arun00001'));
    const paged = idsOf(await wholeTimeline('arun00001', { first: 4 }));
    expect(paged).toEqual(all);
    const newest = idsOf(await wholeTimeline('arun00001', { first: 5, order: SortOrder.NEWEST_FIRST }));
    expect(newest).toEqual([...all].reverse());
    const tight = idsOf(await wholeTimeline('arun00001', { margin: 'PT0S' }));
    expect(tight).not.toContain(CT_IDS.useAAfter); // 10:43, after the run
    expect(tight).not.toContain(K8S_IDS.deleteA1); // 10:40:00.5, after the run's end at 10:40:00.2
    expect(tight).toContain('ml/production/arun00001#aborted'); // the end itself is in the run's window
    expect(tight).toEqual(all.filter((id) => id !== CT_IDS.useAAfter && id !== K8S_IDS.deleteA1));
    const first = await runs.timeline(await handle('arun00001'), { first: 2 });
    await expectError(runs.timeline(await handle('brun00002'), { first: 2, after: first.endCursor }), ErrorCode.BAD_CURSOR);
    await expectError(runs.timeline(await handle('arun00001'), { first: 2, margin: 'PT10M', after: first.endCursor }), ErrorCode.BAD_CURSOR);
  });

  it('a service account with no role mapping: no cloud source is read, and the links say why', async () => {
    const h = await handle('crun00003');
    const links = await runs.links(h);
    expect(links.serviceAccounts.map((s) => s.username)).toEqual(['system:serviceaccount:data-development:default']);
    expect(links.credentials).toEqual([]);
    expect(links.notes).toEqual([
      'service account data-development/default: no AssumeRoleWithWebIdentity (IRSA) or Workload Identity call by it in the window: it maps to no cloud role here, so no cloud activity is tied to the run',
    ]);
    expect(links.timelineSources).toEqual(['flyte', 'eks-audit']);
    const page = await runs.timeline(h, {});
    expect(page.statuses.map((s) => s.sourceId)).toEqual(['flyte', 'eks-audit']);
    expect(idsOf(page.edges)).toEqual(['data/development/crun00003#created', 'data/development/crun00003#started', K8S_IDS.podCreateC, 'k-from-c', 'data/development/crun00003#succeeded']);
  });

  it('a run with no pods: its lifecycle and the records that name it, nothing from the cloud', async () => {
    const h = await handle('drun00004');
    const links = await runs.links(h);
    expect(links.pods).toEqual([]);
    expect(links.notes).toEqual([expect.stringMatching(/^the run has no pods/)]);
    // Flyte's record alone is not taken for "no pods": the audit was read, and its refused create is named
    expect(links.statuses.map((s) => [s.sourceId, s.state])).toEqual([['eks-audit', 'OK']]);
    expect(links.notes[0]).toContain(`the Kubernetes audit shows no pod created for it in the window (labels execution-id=drun00004, or a pod named drun00004-<node>-<attempt> in data-production); 1 pod create(s) naming it were refused (event ${K8S_IDS.podCreateD}`);
    const page = await runs.timeline(h, {});
    expect(page.edges.map((e) => [e.event.id, e.evidence[0]])).toEqual([
      ['data/production/drun00004#created', "the run's own lifecycle event (execution.created)"],
      ['data/production/drun00004#started', "the run's own lifecycle event (execution.started)"],
      [K8S_IDS.podCreateD, expect.stringContaining('the Kubernetes record names the run')],
      ['data/production/drun00004#failed', "the run's own lifecycle event (execution.failed)"],
    ]);
  });

  it('a running run: the window runs to now, the cloud sources stay in (its links may still grow), its cursor keeps working', async () => {
    const h = await handle('erun00005');
    const links = await runs.links(h);
    expect(links.credentials).toEqual([]);
    expect(links.timelineSources).toEqual(['flyte', 'eks-audit', 'trail']);
    const edges = await wholeTimeline('erun00005', { first: 1 });
    expect(idsOf(edges)).toEqual(['ml/production/erun00005#created', 'ml/production/erun00005#started', K8S_IDS.podCreateE, K8S_IDS.afterEverything]);
    expect(edges[3].evidence[0]).toMatch(/^made by service account ml-production\/ml-training, which the run's pod erun00005-n0-0 runs as; same service account, not tied/);
    const page = await runs.timeline(h, { first: 1 });
    expect(page.window.to.getTime()).toBeGreaterThan(Date.parse('2026-03-14T12:00:00Z'));
  });

  it('discovers once per run and margin in a request, and checks arguments before reading anything', async () => {
    const spy = jest.spyOn(scenario.engine, 'events');
    try {
      const h = await handle('arun00001');
      await runs.timeline(h, { first: 3 });
      await runs.timeline(h, { first: 3 });
      await runs.links(h);
      // two discovery reads (pods, then cloud calls), then one per timeline page
      expect(spy).toHaveBeenCalledTimes(4);
      spy.mockClear();
      await expectError(runs.timeline(h, { first: 0 }), ErrorCode.BAD_PAGE_SIZE);
      await expectError(runs.timeline(h, { margin: 'five minutes' }), ErrorCode.BAD_WINDOW, /^margin: expected an ISO-8601 duration/);
      await expectError(runs.timeline(h, { margin: 'P2D' }), ErrorCode.BAD_WINDOW, /at most P1D/);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('keeps a source that failed in the discovery statuses and notes, instead of failing the run', async () => {
    const folder = path.join(scenario.root, 'cloudtrail');
    fs.renameSync(folder, `${folder}.offline`);
    try {
      const links = await runs.links(await handle('arun00001'));
      expect(links.credentials).toEqual([]);
      const trail = links.statuses.find((s) => s.sourceId === 'trail');
      expect(trail?.state).toBe('FAILED');
      expect(trail?.message).toMatch(/^NOT_FOUND/);
      expect(links.notes).toEqual([expect.stringMatching(/^reading the service accounts' cloud calls failed \(every selected source failed: trail: NOT_FOUND.*\): cloud credentials may be missing$/)]);
    } finally {
      fs.renameSync(`${folder}.offline`, folder);
    }
  });

  it('one deadline for the discovery reads and the timeline: a silent cloud source is waited for once, and both say so', async () => {
    const trail = scenario.engine.sources.find((s) => s.id === 'trail')!;
    let asked = 0;
    const silent: Source = Object.assign(Object.create(trail) as Source, {
      async *events(_q: unknown, ctx: { signal: AbortSignal }) {
        asked += 1;
        await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new SourceError('ABORTED', 'aborted', 'trail'))));
      },
    });
    const engine = new QueryEngine(scenario.engine.sources.map((s) => (s === trail ? silent : s)), { cursorSecret: 'runs-test-secret', deadlineMs: 6000, sourceTimeoutMs: 1000 });
    const service = new Runs({ engine, cursorSecret: 'runs-test-secret' });
    const started = Date.now();
    const h = await service.resolve('arun00001');
    const links = await service.links(h!);
    const page = await service.timeline(h!, {});
    expect(Date.now() - started).toBeLessThan(6000);
    expect(asked).toBe(1);
    expect(links.notes).toEqual([expect.stringMatching(/^reading the service accounts' cloud calls failed \(every selected source failed: trail: no answer for 1 s \(query\.sourceTimeoutMs\)/)]);
    const status = page.statuses.find((s) => s.sourceId === 'trail')!;
    expect(status.state).toBe('TIMED_OUT');
    expect(status.message).toMatch(/^left out: it did not answer an earlier query of this request/);
    expect(page.complete).toBe(false);
  });
});
