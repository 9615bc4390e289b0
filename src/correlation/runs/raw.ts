import type { JsonValue } from '../../domain';

/**
 * Typed reads of the few raw-record fields run linking needs that the normalized event does not carry: the
 * pod a Kubernetes request was made from, a created pod's service account and labels, a TokenRequest's pod.
 */

type JsonObject = { [key: string]: JsonValue };

function obj(value: JsonValue | undefined): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

function str(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function path(value: JsonValue | undefined, ...keys: string[]): JsonValue | undefined {
  let cur: JsonValue | undefined = value;
  for (const k of keys) cur = obj(cur)?.[k];
  return cur;
}

export const POD_NAME_EXTRA = 'authentication.kubernetes.io/pod-name';

/**
 * The pod a Kubernetes request was sent from: `user.extra["authentication.kubernetes.io/pod-name"][0]`, with
 * the namespace of the service account whose bound token carried it (`user.username`).
 */
export function callerPod(raw: JsonValue): { name: string; namespace?: string } | undefined {
  const values = path(raw, 'user', 'extra', POD_NAME_EXTRA);
  const name = Array.isArray(values) ? str(values[0]) : undefined;
  if (!name) return undefined;
  const m = /^system:serviceaccount:([^:]+):[^:]+$/.exec(str(path(raw, 'user', 'username')) ?? '');
  return m ? { name, namespace: m[1] } : { name };
}

/** The pod object a create request carried (or the API server answered with). */
function podObject(raw: JsonValue): JsonValue | undefined {
  const request = path(raw, 'requestObject');
  if (str(path(request, 'kind')) === 'Pod' || obj(path(request, 'spec'))) return request;
  const response = path(raw, 'responseObject');
  return str(path(response, 'kind')) === 'Pod' ? response : undefined;
}

/** `spec.serviceAccountName` (or the deprecated `spec.serviceAccount`) of a created pod, with the field read. */
export function createdPodServiceAccount(raw: JsonValue): { name: string; field: string } | undefined {
  const pod = podObject(raw);
  const where = pod === path(raw, 'requestObject') ? 'requestObject' : 'responseObject';
  const name = str(path(pod, 'spec', 'serviceAccountName'));
  if (name) return { name, field: `${where}.spec.serviceAccountName` };
  const legacy = str(path(pod, 'spec', 'serviceAccount'));
  return legacy ? { name: legacy, field: `${where}.spec.serviceAccount` } : undefined;
}

/** The Flyte run a created pod's labels name (`execution-id`, `project`, `domain`). */
export function createdPodRunId(raw: JsonValue, namespace: string): string | undefined {
  const labels = path(podObject(raw), 'metadata', 'labels');
  const execution = str(path(labels, 'execution-id'));
  if (!execution) return undefined;
  const project = str(path(labels, 'project'));
  const domain = str(path(labels, 'domain'));
  if (project && domain) return `${project}/${domain}/${execution}`;
  const dash = namespace.lastIndexOf('-');
  return dash > 0 ? `${namespace.slice(0, dash)}/${namespace.slice(dash + 1)}/${execution}` : undefined;
}

/** The labels of the pod a create request carried (or the API server answered with); empty when not recorded. */
export function createdPodLabels(raw: JsonValue): Record<string, string> {
  const labels = obj(path(podObject(raw), 'metadata', 'labels'));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels ?? {})) if (typeof v === 'string') out[k] = v;
  return out;
}

/** The pod a TokenRequest (`serviceaccounts/token` create) binds its token to. */
export function tokenBoundPod(raw: JsonValue): string | undefined {
  const ref = path(raw, 'requestObject', 'spec', 'boundObjectRef');
  return str(path(ref, 'kind')) === 'Pod' ? str(path(ref, 'name')) : undefined;
}
