/**
 * Run correlation: a Flyte run, its lifecycle (execution, node and task events), and its timeline across every
 * trail, each event tied to the run with evidence (its pods, their service accounts, the cloud credentials
 * those accounts obtained while the pods ran).
 */
export { RunService, type RunServiceOptions, type TimelineArgs } from './service';
export { AmbiguousRunError, parseRunRef, type RunRef } from './ref';
export { normalizeRunFilter, type RunFilter, type RunsPage, type RunsRequest, type RunEdge } from './list';
export { runMatcher, type RunMatchInput } from './matcher';
export { linkCredentials, linkPods, CLOCK_SLACK_MS } from './analyze';
export { nodeEvents, runLifecycle, taskEvents } from './lifecycle';
export { DEFAULT_MARGIN, parseMargin, runWindow } from './window';
export type { CredentialLink, OtherPod, PodLink, RunDetail, RunHandle, RunLinks, RunPod, ServiceAccountLink } from './model';
export { MAX_LOG_LINES, readRunLogs, type RunLogsPage, type RunLogsRequest } from './logs';
