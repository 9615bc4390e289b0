import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { Actor, SourceStatus, TimeWindow } from '../domain';
import type { CredentialLink, OtherPod, PodLink, RunHandle, ServiceAccountLink } from '../correlation/runs';
import { PageInfoObject } from './connection.type';
import { ActorObject } from './event.type';
import { DateTimeScalar } from './scalars';
import { SourceStatusObject } from './status.type';
import { TimeWindowObject } from './window.type';

@ObjectType('FlyteEntityRef', { description: 'A Flyte launch plan, workflow or task by id.' })
export class FlyteEntityRefObject {
  @Field(() => String)
  project!: string;

  @Field(() => String)
  domain!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  version!: string;
}

@ObjectType('RunAbort', { description: 'Who aborted a run and why (closure.abort_metadata).' })
export class RunAbortObject {
  @Field(() => ActorObject, { nullable: true, description: 'resolved like any actor; null when Flyte recorded no principal' })
  principal?: Actor;

  @Field(() => String)
  cause!: string;
}

@ObjectType('RunError', { description: "A failed run's error (closure.error)." })
export class RunErrorObject {
  @Field(() => String)
  code!: string;

  @Field(() => String)
  message!: string;

  @Field(() => String, { description: 'USER, SYSTEM or UNKNOWN' })
  kind!: string;
}

@ObjectType('Run', {
  description:
    'One workflow run (a Flyte execution). `lifecycle` is what the execution source says; `timeline` is every trail in the run\'s window, holding what belongs to the run, each event with the evidence that tied it.',
})
export class RunObject {
  /** the run as its source holds it, for the field resolvers */
  handle!: RunHandle;

  @Field(() => ID, { description: '`project/domain/name`' })
  id!: string;

  @Field(() => String)
  project!: string;

  @Field(() => String)
  domain!: string;

  @Field(() => String, { description: 'the execution name (the run id Flyte shows)' })
  name!: string;

  @Field(() => String, { description: 'QUEUED, RUNNING, SUCCEEDED, FAILED, ABORTED, TIMED_OUT...' })
  phase!: string;

  @Field(() => String, { description: 'how it was launched: MANUAL, SCHEDULED, SYSTEM, RELAUNCH, CHILD_WORKFLOW, RECOVERED, TRIGGER' })
  mode!: string;

  @Field(() => ActorObject, { nullable: true, description: 'who launched it (spec.metadata.principal); the scheduler or flyteadmin when Flyte recorded no principal' })
  launchedBy?: Actor;

  @Field(() => ActorObject, { nullable: true, description: 'who aborted it (closure.abort_metadata.principal)' })
  abortedBy?: Actor;

  @Field(() => RunAbortObject, { nullable: true })
  abort?: RunAbortObject;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt?: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'when it reached its terminal phase; null while it runs' })
  endedAt?: Date;

  @Field(() => String, { nullable: true, description: '`code: message` of a failed run' })
  error?: string;

  @Field(() => RunErrorObject, { nullable: true })
  errorDetail?: RunErrorObject;

  @Field(() => FlyteEntityRefObject, { nullable: true })
  launchPlan?: FlyteEntityRefObject;

  @Field(() => FlyteEntityRefObject, { nullable: true })
  workflow?: FlyteEntityRefObject;

  @Field(() => String, { description: 'the Kubernetes namespace its pods run in' })
  namespace!: string;

  @Field(() => String, { nullable: true, description: "the run-as service account the run's spec names" })
  serviceAccount?: string;

  @Field(() => String, { nullable: true, description: 'the run that launched it, when a node of another run did' })
  parentRunId?: string;
}

@ObjectType('RunPod', {
  description: "One of the run's pods: Flyte's task attempt, and what the Kubernetes audit log says of it; or a pod Flyte's record does not list, found in the audit (`discoveredBy`).",
})
export class RunPodObject {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  namespace!: string;

  @Field(() => String, { nullable: true, description: "the Flyte node; for a pod found in the audit, its `node-id` label or name; null when neither says" })
  nodeId?: string;

  @Field(() => Int, { nullable: true, description: 'the attempt; for a pod found in the audit, from its name; null when the name is hashed' })
  retryAttempt?: number;

  @Field(() => String, { nullable: true, description: 'the Flyte task; for a pod found in the audit, its `task-name` label (Flyte\'s label form)' })
  task?: string;

  @Field(() => String, { nullable: true, description: "the task attempt's phase; null for a pod found only in the audit" })
  phase?: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'when it could first act (its create, else its attempt)' })
  from?: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'when its attempt ended; null while running' })
  to?: Date;

  @Field(() => String, { nullable: true, description: '`system:serviceaccount:<namespace>:<name>` it runs as' })
  serviceAccount?: string;

  @Field(() => String, { nullable: true, description: 'how the service account is known' })
  serviceAccountEvidence?: string;

  @Field(() => String, { nullable: true, description: 'the audit event that created it, `sourceId/eventId`' })
  createdBy?: string;

  @Field(() => String, {
    nullable: true,
    description: "null for a pod Flyte's task executions list; for one found only in the Kubernetes audit, why it is the run's (its create event, and the labels or the Flyte pod name that name the run)",
  })
  discoveredBy?: string;
}

@ObjectType('RunServiceAccount', { description: "A Kubernetes service account the run's pods run as." })
export class RunServiceAccountObject implements ServiceAccountLink {
  @Field(() => String, { description: '`system:serviceaccount:<namespace>:<name>`' })
  username!: string;

  @Field(() => String)
  namespace!: string;

  @Field(() => String)
  name!: string;

