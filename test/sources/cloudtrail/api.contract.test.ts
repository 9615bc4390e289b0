import { defineSourceContract } from '../../contract/source-contract';
import { testDeps } from '../../helpers/deps';
import { apiSource, incidentRecords, startFake, storedIncident, truncatedEvent, useFakeAwsEnvironment } from './api-fixture';

useFakeAwsEnvironment();

// the real limiter (2 requests/s, as declared) against a fake that does not throttle: throttling has its own tests
defineSourceContract('cloudtrail (api)', async () => {
  const fake = await startFake([...storedIncident(), truncatedEvent('2026-03-14T09:25:00Z')], null);
  const closed = await startFake([], null);
  const closedUrl = closed.url;
  await closed.stop();
  const records = incidentRecords();
  // 12 well-formed calls at 3 a page (plus the truncated one): at least the 5 requests minRequests counts on
  expect(records).toHaveLength(12);
  const expected = records.map((r) => ({ id: r.eventID as string, time: Date.parse(r.eventTime as string) }));
  return {
    source: apiSource(fake.url, testDeps()),
    expected,
    window: { from: new Date('2026-03-14T09:00:00Z'), to: new Date('2026-03-14T09:40:00Z') },
    malformed: 1,
    failing: () => apiSource(closedUrl, testDeps()),
    // 13 stored events at 3 a page
    minRequests: 5,
    teardown: () => fake.stop(),
  };
});
