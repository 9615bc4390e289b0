import { ConfigNode } from '../../../src/config/fields';
import { flyteDefinition } from '../../../src/sources/flyte';
import type { FlyteSource } from '../../../src/sources/flyte/runs';
import { testDeps } from '../../helpers/deps';
import { defineFaultMatrix, type FaultCase } from '../fault-matrix';
import { FakeFlyteAdmin } from './fake-flyteadmin';
import { restExecution } from './fixtures';
import { DAY, ML_RUNS, expectedIn } from './scenario';

const newestFirst = expectedIn(ML_RUNS, DAY)
  .sort((a, b) => b.time - a.time || (a.id < b.id ? 1 : -1))
  .map((e) => e.id);

const grpcGateway = (status: number, code: number, message: string, headers?: Record<string, string>) => ({ status, code, message, headers });

defineFaultMatrix('flyte api', {
  window: DAY,
  expected: newestFirst,
  // three stage lists merged, two rows a page: what the first pages held up to the repeat, newest first
  firstPage: newestFirst.slice(0, 4),
  async start() {
    const admin = await new FakeFlyteAdmin().start();
    for (const s of ML_RUNS) admin.addExecution(restExecution(s));
    const node = ConfigNode.of({ id: 'flyte', type: 'flyte', mode: 'api', endpoint: admin.url, projects: [{ project: 'ml', domains: ['production'] }], rateLimitPerSecond: 1000 }, 'sources[0]');
    const source = flyteDefinition.create(node, { id: 'flyte', mode: 'api' }, testDeps(() => DAY.to)) as FlyteSource;
    const inject = (fault: FaultCase) => {
      switch (fault) {
        case '500':
          admin.failures.push(grpcGateway(500, 13, 'failed database operation: connection refused'));
          return;
        case '401':
          admin.failures.push(grpcGateway(401, 16, 'token parse error [JWT_VERIFICATION_FAILED] Could not retrieve id token from metadata'));
          return;
        case '403':
          admin.failures.push(grpcGateway(403, 7, 'user is not authorized to access project ml'));
          return;
        case '429-short':
          admin.failures.push(grpcGateway(429, 8, 'rate limit exceeded', { 'Retry-After': '1' }));
          return;
        case '429-long':
          admin.failures.push(grpcGateway(429, 8, 'rate limit exceeded', { 'Retry-After': '3600' }));
          return;
        default:
          admin.fault = fault === 'drip' ? { kind: 'drip', everyMs: 200 } : { kind: fault };
      }
    };
    return { source, inject, close: () => admin.stop() };
  },
  messages: {
    '500': /^UPSTREAM_ERROR: Flyte Admin at 127\.0\.0\.1:\d+ answered .* with HTTP 500 \(gRPC code 13\): failed database operation/,
    '401': /^UNAUTHENTICATED: Flyte Admin at 127\.0\.0\.1:\d+ answered .* with HTTP 401 \(gRPC code 16\)/,
    '403': /^FORBIDDEN: Flyte Admin at 127\.0\.0\.1:\d+ answered .* with HTTP 403 \(gRPC code 7\)/,
    malformed: /^UPSTREAM_ERROR: Flyte Admin answered .* with HTTP 200 but not JSON/,
    '429-long': /^throttled by the upstream, which asks to wait 3600 s \(until .*\), longer than this page waits for the source: not retried/,
    hang: /^no answer for 3 s \(query\.sourceTimeoutMs\): left out of this page after the window start/,
    drip: /^no answer for 3 s \(query\.sourceTimeoutMs\)/,
    repeat: /^UPSTREAM_ERROR: Flyte Admin returned the page of ml\/production's .* list \(.*\) at offset \d+ as a repeat of rows already read \(the same 2 row\(s\)\): paging stopped there/,
    reset: /^UNREACHABLE: Flyte Admin at 127\.0\.0\.1:\d+ cut the connection while its answer to \/api\/v1\/executions\/ml\/production was being read \(ECONNRESET\)/,
  },
});
