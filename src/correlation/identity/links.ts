import type { AuditEvent } from '../../domain';
import { aliasKey, type TypedAlias } from './alias';

/** Every rule that may tie two aliases together; the name is shown with its evidence. */
export type RuleName =
  | 'config.alias' // identity.aliases: a person's own statement
  | 'config.oidc-prefix' // identity.oidcPrefixes + emailDomains: `oidc:<email>` is that email's Kubernetes username
  | 'lookup.okta-user' // GET /api/v1/users/{id|login}: one user's id, login and email
  | 'lookup.k8s-service-account' // a ServiceAccount's IRSA / Workload Identity annotation
  | 'aws.create-access-key' // CreateAccessKey issued a key to an IAM user
  | 'aws.web-identity' // AssumeRoleWithWebIdentity: a service account's token became a role session and its key
  | 'aws.assume-role' // AssumeRole: the caller's new session and key
  | 'okta.actor' // an Okta actor's id and its alternateId (login)
  | 'same-value' // one field's value, typed two ways by the normalizer
  | 'aws.identity-center-session' // an AWSReservedSSO_ role session is named after the Identity Center user
  | 'aws.identity-center-sign-in' // an Identity Center sign-in names the Identity Store user id and the user name it used
  | 'aws.session-credential' // a temporary key is the credential of exactly one role session
  | 'azure.claims' // a caller's upn and object id from the same token's claims
  | 'aws.access-key-use' // a long-term key authenticated as an IAM user
  | 'eks.authenticator' // EKS mapped an AWS principal to a Kubernetes username
  | 'gcp.workload-identity'; // a Kubernetes service account acting as a Google service account

/** The order links are applied in: the most authoritative first, so that a later, weaker one cannot take over. */
export enum Strength {
  CONFIG = 0,
  LOOKUP = 1,
  ISSUANCE = 2,
  EVENT = 3,
  USE = 4,
}

/** The event a link was read from, as evidence names it. */
export interface EventRef {
  sourceId: string;
  id: string;
  time: Date;
  action: string;
  actor: string;
}

/**
 * One reason to take two aliases for the same identity. A `label` link ties a name that several principals may
 * share (a role several service accounts assume, a Kubernetes username mapped from a shared role) to one
 * principal; it is applied only when the name turns out to belong to a single identity.
 */
export interface Link {
  /** for a label link, the principal */
  a: TypedAlias;
  /** for a label link, the name that may be shared */
  b: TypedAlias;
  rule: RuleName;
  strength: Strength;
  label?: boolean;
  /** the configuration says so: applied even against two exclusive aliases (see EXCLUSIVE_KINDS) */
  forced?: boolean;
  /** what the link says, in words */
  text: string;
  event?: EventRef;
  /** a lookup's request in words */
  lookup?: string;
  /** how many events gave this same link (the first is kept as evidence) */
  count: number;
}

export function eventRef(event: AuditEvent): EventRef {
  return { sourceId: event.sourceId, id: event.id, time: event.time, action: event.action, actor: event.actor.name };
}

export function linkKey(link: Pick<Link, 'a' | 'b' | 'rule'>): string {
  const [x, y] = [aliasKey(link.a), aliasKey(link.b)].sort();
  return `${link.rule}|${x}|${y}`;
}

/** Where a link comes from, as a responder reads it: the event (source, id, time) or the lookup. */
export function provenance(link: Link): string {
  if (link.event) {
    const more = link.count > 1 ? `; ${link.count - 1} more event${link.count > 2 ? 's say' : ' says'} the same` : '';
    return `${link.event.sourceId} event ${link.event.id} at ${link.event.time.toISOString()}${more}`;
  }
  if (link.lookup) return link.lookup;
  return 'configuration';
}

export function describeLink(link: Link): string {
  return `${link.rule}: ${link.text} (${provenance(link)})`;
}

/** Links applied in this order: configuration, lookups, issuance, event facts, key use; ties by time, then text. */
export function compareLinks(x: Link, y: Link): number {
  if (!!x.forced !== !!y.forced) return x.forced ? -1 : 1;
  if (x.strength !== y.strength) return x.strength - y.strength;
  if (!!x.label !== !!y.label) return x.label ? 1 : -1;
  const tx = x.event?.time.getTime() ?? 0;
  const ty = y.event?.time.getTime() ?? 0;
  if (tx !== ty) return tx - ty;
  return linkKey(x) < linkKey(y) ? -1 : linkKey(x) > linkKey(y) ? 1 : 0;
}
