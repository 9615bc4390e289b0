/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
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