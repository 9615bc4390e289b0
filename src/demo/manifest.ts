/**
 * What a generated demo holds, written beside it as `manifest.json`: tests and the e2e suite look the
 * incident's ids and times up here instead of hard-coding them.
 */

export const GENERATOR_NAME = 'auditgraph-demo';
/** Bump whenever the generator writes different bytes for the same seed, scale and date: ensureDemo then rebuilds. */
export const GENERATOR_VERSION = 4;
export const DEFAULT_SEED = 20260314;
export const DEFAULT_SCALE = 1;

/** One incident event: the source's own id for it and its time (ISO 8601, as the source prints it, in UTC). */
export interface IncidentRef {
  id: string;
  time: string;
}

export interface TimelineEntry {
  time: string;
  source: 'okta' | 'cloudtrail' | 'k8s-audit' | 'flyte' | 'gcp-audit' | 'azure-activity';
  action: string;
  id: string;
}

export interface OktaFacts {
  officeMfa: IncidentRef;
  officeSignIn: IncidentRef;
  failedSignIns: IncidentRef[];
  mfaPush: IncidentRef;
  sessionStart: IncidentRef;
  apiTokenCreate: IncidentRef & { tokenId: string; tokenName: string };
  /** the attacker's single sign-ons into the cloud consoles with alice's session */
  attackerSso: Array<IncidentRef & { app: string }>;
  sessionClear: IncidentRef;
  suspend: IncidentRef;
}

export interface CloudTrailFacts {
  consoleLogin: IncidentRef;
  sessionArn: string;
  sessionAccessKeyId: string;
  sessionReads: Array<IncidentRef & { eventName: string }>;
  createAccessKey: IncidentRef & { accessKeyId: string; userName: string };
  attachUserPolicy: IncidentRef & { policyArn: string };
  assumeRoleWithWebIdentity: IncidentRef & { accessKeyId: string; roleArn: string; sessionArn: string; subject: string };
  runSessionCalls: Array<IncidentRef & { eventName: string }>;
  ciBotCalls: Array<IncidentRef & { eventName: string; errorCode?: string }>;
  /** the most a record's eventTime precedes the time in its file's name, over the whole archive */
  maxRecordAgeSeconds: number;
}

export interface K8sFacts {
  serviceAccountAnnotation: IncidentRef & { annotation: string; roleArn: string };
  secretsList: IncidentRef & { sourceIPs: string[] };
  secretsGets: Array<IncidentRef & { name: string }>;
  workflowCreate: IncidentRef;
  podCreate: IncidentRef & { podName: string; namespace: string; labels: Record<string, string> };
  podBinding: IncidentRef & { node: string };
  podSecretsList: IncidentRef & { podName: string; user: string };
  podDelete: IncidentRef;
}

export interface FlyteFacts {
  runId: string;
  project: string;
  domain: string;
  name: string;
  launchPlan: string;
  principal: string;
  createdAt: string;
  startedAt: string;
  abortedAt: string;
  abortedBy: string;
  abortCause: string;
  nodeId: string;
  podName: string;
  serviceAccount: string;
}

export interface GcpFacts {
  getIamPolicy: IncidentRef;
  setIamPolicy: IncidentRef & { member: string; role: string };
  createServiceAccountKey: IncidentRef & { serviceAccount: string; keyName: string };
}

export interface AzureFacts {
  correlationId: string;
  roleAssignmentId: string;
  /** the operation's two records (resultType Start, then Success); the export schema has no per-record id */
  start: IncidentRef;
  success: IncidentRef;
}

export interface DemoIncident {
  attackerIp: string;
  officeIp: string;
  alice: {
    email: string;
    displayName: string;
    oktaId: string;
    azureObjectId: string;
    k8sUser: string;
    awsIdentityCenterRole: string;
    awsSessionArn: string;
    flytePrincipal: string;
    gcpPrincipal: string;
  };
  okta: OktaFacts;
  cloudtrail: CloudTrailFacts;
  k8s: K8sFacts;
  flyte: FlyteFacts;
  gcp: GcpFacts;
  azure: AzureFacts;
  /** every incident event above, in time order */
  timeline: TimelineEntry[];
}

export interface SourceCounts {
  /** folder under the demo root */
  path: string;
  files: number;
  /** records written (lines, entries, events); for Flyte, executions */
  records: number;
}

export interface DemoManifest {
  generator: string;
  generatorVersion: number;
  seed: number;
  scale: number;
  /** the demo's day, `YYYY-MM-DD` (UTC) */
  date: string;
  /** false: the Flyte export holds the execution list only, no node or task executions */
  flyteNodeExecutions: boolean;
  day: { from: string; to: string };
  org: {
    oktaDomain: string;
    awsAccount: string;
    awsRegion: string;
    cluster: string;
    gcpProject: string;
    azureSubscription: string;
    people: Array<{ email: string; displayName: string; oktaId: string; azureObjectId: string }>;
  };
  sources: {
    okta: SourceCounts;
    cloudtrail: SourceCounts;
    k8sAudit: SourceCounts & { requests: number; rotated: number; gzipped: number };
    gcp: SourceCounts & { byLog: Record<string, number> };
    azure: SourceCounts & { operations: number; maxIngestLagSeconds: number };
    flyte: SourceCounts & { nodeExecutions: number; taskExecutions: number };
  };
  totalRecords: number;
  incident: DemoIncident;
}
