import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigNode } from '../../../src/config/fields';
import { azureActivityDefinition } from '../../../src/sources/azure-activity';
import { testDeps } from '../../helpers/deps';
import { defineFaultMatrix, type FaultCase } from '../fault-matrix';
import { FakeArm } from './fake-arm';
import { ALICE, SUBSCRIPTION, restEvent } from './fixtures';
import { selfSignedCert, type SelfSignedCert } from './tls';

const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.fake-arm-token.signature';
let tmpDir: string;
let tls: SelfSignedCert;
beforeAll(() => {
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'auditgraph-azure-faults-'));
  tls = selfSignedCert();
});
afterAll(() => {
  fs.rmSync(tmpDir, { recursive: true, force: true });
  tls.dispose();
});

const window = { from: new Date('2026-03-14T06:00:00Z'), to: new Date('2026-03-14T10:00:00Z') };
const times = ['06:01:00', '06:40:00', '07:00:00', '07:30:00', '08:10:00', '08:11:00', '09:25:03', '09:50:00'];
const records = times.map((t, i) => restEvent({ eventDataId: `ev-${t.replace(/:/g, '')}`, eventTimestamp: `2026-03-14T${t}.0000000Z`, caller: i % 2 ? ALICE.upn : ALICE.oid }));
const newestFirst = records.map((r) => String(r.eventDataId)).reverse();
const armError = (status: number, code: string, message: string, headers?: Record<string, string>) => ({ status, code, message, headers });

defineFaultMatrix('azure-activity api', {
  window,
  expected: newestFirst,
  // asked in slices, newest first, each read whole before it is returned: the first slice (09:00-10:00) came
  // back whole, the repeat is in the second
  firstPage: ['ev-095000', 'ev-092503'],
  async start() {
    const fake = await FakeArm.start(tls, { subscriptionId: SUBSCRIPTION, token: TOKEN, events: records, pageSize: 200 });
    const tokenFile = path.join(tmpDir, `token-${Math.random().toString(36).slice(2)}`);
    fs.writeFileSync(tokenFile, `${TOKEN}\n`);
    const config = { id: 'azure-prod', type: 'azure-activity', mode: 'api', subscriptionId: SUBSCRIPTION, endpoint: fake.url, tokenFile, caFile: tls.certFile, requestsPerSecond: 100 };
    const source = azureActivityDefinition.create(ConfigNode.of(config, 'sources[0]'), { id: 'azure-prod', mode: 'api' }, testDeps());
    const throttled = (seconds: number) =>
      armError(429, 'SubscriptionRequestsThrottled', `Number of 'read' requests for subscription '${SUBSCRIPTION}' exceeded. Please try again after '${seconds}' seconds.`, { 'retry-after': String(seconds) });
    const inject = (fault: FaultCase) => {
      switch (fault) {
        case '500':
          fake.failures.push(armError(500, 'InternalServerError', 'Encountered internal server error. Diagnostic information: timestamp 20260314T090000Z.'));
          return;
        case '401':
          fake.failures.push(armError(401, 'ExpiredAuthenticationToken', 'The access token expiry UTC time is earlier than current UTC time.'));
          return;
        case '403':
          fake.failures.push(armError(403, 'AuthorizationFailed', `The client does not have authorization to perform action 'Microsoft.Insights/eventtypes/values/read' over scope '/subscriptions/${SUBSCRIPTION}'.`));
          return;
        case '429-short':
          fake.failures.push(throttled(1));
          return;
        case '429-long':
          fake.failures.push(throttled(3600));
          return;
        default:
          fake.fault = fault === 'drip' ? { kind: 'drip', everyMs: 200 } : { kind: fault };
      }
    };
    return { source, inject, close: () => fake.close() };
  },
  messages: {
    '500': /^UPSTREAM_ERROR: Azure activity log for subscription .* answered HTTP 500 InternalServerError: Encountered internal server error/,
    '401': /^UNAUTHENTICATED: Azure activity log for subscription .* answered HTTP 401 ExpiredAuthenticationToken/,
    '403': /^FORBIDDEN: Azure activity log for subscription .* answered HTTP 403 AuthorizationFailed/,
    malformed: /^UPSTREAM_ERROR: Azure activity log for subscription .* answered HTTP 200 PARSE_ERROR/,
    '429-long': /^throttled by the upstream, which asks to wait 3600 s \(until .*\), longer than this page waits for the source: not retried/,
    hang: /^no answer for 3 s \(query\.sourceTimeoutMs\): left out of this page after the window start/,
    drip: /^no answer for 3 s \(query\.sourceTimeoutMs\)/,
    repeat: /^UPSTREAM_ERROR: the activity log of subscription [0-9a-f-]+ returned page 2 as a repeat of page 1 \(the same 2 record\(s\)\): dropped, paging stopped there; left out of this page after 2026-03-14T09:25:03\.000Z/,
    reset: /^UNREACHABLE: https:\/\/127\.0\.0\.1:\d+ cut the connection while its answer was being read \(reset mid-body\)/,
  },
});
