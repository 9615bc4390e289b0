import { ActorType, AliasKind, type Actor, type ActorAlias, type JsonValue } from '../../domain';
import { k8sServiceAccountOf } from './gke';
import type { AuthenticationInfoRecord, DelegationRecord } from './record';

const AUTH = 'protoPayload.authenticationInfo';

/** `x@p.iam.gserviceaccount.com`, `123-compute@developer.gserviceaccount.com`, service agents. */
export function isServiceAccountEmail(email: string): boolean {
  return /@([a-z0-9-]+\.)*gserviceaccount\.com$/i.test(email);
}

/** A bare email address (not `user:x@y`, not a service account): a person. */
function isHumanEmail(name: string): boolean {
  return /^[^@\s:]+@[^@\s:]+\.[^@\s:]+$/.test(name) && !isServiceAccountEmail(name);
}

function typeOfPrincipal(name: string): ActorType {
  if (name.startsWith('system:serviceaccount:')) return ActorType.SERVICE_ACCOUNT;
  if (name.startsWith('system:')) return ActorType.SYSTEM;
  if (isServiceAccountEmail(name)) return ActorType.SERVICE_ACCOUNT;
  if (name.startsWith('serviceAccount:') || name.includes('/workloadIdentityPools/')) return ActorType.SERVICE_ACCOUNT;
  if (name.startsWith('user:') || name.includes('/workforcePools/')) return ActorType.USER;
  if (name.includes('@')) return ActorType.USER;
  return ActorType.UNKNOWN;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

class AliasList {
  readonly items: ActorAlias[] = [];
  add(kind: AliasKind, value: string | undefined, field: string): void {
    if (!value) return;
    if (this.items.some((a) => a.kind === kind && a.value === value)) return;
    this.items.push({ kind, value, field });
  }
  /** a Google principal: GCP_PRINCIPAL, plus EMAIL for a person, K8S_SERVICE_ACCOUNT for a Workload Identity subject */
  principal(value: string | undefined, field: string): void {
    if (!value) return;
    const ksa = k8sServiceAccountOf(value);
    if (ksa && value.startsWith('system:')) {
      this.add(AliasKind.K8S_SERVICE_ACCOUNT, ksa, field);
      return;
    }
    this.add(AliasKind.GCP_PRINCIPAL, value, field);
    if (isHumanEmail(value)) this.add(AliasKind.EMAIL, value, field);
    if (ksa) this.add(AliasKind.K8S_SERVICE_ACCOUNT, ksa, field);
  }
}

/** The Kubernetes service account a third party's claims name (a GKE token's `sub`). */
function claimedServiceAccount(claims: Record<string, JsonValue> | undefined): string | undefined {
  const sub = str(claims?.sub);
  return sub && sub.startsWith('system:serviceaccount:') ? sub : undefined;
}

/** Who one link of the delegation chain names, most readable first. */
function delegatorOf(link: DelegationRecord): string | undefined {
  const subject = str(link.principalSubject);
  return (
    str(link.firstPartyPrincipal?.principalEmail) ??
    claimedServiceAccount(link.thirdPartyPrincipal?.thirdPartyClaims) ??
    (subject ? (k8sServiceAccountOf(subject) ?? subject) : undefined)
  );
}

/**
 * The caller of an AuditLog entry. `principalEmail` is the name (a person, a service account, or on GKE a
 * Kubernetes user); `principalSubject` the uid. The delegation chain (service account impersonation, GKE
 * Workload Identity) gives `onBehalfOf` (its first link: the original authority) and extra aliases, each
 * with the field it came from so that the identity graph can tell a delegation from the caller itself.
 */
export function actorOf(auth: AuthenticationInfoRecord | undefined, opts: { serviceName?: string; kubernetes: boolean }): Actor {
  const email = str(auth?.principalEmail);
  const subject = str(auth?.principalSubject);
  const aliases = new AliasList();

  if (email) {
    if (opts.kubernetes) {
      // GKE writes the Kubernetes user name here: a Google account, a service account, or `system:...`
      const ksa = k8sServiceAccountOf(email);
      if (ksa) aliases.add(AliasKind.K8S_SERVICE_ACCOUNT, ksa, `${AUTH}.principalEmail`);
      else aliases.add(AliasKind.K8S_USER, email, `${AUTH}.principalEmail`);
      if (!email.startsWith('system:')) aliases.principal(email, `${AUTH}.principalEmail`);
    } else {
      aliases.principal(email, `${AUTH}.principalEmail`);
    }
  }
  aliases.principal(subject, `${AUTH}.principalSubject`);

  const chain = Array.isArray(auth?.serviceAccountDelegationInfo) ? auth.serviceAccountDelegationInfo : [];
  chain.forEach((link, i) => {
    const at = `${AUTH}.serviceAccountDelegationInfo[${i}]`;
    aliases.principal(str(link?.firstPartyPrincipal?.principalEmail), `${at}.firstPartyPrincipal.principalEmail`);
    aliases.principal(str(link?.principalSubject), `${at}.principalSubject`);
    aliases.add(AliasKind.K8S_SERVICE_ACCOUNT, claimedServiceAccount(link?.thirdPartyPrincipal?.thirdPartyClaims), `${at}.thirdPartyPrincipal.thirdPartyClaims.sub`);
  });

  const name = email ?? subject;
  const actor: Actor = name
    ? { name, type: typeOfPrincipal(name), aliases: aliases.items }
    : // no caller recorded: Google acting on its own (system events, maintenance)
      { name: opts.serviceName ?? 'unknown', type: ActorType.SERVICE, aliases: aliases.items };
  if (subject) actor.uid = subject;
  const original = chain.length > 0 && chain[0] ? delegatorOf(chain[0]) : undefined;
  if (original && original !== name) actor.onBehalfOf = original;
  return actor;
}
