import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startServer, type RunningServer } from '../../src/server/app';
import { sinkFromUrl } from '../../src/export/sinks';
import { toEcs } from '../../src/export/sinks/elasticsearch';
import { appConfigWith } from '../helpers/app-config';
import { quietLogger } from '../helpers/logs';
import { makeEvent, MemorySource } from '../helpers/memory-source';
import { cli } from '../cli/run-cli';
import { fakeElasticsearch, fakeHec, listen } from './loopback';

const WINDOW = ['--from', '2026-03-14T00:00:00Z', '--to', '2026-03-15T00:00:00Z'];
const events = (n: number, id: string, fields = {}) => Array.from({ length: n }, (_, i) => makeEvent(id, Date.parse('2026-03-14T09:00:00Z') + i * 1000, { id: `${id}-${String(i).padStart(5, '0')}`, ...fields }));

let server: RunningServer;
let dir: string;
beforeAll(async () => {
  const a = new MemorySource('a', events(700, 'a'));
  const b = new MemorySource('b', [...events(500, 'b'), ...events(3, 'bad', { action: 'weird.action' }).map((e) => ({ ...e, sourceId: 'b', id: `x${e.id}` }))]);
  server = await startServer(appConfigWith([a, b]), { port: 0, host: '127.0.0.1', logger: quietLogger() });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sinks-'));
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
const srv = () => server.url.replace(/\/graphql$/, '');
const TOTAL = 1203;

describe('auditgraph export --sink', () => {
  it('ships to Splunk HEC with its token header, channel and indexer acknowledgement, through a 503', async () => {
    const hec = await fakeHec('hec-token', { busyFirst: 1, indexDelay: 2 });
    try {
      const checkpoint = path.join(dir, 'hec.json');
      const r = await cli(['--server', srv(), 'export', ...WINDOW, '--sink', `splunk-hec+http://${hec.url}`, '--checkpoint', checkpoint, '--batch-size', '250'], { AUDITGRAPH_SINK_TOKEN: 'hec-token' });
      expect(r.stderr).toContain('HTTP 503');
      expect(r.code).toBe(0);
      expect(hec.events).toHaveLength(TOTAL);
      expect(new Set(hec.events.map((e) => `${e.source as string}/${(e.event as { id: string }).id}`)).size).toBe(TOTAL);
      expect(hec.events[0]).toMatchObject({ time: Date.parse('2026-03-14T09:00:00Z') / 1000, source: 'a', sourcetype: 'auditgraph:okta', event: { id: 'a-00000', action: 'thing.do' } });
      expect(JSON.parse(fs.readFileSync(checkpoint, 'utf8'))).toMatchObject({ mode: 'export', shipped: TOTAL, last: { source: 'a', id: 'a-00699' } });
    } finally {
      await hec.close();
    }
  }, 120_000);

  it('a wrong HEC token is refused for good: exit 1, nothing marked shipped', async () => {
    const hec = await fakeHec('right');
    try {
      const r = await cli(['--server', srv(), 'export', ...WINDOW, '--sink', `splunk-hec+http://${hec.url}`], { AUDITGRAPH_SINK_TOKEN: 'wrong' });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('HTTP 403');
    } finally {
      await hec.close();
    }
  });

  it('ships to Elasticsearch _bulk in ECS: throttled items retried, refused items reported (exit 3), re-sent batches not doubled', async () => {
    const es = await fakeElasticsearch({ apiKey: 'es-key', throttleOnce: new Set(['a-00005', 'b-00100']), badActions: new Set(['weird.action']) });
    try {
      const checkpoint = path.join(dir, 'es.json');
      const args = ['--server', srv(), 'export', ...WINDOW, '--sink', `elasticsearch+http://${es.url}/audit-events`, '--checkpoint', checkpoint, '--batch-size', '400'];
      const r = await cli(args, { AUDITGRAPH_SINK_TOKEN: 'es-key' });
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('3 refused by the sink');
      expect(r.stderr).toContain('mapper_parsing_exception');
      expect(es.docs.size).toBe(TOTAL - 3);
      const doc = [...es.docs.values()].find((d) => (d.event as { id: string }).id === 'a-00005')!;
      expect(doc).toMatchObject({ '@timestamp': '2026-03-14T09:00:05.000Z', event: { action: 'thing.do', outcome: 'success', kind: 'event', dataset: 'auditgraph.a' }, user: { name: 'someone@example.com' } });
      // the same shipment again from scratch: every document is already there (409), none doubled
      fs.rmSync(checkpoint);
      await cli(args, { AUDITGRAPH_SINK_TOKEN: 'es-key' });
      expect(es.docs.size).toBe(TOTAL - 3);
    } finally {
      await es.close();
    }
  }, 120_000);

  it('a webhook gets NDJSON batches; a restart resumes after the last acknowledged batch', async () => {
    const received: string[] = [];
    let refuseAfter = 3;
    let batches = 0;
    const hook = await listen((req, body, res) => {
      if (req.headers.authorization !== 'Bearer hook-token') return void res.writeHead(401).end();
      batches += 1;
      if (batches > refuseAfter) return void res.writeHead(400, { 'content-type': 'text/plain' }).end('schema changed');
      for (const line of body.split('\n').filter(Boolean)) received.push((JSON.parse(line) as { id: string }).id);
      res.writeHead(batches === 1 ? 202 : 200).end();
    });
    try {
      const checkpoint = path.join(dir, 'hook.json');
      const args = ['--server', srv(), 'export', ...WINDOW, '--sink', `http://${hook.url}/ingest`, '--checkpoint', checkpoint, '--batch-size', '100'];
      const first = await cli(args, { AUDITGRAPH_SINK_TOKEN: 'hook-token' });
      expect(first.code).toBe(1);
      expect(first.stderr).toContain('schema changed');
      expect(received).toHaveLength(300);
      expect(JSON.parse(fs.readFileSync(checkpoint, 'utf8'))).toMatchObject({ shipped: 300 });
      refuseAfter = Number.POSITIVE_INFINITY;
      const second = await cli(args, { AUDITGRAPH_SINK_TOKEN: 'hook-token' });
      expect(second.code).toBe(0);
      expect(second.stderr).toContain('resuming from');
      expect(received).toHaveLength(TOTAL);
      expect(new Set(received).size).toBe(TOTAL);
    } finally {
      await hook.close();
    }
  }, 120_000);

  it('refuses a plain-http sink off loopback, an unknown scheme, and a HEC without its token', () => {
    expect(() => sinkFromUrl('splunk-hec+http://splunk.corp:8088', 't')).toThrow('only a loopback host');
    expect(() => sinkFromUrl('kafka://broker:9092', 't')).toThrow('unknown scheme');
    expect(() => sinkFromUrl('splunk-hec://splunk.corp:8088', undefined)).toThrow('AUDITGRAPH_SINK_TOKEN');
    expect(() => sinkFromUrl('elasticsearch://es:9200', 't')).toThrow('name the index');
    expect(sinkFromUrl('elasticsearch://es.corp:9200/audit', 't').name).toBe('elasticsearch https://es.corp:9200/audit');
  });

  it('ECS names the fields Kibana reads', () => {
    const ecs = toEcs({ id: 'e1', time: '2026-03-14T09:03:12.000Z', source: 'aws-trail', sourceType: 'cloudtrail', category: 'ACCOUNT_CHANGE', action: 'iam:CreateAccessKey', outcome: 'FAILURE', outcomeReason: 'AccessDenied', actor: { name: 'alice@example.com', uid: 'AROA:alice' }, sourceIp: '198.51.100.23', cloud: { provider: 'aws', account: '111122223333', region: 'us-east-1' } });
    expect(ecs).toMatchObject({
      '@timestamp': '2026-03-14T09:03:12.000Z',
      event: { id: 'e1', action: 'iam:CreateAccessKey', category: ['iam'], outcome: 'failure', reason: 'AccessDenied', provider: 'cloudtrail' },
      user: { name: 'alice@example.com', id: 'AROA:alice' },
      source: { ip: '198.51.100.23' },
      cloud: { provider: 'aws', account: { id: '111122223333' }, region: 'us-east-1' },
      related: { user: ['alice@example.com'], ip: ['198.51.100.23'] },
    });
  });
});
