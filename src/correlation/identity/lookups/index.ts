import { AliasKind, newSourceStats, type SourceStats } from '../../../domain';
import type { IdentityConfig } from '../../identity-config';
import { isEmail, serviceAccountParts } from '../alias';
import { Strength, type Link } from '../links';
import { GKE_ANNOTATION, IRSA_ANNOTATION, ServiceAccountDirectory, type ServiceAccountRecord } from './kubernetes';
import type { OktaUserDirectory, OktaUserRecord } from './okta';

/** The lookup clients of one configuration: made once per process (they hold connections and rate limits). */
export class IdentityLookups {
  readonly okta?: OktaUserDirectory;
  readonly clusters: ServiceAccountDirectory[];

  private constructor(config: IdentityConfig) {
    // the Okta SDK (about 90 MB once loaded) only when an Okta lookup is configured
    if (config.lookups.okta) this.okta = new (require('./okta') as typeof import('./okta')).OktaUserDirectory(config.lookups.okta);
    this.clusters = config.lookups.kubernetes.map((k) => new ServiceAccountDirectory(k));
  }

  private static readonly made = new WeakMap<IdentityConfig, IdentityLookups>();

  static of(config: IdentityConfig): IdentityLookups {
    let lookups = IdentityLookups.made.get(config);
    if (!lookups) IdentityLookups.made.set(config, (lookups = new IdentityLookups(config)));
    return lookups;
  }
}

export interface LookupCounts {
  okta: number;
  kubernetes: number;
}

/**
 * One request's lookups: DataLoaders over the shared clients, so that every user and service account is asked
 * for once per request whatever the number of events naming it. A failed lookup is a note, never an error of
 * the query: the identity is then what the events and the configuration say.
 */
export class RequestLookups {
  readonly oktaStats: SourceStats = newSourceStats();
  readonly kubernetesStats: SourceStats = newSourceStats();
  /** failures and findings worth telling, by the alias value they concern */
  readonly notes = new Map<string, string[]>();
  private readonly oktaLoader;
  private readonly saLoaders;

  constructor(
    readonly lookups: IdentityLookups,
    signal: AbortSignal,
  ) {
    this.oktaLoader = lookups.okta?.loader(this.oktaStats, signal);
    this.saLoaders = lookups.clusters.map((c) => ({ cluster: c, loader: c.loader(this.kubernetesStats, signal) }));
  }

  get enabled(): { okta: boolean; kubernetes: boolean } {
    return { okta: this.oktaLoader !== undefined, kubernetes: this.saLoaders.length > 0 };
  }

  /** Requests sent so far (cache hits and primed keys cost none). */
  get counts(): LookupCounts {
    return { okta: this.oktaStats.requests, kubernetes: this.kubernetesStats.requests };
  }

  private note(value: string, text: string): void {
    const list = this.notes.get(value.toLowerCase()) ?? [];
    if (!list.includes(text)) list.push(text);
    this.notes.set(value.toLowerCase(), list);
  }

  notesFor(value: string): string[] {
    return this.notes.get(value.toLowerCase()) ?? [];
  }

  /** Okta users by id or login: links from each found user's id to its login and email. */
  async oktaUsers(keys: string[]): Promise<Link[]> {
    if (!this.oktaLoader || keys.length === 0) return [];
    const results = await this.oktaLoader.loadMany(keys);
    const links: Link[] = [];
    results.forEach((result, i) => {
      if (result instanceof Error) this.note(keys[i], `Okta lookup of ${keys[i]} failed: ${result.message}`);
      else if (result === null) this.note(keys[i], `Okta has no user ${keys[i]} (404 E0000007)`);
      else links.push(...oktaLinks(result));
    });
    return links;
  }

  /** Service accounts (`system:serviceaccount:<ns>:<name>`) in every configured cluster: their cloud identities. */
  async serviceAccounts(accounts: string[]): Promise<Link[]> {
    if (this.saLoaders.length === 0 || accounts.length === 0) return [];
    const links: Link[] = [];
    await Promise.all(
      this.saLoaders.map(async ({ cluster, loader }) => {
        const parsed = accounts.map((a) => ({ account: a, parts: serviceAccountParts(a) })).filter((x) => x.parts !== undefined);
        const results = await loader.loadMany(parsed.map((x) => `${x.parts!.namespace}/${x.parts!.name}`));
        results.forEach((result, i) => {
          const account = parsed[i].account;
          const where = cluster.config.source;
          if (result instanceof Error) this.note(account, `ServiceAccount lookup in ${where} failed: ${result.message}`);
          else if (result === null) this.note(account, `${where} has no ServiceAccount ${parsed[i].parts!.namespace}/${parsed[i].parts!.name} (404 NotFound)`);
          else {
            const found = serviceAccountLinks(account, result);
            if (found.length === 0) this.note(account, `ServiceAccount ${result.namespace}/${result.name} in ${where} has no ${IRSA_ANNOTATION} or ${GKE_ANNOTATION} annotation: it maps to no cloud role`);
            links.push(...found);
          }
        });
      }),
    );
    return links;
  }
}

export function oktaLinks(user: OktaUserRecord): Link[] {
  const id = { kind: AliasKind.OKTA_USER_ID, value: user.id };
  const links: Link[] = [];
  const status = user.status ? `, ${user.status}` : '';
  if (user.login && isEmail(user.login)) {
    links.push({ a: id, b: { kind: AliasKind.EMAIL, value: user.login }, rule: 'lookup.okta-user', strength: Strength.LOOKUP, text: `Okta user ${user.id}${status} has login ${user.login}`, lookup: user.request, count: 1 });
  }
  if (user.email && isEmail(user.email) && user.email.toLowerCase() !== user.login?.toLowerCase()) {
    links.push({ a: id, b: { kind: AliasKind.EMAIL, value: user.email }, rule: 'lookup.okta-user', strength: Strength.LOOKUP, text: `Okta user ${user.id}${status} has profile.email ${user.email}`, lookup: user.request, count: 1 });
  }
  return links;
}

/** A role or Google service account may serve several service accounts: label links, tied only when unshared. */
export function serviceAccountLinks(account: string, sa: ServiceAccountRecord): Link[] {
  const a = { kind: AliasKind.K8S_SERVICE_ACCOUNT, value: account };
  const links: Link[] = [];
  const of = `ServiceAccount ${sa.namespace}/${sa.name} in ${sa.cluster}`;
  if (sa.awsRoleArn) {
    links.push({ a, b: { kind: AliasKind.AWS_ROLE, value: sa.awsRoleArn }, rule: 'lookup.k8s-service-account', strength: Strength.LOOKUP, label: true, text: `${of} is annotated ${IRSA_ANNOTATION}=${sa.awsRoleArn} (IRSA)`, lookup: sa.request, count: 1 });
  }
  if (sa.gcpServiceAccount) {
    links.push({ a, b: { kind: AliasKind.GCP_PRINCIPAL, value: sa.gcpServiceAccount }, rule: 'lookup.k8s-service-account', strength: Strength.LOOKUP, label: true, text: `${of} is annotated ${GKE_ANNOTATION}=${sa.gcpServiceAccount} (GKE Workload Identity)`, lookup: sa.request, count: 1 });
  }
  return links;
}

export type { OktaUserDirectory };
export { ServiceAccountDirectory };
