/** What kind of privileged change an action is, for the audit report; undefined for the rest. */
export type PrivilegedKind = 'IAM' | 'RBAC' | 'ROLE_ASSIGNMENT' | 'API_TOKEN' | 'ACCESS_KEY' | 'SECRET_ACCESS';

/** In order: the first rule that matches decides (an access key is an IAM call too, but is reported as a key). */
const RULES: readonly { kind: PrivilegedKind; pattern: RegExp; why: string }[] = [
  { kind: 'ACCESS_KEY', pattern: /^iam:(create|update|delete)accesskey$|serviceaccountkey|^iam\.googleapis\.com:.*(create|delete|upload)serviceaccountkey/i, why: 'long-lived cloud credentials issued, changed or deleted' },
  { kind: 'API_TOKEN', pattern: /^system\.api_token\.|personalaccesstoken|apitoken/i, why: 'an API token created, revoked or granted' },
  { kind: 'RBAC', pattern: /^(roles|rolebindings|clusterroles|clusterrolebindings)\.(create|update|patch|delete|deletecollection|escalate|bind)$/i, why: 'Kubernetes RBAC changed' },
  {
    kind: 'ROLE_ASSIGNMENT',
    pattern: /^microsoft\.authorization\/(roleassignments|roledefinitions|elevateaccess)\/(write|delete|action)|setiampolicy$|^group\.user_membership\.add|^application\.user_membership\.add|^user\.account\.privilege\.grant|^group\.privilege\.grant/i,
    why: 'a role, group or privilege granted or removed',
  },
  {
    kind: 'IAM',
    pattern: /^iam:(?!get|list|generate|simulate)|^iam\.googleapis\.com:.*\.(create|delete|update|patch|enable|disable|undelete)|^user\.lifecycle\.|^user\.account\.(privilege|reset_password|update_password)|^microsoft\.managedidentity\/.*\/write|^sts:assumerole$/i,
    why: 'identities, policies or their lifecycle changed',
  },
  {
    kind: 'SECRET_ACCESS',
    pattern: /^secretsmanager:(getsecretvalue|putsecretvalue|deletesecret|createsecret)|^ssm:getparameters?$|^secrets\.(get|list|watch)$|accesssecretversion|^microsoft\.keyvault\/vaults\/(secrets|keys)\/|listkeys\/action$/i,
    why: 'secrets read or written',
  },
];

export function privilegedKind(action: string): { kind: PrivilegedKind; why: string } | undefined {
  for (const r of RULES) if (r.pattern.test(action)) return { kind: r.kind, why: r.why };
  return undefined;
}

/** A failure that an authorization decision caused (as opposed to a bad request or an upstream error). */
export function isDenied(outcome: string, reason: string | undefined | null): boolean {
  return outcome === 'FAILURE' && /denied|forbidden|unauthori[sz]ed|not authori[sz]ed|permission|\b403\b|access_denied|INVALID_CREDENTIALS/i.test(reason ?? '');
}
