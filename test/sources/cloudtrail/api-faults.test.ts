import { testDeps } from '../../helpers/deps';
import { defineFaultMatrix, type FaultCase } from '../fault-matrix';
import { apiSource, incidentRecords, startFake, storedIncident, useFakeAwsEnvironment } from './api-fixture';

useFakeAwsEnvironment();

const window = { from: new Date('2026-03-14T09:00:00.000Z'), to: new Date('2026-03-14T10:00:00.000Z') };
// newest first, ties (e07 and e08, one second) by id as the engine orders them
const newestFirst = incidentRecords()
  .map((r) => ({ id: String(r.eventID), t: Date.parse(String(r.eventTime)) }))
  .sort((a, b) => b.t - a.t || (a.id < b.id ? 1 : -1))
  .map((r) => r.id);

defineFaultMatrix('cloudtrail api', {
  window,
  expected: newestFirst,
  firstPage: newestFirst.slice(0, 5),
  async start() {
    const fake = await startFake(storedIncident(), null);
    const source = apiSource(fake.url, testDeps());
    const inject = (fault: FaultCase) => {
      switch (fault) {
        case '500':
          fake.failures.push({ status: 500, type: 'InternalFailure', message: 'The request processing has failed because of an unknown error, exception or failure.' });
          return;
        case '401':
          fake.failures.push({ status: 400, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
          return;
        case '403':
          fake.failures.push({ status: 400, type: 'AccessDeniedException', message: 'User: arn:aws:iam::111122223333:user/ci-bot is not authorized to perform: cloudtrail:LookupEvents' });
          return;
        case '429-short':
          fake.failures.push({ status: 400, type: 'ThrottlingException', message: 'Rate exceeded' });
          return;
        case '429-long':
          // CloudTrail names no reset: a service that keeps throttling
          for (let i = 0; i < 50; i++) fake.failures.push({ status: 400, type: 'ThrottlingException', message: 'Rate exceeded' });
          return;
        default:
          fake.fault = fault === 'drip' ? { kind: 'drip', everyMs: 200 } : { kind: fault };
      }
    };
    return { source, inject, close: () => fake.stop() };
  },
  messages: {
    '500': /^UPSTREAM_ERROR: .*InternalFailure/,
    '401': /^UNAUTHENTICATED: .*UnrecognizedClientException/,
    '403': /^FORBIDDEN: .*AccessDeniedException/,
    malformed: /^UPSTREAM_ERROR: CloudTrail LookupEvents failed: HTTP 200: SyntaxError: Unexpected end of JSON input/,
    '429-long': /^throttled by the upstream, which asks to wait \d+(\.\d)? s \(until .*\), longer than this page waits for the source: not retried/,
    hang: /^no answer for 3 s \(query\.sourceTimeoutMs\): left out of this page after the window start/,
    drip: /^no answer for 3 s \(query\.sourceTimeoutMs\)/,
    repeat: /^UPSTREAM_ERROR: LookupEvents in us-east-1 returned page 2 as a repeat of page 1 \(the same 5 record\(s\)\): dropped, paging stopped there/,
    reset: /^UNREACHABLE: CloudTrail at http:\/\/127\.0\.0\.1:\d+ cut the connection while its answer was being read \(reset mid-body\)/,
  },
});
