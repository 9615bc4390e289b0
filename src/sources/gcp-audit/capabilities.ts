import { SortOrder, type Capabilities } from '../../domain';
import { RETENTION_DAYS, type AuditLogKind } from './config';
import { translateAction, translateIdentity, translateOutcome, translateResource, translateSourceIp } from './filter';

/** entries.list takes up to 1,000 entries a page. */
export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;

export function rateLimitScope(projectId: string): string {
  return `gcp:${projectId}`;
}

/** The shortest default retention among the logs read: a window older than that would silently miss entries. */
export function retentionOf(logs: readonly AuditLogKind[]): number {
  return Math.min(...logs.map((l) => RETENTION_DAYS[l]));
}

export function apiCapabilities(opts: { projectId: string; logs: readonly AuditLogKind[]; rateLimitPerMinute: number }): Capabilities {
  return {
    // entries.list takes orderBy "timestamp asc" or "timestamp desc" (ties by insertId)
    orders: [SortOrder.NEWEST_FIRST, SortOrder.OLDEST_FIRST],
    // all of these go into one filter string; the 20,000-character limit caps the values
    pushdown: [
      {
        field: 'identity',
        maxValues: 20,
        upstream: 'protoPayload.authenticationInfo.principalEmail / principalSubject / serviceAccountDelegationInfo',
        translate: translateIdentity,
      },
      { field: 'sourceIp', maxValues: 50, upstream: 'protoPayload.requestMetadata.callerIp', translate: translateSourceIp },
      { field: 'resource', maxValues: 1, upstream: 'protoPayload.resourceName: (substring)', translate: translateResource },
      { field: 'action', maxValues: 50, upstream: 'protoPayload.methodName (=, :, =~)', translate: translateAction },
      { field: 'outcome', maxValues: 3, upstream: 'protoPayload.status.code>0', translate: translateOutcome },
    ],
    maxPushedFields: 5,
    pageSize: { default: DEFAULT_PAGE_SIZE, max: MAX_PAGE_SIZE },
    rateLimit: { requests: opts.rateLimitPerMinute, perMs: 60_000, scope: rateLimitScope(opts.projectId) },
    retentionDays: retentionOf(opts.logs),
    partitionPruning: false,
  };
}

export function archiveCapabilities(): Capabilities {
  return {
    // hourly files are read in path order, forwards or backwards, each sorted in memory
    orders: [SortOrder.NEWEST_FIRST, SortOrder.OLDEST_FIRST],
    pushdown: [],
    maxPushedFields: 0,
    pageSize: { default: 1000, max: 10_000 },
    partitionPruning: true,
  };
}
