import { parse } from 'csv-parse/sync';
import { SourceError } from '../../src/domain';
import { startServer, type RunningServer } from '../../src/server/app';
import { DemoServer } from '../e2e/harness';
import { appConfigWith } from '../helpers/app-config';
import { quietLogger } from '../helpers/logs';
import { makeEvent, MemorySource } from '../helpers/memory-source';
import { cli } from './run-cli';

const INCIDENT = ['--from', '2026-03-14T08:45:00Z', '--to', '2026-03-14T10:00:00Z'];
const VERBS = ['events', 'identity', 'run', 'logs', 'runs', 'sources', 'explain', 'export', 'tail', 'audit', 'verify-log', 'serve', 'demo'];

let demo: DemoServer;
beforeAll(async () => {
  demo = await DemoServer.start();
}, 120_000);
afterAll(() => demo?.stop());
const server = () => demo.url.replace(/\/graphql$/, '');

describe('auditgraph --help', () => {
  it.each(VERBS)('%s has help with examples', async (verb) => {
    const r = await cli([verb, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: auditgraph ${verb}`);
    expect(r.stdout).toContain('Examples:');
  });

  it('an unknown flag or verb is a usage error (exit 2) that says what', async () => {
    const r = await cli(['events', '--colour', 'red']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--colour'");
    expect((await cli(['evnts'])).code).toBe(2);
    const bad = await cli(['events', '--since', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since');
  });
});

describe('auditgraph events, embedded and over --server', () => {
  it('embedded on the demo and over HTTP give the same events', async () => {
    const args = ['events', ...INCIDENT, '--identity', 'alice@example.com', '-o', 'json', '--limit', '0'];
    const [embedded, remote] = await Promise.all([cli(args), cli(['--server', server(), ...args])]);
    expect(embedded.code).toBe(0);
    expect(remote.code).toBe(0);
    const e = JSON.parse(embedded.stdout) as { events: { id: string; source: { id: string } }[] };
    const r = JSON.parse(remote.stdout) as typeof e;
    expect(e.events).toHaveLength(33);
    expect(r.events.map((x) => `${x.source.id}/${x.id}`)).toEqual(e.events.map((x) => `${x.source.id}/${x.id}`));
    expect(embedded.stderr).toContain('running on the bundled demo');
  }, 180_000);

  it('prints a table, kubectl style, and -o wide adds columns', async () => {
    const r = await cli(['--server', server(), 'events', ...INCIDENT, '--source-ip', '198.51.100.23', '--action', 'iam:*']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^TIME +SOURCE +ACTION +ACTOR +OUTCOME +SOURCE-IP$/);
    expect(lines.slice(1).map((l) => l.split(/ +/)[2])).toEqual(['iam:CreateUser', 'iam:AttachUserPolicy', 'iam:CreateAccessKey', 'iam:ListAccessKeys', 'iam:GetUser', 'iam:ListUsers']);
    const wide = await cli(['--server', server(), 'events', ...INCIDENT, '--source-ip', '198.51.100.23', '--action', 'iam:*', '-o', 'wide']);
    expect(wide.stdout.split('\n')[0]).toContain('TARGETS');
  });

  it('-o csv streams the export (RFC 4180, trailer)', async () => {
    const r = await cli(['--server', server(), 'events', ...INCIDENT, '--identity', 'alice@example.com', '-o', 'csv', '--limit', '0']);
    expect(r.code).toBe(0);
    const rows = parse(r.stdout, { columns: true, comment: '#', comment_no_infix: true }) as Record<string, string>[];
    expect(rows).toHaveLength(33);
    expect(r.stdout).toContain('# status complete=true events=33');
  });

  it('an unknown source is a usage error naming it, embedded and remote', async () => {
    for (const prefix of [[], ['--server', server()]]) {
      const r = await cli([...prefix, 'events', ...INCIDENT, '--source', 'nope']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('"nope"');
    }
  });
});

describe('the other verbs on the demo', () => {
  it('sources, explain, identity, run, runs', async () => {
    const [sources, explain, identity, run, runs] = await Promise.all([
      cli(['--server', server(), 'sources']),
      cli(['--server', server(), 'explain', '--from', '2026-03-14T09:00:00Z', '--to', '2026-03-14T10:00:00Z', '--identity', 'alice@example.com']),
      cli(['--server', server(), 'identity', 'AKIAEXAMPLECIBOT0001', '--from', '2026-03-14T00:00:00Z', '--to', '2026-03-15T00:00:00Z']),
      cli(['--server', server(), 'run', 'fz3k9q2m1x']),
      cli(['--server', server(), 'runs', '--from', '2026-03-14T00:00:00Z', '--to', '2026-03-15T00:00:00Z', '--launched-by', 'oidc:alice@example.com']),
    ]);
    expect(sources.stdout.trim().split('\n').map((l) => l.split(/ +/)[0])).toEqual(['ID', 'okta', 'flyte', 'prod-eks-audit', 'aws-trail', 'gcp-audit', 'azure-activity']);
    expect(explain.stdout).toMatch(/aws-trail +yes +\d+ of \d+/);
    expect(identity.stdout).toContain('IDENTITY arn:aws:iam::111122223333:user/ci-bot');
    expect(identity.stdout).toContain('aws.create-access-key');
    expect(run.stdout).toContain('RUN ml/production/fz3k9q2m1x  ABORTED (MANUAL)  launched by alice@example.com, aborted by bob@example.com (suspicious activity)');
    expect(run.stdout).toContain('sts:AssumeRoleWithWebIdentity');
    expect(runs.stdout.trim().split('\n')).toHaveLength(2);
    expect(runs.stdout).toContain('ml/production/fz3k9q2m1x');
    for (const r of [sources, explain, identity, run, runs]) expect(r.code).toBe(0);
  }, 120_000);

  it("logs prints the run's task log lines in time order, embedded and over HTTP alike, and says what it redacted", async () => {
    const [remote, embedded, ndjson] = await Promise.all([cli(['--server', server(), 'logs', 'fz3k9q2m1x']), cli(['logs', 'ml/production/fz3k9q2m1x']), cli(['--server', server(), 'logs', 'fz3k9q2m1x', '-o', 'ndjson'])]);
    for (const r of [remote, embedded, ndjson]) expect(r.code).toBe(0);
    expect(embedded.stdout).toBe(remote.stdout);
    const lines = remote.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(8);
    expect(lines[0]).toMatch(/^2026-03-14T09:10:16\.\d+Z fz3k9q2m1x-n0-0\/fz3k9q2m1x-n0-0 stdout \{"asctime"/);
    expect(remote.stdout).toContain('stderr received SIGTERM');
    expect(remote.stdout).toContain('postgres://trainer:[redacted: password in URL]@');
    expect(remote.stderr).toContain('1 secret value(s) redacted');
    expect(ndjson.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { text: string }).text)).toEqual(lines.map((l) => l.split(' ').slice(3).join(' ')));
  }, 120_000);

  it('identity of nobody fails with exit 1', async () => {
    const r = await cli(['--server', server(), 'identity', 'alice.smith@example.com', '--since', '7d']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no identity knows');
  });
});

describe('exit codes tell partial from failed from fine', () => {
  let mem: RunningServer | undefined;
  afterEach(async () => {
    await mem?.close();
    mem = undefined;
  });
  const events = (n: number, id: string) => Array.from({ length: n }, (_, i) => makeEvent(id, Date.parse('2026-03-14T09:00:00Z') + i * 1000));
  const window = ['--from', '2026-03-14T00:00:00Z', '--to', '2026-03-15T00:00:00Z'];

  it('a failed source: exit 3, the others printed, the failure said on stderr', async () => {
    const broken = new MemorySource('broken', events(5, 'broken'));
    broken.failWith = new SourceError('UNAUTHENTICATED', 'token refused', 'broken');
    mem = await startServer(appConfigWith([broken, new MemorySource('fine', events(4, 'fine'))]), { port: 0, host: '127.0.0.1', logger: quietLogger() });
    const url = mem.url.replace(/\/graphql$/, '');
    const table = await cli(['--server', url, 'events', ...window]);
    expect(table.code).toBe(3);
    expect(table.stdout.trim().split('\n')).toHaveLength(5);
    expect(table.stderr).toContain('broken: FAILED: UNAUTHENTICATED: token refused');
    const exported = await cli(['--server', url, 'export', ...window]);
    expect(exported.code).toBe(3);
    expect(exported.stderr).toContain('broken: failed');
    expect(exported.stdout.trim().split('\n').pop()).toContain('"complete":false');
  });

  it('every source failed: exit 1', async () => {
    const broken = new MemorySource('broken', events(5, 'broken'));
    broken.failWith = new SourceError('UNREACHABLE', 'connection refused', 'broken');
    mem = await startServer(appConfigWith([broken]), { port: 0, host: '127.0.0.1', logger: quietLogger() });
    const r = await cli(['--server', mem.url, 'export', ...window]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ALL_SOURCES_FAILED');
  });

  it('a server that is not there: exit 1, saying so', async () => {
    const r = await cli(['--server', 'http://127.0.0.1:9', 'sources']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot reach http://127.0.0.1:9');
  });
});
