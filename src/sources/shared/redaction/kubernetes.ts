import type { JsonValue } from '../../../domain';

type JsonObject = { [key: string]: JsonValue };

export const isObject = (v: JsonValue | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Whether a Kubernetes audit record is about Secrets (`objectRef.resource: secrets`): then its request and response
 * objects are Secrets, Secret lists or patches of a Secret, whether or not they say `kind`.
 */
export function isSecretAudit(raw: JsonValue): raw is JsonObject {
  return isObject(raw) && isObject(raw.objectRef) && raw.objectRef.resource === 'secrets' && (raw.objectRef.apiGroup ?? '') === '';
}

/** The members of a Kubernetes object that hold a Secret's values, whatever their keys are called. */
export function isSecretObject(v: JsonObject): boolean {
  return v.kind === 'Secret' && (v.apiVersion === undefined || v.apiVersion === 'v1');
}

/**
 * A Secret (or a patch of one) with the values of `data` and `stringData`, and the last-applied annotation that
 * repeats them, replaced by `mark`; the keys stay, so a responder sees which entries were read or written.
 */
export function redactSecret(secret: JsonObject, mark: (what: string) => string, count: () => void): JsonObject {
  const out: JsonObject = { ...secret };
  for (const field of ['data', 'stringData'] as const) {
    const values = secret[field];
    if (!isObject(values)) continue;
    const redacted: JsonObject = {};
    for (const [k, v] of Object.entries(values)) {
      if (typeof v === 'string' && v.startsWith('[redacted')) {
        redacted[k] = v;
        continue;
      }
      redacted[k] = mark(`Kubernetes Secret ${field}`);
      count();
    }
    out[field] = redacted;
  }
  const metadata = secret.metadata;
  if (isObject(metadata) && isObject(metadata.annotations) && typeof metadata.annotations[LAST_APPLIED] === 'string' && !metadata.annotations[LAST_APPLIED].startsWith('[redacted')) {
    out.metadata = { ...metadata, annotations: { ...metadata.annotations, [LAST_APPLIED]: mark('last-applied configuration of a Secret') } };
    count();
  }
  return out;
}
