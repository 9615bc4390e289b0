import { ConfigNode } from '../../../src/config/fields';
import type { LimiterRegistry, SourceDeps } from '../../../src/domain';
import { cloudtrailDefinition } from '../../../src/sources/cloudtrail';
import { FakeCloudTrail, storedEvent, type StoredEvent } from './fake-cloudtrail';
import { ACCOUNT, REGION, ciBotIdentity, createAccessKey, getSecretValue, ssoGetCallerIdentity, attachUserPolicy, assumeRoleWithWebIdentity, deniedCreateUser } from './records';

export const ACCESS_KEY_ID = 'AKIAAUDITGRAPHTEST01';
export const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/**
 * The SDK's default credential chain reads the environment first; point it at the fake's key and away from
 * this machine's AWS config files, profiles and instance metadata.
 */
export function useFakeAwsEnvironment(): void {
  process.env.AWS_ACCESS_KEY_ID = ACCESS_KEY_ID;
  process.env.AWS_SECRET_ACCESS_KEY = SECRET_ACCESS_KEY;
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  process.env.AWS_CONFIG_FILE = '/nonexistent/auditgraph-test/config';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/auditgraph-test/credentials';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
}

/** The incident's CloudTrail calls between 09:01 and 09:35, one a few minutes, as the API stores them. */
export function incidentRecords(): Record<string, unknown>[] {
  return [
    ssoGetCallerIdentity('e01', '2026-03-14T09:01:00Z'),
    createAccessKey('e02', '2026-03-14T09:03:12Z'),
    attachUserPolicy('e03', '2026-03-14T09:04:40Z'),
    assumeRoleWithWebIdentity('e04', '2026-03-14T09:11:00Z'),
    getSecretValue('e05', '2026-03-14T09:12:30Z'),
    getSecretValue('e06', '2026-03-14T09:15:00Z'),
    // two calls in the same second: ties may come in any order
    getSecretValue('e07', '2026-03-14T09:20:00Z'),
    ssoGetCallerIdentity('e08', '2026-03-14T09:20:00Z'),
    getSecretValue('e09', '2026-03-14T09:30:05Z', ciBotIdentity()),
    getSecretValue('e10', '2026-03-14T09:31:00Z', ciBotIdentity()),
    deniedCreateUser('e11', '2026-03-14T09:34:10Z'),
    ssoGetCallerIdentity('e12', '2026-03-14T09:35:00Z'),
  ];
}

export function storedIncident(): StoredEvent[] {
  return incidentRecords().map((r) => storedEvent(r as never));
}

/** An event whose CloudTrailEvent string is cut short: the source must count it, not fail. */
export function truncatedEvent(eventTime: string): StoredEvent {
  const full = storedEvent(getSecretValue('e-truncated', eventTime) as never);
  return { ...full, cloudTrailEvent: full.cloudTrailEvent.slice(0, 40) };
}

export async function startFake(events: StoredEvent[], rate?: { requests: number; perMs: number } | null): Promise<FakeCloudTrail> {
  return FakeCloudTrail.start({ accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, region: REGION, events, rate });
}

export function apiSource(endpoint: string, deps: SourceDeps, extra: Record<string, unknown> = {}) {
  const node = ConfigNode.of({ id: 'prod-trail', type: 'cloudtrail', mode: 'api', region: REGION, accountId: ACCOUNT, endpoint, ...extra }, 'sources[0]');
  return cloudtrailDefinition.create(node, { id: 'prod-trail', mode: 'api' }, deps);
}

/** Records which limiter a source asks for, and hands out the registry's own. */
export class RecordingLimiters implements LimiterRegistry {
  readonly asked: { scope: string; requests: number; perMs: number }[] = [];
  constructor(private readonly inner: LimiterRegistry) {}
  get(scope: string, requests: number, perMs: number) {
    this.asked.push({ scope, requests, perMs });
    return this.inner.get(scope, requests, perMs);
  }
}
