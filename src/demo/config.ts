import * as fs from 'node:fs';
import * as path from 'node:path';
import { isCalendarDate, yesterday } from './clock';

/**
 * The source entries (as they would appear under `sources:` in auditgraph.yaml) that read the bundled demo:
 * one archive-mode source per kind, over the folders the generator writes.
 */
export function demoSourceConfigs(root: string): Array<Record<string, unknown>> {
  const at = (dir: string): string => path.join(root, dir);
  return [
    { id: 'okta', type: 'okta', mode: 'archive', path: at('okta') },
    { id: 'flyte', type: 'flyte', mode: 'archive', path: at('flyte') },
    { id: 'prod-eks-audit', type: 'k8s-audit', mode: 'file', path: at('k8s-audit'), cluster: 'prod-eks' },
    { id: 'aws-trail', type: 'cloudtrail', mode: 'archive', path: at('cloudtrail') },
    { id: 'gcp-audit', type: 'gcp-audit', mode: 'archive', path: at('gcp') },
    { id: 'azure-activity', type: 'azure-activity', mode: 'archive', path: at('azure') },
  ];
}

/**
 * The `identity:` section for the demo: people's emails are on example.com, and EKS prefixes OIDC usernames
 * with `oidc:`. Everything else (Identity Center session names, IRSA annotations, Azure upn claims) is tied
 * by the correlation rules from the events themselves.
 */
export const DEMO_IDENTITY: Readonly<{ emailDomains: readonly string[]; oidcPrefixes: readonly string[] }> = {
  emailDomains: ['example.com'],
  oidcPrefixes: ['oidc:'],
};

/** The checkout this code runs from: the nearest folder above it with auditgraph's package.json. */
export function repoRoot(from: string = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'auditgraph') return dir;
    } catch {
      // no package.json here: keep climbing
    }
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

/** Where the demo lives: `$AUDITGRAPH_DEMO_DIR`, else `<repo>/.demo-data` (gitignored). */
export function defaultDemoRoot(): string {
  const fromEnv = process.env.AUDITGRAPH_DEMO_DIR;
  return fromEnv && fromEnv.trim() !== '' ? path.resolve(fromEnv) : path.join(repoRoot(), '.demo-data');
}

/** The environment variable that pins the demo's day. */
export const DEMO_DATE_ENV = 'AUDITGRAPH_DEMO_DATE';

/**
 * The demo's day: `$AUDITGRAPH_DEMO_DATE` (`YYYY-MM-DD`) when set, else the day before `now` (UTC), so that
 * default windows (`identity(ref)`'s last 7 days, `last: "P1D"`) find it.
 */
export function defaultDemoDate(env: NodeJS.ProcessEnv = process.env, now: Date = new Date()): string {
  const pinned = env[DEMO_DATE_ENV]?.trim();
  if (!pinned) return yesterday(now);
  if (!isCalendarDate(pinned)) throw new RangeError(`${DEMO_DATE_ENV}: expected a calendar date YYYY-MM-DD (such as 2026-03-14), got ${JSON.stringify(pinned)}`);
  return pinned;
}
