import * as path from 'node:path';
import { ConfigNode } from '../../../src/config/fields';
import { flyteDefinition } from '../../../src/sources/flyte';
import { defineParityContract } from '../../contract/parity-contract';
import { parityDemo, unthrottledDeps } from '../../contract/parity-demo';
import { FakeFlyteAdmin } from './fake-flyteadmin';
import { fromUctl, type JsonObject } from './fixtures';

// the demo's `uctl get execution -o json` export, each execution served by the loopback flyteadmin in REST form
defineParityContract('flyte', async () => {
  const demo = await parityDemo();
  const admin = await new FakeFlyteAdmin().start();
  for (const execution of demo.data.flyte.executions) admin.addExecution(fromUctl(execution) as JsonObject);
  const deps = unthrottledDeps(demo.now);
  const config = { id: 'flyte', type: 'flyte', mode: 'api', endpoint: admin.url, projects: ['ml', 'data'], domains: ['development', 'production'], rateLimitPerSecond: 1000 };
  const api = flyteDefinition.create(ConfigNode.of(config, 'sources[0]'), { id: 'flyte', mode: 'api' }, deps);
  const archive = flyteDefinition.create(ConfigNode.of({ id: 'flyte', type: 'flyte', mode: 'archive', path: path.join(demo.root, 'flyte') }, 'sources[1]'), { id: 'flyte', mode: 'archive' }, deps);
  return { api, archive, window: demo.window(0, 24), now: demo.now, teardown: () => admin.stop() };
});
