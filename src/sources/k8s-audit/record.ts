/**
 * The fields of an `audit.k8s.io/v1` Event that this source reads, as the kube-apiserver's log backend writes them
 * (one JSON object per line). Everything is optional: a line is whatever the file holds, checked before use.
 */

export interface K8sUserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  /** authenticator-specific attributes: pod-name for bound service-account tokens, arn/accessKeyId on EKS */
  extra?: Record<string, string[] | undefined>;
}

export interface K8sObjectRef {
  resource?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion?: string;
  resourceVersion?: string;
  subresource?: string;
}

/** metav1.Status as the apiserver records it in `responseStatus` */
export interface K8sStatus {
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
}

export interface K8sObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string | undefined>;
}

/** `requestObject` / `responseObject` (logged at Request / RequestResponse level) */
export interface K8sObject {
  kind?: string;
  apiVersion?: string;
  metadata?: K8sObjectMeta;
}

export type K8sAuditStage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';

export const AUDIT_STAGES: readonly K8sAuditStage[] = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'];

export interface K8sAuditRecord {
  kind?: string;
  apiVersion?: string;
  level?: string;
  auditID?: string;
  stage?: string;
  requestURI?: string;
  verb?: string;
  user?: K8sUserInfo;
  impersonatedUser?: K8sUserInfo;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: K8sObjectRef;
  responseStatus?: K8sStatus;
  requestObject?: K8sObject;
  responseObject?: K8sObject;
  requestReceivedTimestamp?: string;
  stageTimestamp?: string;
  annotations?: Record<string, string | undefined>;
}

/** The last stage of a request: once seen, nothing more is logged for its auditID. */
export function isFinalStage(stage: string): boolean {
  return stage === 'ResponseComplete' || stage === 'Panic';
}
