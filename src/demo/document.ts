import { DEMO_IDENTITY, demoSourceConfigs } from './config';

export { defaultDemoRoot } from './config';

/** The whole config document (as auditgraph.yaml would hold it) that serves the demo under `root`. */
export function demoConfigDocument(root: string): { sources: Array<Record<string, unknown>>; identity: { emailDomains: string[]; oidcPrefixes: string[] } } {
  return {
    sources: demoSourceConfigs(root),
    identity: { emailDomains: [...DEMO_IDENTITY.emailDomains], oidcPrefixes: [...DEMO_IDENTITY.oidcPrefixes] },
  };
}
