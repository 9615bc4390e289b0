import { AliasKind } from '../../domain';

/**
 * One typed name of a person or workload: the node of the identity graph. Kubernetes usernames are per cluster
 * (`oidc:alice@…` in one cluster says nothing about the same string in another, whose OIDC prefix may differ),
 * so a K8S_USER carries the id of the source that saw it as its `scope`.
 */
export interface TypedAlias {
  kind: AliasKind;
  value: string;
  /** the Kubernetes source (cluster) a K8S_USER belongs to */
  scope?: string;
}

/** Kinds whose values are only meaningful inside one cluster. */
export const SCOPED_KINDS: ReadonlySet<AliasKind> = new Set([AliasKind.K8S_USER]);

const lower = (s: string) => s.toLowerCase();

/**
 * The node key: kind, scope and value, the value compared without case as every trail's matching does. An IAM
 * user's ARN is keyed without its path: user names are unique in an account, and CreateAccessKey names the user
 * without the path its later calls show.
 */
export function aliasKey(a: TypedAlias): string {
  let value = a.value;
  if (a.kind === AliasKind.AWS_IAM_USER) {
    const m = IAM_USER_ARN.exec(value);
    if (m) value = `arn:aws:iam::${m[1]}:user/${m[2]}`;
  }
  return `${a.kind}|${a.scope ?? ''}|${lower(value)}`;
}

export function describeAlias(a: TypedAlias): string {
  return a.scope ? `${a.kind} ${a.value} (in ${a.scope})` : `${a.kind} ${a.value}`;
}

/**
 * Kinds of which one identity holds at most one value unless the configuration says otherwise: one Okta user,
 * one IAM user, one Identity Store user, one service account, one Azure object. A link from events or lookups that would put two of them
 * in one identity is refused and reported, so that a shared credential or a reused address never merges people.
 */
export const EXCLUSIVE_KINDS: ReadonlySet<AliasKind> = new Set([AliasKind.OKTA_USER_ID, AliasKind.AWS_IAM_USER, AliasKind.AWS_IDENTITY_CENTER_USER_ID, AliasKind.K8S_SERVICE_ACCOUNT, AliasKind.AZURE_OBJECT_ID]);

/**
 * Which alias names an identity best, first to last: the canonical alias becomes the identity's id. A person's
 * email first (the name responders use), then the principal a workload is.
 */
export const CANONICAL_ORDER: readonly AliasKind[] = [
  AliasKind.EMAIL,
  AliasKind.AWS_IAM_USER,
  AliasKind.K8S_SERVICE_ACCOUNT,
  AliasKind.OKTA_USER_ID,
  AliasKind.GCP_PRINCIPAL,
  AliasKind.AZURE_CALLER,
  AliasKind.AZURE_OBJECT_ID,
  AliasKind.FLYTE_PRINCIPAL,
  AliasKind.AWS_IDENTITY_CENTER_USER,
  AliasKind.AWS_IDENTITY_CENTER_USER_ID,
  AliasKind.K8S_USER,
  AliasKind.AWS_ROLE_SESSION,
  AliasKind.AWS_ACCESS_KEY,
  AliasKind.AWS_ROLE,
];

export const EMAIL = /^[^@\s:/]+@[^@\s:/]+\.[^@\s:/]+$/;
export const OKTA_USER_ID = /^00u[0-9A-Za-z]{17}$/;
export const ACCESS_KEY = /^(AKIA|ASIA)[A-Z0-9]{12,124}$/;
export const IAM_USER_ARN = /^arn:aws[a-z-]*:iam::(\d*):user\/(?:.*\/)?([^/]+)$/;
export const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d*:role\/(?:.*\/)?([^/]+)$/;
export const ROLE_SESSION_ARN = /^arn:aws[a-z-]*:sts::\d*:assumed-role\/(.+)\/([^/]+)$/;
export const K8S_SERVICE_ACCOUNT = /^system:serviceaccount:([^:]+):([^:]+)$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isEmail = (v: string): boolean => EMAIL.test(v);

/** An Identity Center permission-set role: its session name is the Identity Center user name. */
export const IDENTITY_CENTER_ROLE = /^AWSReservedSSO_/;

/** `arn:aws:iam::<acct>:user/ci-bot` -> `ci-bot` */
export function iamUserName(arn: string): string | undefined {
  return IAM_USER_ARN.exec(arn)?.[2];
}

/** `system:serviceaccount:<ns>:<name>` -> its parts */
export function serviceAccountParts(value: string): { namespace: string; name: string } | undefined {
  const m = K8S_SERVICE_ACCOUNT.exec(value);
  return m ? { namespace: m[1], name: m[2] } : undefined;
}

/**
 * The kind a bare value written by a person (config) has, when its shape says so unambiguously. Values whose
 * shape fits several kinds (a plain user name, an email that could be a GCP principal…) take the most common one,
 * EMAIL for addresses, and the rest must be written typed (`K8S_USER:alice`).
 */
export function inferKind(value: string): AliasKind | undefined {
  if (EMAIL.test(value)) return AliasKind.EMAIL;
  if (OKTA_USER_ID.test(value)) return AliasKind.OKTA_USER_ID;
  if (ACCESS_KEY.test(value)) return AliasKind.AWS_ACCESS_KEY;
  if (IAM_USER_ARN.test(value)) return AliasKind.AWS_IAM_USER;
  if (ROLE_ARN.test(value)) return AliasKind.AWS_ROLE;
  if (ROLE_SESSION_ARN.test(value)) return AliasKind.AWS_ROLE_SESSION;
  if (K8S_SERVICE_ACCOUNT.test(value)) return AliasKind.K8S_SERVICE_ACCOUNT;
  if (GUID.test(value)) return AliasKind.AZURE_OBJECT_ID;
  return undefined;
}

/** `K8S_USER:alice` or `okta:00u1abc` (the shorthand ARCHITECTURE.md uses) -> typed; anything else is inferred. */
export function parseTypedValue(text: string): TypedAlias | undefined {
  const colon = text.indexOf(':');
  if (colon > 0) {
    const head = text.slice(0, colon);
    const rest = text.slice(colon + 1);
    if ((Object.values(AliasKind) as string[]).includes(head) && rest !== '') return { kind: head as AliasKind, value: rest };
    if (head === 'okta' && rest !== '' && !rest.startsWith('/')) return { kind: AliasKind.OKTA_USER_ID, value: rest };
  }
  const kind = inferKind(text);
  return kind ? { kind, value: text } : undefined;
}

export function sameAlias(a: TypedAlias, b: TypedAlias): boolean {
  return aliasKey(a) === aliasKey(b);
}
