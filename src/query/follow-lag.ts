import type { Source } from '../domain';

/** How a tail follows one source: how late its events can still arrive, and how often it is asked. */
export interface FollowPolicy {
  /** an event is emitted once this long has passed since its time: later than that, the upstream has delivered it */
  lagMs: number;
  /** how often the source is asked for new events (within its own rate limiter either way) */
  pollMs: number;
  /** where the lag comes from, for the status */
  why: string;
}

const S = 1000;
const M = 60 * S;

/**
 * Each kind of source's delivery lag, from what the services document and how their exports are written; the
 * tail waits that long before it takes an event as final, so that an event delivered late is not skipped.
 */
const POLICIES: Record<string, FollowPolicy> = {
  'k8s-audit/file': { lagMs: 15 * S, pollMs: 2 * S, why: 'the audit log backend writes a request when it completes (both stages within seconds); the live audit.log and its rotations are re-read from the last position' },
  'k8s-audit/cloudwatch': { lagMs: 2 * M, pollMs: 15 * S, why: 'EKS ships the audit log to CloudWatch Logs within about a minute' },
  'okta/api': { lagMs: 30 * S, pollMs: 15 * S, why: 'Okta recommends polling the System Log with since/after a short delay: events can land a few seconds late' },
  'okta/archive': { lagMs: 1 * M, pollMs: 1 * M, why: 'the export file of the day is appended to' },
  'cloudtrail/api': { lagMs: 15 * M, pollMs: 1 * M, why: 'CloudTrail delivers an event to LookupEvents within about 15 minutes of the call' },
  'cloudtrail/archive': { lagMs: 15 * M, pollMs: 1 * M, why: 'CloudTrail writes a file to S3 about every 5 minutes, with records up to about 15 minutes old' },
  'gcp-audit/api': { lagMs: 2 * M, pollMs: 30 * S, why: 'Cloud Logging makes entries readable within a minute or two' },
  'gcp-audit/archive': { lagMs: 75 * M, pollMs: 5 * M, why: 'a Cloud Storage sink writes each hour of entries in a file after the hour' },
  'azure-activity/api': { lagMs: 20 * M, pollMs: 2 * M, why: 'the activity log makes events available 3 to 20 minutes after the operation' },
  'azure-activity/archive': { lagMs: 20 * M, pollMs: 2 * M, why: 'the export appends each hour file (PT1H.json) as events arrive, up to 20 minutes late' },
  'flyte/api': { lagMs: 10 * S, pollMs: 10 * S, why: 'flyteadmin records execution events as they happen' },
  'flyte/archive': { lagMs: 1 * M, pollMs: 1 * M, why: 'the execution export is rewritten whole' },
};

const DEFAULT: FollowPolicy = { lagMs: 5 * M, pollMs: 1 * M, why: 'no documented delivery lag for this source: a conservative 5 minutes' };

export function followPolicy(source: Source): FollowPolicy {
  const own = source.capabilities.follow;
  if (own) return { lagMs: own.lagMs, pollMs: own.pollMs, why: own.why ?? 'declared by the source' };
  return POLICIES[`${source.type}/${source.mode}`] ?? DEFAULT;
}
