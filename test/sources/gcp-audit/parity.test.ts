import * as path from 'node:path';
import { ConfigNode } from '../../../src/config/fields';
import { gcpAuditDefinition } from '../../../src/sources/gcp-audit';
import type { GcpAuditApiSource } from '../../../src/sources/gcp-audit/client';
import { defineParityContract } from '../../contract/parity-contract';
import { parityDemo, unthrottledDeps } from '../../contract/parity-demo';
import { FakeLogging, startRest, VALID_TOKEN } from './fake-logging';
import type { JsonObject } from './fixtures';
import { loopbackApiConfig } from './fixtures';

const TOKEN_ENV = 'GCP_AUDIT_PARITY_TOKEN';
process.env[TOKEN_ENV] = VALID_TOKEN;

// the demo's Cloud Storage sink files, every entry served by the loopback Cloud Logging (REST transport)
defineParityContract('gcp-audit', async () => {
  const demo = await parityDemo();
  const entries = demo.data.gcp.flatMap((f) => f.entries) as JsonObject[];
  const fake = new FakeLogging(entries);
  const server = await startRest(fake);
  const deps = unthrottledDeps(demo.now);
  const logs = ['activity', 'data_access', 'system_event'];
  const config = loopbackApiConfig('gcp', server.port, TOKEN_ENV, { fallback: true, logs, projectId: demo.manifest.org.gcpProject });
  const api = gcpAuditDefinition.create(ConfigNode.of(config, 'sources[0]'), { id: 'gcp', mode: 'api' }, deps) as GcpAuditApiSource;
  const archive = gcpAuditDefinition.create(ConfigNode.of({ id: 'gcp', type: 'gcp-audit', mode: 'archive', path: path.join(demo.root, 'gcp'), logs }, 'sources[1]'), { id: 'gcp', mode: 'archive' }, deps);
  return {
    api,
    archive,
    window: demo.window(8, 10),
    now: demo.now,
    teardown: async () => {
      await api.close();
      await server.close();
    },
  };
});
