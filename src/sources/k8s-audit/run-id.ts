import { callerPodName, parseServiceAccount } from './actor';
import type { K8sAuditRecord, K8sObject } from './record';

/**
 * Flyte runs its tasks as pods in namespace `<project>-<domain>`, named `<execution>-<node id>-<attempt>` and
 * labelled `execution-id`, `project`, `domain` (SOURCES.md). A node id is `n<digit>…`, possibly with sub-node
 * parts (`n0-0-n1`); the attempt is a number. Names Flyte hashed because they were too long (`f` + base32) carry
 * no execution name and are not matched.
 */
const FLYTE_POD = /^([a-z][a-z0-9]*)-(n\d+(?:-[a-z0-9]+)*)-(\d+)$/;

export function formatRunId(name: string, project?: string, domain?: string): string {
  return project && domain ? `${project}/${domain}/${name}` : name;
}

/** `<project>-<domain>`: the domain is the last dash-separated part (Flyte domains carry no dash). */
export function splitFlyteNamespace(namespace: string | undefined): { project: string; domain: string } | undefined {
  if (!namespace) return undefined;
  const i = namespace.lastIndexOf('-');
  if (i <= 0 || i === namespace.length - 1) return undefined;
  return { project: namespace.slice(0, i), domain: namespace.slice(i + 1) };
}

/** `<execution>-<node id>-<attempt>` -> its parts; undefined for any other name (a hashed `f…` name included). */
export function flytePodNameParts(podName: string | undefined): { execution: string; nodeId: string; attempt: number } | undefined {
  const m = podName ? FLYTE_POD.exec(podName) : null;
  return m ? { execution: m[1], nodeId: m[2], attempt: Number(m[3]) } : undefined;
}

export function runIdFromPodName(podName: string | undefined, namespace: string | undefined): string | undefined {
  const parts = flytePodNameParts(podName);
  if (!parts) return undefined;
  const ns = splitFlyteNamespace(namespace);
  return formatRunId(parts.execution, ns?.project, ns?.domain);
}

function fromLabels(obj: K8sObject | undefined, namespace: string | undefined): string | undefined {
  const labels = obj?.metadata?.labels;
  const execution = labels?.['execution-id'];
  if (!execution) return undefined;
  const project = labels?.['project'];
  const domain = labels?.['domain'];
  if (project && domain) return formatRunId(execution, project, domain);
  const ns = splitFlyteNamespace(obj?.metadata?.namespace ?? namespace);
  return formatRunId(execution, ns?.project, ns?.domain);
}

/**
 * The Flyte run a request belongs to, from (in this order) the labels of the pod it created or returned, the pod
 * the caller's token is bound to (a run's pod acting), and the name of the pod it acted on.
 */
export function runIdOf(record: K8sAuditRecord): string | undefined {
  const ref = record.objectRef;
  const onPod = ref?.resource === 'pods' && !ref.apiGroup;
  if (onPod && !ref.subresource) {
    const labelled = fromLabels(record.requestObject, ref.namespace) ?? fromLabels(record.responseObject, ref.namespace);
    if (labelled) return labelled;
  }
  const callerPod = callerPodName(record.user);
  if (callerPod) {
    const fromCaller = runIdFromPodName(callerPod, parseServiceAccount(record.user?.username)?.namespace);
    if (fromCaller) return fromCaller;
  }
  if (onPod) return runIdFromPodName(ref.name ?? record.requestObject?.metadata?.name, ref.namespace);
  return undefined;
}
