import { DEMO_LOGGED_SECRET } from '../../src/demo/writers/pod-logs';
import { DemoServer } from './harness';

/** The incident run's task logs on the demo (taskLogs: the kubelet's CRI files the demo writes). */
let demo: DemoServer;
beforeAll(async () => {
  demo = await DemoServer.start();
}, 120_000);
afterAll(async () => {
  await demo?.stop();
});

interface Line {
  time: string;
  timeNs: string;
  stream: string;
  text: string;
  pod: string;
  container: string;
  restart: number;
  source: string;
}
interface Logs {
  lines: Line[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  pods: string[];
  files: number;
  redactions: number;
  malformed: number;
  notes: string[];
}

async function logs(args = ''): Promise<{ data?: { run: { logs: Logs } | null }; errors?: { message: string; extensions?: { code?: string } }[] }> {
  return demo.raw(`{ run(id: "ml/production/fz3k9q2m1x") { logs${args} { lines { time timeNs stream text pod container restart source } pageInfo { hasNextPage endCursor } pods files redactions malformed notes } } }`);
}

describe('Run.logs on the demo', () => {
  it("shows what the training pod printed, in time order, from its start to the SIGTERM of bob's abort, the secret it printed redacted", async () => {
    const reply = await logs();
    expect(reply.errors).toBeUndefined();
    const l = reply.data!.run!.logs;
    expect(l.pods).toEqual(['ml-production/fz3k9q2m1x-n0-0']);
    expect(l.files).toBe(1);
    expect(l.malformed).toBe(0);
    expect(l.lines.length).toBeGreaterThan(8);
    expect(l.lines.every((x) => x.pod === 'fz3k9q2m1x-n0-0' && x.container === 'fz3k9q2m1x-n0-0' && x.source === 'pod-logs')).toBe(true);
    const times = l.lines.map((x) => Date.parse(x.time));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // the first line is after the task started (09:10:16.551), the SIGTERM right before the abort took effect (09:47)
    expect(l.lines[0].time.slice(11, 19)).toBe('09:10:16');
    const sigterm = l.lines.find((x) => x.text.startsWith('received SIGTERM'))!;
    expect(sigterm.stream).toBe('STDERR');
    expect(sigterm.time.slice(11, 16)).toBe('09:47');
    // the long first line was written as partial records: read back whole
    expect(l.lines[0].text).toMatch(/^\{"asctime": "flytekit".*fz3k9q2m1x\)"\}$/);
    const text = JSON.stringify(l);
    expect(text).not.toContain(DEMO_LOGGED_SECRET);
    expect(l.lines.find((x) => x.text.startsWith('connecting to feature store'))!.text).toBe('connecting to feature store postgres://trainer:[redacted: password in URL]@features.ml-production.svc:5432/features');
    expect(l.redactions).toBe(1);
  });

  it('pages: every page after the cursor of the one before, together the whole log, none twice', async () => {
    const whole = (await logs()).data!.run!.logs.lines;
    const paged: Line[] = [];
    let after: string | null = null;
    for (let i = 0; i < 50; i++) {
      const page: Logs = (await logs(`(first: 3${after ? `, after: "${after}"` : ''})`)).data!.run!.logs;
      paged.push(...page.lines);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(paged).toEqual(whole);
  });

  it('refuses a bad page size or cursor with its code', async () => {
    expect((await logs('(first: 0)')).errors?.[0].extensions?.code).toBe('BAD_PAGE_SIZE');
    expect((await logs('(after: "nope")')).errors?.[0].extensions?.code).toBe('BAD_CURSOR');
  });

  it('says why there are no lines for a run whose pods are not collected', async () => {
    const reply = await demo.raw<{ runs: { edges: { node: { id: string; logs: Logs } }[] } }>('{ runs(window: {day: "demo"}, first: 1, filter: {phase: ["SUCCEEDED"]}) { edges { node { id logs { lines { text } pods notes } } } } }');
    expect(reply.errors).toBeUndefined();
    const other = reply.data!.runs.edges[0].node;
    expect(other.logs.lines).toEqual([]);
    expect(other.logs.notes.join(' ')).toMatch(/no log files for pod/);
  });
});
