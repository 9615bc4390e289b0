/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type ActorType =
  | 'ROLE_SESSION'
  | 'SERVICE'
  | 'SERVICE_ACCOUNT'
  | 'SYSTEM'
  | 'UNKNOWN'
  | 'USER';

/** Kinds of name one person or workload goes by across the trails. */
export type AliasKind =
  | 'AWS_ACCESS_KEY'
  | 'AWS_IAM_USER'
  | 'AWS_IDENTITY_CENTER_USER'
  | 'AWS_IDENTITY_CENTER_USER_ID'
  | 'AWS_ROLE'
  | 'AWS_ROLE_SESSION'
  | 'AZURE_CALLER'
  | 'AZURE_OBJECT_ID'
  | 'EMAIL'
  | 'FLYTE_PRINCIPAL'
  | 'GCP_PRINCIPAL'
  | 'K8S_SERVICE_ACCOUNT'
  | 'K8S_USER'
  | 'OKTA_USER_ID';

/** The OCSF class of an event (ocsfClassUid gives the number). */
export type EventCategory =
  | 'ACCOUNT_CHANGE'
  | 'API_ACTIVITY'
  | 'AUTHENTICATION'
  | 'AUTHORIZE_SESSION'
  | 'ENTITY_MANAGEMENT'
  | 'GROUP_MANAGEMENT'
  | 'SCHEDULED_JOB'
  | 'USER_ACCESS';

/** Values inside one field are alternatives (OR); fields combine with AND. */
export type EventFilterInput = {
  /** normalized or upstream action name, case-insensitive; `*` is a wildcard (`iam:*`) */
  action?: Array<string> | null | undefined;
  category?: Array<EventCategory> | null | undefined;
  /** an actor's name, id or alias (email, Okta id, ARN, access key, Kubernetes user…), case-insensitive */
  identity?: Array<string> | null | undefined;
  kinds?: Array<SourceKind> | null | undefined;
  outcome?: Array<Outcome> | null | undefined;
  /** a substring of a target's name or id, case-insensitive */
  resource?: string | null | undefined;
  /** a run ID, `project/domain/name` or the bare execution name */
  runId?: Array<string> | null | undefined;
  /** IPv4 or IPv6 address, exact */
  sourceIp?: Array<string> | null | undefined;
  /** source ids from the config */
  sources?: Array<string> | null | undefined;
};

/** The stream of a container a line was written to. */
export type LogStream =
  | 'STDERR'
  | 'STDOUT';

export type Outcome =
  | 'FAILURE'
  | 'SUCCESS'
  | 'UNKNOWN';

/** Order of events by time; ties are broken by source id, then event id. */
export type SortOrder =
  | 'NEWEST_FIRST'
  | 'OLDEST_FIRST';

/** What kind of audit trail a source is. */
export type SourceKind =
  | 'ACCESS_LOG'
  | 'CLOUD_AUDIT'
  | 'EXECUTION'
  | 'IDENTITY_PROVIDER'
  | 'KUBERNETES_AUDIT';

/** How a source answered one page of one query. */
export type SourceState =
  | 'CLAMPED'
  | 'EMPTY'
  | 'FAILED'
  | 'OK'
  | 'PARTIAL'
  | 'THROTTLED'
  | 'TIMED_OUT';

/** A half-open time window [from, to). Give `from` (and `to`, default now), or `last` (an ISO-8601 duration such as PT1H, ending at `to` or now), or `day` (a whole UTC day, or with `time` part of it). */
export type TimeWindowInput = {
  /** A UTC calendar day, YYYY-MM-DD, or "demo" for the day of the bundled demo the server serves (printed at start-up). The whole day, or with `time` part of it; not with `from`, `to` or `last`. */
  day?: string | null | undefined;
  from?: string | null | undefined;
  /** ISO-8601 duration: PT15M, PT1H, P1D, P7D, P1DT12H */
  last?: string | null | undefined;
  /** With `day`: a span of that day, HH:MM[:SS]/HH:MM[:SS] (UTC, half-open, 24:00 for the end of the day), e.g. "08:45/10:00". */
  time?: string | null | undefined;
  to?: string | null | undefined;
};