  @Field(() => [String])
  pods!: string[];

  @Field(() => String)
  evidence!: string;
}

@ObjectType('RunCredential', { description: 'Cloud credentials a service account of the run obtained in its window.' })
export class RunCredentialObject {
  @Field(() => String, { description: 'AWS_TEMPORARY_KEY (IRSA) or GCP_WORKLOAD_IDENTITY' })
  kind!: CredentialLink['kind'];

  @Field(() => String, { description: 'the temporary access key id, or the Google service account' })
  value!: string;

  @Field(() => String)
  serviceAccount!: string;

  @Field(() => String, { nullable: true, description: 'the IAM role ARN assumed' })
  role?: string;

  @Field(() => String, { nullable: true, description: 'the role session ARN' })
  session?: string;

  @Field(() => DateTimeScalar)
  issuedAt!: Date;

  @Field(() => String, { description: 'the issuing (or first) event, `sourceId/eventId`' })
  event!: string;

  @Field(() => [String], { description: "the run's pods running as the account then" })
  pods!: string[];

  @Field(() => [String], { description: 'pods of other workloads running as the same account then' })
  sharedWith!: string[];

  @Field(() => Boolean, { description: 'false: seen in the window but not tied to the run (see evidence)' })
  attributed!: boolean;

  @Field(() => String)
  evidence!: string;
}

@ObjectType('RunOtherPod', { description: "A pod of another workload running as one of the run's service accounts." })
export class RunOtherPodObject implements OtherPod {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  namespace!: string;

  @Field(() => String)
  serviceAccount!: string;

  @Field(() => String, { nullable: true })
  runId?: string;

  @Field(() => DateTimeScalar)
  from!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  to?: Date;
}

@ObjectType('RunLinks', { description: "What the discovery pass tied to the run in its window: the source of every timeline edge's evidence." })
export class RunLinksObject {
  @Field(() => TimeWindowObject)
  window!: TimeWindow;

  @Field(() => [RunPodObject])
  pods!: RunPodObject[];

  @Field(() => [RunServiceAccountObject])
  serviceAccounts!: ServiceAccountLink[];

  @Field(() => [RunCredentialObject], { description: 'credentials tied to the run' })
  credentials!: RunCredentialObject[];

  @Field(() => [RunCredentialObject], { description: "credentials of the run's service accounts seen in the window but not tied to it, with why" })
  excluded!: RunCredentialObject[];

  @Field(() => [RunOtherPodObject])
  otherPods!: OtherPod[];

  @Field(() => [String], { description: 'what was found and what was not: no pods, no role mapping, truncated reads, failed reads' })
  notes!: string[];

  @Field(() => [String], { description: 'the sources the timeline reads' })
  timelineSources!: string[];

  @Field(() => [SourceStatusObject], { description: 'what the discovery reads asked of each source' })
  sources!: SourceStatus[];
}

@ObjectType('RunEdge')
export class RunEdgeObject {
  @Field(() => String)
  cursor!: string;

  @Field(() => RunObject)
  node!: RunObject;
}

@ObjectType('RunConnection', { description: 'One page of runs, newest first, with what every execution source did for it.' })
export class RunConnectionObject {
  @Field(() => [RunEdgeObject])
  edges!: RunEdgeObject[];

  @Field(() => PageInfoObject)
  pageInfo!: PageInfoObject;

  @Field(() => TimeWindowObject, { description: 'the window resolved on the first page' })
  window!: TimeWindow;

  @Field(() => [SourceStatusObject])
  sources!: SourceStatus[];
}

@InputType({ description: 'Which runs to list. Values inside one field are alternatives; fields combine with AND.' })
export class RunFilterInput {
  @Field(() => [String], { nullable: true, description: 'execution source ids' })
  sources?: string[];

  @Field(() => [String], { nullable: true })
  project?: string[];

  @Field(() => [String], { nullable: true })
  domain?: string[];

  @Field(() => [String], { nullable: true, description: 'QUEUED, RUNNING, SUCCEEDED, FAILED, ABORTED, TIMED_OUT...' })
  phase?: string[];

  @Field(() => [String], { nullable: true, description: 'any name of the launching identity (widened to its aliases)' })
  launchedBy?: string[];

  @Field(() => [String], { nullable: true, description: 'MANUAL, SCHEDULED, SYSTEM, RELAUNCH, CHILD_WORKFLOW, RECOVERED, TRIGGER' })
  mode?: string[];
}

export function toPodObject(p: PodLink): RunPodObject {
  return {
    name: p.name,
    namespace: p.namespace,
    nodeId: p.nodeId,
    retryAttempt: p.retryAttempt,
    task: p.task,
    phase: p.phase,
    from: p.created?.time ?? p.from,
    to: p.to,
    serviceAccount: p.serviceAccount,
    serviceAccountEvidence: p.serviceAccountEvidence,
    createdBy: p.created ? `${p.created.sourceId}/${p.created.id}` : undefined,
    discoveredBy: p.discovered ? `${p.discovered.event.sourceId}/${p.discovered.event.id}: ${p.discovered.evidence}` : undefined,
  };
}

export function toCredentialObject(c: CredentialLink): RunCredentialObject {
  return {
    kind: c.kind,
    value: c.value,
    serviceAccount: c.serviceAccount,
    role: c.role,
    session: c.session,
    issuedAt: c.event.time,
    event: `${c.event.sourceId}/${c.event.id}`,
    pods: c.pods,
    sharedWith: c.sharedWith,
    attributed: c.attributed,
    evidence: c.evidence,
  };
}
