/** The GraphQL documents the CLI sends, over HTTP or in-process: the same in both modes. */

const STATUS = 'source { id } state message requests eventsScanned eventsReturned malformed partitionsRead partitionsPruned pushedDown residual';
const EVENT = 'id time category ocsfClassUid action rawAction actor { name type uid sessionId } targets { type name uid namespace } outcome outcomeReason sourceIp userAgent runId correlationId source { id type }';

export const EVENTS = `query Events($window: TimeWindowInput!, $filter: EventFilterInput, $order: SortOrder, $first: Int, $after: String) {
  events(window: $window, filter: $filter, order: $order, first: $first, after: $after) {
    edges { cursor node { ${EVENT} } }
    pageInfo { hasNextPage endCursor }
    window { from to }
    sources { ${STATUS} }
  }
}`;

export const IDENTITY = `query Identity($ref: String!, $window: TimeWindowInput) {
  identity(ref: $ref, window: $window) {
    id displayName notes
    aliases { kind value scope rule evidence flags }
    discovery { window { from to } rounds queries eventsRead truncated notes }
  }
}`;

export const RUN = `query Run($id: ID!, $margin: String, $first: Int) {
  run(id: $id) {
    id project domain name phase mode createdAt startedAt endedAt error namespace serviceAccount
    launchedBy { name } abortedBy { name } abort { cause }
    launchPlan { name } pods
    lifecycle { time action actor { name } outcome outcomeReason }
    timeline(first: $first, margin: $margin) {
      edges { evidence node { ${EVENT} } }
      pageInfo { hasNextPage endCursor }
      window { from to }
      sources { ${STATUS} }
    }
  }
}`;

export const RUNS = `query Runs($window: TimeWindowInput!, $filter: RunFilterInput, $first: Int, $after: String) {
  runs(window: $window, filter: $filter, first: $first, after: $after) {
    edges { node { id phase mode createdAt endedAt launchedBy { name } abortedBy { name } launchPlan { name } } }
    pageInfo { hasNextPage endCursor }
    window { from to }
    sources { ${STATUS} }
  }
}`;

export const SOURCES = `query Sources {
  sources { id type kind mode location health { ok message } capabilities { orders maxPushedFields pushdown { field maxValues upstream } } }
}`;

export const EXPLAIN = `query Explain($window: TimeWindowInput!, $filter: EventFilterInput, $order: SortOrder) {
  explain(window: $window, filter: $filter, order: $order) {
    window { from to } order
    sources { source { id } queried window { from to } pushedDown residual nativeOrder request partitions partitionsTotal notes }
  }
}`;

/** The shapes of their answers, as far as the CLI reads them. */
export interface StatusJson {
  source: { id: string };
  state: string;
  message: string | null;
  requests: number;
  eventsScanned: number;
  eventsReturned: number;
  malformed: number;
  partitionsRead: number;
  partitionsPruned: number;
  pushedDown: string[];
  residual: string[];
}

export interface EventJson {
  id: string;
  time: string;
  category: string;
  ocsfClassUid: number;
  action: string;
  rawAction: string;
  actor: { name: string; type: string; uid: string | null; sessionId: string | null };
  targets: { type: string; name: string; uid: string | null; namespace: string | null }[];
  outcome: string;
  outcomeReason: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  runId: string | null;
  correlationId: string | null;
  source: { id: string; type: string };
}

export interface ConnectionJson {
  edges: { cursor?: string; evidence?: string[]; node: EventJson }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  window: { from: string; to: string };
  sources: StatusJson[];
}
