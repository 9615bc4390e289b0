import * as path from 'node:path';
import { ConfigNode } from '../../../src/config/fields';
import { cloudtrailDefinition } from '../../../src/sources/cloudtrail';
import { defineParityContract } from '../../contract/parity-contract';
import { parityDemo, unthrottledDeps } from '../../contract/parity-demo';
import { ACCESS_KEY_ID, SECRET_ACCESS_KEY, useFakeAwsEnvironment } from './api-fixture';
import { FakeCloudTrail, storedEvent } from './fake-cloudtrail';

useFakeAwsEnvironment();

// the demo trail's S3 layout, every record indexed by the loopback LookupEvents as CloudTrail indexes it
defineParityContract('cloudtrail', async () => {
  const demo = await parityDemo();
  const { awsAccount: account, awsRegion: region } = demo.manifest.org;
  const events = demo.data.cloudtrail.flatMap((f) => f.records).map((r) => storedEvent(r));
  const fake = await FakeCloudTrail.start({ accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, region, events, rate: null });
  const deps = unthrottledDeps(demo.now);
  const api = cloudtrailDefinition.create(ConfigNode.of({ id: 'trail', type: 'cloudtrail', mode: 'api', region, accountId: account, endpoint: fake.url }, 'sources[0]'), { id: 'trail', mode: 'api' }, deps);
  const archive = cloudtrailDefinition.create(ConfigNode.of({ id: 'trail', type: 'cloudtrail', mode: 'archive', path: path.join(demo.root, 'cloudtrail') }, 'sources[1]'), { id: 'trail', mode: 'archive' }, deps);
  return { api, archive, window: demo.window(8.75, 10), now: demo.now, teardown: () => fake.stop() };
});
