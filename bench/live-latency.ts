import { ConfigNode } from '../src/config/fields';
import type { Source } from '../src/domain';
import { QueryEngine } from '../src/query/engine';
import { Limiters } from '../src/query/limiter';
import { cloudtrailDefinition } from '../src/sources/cloudtrail';
import { FakeCloudTrail, storedEvent } from '../test/sources/cloudtrail/fake-cloudtrail';
import { LatencyProxy } from './latency-proxy';

const ACCESS_KEY_ID = 'AKIAAUDITGRAPHBENCH1';
const SECRET = 'benchmark/secret/key/not/a/real/one/0000';
const REGION = 'us-east-1';
const T0 = Date.parse('2026-03-14T09:00:00Z');

function records(prefix: string, count: number, offsetMs: number) {
  return Array.from({ length: count }, (_, i) =>
    storedEvent({
      eventID: `${prefix}-${String(i).padStart(5, '0')}`,
      eventName: 'GetSecretValue',
      eventSource: 'secretsmanager.amazonaws.com',
      eventTime: new Date(T0 + i * 10_000 + offsetMs).toISOString(),
      userIdentity: { type: 'IAMUser', userName: 'ci-bot', arn: 'arn:aws:iam::111122223333:user/ci-bot', accessKeyId: 'AKIAEXAMPLECIBOT0001' },
    }),
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/**
 * Two live CloudTrail sources (the real SDK, SigV4, the real source code) behind loopback proxies adding 50 ms
 * and 200 ms per request: how long one page of 50 merged events takes, against the slower upstream's 200 ms.
 */
export async function runLiveLatencyBench(opts: { runs?: number; log: (line: string) => void }): Promise<Record<string, number>> {
  process.env.AWS_ACCESS_KEY_ID = ACCESS_KEY_ID;
  process.env.AWS_SECRET_ACCESS_KEY = SECRET;
  process.env.AWS_CONFIG_FILE = '/nonexistent/auditgraph-bench/config';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/auditgraph-bench/credentials';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  const runs = opts.runs ?? 20;
  const fast = await FakeCloudTrail.start({ accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET, region: REGION, events: records('fast', 300, 0), rate: null });
  const slow = await FakeCloudTrail.start({ accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET, region: REGION, events: records('slow', 300, 5000), rate: null });
  const fastProxy = await LatencyProxy.start(fast.url, 50);
  const slowProxy = await LatencyProxy.start(slow.url, 200);

  const sourcesFor = (limiters: Limiters): Source[] =>
    [
      ['trail-50ms', fastProxy.url, '111122223333'],
      ['trail-200ms', slowProxy.url, '444455556666'],
    ].map(([id, endpoint, accountId]) =>
      cloudtrailDefinition.create(ConfigNode.of({ id, type: 'cloudtrail', mode: 'api', region: REGION, accountId, endpoint }, 'bench'), { id, mode: 'api' }, { limiters, now: () => new Date(T0 + 3_600_000) }),
    );

  const window = { from: new Date(T0), to: new Date(T0 + 3_600_000) };
  const pageMs: number[] = [];
  const requests: number[] = [];
  try {
    // one warm-up page (SDK and connection set-up), then the measured ones, each with its own limiter
    // registry so that CloudTrail's 2 requests/s does not turn this into a rate-limit benchmark
    for (let i = 0; i <= runs; i++) {
      const engine = new QueryEngine(sourcesFor(new Limiters()), { cursorSecret: 'bench', now: () => new Date(T0 + 3_600_000) });
      const started = performance.now();
      const page = await engine.events({ window, first: 50 });
      const elapsed = performance.now() - started;
      if (page.edges.length !== 50) throw new Error(`expected a full page, got ${page.edges.length}`);
      if (i > 0) {
        pageMs.push(elapsed);
        requests.push(page.statuses.reduce((n, s) => n + s.requests, 0));
      }
    }
  } finally {
    await Promise.all([fastProxy.stop(), slowProxy.stop(), fast.stop(), slow.stop()]);
  }
  const result = {
    runs,
    pageMedianMs: Math.round(median(pageMs) * 10) / 10,
    pageP95Ms: Math.round(percentile(pageMs, 95) * 10) / 10,
    ratioToSlowestUpstream: Math.round((median(pageMs) / 200) * 100) / 100,
    ratioToSequentialSum: Math.round((median(pageMs) / 250) * 100) / 100,
    upstreamRequestsPerPage: median(requests),
  };
  opts.log('live fan-out: two CloudTrail api sources behind +50 ms and +200 ms loopback proxies, page of 50');
  opts.log(`  page latency median ${result.pageMedianMs} ms, p95 ${result.pageP95Ms} ms over ${runs} pages`);
  opts.log(`  ratio to the slower upstream (200 ms): ${result.ratioToSlowestUpstream}; to both in sequence (250 ms): ${result.ratioToSequentialSum}`);
  opts.log(`  upstream requests per page: ${result.upstreamRequestsPerPage}`);
  return result;
}

if (require.main === module) {
  runLiveLatencyBench({ log: (l) => process.stdout.write(`${l}\n`) }).catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack}\n`);
    process.exit(1);
  });
}
