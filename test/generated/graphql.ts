/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar.This scalar is serialized to a string in ISO 8601 format and parsed from a string in ISO 8601 format. */
  DateTimeISO: { input: string; output: string; }
  /** The `JSON` scalar type represents JSON values as specified by [ECMA-404](http://www.ecma-international.org/publications/files/ECMA-ST/ECMA-404.pdf). */
  JSON: { input: unknown; output: unknown; }
};

/** Who did it (OCSF `actor`). */
export type Actor = {
  __typename?: 'Actor';
  aliases: Array<ActorAliasObject>;
  name: Scalars['String']['output'];
  /** who really made the request when the actor was impersonated or delegated to */
  onBehalfOf?: Maybe<Scalars['String']['output']>;
  sessionId?: Maybe<Scalars['String']['output']>;
  type: ActorType;
  /** the upstream's stable id for the actor */
  uid?: Maybe<Scalars['String']['output']>;
};

/** A name the actor goes by in this record, and the field it was read from. */
export type ActorAliasObject = {
  __typename?: 'ActorAliasObject';
  /** the record field, e.g. `userIdentity.arn` */
  field: Scalars['String']['output'];
  kind: AliasKind;
  value: Scalars['String']['output'];
};

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

/** One audit record from one source, normalized (OCSF-aligned). `source` resolves to the source it came from. */
export type AuditEvent = {
  __typename?: 'AuditEvent';
  /** normalized action, e.g. `iam:CreateAccessKey`, `secrets.list`, `user.session.start` */
  action: Scalars['String']['output'];
  actor: Actor;
  category: EventCategory;
  cloud?: Maybe<CloudContext>;
  /** the upstream request or transaction id (OCSF metadata.correlation_uid) */
  correlationId?: Maybe<Scalars['String']['output']>;
  /** unique within its source */
  id: Scalars['ID']['output'];
  /** OCSF class: 1006 Scheduled Job, 3001 Account Change, 3002 Authentication, 3005 User Access, 3006 Group Management, 6003 API Activity */
  ocsfClassUid: Scalars['Int']['output'];
  outcome: Outcome;
  outcomeReason?: Maybe<Scalars['String']['output']>;
  /** the record exactly as the source returned it */
  raw: Scalars['JSON']['output'];
  /** the upstream's own name for the action */
  rawAction: Scalars['String']['output'];
  /** the workflow run (`project/domain/name`) the record names */
  runId?: Maybe<Scalars['String']['output']>;
  source: Source;
  sourceIp?: Maybe<Scalars['String']['output']>;
  targets: Array<ResourceRef>;
  time: Scalars['DateTimeISO']['output'];
  userAgent?: Maybe<Scalars['String']['output']>;
};

/** What the source can do upstream; the planner decides pushdown from it. */
export type Capabilities = {
  __typename?: 'Capabilities';
  /** filter fields one upstream request can carry at once */
  maxPushedFields: Scalars['Int']['output'];
  /** orders the upstream returns natively */
  orders: Array<SortOrder>;
  pageSize: PageSizeObject;
  /** archives: files are skipped by the time in their paths and names */
  partitionPruning: Scalars['Boolean']['output'];
  /** pushable fields, most selective first */
  pushdown: Array<FilterPushdownObject>;
  rateLimit?: Maybe<RateLimitObject>;
  /** how far back the upstream keeps events; null for archives */
  retentionDays?: Maybe<Scalars['Int']['output']>;
};

export type CloudContext = {
  __typename?: 'CloudContext';
  /** AWS account, GCP project, Azure subscription, Okta org or cluster */
  account?: Maybe<Scalars['String']['output']>;
  /** aws, gcp, azure, kubernetes, okta or flyte */
  provider: Scalars['String']['output'];
  region?: Maybe<Scalars['String']['output']>;
};

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

/** One page of the merged, time-ordered stream, with what every source did for it. */
export type EventConnection = {
  __typename?: 'EventConnection';
  edges: Array<EventEdge>;
  order: SortOrder;
  pageInfo: PageInfo;
  /** one per selected source */
  sources: Array<SourceStatus>;
  /** the window resolved on the first page (fixed for every later page) */
  window: TimeWindow;
};

