import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigNode } from '../../../src/config/fields';
import { azureActivityDefinition } from '../../../src/sources/azure-activity';
import { exportEventId } from '../../../src/sources/azure-activity/normalize';
import { defineParityContract } from '../../contract/parity-contract';
import { parityDemo, unthrottledDeps } from '../../contract/parity-demo';
import { FakeArm } from './fake-arm';
import { fromExport } from './fixtures';
import { selfSignedCert } from './tls';

const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.parity-token.signature';

// the demo's storage-account export, each line served by the loopback ARM as the REST API's EventData
defineParityContract('azure-activity', async () => {
  const demo = await parityDemo();
  const subscriptionId = demo.manifest.org.azureSubscription;
  const lines = demo.data.azure.flatMap((f) => f.records);
  const events = lines.map((l) => fromExport(l, exportEventId(l, l.operationName)));
  const tls = selfSignedCert();
  const fake = await FakeArm.start(tls, { subscriptionId, token: TOKEN, events });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auditgraph-azure-parity-'));
  const tokenFile = path.join(dir, 'token');
  fs.writeFileSync(tokenFile, `${TOKEN}\n`);
  const deps = unthrottledDeps(demo.now);
  const config = { id: 'azure', type: 'azure-activity', mode: 'api', subscriptionId, endpoint: fake.url, tokenFile, caFile: tls.certFile, requestsPerSecond: 100 };
  const api = azureActivityDefinition.create(ConfigNode.of(config, 'sources[0]'), { id: 'azure', mode: 'api' }, deps);
  const archive = azureActivityDefinition.create(ConfigNode.of({ id: 'azure', type: 'azure-activity', mode: 'archive', path: path.join(demo.root, 'azure') }, 'sources[1]'), { id: 'azure', mode: 'archive' }, deps);
  return {
    api,
    archive,
    window: demo.window(8, 11),
    now: demo.now,
    teardown: async () => {
      await fake.close();
      tls.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
