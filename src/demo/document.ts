import * as path from 'node:path';
import { DEMO_IDENTITY, demoSourceConfigs } from './config';

export { defaultDemoRoot } from './config';

/** The whole config document (as auditgraph.yaml would hold it) that serves the demo under `root`. */
export function demoConfigDocument(root: string): {
  sources: Array<Record<string, unknown>>;
  identity: { emailDomains: string[]; oidcPrefixes: string[] };
  taskLogs: Array<Record<string, unknown>>;
} {
  return {
    sources: demoSourceConfigs(root),
    identity: { emailDomains: [...DEMO_IDENTITY.emailDomains], oidcPrefixes: [...DEMO_IDENTITY.oidcPrefixes] },
    // the incident run's pods' logs, as the kubelet writes them
    taskLogs: [{ id: 'pod-logs', type: 'files', path: path.join(root, 'pod-logs') }],
  };
}