export type EventEdge = {
  __typename?: 'EventEdge';
  cursor: Scalars['String']['output'];
  /** why this event matched an identity or a run (empty for plain filters) */
  evidence: Array<Scalars['String']['output']>;
  node: AuditEvent;
};

/** Values inside one field are alternatives (OR); fields combine with AND. */
export type EventFilterInput = {
  /** normalized or upstream action name, case-insensitive; `*` is a wildcard (`iam:*`) */
  action?: InputMaybe<Array<Scalars['String']['input']>>;
  category?: InputMaybe<Array<EventCategory>>;
  /** an actor's name, id or alias (email, Okta id, ARN, access key, Kubernetes user…), case-insensitive */
  identity?: InputMaybe<Array<Scalars['String']['input']>>;
  kinds?: InputMaybe<Array<SourceKind>>;
  outcome?: InputMaybe<Array<Outcome>>;
  /** a substring of a target's name or id, case-insensitive */
  resource?: InputMaybe<Scalars['String']['input']>;
  /** a run ID, `project/domain/name` or the bare execution name */
  runId?: InputMaybe<Array<Scalars['String']['input']>>;
  /** IPv4 or IPv6 address, exact */
  sourceIp?: InputMaybe<Array<Scalars['String']['input']>>;
  /** source ids from the config */
  sources?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** A filter field the source sends upstream. */
export type FilterPushdownObject = {
  __typename?: 'FilterPushdownObject';
  field: Scalars['String']['output'];
  /** alternative values one upstream request can carry */
  maxValues: Scalars['Int']['output'];
  /** the upstream parameter it becomes */
  upstream: Scalars['String']['output'];
};

export type Outcome =
  | 'FAILURE'
  | 'SUCCESS'
  | 'UNKNOWN';

export type PageInfo = {
  __typename?: 'PageInfo';
  /** pass as `after` for the next page, with the same window, filter and order */
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  startCursor?: Maybe<Scalars['String']['output']>;
};

export type PageSizeObject = {
  __typename?: 'PageSizeObject';
  default: Scalars['Int']['output'];
  max: Scalars['Int']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** Events of every selected source in the window, merged into one time-ordered page. */
  events: EventConnection;
  /** How a query would run: per source, what is pushed down, what is filtered here, which files are read. */
  explain: QueryPlan;
  /** Every configured source. */
  sources: Array<Source>;
};


export type QueryEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<EventFilterInput>;
  first?: InputMaybe<Scalars['Int']['input']>;
  order?: InputMaybe<SortOrder>;
  window: TimeWindowInput;
};


export type QueryExplainArgs = {
  filter?: InputMaybe<EventFilterInput>;
  order?: InputMaybe<SortOrder>;
  window: TimeWindowInput;
};

/** What a query would ask of every selected source, without reading any event. */
export type QueryPlan = {
  __typename?: 'QueryPlan';
  order: SortOrder;
  sources: Array<SourcePlan>;
  window: TimeWindow;
};

export type RateLimitObject = {
  __typename?: 'RateLimitObject';
  perMs: Scalars['Float']['output'];
  requests: Scalars['Int']['output'];
  /** sources with the same scope share one token bucket */
  scope: Scalars['String']['output'];
};

/** What the action was done to. */
export type ResourceRef = {
  __typename?: 'ResourceRef';
  name: Scalars['String']['output'];
  namespace?: Maybe<Scalars['String']['output']>;
  type: Scalars['String']['output'];
  uid?: Maybe<Scalars['String']['output']>;
};

/** Order of events by time; ties are broken by source id, then event id. */
export type SortOrder =
  | 'NEWEST_FIRST'
  | 'OLDEST_FIRST';

