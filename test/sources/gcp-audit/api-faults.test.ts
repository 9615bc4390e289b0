import { ConfigNode } from '../../../src/config/fields';
import { gcpAuditDefinition } from '../../../src/sources/gcp-audit';
import type { GcpAuditApiSource } from '../../../src/sources/gcp-audit/client';
import { testDeps } from '../../helpers/deps';
import { defineFaultMatrix, type FaultCase } from '../fault-matrix';
import { FakeLogging, startRest, StatusError, VALID_TOKEN } from './fake-logging';
import { dataset, idOf, loopbackApiConfig, timeOf, type JsonObject } from './fixtures';

/** Over the client library's REST transport, where every HTTP fault can be staged. */

const TOKEN_ENV = 'GCP_AUDIT_FAULTS_TOKEN';
process.env[TOKEN_ENV] = VALID_TOKEN;

const window = { from: new Date('2026-03-14T08:00:00Z'), to: new Date('2026-03-14T11:00:00Z') };
const inWindow = (e: JsonObject) => timeOf(e) >= window.from.getTime() && timeOf(e) < window.to.getTime();
const byEngine = (a: JsonObject, b: JsonObject) => timeOf(b) - timeOf(a) || (idOf(a) < idOf(b) ? 1 : -1);
const entries = dataset().filter(inWindow);
// the service's own order, newest first: time, then insertId
const served = [...entries].sort((a, b) => timeOf(b) - timeOf(a) || (String(a.insertId) < String(b.insertId) ? 1 : -1));

const QUOTA = "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute' of service 'logging.googleapis.com'.";
const quota = (delaySeconds?: number) =>
  new StatusError(8, 429, 'RESOURCE_EXHAUSTED', QUOTA, delaySeconds === undefined ? [] : [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${delaySeconds}s` }]);

defineFaultMatrix('gcp-audit api (REST)', {
  window,
  expected: [...entries].sort(byEngine).map(idOf),
  firstPage: served.slice(0, 5).sort(byEngine).map(idOf),
  async start() {
    const fake = new FakeLogging(dataset());
    const server = await startRest(fake);
    const config = loopbackApiConfig('gcp-rest', server.port, TOKEN_ENV, { fallback: true });
    const source = gcpAuditDefinition.create(ConfigNode.of(config, 'sources[0]'), { id: 'gcp-rest', mode: 'api' }, testDeps()) as GcpAuditApiSource;
    const inject = (fault: FaultCase) => {
      switch (fault) {
        case '500':
          fake.failures.push(new StatusError(13, 500, 'INTERNAL', 'Internal error encountered.'));
          return;
        case '401':
          fake.failures.push(new StatusError(16, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'));
          return;
        case '403':
          fake.failures.push(new StatusError(7, 403, 'PERMISSION_DENIED', "Permission 'logging.logEntries.list' denied on resource (or it may not exist)."));
          return;
        case '429-short':
          fake.failures.push(quota());
          return;
        case '429-long':
          for (let i = 0; i < 50; i++) fake.failures.push(quota(3600));
          return;
        default:
          fake.fault = fault === 'drip' ? { kind: 'drip', everyMs: 200 } : { kind: fault };
      }
    };
    return {
      source,
      inject,
      close: async () => {
        await source.close();
        await server.close();
      },
    };
  },
  messages: {
    '500': /^UPSTREAM_ERROR: .*Internal error encountered/,
    '401': /^UNAUTHENTICATED: .*invalid authentication credentials/,
    '403': /^FORBIDDEN: .*logging\.logEntries\.list/,
    malformed: /^UPSTREAM_ERROR: Cloud Logging entries\.list answered with a body that is not the JSON it should be: /,
    '429-long': /^throttled by the upstream, which asks to wait \d+(\.\d)? s \(until .*\), longer than this page waits for the source: not retried/,
    hang: /^no answer for 3 s \(query\.sourceTimeoutMs\): left out of this page after the window start/,
    drip: /^no answer for 3 s \(query\.sourceTimeoutMs\)/,
    repeat: /^UPSTREAM_ERROR: entries\.list of projects\/[a-z0-9-]+ returned page 2 as a repeat of page 1 \(the same 5 record\(s\)\): dropped, paging stopped there/,
    reset: /^UNREACHABLE: Cloud Logging entries\.list/,
  },
});