export type EventRowFragment = { id: string, time: string, category: EventCategory, action: string, outcome: Outcome, sourceIp: string | null, runId: string | null, source: { id: string, type: string, kind: SourceKind }, actor: { name: string, type: ActorType }, targets: Array<{ type: string, name: string, namespace: string | null }> };

export type StatusFieldsFragment = { state: SourceState, message: string | null, requests: number, eventsScanned: number, eventsMatched: number, eventsReturned: number, malformed: number, malformedSamples: Array<string>, throttled: number, redactions: number, partitionsRead: number, partitionsPruned: number, durationMs: number, pushedDown: Array<string>, residual: Array<string>, source: { id: string, type: string, kind: SourceKind, mode: string } };

export type SearchEventsQueryVariables = Exact<{
  window: TimeWindowInput;
  filter?: EventFilterInput | null | undefined;
  order?: SortOrder | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type SearchEventsQuery = { events: { edges: Array<{ cursor: string, evidence: Array<string>, node: { id: string, time: string, category: EventCategory, action: string, outcome: Outcome, sourceIp: string | null, runId: string | null, source: { id: string, type: string, kind: SourceKind }, actor: { name: string, type: ActorType }, targets: Array<{ type: string, name: string, namespace: string | null }> } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null }, window: { from: string, to: string }, sources: Array<{ state: SourceState, message: string | null, requests: number, eventsScanned: number, eventsMatched: number, eventsReturned: number, malformed: number, malformedSamples: Array<string>, throttled: number, redactions: number, partitionsRead: number, partitionsPruned: number, durationMs: number, pushedDown: Array<string>, residual: Array<string>, source: { id: string, type: string, kind: SourceKind, mode: string } }> } };

export type EventHistogramQueryVariables = Exact<{
  window: TimeWindowInput;
  filter?: EventFilterInput | null | undefined;
  buckets?: number | null | undefined;
}>;


export type EventHistogramQuery = { histogram: { bucketMs: number, bucketStarts: Array<string>, complete: boolean, window: { from: string, to: string }, series: Array<{ counts: Array<number>, total: number, complete: boolean, source: { id: string }, counted: { from: string, to: string } | null }>, sources: Array<{ state: SourceState, message: string | null, requests: number, eventsScanned: number, eventsMatched: number, eventsReturned: number, malformed: number, malformedSamples: Array<string>, throttled: number, redactions: number, partitionsRead: number, partitionsPruned: number, durationMs: number, pushedDown: Array<string>, residual: Array<string>, source: { id: string, type: string, kind: SourceKind, mode: string } }> } };

export type EventDetailQueryVariables = Exact<{
  window: TimeWindowInput;
  filter?: EventFilterInput | null | undefined;
  after?: string | null | undefined;
}>;


export type EventDetailQuery = { events: { edges: Array<{ node: { rawAction: string, ocsfClassUid: number, outcomeReason: string | null, userAgent: string | null, correlationId: string | null, raw: unknown, id: string, time: string, category: EventCategory, action: string, outcome: Outcome, sourceIp: string | null, runId: string | null, cloud: { provider: string, account: string | null, region: string | null } | null, actor: { name: string, type: ActorType, uid: string | null, sessionId: string | null, onBehalfOf: string | null, aliases: Array<{ kind: AliasKind, value: string, field: string }>, identity: { id: string, displayName: string } | null }, targets: Array<{ type: string, name: string, uid: string | null, namespace: string | null }>, source: { id: string, type: string, kind: SourceKind } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type SourcesQueryVariables = Exact<{ [key: string]: never; }>;


export type SourcesQuery = { sources: Array<{ id: string, type: string, kind: SourceKind, mode: string, location: string }> };

export type IdentityPageQueryVariables = Exact<{
  ref: string;
  window?: TimeWindowInput | null | undefined;
}>;


export type IdentityPageQuery = { identity: { id: string, displayName: string, notes: Array<string>, aliases: Array<{ kind: AliasKind, value: string, scope: string | null, rule: string, evidence: string, flags: Array<string> }>, discovery: { rounds: number, queries: number, eventsRead: number, oktaLookups: number, kubernetesLookups: number, truncated: boolean, notes: Array<string>, window: { from: string, to: string } } | null } | null };

export type IdentityEventsQueryVariables = Exact<{
  ref: string;
  window?: TimeWindowInput | null | undefined;
  eventsWindow: TimeWindowInput;
  filter?: EventFilterInput | null | undefined;
  order?: SortOrder | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type IdentityEventsQuery = { identity: { id: string, events: { edges: Array<{ cursor: string, evidence: Array<string>, node: { id: string, time: string, category: EventCategory, action: string, outcome: Outcome, sourceIp: string | null, runId: string | null, source: { id: string, type: string, kind: SourceKind }, actor: { name: string, type: ActorType }, targets: Array<{ type: string, name: string, namespace: string | null }> } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null }, window: { from: string, to: string }, sources: Array<{ state: SourceState, message: string | null, requests: number, eventsScanned: number, eventsMatched: number, eventsReturned: number, malformed: number, malformedSamples: Array<string>, throttled: number, redactions: number, partitionsRead: number, partitionsPruned: number, durationMs: number, pushedDown: Array<string>, residual: Array<string>, source: { id: string, type: string, kind: SourceKind, mode: string } }> } } | null };

export type IdentityHistogramQueryVariables = Exact<{
  ref: string;
  window?: TimeWindowInput | null | undefined;
  eventsWindow: TimeWindowInput;
  filter?: EventFilterInput | null | undefined;
  buckets?: number | null | undefined;
}>;


export type IdentityHistogramQuery = { identity: { id: string, histogram: { bucketMs: number, bucketStarts: Array<string>, complete: boolean, window: { from: string, to: string }, series: Array<{ counts: Array<number>, total: number, complete: boolean, source: { id: string }, counted: { from: string, to: string } | null }>, sources: Array<{ state: SourceState, message: string | null, requests: number, eventsScanned: number, eventsMatched: number, eventsReturned: number, malformed: number, malformedSamples: Array<string>, throttled: number, redactions: number, partitionsRead: number, partitionsPruned: number, durationMs: number, pushedDown: Array<string>, residual: Array<string>, source: { id: string, type: string, kind: SourceKind, mode: string } }> } } | null };

export type RunPageQueryVariables = Exact<{
  id: string | number;
}>;


export type RunPageQuery = { run: { id: string, project: string, domain: string, name: string, phase: string, mode: string, createdAt: string, startedAt: string | null, endedAt: string | null, error: string | null, namespace: string, serviceAccount: string | null, parentRunId: string | null, pods: Array<string>, launchedBy: { name: string, type: ActorType, identity: { id: string } | null } | null, abortedBy: { name: string, type: ActorType, identity: { id: string } | null } | null, abort: { cause: string } | null, launchPlan: { project: string, domain: string, name: string, version: string } | null, workflow: { name: string, version: string } | null, source: { id: string }, lifecycle: Array<{ id: string, time: string, category: EventCategory, action: string, outcome: Outcome, sourceIp: string | null, runId: string | null, source: { id: string, type: string, kind: SourceKind }, actor: { name: string, type: ActorType }, targets: Array<{ type: string, name: string, namespace: string | null }> }>, links: { notes: Array<string>, timelineSources: Array<string>, window: { from: string, to: string }, pods: Array<{ name: string, namespace: string, nodeId: string | null, retryAttempt: number | null, task: string | null, phase: string | null, from: string | null, to: string | null, serviceAccount: string | null, serviceAccountEvidence: string | null, createdBy: string | null, discoveredBy: string | null }>, serviceAccounts: Array<{ username: string, namespace: string, name: string, pods: Array<string>, evidence: string }>, credentials: Array<{ kind: string, value: string, serviceAccount: string, role: string | null, session: string | null, issuedAt: string, event: string, pods: Array<string>, sharedWith: Array<string>, attributed: boolean, evidence: string }>, excluded: Array<{ kind: string, value: string, serviceAccount: string, role: string | null, session: string | null, issuedAt: string, event: string, pods: Array<string>, sharedWith: Array<string>, attributed: boolean, evidence: string }>, otherPods: Array<{ name: string, namespace: string, serviceAccount: string, runId: string | null, from: string, to: string | null }>, sources: Array<{ state: SourceState, message: string | null, requests: number, eventsScanned: number, eventsMatched: number, eventsReturned: number, malformed: number, malformedSamples: Array<string>, throttled: number, redactions: number, partitionsRead: number, partitionsPruned: number, durationMs: number, pushedDown: Array<string>, residual: Array<string>, source: { id: string, type: string, kind: SourceKind, mode: string } }> } } | null };

export type RunTimelineQueryVariables = Exact<{
  id: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
  margin?: string | null | undefined;
}>;


export type RunTimelineQuery = { run: { id: string, timeline: { edges: Array<{ cursor: string, evidence: Array<string>, node: { id: string, time: string, category: EventCategory, action: string, outcome: Outcome, sourceIp: string | null, runId: string | null, source: { id: string, type: string, kind: SourceKind }, actor: { name: string, type: ActorType }, targets: Array<{ type: string, name: string, namespace: string | null }> } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null }, window: { from: string, to: string }, sources: Array<{ state: SourceState, message: string | null, requests: number, eventsScanned: number, eventsMatched: number, eventsReturned: number, malformed: number, malformedSamples: Array<string>, throttled: number, redactions: number, partitionsRead: number, partitionsPruned: number, durationMs: number, pushedDown: Array<string>, residual: Array<string>, source: { id: string, type: string, kind: SourceKind, mode: string } }> } } | null };

export type RunLogsQueryVariables = Exact<{
  id: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type RunLogsQuery = { run: { id: string, logs: { pods: Array<string>, files: number, redactions: number, malformed: number, notes: Array<string>, lines: Array<{ time: string, timeNs: string, stream: LogStream, text: string, pod: string, container: string, restart: number }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const EventRowFragmentDoc = new TypedDocumentString(`
    fragment EventRow on AuditEvent {
  id
  time
  source {
    id
    type
    kind
  }
  category
  action
  actor {
    name
    type
  }
  targets {
    type
    name
    namespace
  }
  outcome
  sourceIp
  runId
}
    `, {"fragmentName":"EventRow"}) as unknown as TypedDocumentString<EventRowFragment, unknown>;
export const StatusFieldsFragmentDoc = new TypedDocumentString(`
    fragment StatusFields on SourceStatus {
  source {
    id
    type
    kind
    mode
  }
  state
  message
  requests
  eventsScanned
  eventsMatched
  eventsReturned
  malformed
  malformedSamples
  throttled
  redactions
  partitionsRead
  partitionsPruned
  durationMs
  pushedDown
  residual
}
    `, {"fragmentName":"StatusFields"}) as unknown as TypedDocumentString<StatusFieldsFragment, unknown>;
export const SearchEventsDocument = new TypedDocumentString(`
    query SearchEvents($window: TimeWindowInput!, $filter: EventFilterInput, $order: SortOrder, $first: Int, $after: String) {
  events(
    window: $window
    filter: $filter
    order: $order
    first: $first
    after: $after
  ) {
    edges {
      cursor
      evidence
      node {
        ...EventRow
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
    window {
      from
      to
    }
    sources {
      ...StatusFields
    }
  }
}
    fragment EventRow on AuditEvent {
  id
  time
  source {
    id
    type
    kind
  }
  category
  action
  actor {
    name
    type
  }
  targets {
    type
    name
    namespace
  }
  outcome
  sourceIp
  runId
}
fragment StatusFields on SourceStatus {
  source {
    id
    type
    kind
    mode
  }
  state
  message
  requests
  eventsScanned
  eventsMatched
  eventsReturned
  malformed
  malformedSamples
  throttled
  redactions
  partitionsRead
  partitionsPruned
  durationMs
  pushedDown
  residual
}`) as unknown as TypedDocumentString<SearchEventsQuery, SearchEventsQueryVariables>;
export const EventHistogramDocument = new TypedDocumentString(`
    query EventHistogram($window: TimeWindowInput!, $filter: EventFilterInput, $buckets: Int) {
  histogram(window: $window, filter: $filter, buckets: $buckets) {
    window {
      from
      to
    }
    bucketMs
    bucketStarts
    complete
    series {
      source {
        id
      }
      counts
      total
      complete
      counted {
        from
        to
      }
    }
    sources {
      ...StatusFields
    }
  }
}
    fragment StatusFields on SourceStatus {
  source {
    id
    type
    kind
    mode
  }
  state
  message
  requests
  eventsScanned
  eventsMatched
  eventsReturned
  malformed
  malformedSamples
  throttled
  redactions
  partitionsRead
  partitionsPruned
  durationMs
  pushedDown
  residual
}`) as unknown as TypedDocumentString<EventHistogramQuery, EventHistogramQueryVariables>;
export const EventDetailDocument = new TypedDocumentString(`
    query EventDetail($window: TimeWindowInput!, $filter: EventFilterInput, $after: String) {
  events(
    window: $window
    filter: $filter
    order: OLDEST_FIRST
    first: 100
    after: $after
  ) {
    edges {
      node {
        ...EventRow
        rawAction
        ocsfClassUid
        outcomeReason
        userAgent
        correlationId
        cloud {
          provider
          account
          region
        }
        actor {
          name
          type
          uid
          sessionId
          onBehalfOf
          aliases {
            kind
            value
            field
          }
          identity {
            id
            displayName
          }
        }
        targets {
          type
          name
          uid
          namespace
        }
        raw
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment EventRow on AuditEvent {
  id
  time
  source {
    id
    type
    kind
  }
  category
  action
  actor {
    name
    type
  }
  targets {
    type
    name
    namespace
  }
  outcome
  sourceIp
  runId
}`) as unknown as TypedDocumentString<EventDetailQuery, EventDetailQueryVariables>;
export const SourcesDocument = new TypedDocumentString(`
    query Sources {
  sources {
    id
    type
    kind
    mode
    location
  }
}
    `) as unknown as TypedDocumentString<SourcesQuery, SourcesQueryVariables>;
export const IdentityPageDocument = new TypedDocumentString(`
    query IdentityPage($ref: String!, $window: TimeWindowInput) {
  identity(ref: $ref, window: $window) {
    id
    displayName
    aliases {
      kind
      value
      scope
      rule
      evidence
      flags
    }
    notes
    discovery {
      window {
        from
        to
      }
      rounds
      queries
      eventsRead
      oktaLookups
      kubernetesLookups
      truncated
      notes
    }
  }
}
    `) as unknown as TypedDocumentString<IdentityPageQuery, IdentityPageQueryVariables>;
export const IdentityEventsDocument = new TypedDocumentString(`
    query IdentityEvents($ref: String!, $window: TimeWindowInput, $eventsWindow: TimeWindowInput!, $filter: EventFilterInput, $order: SortOrder, $first: Int, $after: String) {
  identity(ref: $ref, window: $window) {
    id
    events(
      window: $eventsWindow
      filter: $filter
      order: $order
      first: $first
      after: $after
    ) {
      edges {
        cursor
        evidence
        node {
          ...EventRow
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
      window {
        from
        to
      }
      sources {
        ...StatusFields
      }
    }
  }
}
    fragment EventRow on AuditEvent {
  id
  time
  source {
    id
    type
    kind
  }
  category
  action
  actor {
    name
    type
  }
  targets {
    type
    name
    namespace
  }
  outcome
  sourceIp
  runId
}
fragment StatusFields on SourceStatus {
  source {
    id
    type
    kind
    mode
  }
  state
  message
  requests
  eventsScanned
  eventsMatched
  eventsReturned
  malformed
  malformedSamples
  throttled
  redactions
  partitionsRead
  partitionsPruned
  durationMs
  pushedDown
  residual
}`) as unknown as TypedDocumentString<IdentityEventsQuery, IdentityEventsQueryVariables>;
export const IdentityHistogramDocument = new TypedDocumentString(`
    query IdentityHistogram($ref: String!, $window: TimeWindowInput, $eventsWindow: TimeWindowInput!, $filter: EventFilterInput, $buckets: Int) {
  identity(ref: $ref, window: $window) {
    id
    histogram(window: $eventsWindow, filter: $filter, buckets: $buckets) {
      window {
        from
        to
      }
      bucketMs
      bucketStarts
      complete
      series {
        source {
          id
        }
        counts
        total
        complete
        counted {
          from
          to
        }
      }
      sources {
        ...StatusFields
      }
    }
  }
}
    fragment StatusFields on SourceStatus {
  source {
    id
    type
    kind
    mode
  }
  state
  message
  requests
  eventsScanned
  eventsMatched
  eventsReturned
  malformed
  malformedSamples
  throttled
  redactions
  partitionsRead
  partitionsPruned
  durationMs
  pushedDown
  residual
}`) as unknown as TypedDocumentString<IdentityHistogramQuery, IdentityHistogramQueryVariables>;
export const RunPageDocument = new TypedDocumentString(`
    query RunPage($id: ID!) {
  run(id: $id) {
    id
    project
    domain
    name
    phase
    mode
    launchedBy {
      name
      type
      identity {
        id
      }
    }
    abortedBy {
      name
      type
      identity {
        id
      }
    }
    abort {
      cause
    }
    createdAt
    startedAt
    endedAt
    error
    launchPlan {
      project
      domain
      name
      version
    }
    workflow {
      name
      version
    }
    namespace
    serviceAccount
    parentRunId
    source {
      id
    }
    pods
    lifecycle {
      ...EventRow
    }
    links {
      window {
        from
        to
      }
      pods {
        name
        namespace
        nodeId
        retryAttempt
        task
        phase
        from
        to
        serviceAccount
        serviceAccountEvidence
        createdBy
        discoveredBy
      }
      serviceAccounts {
        username
        namespace
        name
        pods
        evidence
      }
      credentials {
        kind
        value
        serviceAccount
        role
        session
        issuedAt
        event
        pods
        sharedWith
        attributed
        evidence
      }
      excluded {
        kind
        value
        serviceAccount
        role
        session
        issuedAt
        event
        pods
        sharedWith
        attributed
        evidence
      }
      otherPods {
        name
        namespace
        serviceAccount
        runId
        from
        to
      }
      notes
      timelineSources
      sources {
        ...StatusFields
      }
    }
  }
}
    fragment EventRow on AuditEvent {
  id
  time
  source {
    id
    type
    kind
  }
  category
  action
  actor {
    name
    type
  }
  targets {
    type
    name
    namespace
  }
  outcome
  sourceIp
  runId
}
fragment StatusFields on SourceStatus {
  source {
    id
    type
    kind
    mode
  }
  state
  message
  requests
  eventsScanned
  eventsMatched
  eventsReturned
  malformed
  malformedSamples
  throttled
  redactions
  partitionsRead
  partitionsPruned
  durationMs
  pushedDown
  residual
}`) as unknown as TypedDocumentString<RunPageQuery, RunPageQueryVariables>;
export const RunTimelineDocument = new TypedDocumentString(`
    query RunTimeline($id: ID!, $first: Int, $after: String, $margin: String) {
  run(id: $id) {
    id
    timeline(first: $first, after: $after, margin: $margin) {
      edges {
        cursor
        evidence
        node {
          ...EventRow
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
      window {
        from
        to
      }
      sources {
        ...StatusFields
      }
    }
  }
}
    fragment EventRow on AuditEvent {
  id
  time
  source {
    id
    type
    kind
  }
  category
  action
  actor {
    name
    type
  }
  targets {
    type
    name
    namespace
  }
  outcome
  sourceIp
  runId
}
fragment StatusFields on SourceStatus {
  source {
    id
    type
    kind
    mode
  }
  state
  message
  requests
  eventsScanned
  eventsMatched
  eventsReturned
  malformed
  malformedSamples
  throttled
  redactions
  partitionsRead
  partitionsPruned
  durationMs
  pushedDown
  residual
}`) as unknown as TypedDocumentString<RunTimelineQuery, RunTimelineQueryVariables>;
export const RunLogsDocument = new TypedDocumentString(`
    query RunLogs($id: ID!, $first: Int, $after: String) {
  run(id: $id) {
    id
    logs(first: $first, after: $after) {
      lines {
        time
        timeNs
        stream
        text
        pod
        container
        restart
      }
      pageInfo {
        hasNextPage
        endCursor
      }
      pods
      files
      redactions
      malformed
      notes
    }
  }
}
    `) as unknown as TypedDocumentString<RunLogsQuery, RunLogsQueryVariables>;