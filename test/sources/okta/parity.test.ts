import * as path from 'node:path';
import { ConfigNode } from '../../../src/config/fields';
import { oktaDefinition } from '../../../src/sources/okta';
import { defineParityContract } from '../../contract/parity-contract';
import { parityDemo } from '../../contract/parity-demo';
import { testDeps } from '../../helpers/deps';
import { FakeOkta } from './fake-okta';

const TOKEN = '00aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcd';
const TOKEN_ENV = 'AUDITGRAPH_TEST_OKTA_PARITY_TOKEN';
process.env[TOKEN_ENV] = TOKEN;

// the demo's System Log export, served by the loopback Okta org and read from the export file
defineParityContract('okta', async () => {
  const demo = await parityDemo();
  const fake = await FakeOkta.start({ token: TOKEN, events: demo.data.okta });
  const deps = testDeps(() => demo.now);
  const orgUrl = fake.url;
  const api = oktaDefinition.create(ConfigNode.of({ id: 'okta', type: 'okta', mode: 'api', orgUrl, tokenEnv: TOKEN_ENV, rateLimitPerMinute: 10_000 }, 'sources[0]'), { id: 'okta', mode: 'api' }, deps);
  const archive = oktaDefinition.create(ConfigNode.of({ id: 'okta', type: 'okta', mode: 'archive', path: path.join(demo.root, 'okta'), orgUrl }, 'sources[1]'), { id: 'okta', mode: 'archive' }, deps);
  return { api, archive, window: demo.window(7, 11), now: demo.now, teardown: () => fake.close() };
});
