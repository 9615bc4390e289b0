import { ConfigNode } from '../../../src/config/fields';
import { oktaDefinition } from '../../../src/sources/okta';
import { testDeps } from '../../helpers/deps';
import { defineFaultMatrix, type FaultCase } from '../fault-matrix';
import { FakeOkta } from './fake-okta';
import { eventSeries } from './fixtures';

const TOKEN = '00aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcd';
const TOKEN_ENV = 'AUDITGRAPH_TEST_OKTA_FAULTS_TOKEN';
process.env[TOKEN_ENV] = TOKEN;

const window = { from: new Date('2026-03-14T09:00:00.000Z'), to: new Date('2026-03-14T10:00:00.000Z') };
const events = eventSeries('2026-03-14T09:00:30.000Z', 20, 120_000, 'f');
const newestFirst = events.map((e) => String(e.uuid)).reverse();

const oktaError = (errorCode: string, errorSummary: string) => ({ errorCode, errorSummary, errorLink: errorCode, errorId: 'oae-test', errorCauses: [] });

defineFaultMatrix('okta api', {
  window,
  expected: newestFirst,
  firstPage: newestFirst.slice(0, 5),
  async start() {
    const fake = await FakeOkta.start({ token: TOKEN, events });
    const node = ConfigNode.of({ id: 'okta', type: 'okta', mode: 'api', orgUrl: fake.url, tokenEnv: TOKEN_ENV, rateLimitPerMinute: 6000 }, 'sources[0]');
    const source = oktaDefinition.create(node, { id: 'okta', mode: 'api' }, testDeps());
    const resetIn = (s: number) => ({ 'X-Rate-Limit-Limit': '120', 'X-Rate-Limit-Remaining': '0', 'X-Rate-Limit-Reset': String(Math.ceil(Date.now() / 1000) + s) });
    const inject = (fault: FaultCase) => {
      switch (fault) {
        case '500':
          return fake.failNext(500, oktaError('E0000009', 'Internal Server Error'));
        case '401':
          return fake.failNext(401, oktaError('E0000011', 'Invalid token provided'));
        case '403':
          return fake.failNext(403, oktaError('E0000006', 'You do not have permission to perform the requested action'));
        case '429-short':
          return fake.failNext(429, oktaError('E0000047', 'API call exceeded rate limit due to too many requests.'), resetIn(0));
        case '429-long':
          return fake.failNext(429, oktaError('E0000047', 'API call exceeded rate limit due to too many requests.'), resetIn(3600));
        case 'hang':
          fake.fault = { kind: 'hang' };
          return;
        case 'drip':
          fake.fault = { kind: 'drip', everyMs: 200 };
          return;
        case 'reset':
          fake.fault = { kind: 'reset' };
          return;
        case 'malformed':
          fake.fault = { kind: 'malformed' };
          return;
        case 'repeat':
          fake.fault = { kind: 'repeat' };
          return;
      }
    };
    return { source, inject, close: () => fake.close() };
  },
  messages: {
    '500': /^UPSTREAM_ERROR: Okta System Log HTTP 500: E0000009 Internal Server Error/,
    '401': /^UNAUTHENTICATED: Okta System Log HTTP 401: E0000011 Invalid token provided/,
    '403': /^FORBIDDEN: Okta System Log HTTP 403: E0000006/,
    malformed: /^UPSTREAM_ERROR: Okta System Log request failed: the page is not JSON/,
    '429-long': /^throttled by the upstream, which asks to wait 36\d\d(\.\d)? s \(until .*\), longer than this page waits for the source: not retried/,
    hang: /^no answer for 3 s \(query\.sourceTimeoutMs\): left out of this page after the window start/,
    drip: /^no answer for 3 s \(query\.sourceTimeoutMs\)/,
    repeat: /^UPSTREAM_ERROR: the System Log of http:\/\/127\.0\.0\.1:\d+ returned page 2 as a repeat of page 1 \(the same 5 record\(s\)\): dropped, paging stopped there; left out of this page after 2026-03-14T09:30:30\.000Z/,
    reset: /^UNREACHABLE: Okta at http:\/\/127\.0\.0\.1:\d+ cut the connection while its answer was being read \(read ECONNRESET\)/,
  },
});
