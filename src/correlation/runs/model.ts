import type { AuditEvent, SourceStatus, TimeWindow } from '../../domain';
import type { FlyteNodeExecution, FlyteRun, FlyteSource, FlyteTaskExecution } from '../../sources/flyte/runs';

/** One run as one execution source holds it. */
export interface RunHandle {
  source: FlyteSource;
  run: FlyteRun;
}

/**
 * A pod one of the run's task attempts ran in, as Flyte reported it, or (when Flyte's record lists no such
 * attempt) as the Kubernetes audit shows it: then what Flyte alone knows (the attempt's phase, the task's full
 * name) is missing, and the node and attempt are what the pod's labels and name say.
 */
export interface RunPod {
  name: string;
  namespace: string;
  nodeId?: string;
  retryAttempt?: number;
  /** the Flyte task it ran (from the audit: the pod's `task-name` label, Flyte's label form) */
  task?: string;
  /** the attempt's TaskExecution phase; unknown for a pod found only in the audit */
  phase?: string;
  /** when the attempt was created (Flyte submits the pod then) */
  from?: Date;
  /** when the attempt ended; undefined while it runs */
  to?: Date;
}

/** What the execution source says about a run beyond the execution record. */
export interface RunDetail {
  nodes: FlyteNodeExecution[];
  tasks: FlyteTaskExecution[];
  pods: RunPod[];
  /** execution, node and task events, oldest first */
  lifecycle: AuditEvent[];
}

/** A reference to one audit event: enough to find it again and to name it in evidence. */
export interface EventRef {
  sourceId: string;
  id: string;
  time: Date;
  action: string;
}

/** One of the run's pods with what the Kubernetes audit log says about it. */
export interface PodLink extends RunPod {
  /** the audit event that created it, when the window holds one */
  created?: EventRef & { by: string };
  /**
   * set for a pod Flyte's record does not list, found in the Kubernetes audit: the create that shows it is the
   * run's, and how (its labels, or Flyte's pod-name form in the run's namespace)
   */
  discovered?: { event: EventRef; evidence: string };
  /** `system:serviceaccount:<namespace>:<name>` the pod runs as, when known */
  serviceAccount?: string;
  /** how the service account is known */
  serviceAccountEvidence?: string;
}

/** A pod of another workload that runs as one of the run's service accounts. */
export interface OtherPod {
  name: string;
  namespace: string;
  serviceAccount: string;
  /** the run its labels name, when it is a Flyte pod */
  runId?: string;
  from: Date;
  /** when it stopped (its delete, or its run's end); undefined when unknown */
  to?: Date;
}

export interface ServiceAccountLink {
  /** `system:serviceaccount:<namespace>:<name>` */
  username: string;
  namespace: string;
  name: string;
  /** the run's pods that run as it */
  pods: string[];
  evidence: string;
}

export type CredentialKind = 'AWS_TEMPORARY_KEY' | 'GCP_WORKLOAD_IDENTITY';

/** Cloud credentials a service account of the run obtained (or used) inside the run's window. */
export interface CredentialLink {
  kind: CredentialKind;
  /** the temporary access key id, or the Google service account Workload Identity acted as */
  value: string;
  /** the service account it was issued to */
  serviceAccount: string;
  /** the IAM role ARN assumed (AWS) */
  role?: string;
  /** the role session ARN (AWS) */
  session?: string;
  /** the issuing event (AssumeRoleWithWebIdentity), or the first call seen (GCP) */
  event: EventRef;
  /** the run's pods running as that service account when it was issued */
  pods: string[];
  /** pods of other workloads running as the same service account at that time */
  sharedWith: string[];
  /** true when one of the run's pods was running when it was issued; false: seen but another workload's */
  attributed: boolean;
  evidence: string;
}

/** Everything the discovery pass tied to the run, the source of every timeline edge's evidence. */
export interface RunLinks {
  window: TimeWindow;
  pods: PodLink[];
  serviceAccounts: ServiceAccountLink[];
  /** credentials tied to the run */
  credentials: CredentialLink[];
  /** credentials of the same service accounts seen in the window but not tied to the run, with why */
  excluded: CredentialLink[];
  otherPods: OtherPod[];
  /** what was found and what was not (no role mapping, no pods, truncated reads...) */
  notes: string[];
  /** what the discovery queries asked of each source */
  statuses: SourceStatus[];
  /** the sources the timeline reads */
  timelineSources: string[];
}
