import type { RunFilter, RunService, RunsPage } from '../../../src/correlation/runs';
import { AuditgraphError, ErrorCode } from '../../../src/domain';
import { at, buildScenario, type Scenario } from './scenario';

let scenario: Scenario;
let runs: RunService;

beforeAll(() => {
  scenario = buildScenario();
  runs = scenario.service();
});
afterAll(() => scenario.cleanup());

const DAY = { from: new Date(at('00:00:00')), to: new Date(at('23:59:59')) };
const ids = (page: RunsPage) => page.edges.map((e) => e.handle.run.runId);

async function all(filter?: RunFilter, first = 100): Promise<string[]> {
  const out: string[] = [];
  let after: string | undefined;
  for (let i = 0; i < 20; i++) {
    const page = await runs.list({ window: DAY, filter, first, after });
    out.push(...ids(page));
    if (!page.hasNextPage) return out;
    after = page.endCursor;
  }
  throw new Error('too many pages');
}

async function expectError(promise: Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AuditgraphError);
  expect((err as AuditgraphError).code).toBe(code);
  if (message) expect((err as Error).message).toMatch(message);
}

const NEWEST_FIRST = [
  'ml/production/erun00005',
  'data/development/dupname01',
  'ml/development/dupname01',
  'data/production/drun00004',
  'ml/production/arun00001',
  'data/development/crun00003',
  'ml/production/brun00002',
];

describe('listing runs', () => {
  it("lists the window's runs newest first, with what the source did", async () => {
    const page = await runs.list({ window: DAY });
    expect(ids(page)).toEqual(NEWEST_FIRST);
    expect(page.hasNextPage).toBe(false);
    expect(page.statuses).toEqual([expect.objectContaining({ sourceId: 'flyte', state: 'OK', eventsMatched: 7, eventsReturned: 7, pushedDown: [], residual: [] })]);
  });

  it('pages with a cursor: every run once, in order', async () => {
    expect(await all(undefined, 3)).toEqual(NEWEST_FIRST);
    expect(await all(undefined, 1)).toEqual(NEWEST_FIRST);
    const first = await runs.list({ window: DAY, first: 3 });
    expect(first.hasNextPage).toBe(true);
    await expectError(runs.list({ window: DAY, first: 3, after: first.endCursor, filter: { mode: ['SCHEDULED'] } }), ErrorCode.BAD_CURSOR);
  });

  it('keeps the window half-open on creation time', async () => {
    const page = await runs.list({ window: { from: new Date(at('10:08:00')), to: new Date(at('10:30:00')) } });
    expect(ids(page)).toEqual(['ml/production/arun00001']);
  });

  it('filters by who launched it, through the identity aliases, here (flyteadmin compares principals with case)', async () => {
    expect(await all({ launchedBy: ['alice@example.com'] })).toEqual(['ml/production/erun00005', 'ml/production/arun00001']);
    // the Kubernetes OIDC name of the same person, in another case
    expect(await all({ launchedBy: ['oidc:ALICE@example.com'] })).toEqual(['ml/production/erun00005', 'ml/production/arun00001']);
    expect(await all({ launchedBy: ['alice.smith@example.com'] })).toEqual([]);
    const page = await runs.list({ window: DAY, filter: { launchedBy: ['alice@example.com'] } });
    expect(page.statuses[0].pushedDown).toEqual([]);
    expect(page.statuses[0].residual[0]).toMatch(/^launchedBy=\[.*"alice@example.com".*\] \(flyteadmin compares principals with case; matched here without\)$/);
    // launches without principal go by the scheduler's name, which Flyte cannot be asked for
    const scheduled = await runs.list({ window: DAY, filter: { launchedBy: ['flyte-scheduler'] } });
    expect(ids(scheduled)).toEqual(['data/development/dupname01', 'ml/production/brun00002']);
    expect(scheduled.statuses[0].pushedDown).toEqual([]);
  });

  it('filters by project, domain, phase and mode (names in any case)', async () => {
    expect(await all({ project: ['data'], domain: ['development'] })).toEqual(['data/development/dupname01', 'data/development/crun00003']);
    expect(await all({ phase: ['aborted', 'FAILED'] })).toEqual(['data/production/drun00004', 'ml/production/arun00001']);
    expect(await all({ mode: ['scheduled'] })).toEqual(['data/development/dupname01', 'ml/production/brun00002']);
    expect(await all({ phase: ['RUNNING'], mode: ['MANUAL'] })).toEqual(['ml/production/erun00005']);
  });

  it('refuses bad arguments before reading anything', async () => {
    await expectError(runs.list({ window: DAY, first: 0 }), ErrorCode.BAD_PAGE_SIZE);
    await expectError(runs.list({ window: DAY, first: 1001 }), ErrorCode.BAD_PAGE_SIZE);
    await expectError(runs.list({ window: DAY, filter: { phase: ['DONE'] } }), ErrorCode.BAD_FILTER, /filter\.phase: "DONE" not one of/);
    await expectError(runs.list({ window: DAY, filter: { mode: ['CRON'] } }), ErrorCode.BAD_FILTER, /filter\.mode/);
    await expectError(runs.list({ window: DAY, filter: { sources: ['trail'] } }), ErrorCode.UNKNOWN_SOURCE, /no execution source with id "trail"; execution sources: flyte/);
    await expectError(runs.list({ window: { from: DAY.to, to: DAY.from } }), ErrorCode.BAD_WINDOW);
  });
});