/** One configured source instance. `health` checks it when asked. */
export type Source = {
  __typename?: 'Source';
  capabilities: Capabilities;
  /** checked when asked: a cheap upstream call or a look at the folder */
  health: SourceHealth;
  id: Scalars['ID']['output'];
  kind: SourceKind;
  /** where it reads from (path, endpoint, region); never a secret */
  location: Scalars['String']['output'];
  /** api, archive, file or cloudwatch */
  mode: Scalars['String']['output'];
  /** okta, flyte, k8s-audit, cloudtrail, gcp-audit or azure-activity */
  type: Scalars['String']['output'];
};

export type SourceHealth = {
  __typename?: 'SourceHealth';
  checkedAt: Scalars['DateTimeISO']['output'];
  message: Scalars['String']['output'];
  ok: Scalars['Boolean']['output'];
};

/** What kind of audit trail a source is. */
export type SourceKind =
  | 'CLOUD_AUDIT'
  | 'EXECUTION'
  | 'IDENTITY_PROVIDER'
  | 'KUBERNETES_AUDIT';

/** How one source takes part in a query. `source` resolves to the source. */
export type SourcePlan = {
  __typename?: 'SourcePlan';
  /** whether the source returns the asked order itself */
  nativeOrder: Scalars['Boolean']['output'];
  notes: Array<Scalars['String']['output']>;
  /** archives: the files the window selects */
  partitions?: Maybe<Array<Scalars['String']['output']>>;
  /** archives: how many files there are in all */
  partitionsTotal?: Maybe<Scalars['Int']['output']>;
  pushedDown: Array<Scalars['String']['output']>;
  /** false when the whole window is outside the source's retention */
  queried: Scalars['Boolean']['output'];
  /** the upstream request, in words (live sources) */
  request?: Maybe<Scalars['String']['output']>;
  residual: Array<Scalars['String']['output']>;
  source: Source;
  window?: Maybe<TimeWindow>;
};

/** How a source answered one page of one query. */
export type SourceState =
  | 'CLAMPED'
  | 'FAILED'
  | 'OK'
  | 'THROTTLED'
  | 'TIMED_OUT';

/** What one source did for this page: nothing is hidden, a failing source does not fail the query. */
export type SourceStatus = {
  __typename?: 'SourceStatus';
  bytesRead: Scalars['Float']['output'];
  durationMs: Scalars['Float']['output'];
  /** events that passed every filter (some may be left for the next page) */
  eventsMatched: Scalars['Int']['output'];
  /** events of this source in this page */
  eventsReturned: Scalars['Int']['output'];
  /** raw records read */
  eventsScanned: Scalars['Int']['output'];
  /** records that could not be read, counted and skipped */
  malformed: Scalars['Int']['output'];
  malformedSamples: Array<Scalars['String']['output']>;
  /** why it failed, was clamped or throttled; malformed record samples; order notes */
  message?: Maybe<Scalars['String']['output']>;
  partitionsPruned: Scalars['Int']['output'];
  partitionsRead: Scalars['Int']['output'];
  /** filters sent upstream, and as what */
  pushedDown: Array<Scalars['String']['output']>;
  /** upstream requests (API calls, or files opened for archives) */
  requests: Scalars['Int']['output'];
  /** filters applied here, and why they were not pushed down */
  residual: Array<Scalars['String']['output']>;
  source: Source;
  state: SourceState;
  /** throttling replies absorbed by waiting */
  throttled: Scalars['Int']['output'];
  /** the window asked of this source after cursor narrowing and retention clamping */
  window?: Maybe<TimeWindow>;
};

/** A resolved half-open window [from, to). */
export type TimeWindow = {
  __typename?: 'TimeWindow';
  from: Scalars['DateTimeISO']['output'];
  to: Scalars['DateTimeISO']['output'];
};

/** A half-open time window [from, to). Give `from` (and `to`, default now) or `last` (an ISO-8601 duration such as PT1H, ending at `to` or now). */
export type TimeWindowInput = {
  from?: InputMaybe<Scalars['DateTimeISO']['input']>;
  /** ISO-8601 duration: PT15M, PT1H, P1D, P7D, P1DT12H */
  last?: InputMaybe<Scalars['String']['input']>;
  to?: InputMaybe<Scalars['DateTimeISO']['input']>;
};

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
  | 'CLOUD_AUDIT'
  | 'EXECUTION'
  | 'IDENTITY_PROVIDER'
  | 'KUBERNETES_AUDIT';

