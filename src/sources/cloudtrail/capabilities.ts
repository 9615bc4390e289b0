import { SortOrder, type Capabilities } from '../../domain';
import { actionLookup, identityLookup } from './lookup';

/** LookupEvents answers 2 requests per second per account per region. */
export const LOOKUP_RATE = { requests: 2, perMs: 1000 } as const;
export const LOOKUP_MAX_RESULTS = 50;
export const LOOKUP_RETENTION_DAYS = 90;

export function apiCapabilities(scope: string): Capabilities {
  return {
    // LookupEvents returns newest first and has no order parameter
    orders: [SortOrder.NEWEST_FIRST],
    // one lookup attribute per request, whichever field: identity is the more selective; values are matched
    // with case upstream, so only those whose case cannot vary are sent (see lookup.ts)
    pushdown: [
      { field: 'identity', maxValues: 1, upstream: 'LookupAttributes[AccessKeyId] (access key ids only)', translate: (vs) => identityLookup(vs).translation },
      { field: 'action', maxValues: 50, upstream: 'LookupAttributes[EventSource] (one service)', translate: (vs) => actionLookup(vs).translation },
    ],
    maxPushedFields: 1,
    pageSize: { default: LOOKUP_MAX_RESULTS, max: LOOKUP_MAX_RESULTS },
    rateLimit: { ...LOOKUP_RATE, scope },
    retentionDays: LOOKUP_RETENTION_DAYS,
    partitionPruning: false,
  };
}

export function archiveCapabilities(): Capabilities {
  return {
    // files are read in delivery order and records released through a bounded sort buffer, either way
    orders: [SortOrder.NEWEST_FIRST, SortOrder.OLDEST_FIRST],
    pushdown: [],
    maxPushedFields: 0,
    pageSize: { default: 1000, max: 10_000 },
    partitionPruning: true,
  };
}
