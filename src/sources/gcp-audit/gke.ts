import type { ResourceRef } from '../../domain';

/**
 * GKE writes its Kubernetes API-server audit into the same Cloud Audit Logs (`resource.type: k8s_cluster`,
 * `serviceName: k8s.io`). These helpers read the Kubernetes request back out of the AuditLog fields so that
 * such events look like the Kubernetes audit source's: action `<resource>.<verb>`, the object as target.
 */

export const GKE_SERVICE = 'k8s.io';

/** `v1`, `v1beta1`, `v2alpha3`: the API version segment of a method or resource name. */
const API_VERSION = /^v\d+((alpha|beta)\d+)?$/;

export interface K8sMethod {
  resource: string;
  subresource?: string;
  verb: string;
}

/**
 * `io.k8s.core.v1.pods.create` -> pods / create; `io.k8s.core.v1.pods.exec.create` -> pods / exec / create.
 * The segments after the API version are `<resource>[.<subresource>].<verb>`; without a version segment the
 * second-to-last segment is the resource and the last the verb.
 */
export function parseK8sMethod(methodName: string): K8sMethod | undefined {
  const segments = methodName.split('.');
  const v = segments.findIndex((s, i) => i > 0 && API_VERSION.test(s));
  const rest = v >= 0 ? segments.slice(v + 1) : segments.slice(-2);
  if (rest.length === 2) return { resource: rest[0], verb: rest[1] };
  if (rest.length === 3) return { resource: rest[0], subresource: rest[1], verb: rest[2] };
  if (segments.length >= 2) return { resource: segments[segments.length - 2], verb: segments[segments.length - 1] };
  return undefined;
}

/** The normalized action: `pods.create`, `secrets.list`, `pods/exec.create` (same form as the Kubernetes audit source). */
export function k8sAction(method: K8sMethod): string {
  return `${method.resource}${method.subresource ? `/${method.subresource}` : ''}.${method.verb}`;
}

export interface K8sObject {
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
}

/**
 * `core/v1/namespaces/ml-production/pods/fz3k9q2m1x-n0-0`, `core/v1/namespaces/ml-production/secrets`,
 * `rbac.authorization.k8s.io/v1/clusterroles/admin`, `core/v1/namespaces/ml-production` (the namespace itself).
 */
export function parseK8sResourceName(resourceName: string): K8sObject | undefined {
  const segments = resourceName.split('/').filter((s) => s !== '');
  if (segments.length < 3) return undefined;
  const [group, version, ...rest] = segments;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    return { group, version, namespace: rest[1], resource: rest[2], name: rest[3], subresource: rest[4] };
  }
  return { group, version, resource: rest[0], name: rest[1], subresource: rest[2] };
}

export function k8sTarget(resourceName: string): ResourceRef {
  const object = parseK8sResourceName(resourceName);
  if (!object) return { type: 'k8s_object', name: resourceName, uid: resourceName };
  const target: ResourceRef = { type: object.resource, name: object.name ?? resourceName, uid: resourceName };
  if (object.namespace) target.namespace = object.namespace;
  return target;
}

/** Flyte's default domains: a task pod runs in namespace `<project>-<domain>`. */
const FLYTE_NAMESPACE = /^(.+)-(development|staging|production)$/;
/** A Flyte task pod: `<execution name>-<node id>-<attempt>`, node ids `n0`, `n1-0-n2` (sub-workflows). */
const FLYTE_POD = /^([a-z][a-z0-9]*)-(n\d+(?:-\d+-n\d+)*)-(\d+)$/;

/**
 * The Flyte run a pod belongs to, as `project/domain/name`, read from the Flyte naming convention. Pods whose
 * names Flyte shortened to a hash (`f` + base32) cannot be recognized here; the run's own source links them.
 */
export function flyteRunOf(namespace: string | undefined, podName: string | undefined): string | undefined {
  if (!namespace || !podName) return undefined;
  const ns = FLYTE_NAMESPACE.exec(namespace);
  const pod = FLYTE_POD.exec(podName);
  if (!ns || !pod) return undefined;
  return `${ns[1]}/${ns[2]}/${pod[1]}`;
}

/** `system:serviceaccount:<namespace>:<name>` for the Workload Identity subjects GKE writes, or undefined. */
export function k8sServiceAccountOf(subject: string): string | undefined {
  if (subject.startsWith('system:serviceaccount:')) return subject;
  // legacy Workload Identity: `serviceAccount:<project>.svc.id.goog[<namespace>/<ksa>]`
  const legacy = /^serviceAccount:[^[\]]+\.svc\.id\.goog\[([^/\]]+)\/([^\]]+)\]$/.exec(subject);
  if (legacy) return `system:serviceaccount:${legacy[1]}:${legacy[2]}`;
  // Workload Identity Federation for GKE: `principal://iam.googleapis.com/projects/<n>/locations/global/workloadIdentityPools/<project>.svc.id.goog/subject/ns/<namespace>/sa/<ksa>`
  const federated = /\/workloadIdentityPools\/[^/]+\.svc\.id\.goog\/subject\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(subject);
  if (federated) return `system:serviceaccount:${federated[1]}:${federated[2]}`;
  return undefined;
}