/** How a source answered one page of one query. */
export type SourceState =
  | 'CLAMPED'
  | 'FAILED'
  | 'OK'
  | 'THROTTLED'
  | 'TIMED_OUT';

/** A half-open time window [from, to). Give `from` (and `to`, default now) or `last` (an ISO-8601 duration such as PT1H, ending at `to` or now). */
export type TimeWindowInput = {
  from?: string | null | undefined;
  /** ISO-8601 duration: PT15M, PT1H, P1D, P7D, P1DT12H */
  last?: string | null | undefined;
  to?: string | null | undefined;
};

export type EventsQueryVariables = Exact<{
  window: TimeWindowInput;
  filter?: EventFilterInput | null | undefined;
  order?: SortOrder | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type EventsQuery = { events: { order: SortOrder, edges: Array<{ cursor: string, evidence: Array<string>, node: { id: string, time: string, category: EventCategory, ocsfClassUid: number, action: string, rawAction: string, outcome: Outcome, outcomeReason: string | null, sourceIp: string | null, userAgent: string | null, runId: string | null, correlationId: string | null, raw: unknown, source: { id: string, type: string, kind: SourceKind }, actor: { name: string, type: ActorType, uid: string | null, sessionId: string | null, onBehalfOf: string | null, aliases: Array<{ kind: AliasKind, value: string, field: string }> }, targets: Array<{ type: string, name: string, uid: string | null, namespace: string | null }>, cloud: { provider: string, account: string | null, region: string | null } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null }, window: { from: string, to: string }, sources: Array<{ state: SourceState, message: string | null, requests: number, eventsScanned: number, eventsMatched: number, eventsReturned: number, malformed: number, throttled: number, bytesRead: number, partitionsRead: number, partitionsPruned: number, durationMs: number, pushedDown: Array<string>, residual: Array<string>, source: { id: string } }> } };

export type ExplainQueryVariables = Exact<{
  window: TimeWindowInput;
  filter?: EventFilterInput | null | undefined;
  order?: SortOrder | null | undefined;
}>;


export type ExplainQuery = { explain: { order: SortOrder, window: { from: string, to: string }, sources: Array<{ queried: boolean, pushedDown: Array<string>, residual: Array<string>, nativeOrder: boolean, request: string | null, partitions: Array<string> | null, partitionsTotal: number | null, notes: Array<string>, source: { id: string, type: string, mode: string }, window: { from: string, to: string } | null }> } };

export type SourcesQueryVariables = Exact<{ [key: string]: never; }>;


export type SourcesQuery = { sources: Array<{ id: string, type: string, kind: SourceKind, mode: string, location: string, capabilities: { orders: Array<SortOrder>, maxPushedFields: number, retentionDays: number | null, partitionPruning: boolean, pushdown: Array<{ field: string, maxValues: number, upstream: string }>, pageSize: { default: number, max: number }, rateLimit: { requests: number, perMs: number, scope: string } | null }, health: { ok: boolean, message: string, checkedAt: string } }> };


export const EventsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Events"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"window"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"TimeWindowInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"EventFilterInput"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"order"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"SortOrder"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"events"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"window"},"value":{"kind":"Variable","name":{"kind":"Name","value":"window"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"order"},"value":{"kind":"Variable","name":{"kind":"Name","value":"order"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"evidence"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"time"}},{"kind":"Field","name":{"kind":"Name","value":"source"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}},{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"ocsfClassUid"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"rawAction"}},{"kind":"Field","name":{"kind":"Name","value":"actor"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"uid"}},{"kind":"Field","name":{"kind":"Name","value":"sessionId"}},{"kind":"Field","name":{"kind":"Name","value":"onBehalfOf"}},{"kind":"Field","name":{"kind":"Name","value":"aliases"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"field"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"targets"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"uid"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}}]}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}},{"kind":"Field","name":{"kind":"Name","value":"outcomeReason"}},{"kind":"Field","name":{"kind":"Name","value":"sourceIp"}},{"kind":"Field","name":{"kind":"Name","value":"userAgent"}},{"kind":"Field","name":{"kind":"Name","value":"runId"}},{"kind":"Field","name":{"kind":"Name","value":"correlationId"}},{"kind":"Field","name":{"kind":"Name","value":"cloud"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"account"}},{"kind":"Field","name":{"kind":"Name","value":"region"}}]}},{"kind":"Field","name":{"kind":"Name","value":"raw"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"window"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}}]}},{"kind":"Field","name":{"kind":"Name","value":"order"}},{"kind":"Field","name":{"kind":"Name","value":"sources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"requests"}},{"kind":"Field","name":{"kind":"Name","value":"eventsScanned"}},{"kind":"Field","name":{"kind":"Name","value":"eventsMatched"}},{"kind":"Field","name":{"kind":"Name","value":"eventsReturned"}},{"kind":"Field","name":{"kind":"Name","value":"malformed"}},{"kind":"Field","name":{"kind":"Name","value":"throttled"}},{"kind":"Field","name":{"kind":"Name","value":"bytesRead"}},{"kind":"Field","name":{"kind":"Name","value":"partitionsRead"}},{"kind":"Field","name":{"kind":"Name","value":"partitionsPruned"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"pushedDown"}},{"kind":"Field","name":{"kind":"Name","value":"residual"}}]}}]}}]}}]} as unknown as DocumentNode<EventsQuery, EventsQueryVariables>;
export const ExplainDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Explain"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"window"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"TimeWindowInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"EventFilterInput"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"order"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"SortOrder"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"explain"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"window"},"value":{"kind":"Variable","name":{"kind":"Name","value":"window"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"order"},"value":{"kind":"Variable","name":{"kind":"Name","value":"order"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"window"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}}]}},{"kind":"Field","name":{"kind":"Name","value":"order"}},{"kind":"Field","name":{"kind":"Name","value":"sources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"mode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"queried"}},{"kind":"Field","name":{"kind":"Name","value":"window"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pushedDown"}},{"kind":"Field","name":{"kind":"Name","value":"residual"}},{"kind":"Field","name":{"kind":"Name","value":"nativeOrder"}},{"kind":"Field","name":{"kind":"Name","value":"request"}},{"kind":"Field","name":{"kind":"Name","value":"partitions"}},{"kind":"Field","name":{"kind":"Name","value":"partitionsTotal"}},{"kind":"Field","name":{"kind":"Name","value":"notes"}}]}}]}}]}}]} as unknown as DocumentNode<ExplainQuery, ExplainQueryVariables>;
export const SourcesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Sources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"mode"}},{"kind":"Field","name":{"kind":"Name","value":"location"}},{"kind":"Field","name":{"kind":"Name","value":"capabilities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"orders"}},{"kind":"Field","name":{"kind":"Name","value":"pushdown"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"maxValues"}},{"kind":"Field","name":{"kind":"Name","value":"upstream"}}]}},{"kind":"Field","name":{"kind":"Name","value":"maxPushedFields"}},{"kind":"Field","name":{"kind":"Name","value":"pageSize"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"default"}},{"kind":"Field","name":{"kind":"Name","value":"max"}}]}},{"kind":"Field","name":{"kind":"Name","value":"rateLimit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requests"}},{"kind":"Field","name":{"kind":"Name","value":"perMs"}},{"kind":"Field","name":{"kind":"Name","value":"scope"}}]}},{"kind":"Field","name":{"kind":"Name","value":"retentionDays"}},{"kind":"Field","name":{"kind":"Name","value":"partitionPruning"}}]}},{"kind":"Field","name":{"kind":"Name","value":"health"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ok"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"checkedAt"}}]}}]}}]}}]} as unknown as DocumentNode<SourcesQuery, SourcesQueryVariables>;