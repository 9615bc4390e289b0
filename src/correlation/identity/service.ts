import DataLoader from 'dataloader';
import { AliasKind, SortOrder, SourceState, type Actor, type AuditEvent, type EventFilter, type TimeWindow } from '../../domain';
import { QueryBudget } from '../../query/budget';
import type { EventsPage, EventsRequest, QueryEngine } from '../../query/engine';
import type { SearchAlias } from '../../query/planner';
import { resolveWindow, type TimeWindowRequest } from '../../query/window';
import { expandIdentities } from '../expand';
import type { IdentityConfig } from '../identity-config';
import { aliasKey, describeAlias, IDENTITY_CENTER_ROLE, isEmail, ROLE_SESSION_ARN, type TypedAlias } from './alias';
import { ConfigRules } from './config-rules';
import { IdentityGraph, type ResolvedIdentity } from './graph';
import { IdentityLookups, RequestLookups, type LookupCounts } from './lookups';
import { aliasSupport, searchFor } from './pushdown';
import { actorLinks, ISSUING_ACTIONS, observedAliases, type ObservedAlias } from './rules';

/** What the identity layer needs of a request (RequestContext has it all). */
export interface IdentityRequest {
  engine: QueryEngine;
  config: { identity: IdentityConfig };
  signal: AbortSignal;
  readonly memo: Map<string, unknown>;
}

/** How `identity(ref)` found what it found: shown on the identity, so that a responder can judge its reach. */
export interface DiscoveryReport {
  window: TimeWindow;
  rounds: number;
  queries: number;
  eventsRead: number;
  lookups: LookupCounts;
  /** the event budget ran out: aliases only older events show may be missing */
  truncated: boolean;
  /** the rounds' shared deadline (query.deadlineMs) ran out before discovery was done */
  timedOut: boolean;
  notes: string[];
}

export interface FoundIdentity {
  identity: ResolvedIdentity;
  discovery: DiscoveryReport;
}

/** An actor as the API hands it over, with the event it is the actor of when there is one. */
export interface ActorRef {
  actor: Actor;
  event?: AuditEvent;
}

/**
 * Which of an actor's aliases decides its identity when they fall in two (a conflict was refused): the credential
 * first, since an access key belongs to whom it was issued to, then the person, then workload names; a shared
 * role last.
 */
const ACTOR_PRECEDENCE: readonly AliasKind[] = [
  AliasKind.AWS_ACCESS_KEY,
  AliasKind.OKTA_USER_ID,
  AliasKind.AWS_IAM_USER,
  AliasKind.EMAIL,
  AliasKind.AWS_IDENTITY_CENTER_USER,
  AliasKind.AWS_IDENTITY_CENTER_USER_ID,
  AliasKind.AWS_ROLE_SESSION,
  AliasKind.K8S_SERVICE_ACCOUNT,
  AliasKind.AZURE_OBJECT_ID,
  AliasKind.AZURE_CALLER,
  AliasKind.GCP_PRINCIPAL,
  AliasKind.FLYTE_PRINCIPAL,
  AliasKind.K8S_USER,
  AliasKind.AWS_ROLE,
];

const byPrecedence = <T extends TypedAlias>(aliases: T[]): T[] => [...aliases].sort((x, y) => ACTOR_PRECEDENCE.indexOf(x.kind) - ACTOR_PRECEDENCE.indexOf(y.kind));

/** `identity(ref)` without a window looks at the last 7 days. */
export const DEFAULT_DISCOVERY_WINDOW = 'P7D';
const PAGE = 1000;
/** aliases asked for in one discovery query at most (each round asks for those not asked yet) */
const MAX_VALUES_PER_ROUND = 50;

/**
 * The identity layer of one request: the identity graph built from the configuration, the events the request
 * reads, and lookups batched with DataLoader. `identity(ref)` discovers aliases by querying the engine to a
 * bounded fixpoint; `Actor.identity` resolves a page of actors with one batch, a lookup per distinct principal.
 */
export class IdentityService {
  readonly graph: IdentityGraph;
  readonly lookups: RequestLookups;
  private readonly actors: DataLoader<ActorRef, ResolvedIdentity | null, string>;
  private readonly found = new Map<string, Promise<FoundIdentity | null>>();
  /** node keys whose Okta / ServiceAccount lookup was already asked */
  private readonly lookedUp = new Set<string>();
  private readonly config: IdentityConfig;

  constructor(private readonly request: IdentityRequest) {
    this.config = request.config.identity;
    const clusters = request.engine.sources.filter((s) => s.type === 'k8s-audit').map((s) => s.id);
    this.graph = new IdentityGraph(new ConfigRules(this.config, clusters), this.config.emailDomains);
    this.lookups = new RequestLookups(IdentityLookups.of(this.config), request.signal);
    this.actors = new DataLoader((refs) => this.resolveActors(refs), {
      cacheKeyFn: (r) => (r.event ? `${r.event.sourceId}|${r.event.id}` : `actor|${r.actor.name}|${r.actor.aliases.map((a) => `${a.kind}:${a.value}`).join(',')}`),
    });
  }

  /** The identity of one actor (batched with every other actor the request resolves in the same tick). */
  identityOfActor(actor: Actor, event?: AuditEvent): Promise<ResolvedIdentity | null> {
    if (actor.aliases.length === 0) return Promise.resolve(null);
    return this.actors.load({ actor, event });
  }

  private async resolveActors(refs: readonly ActorRef[]): Promise<(ResolvedIdentity | null)[]> {
    for (const { actor, event } of refs) {
      if (event) this.graph.observe(event);
      else {
        for (const a of observedAliases({ sourceId: '', actor })) this.graph.addAlias(a);
        for (const link of actorLinks(actor, '')) this.graph.addLink(link);
      }
    }
    const keys = new Set<string>();
    for (const { actor, event } of refs) for (const a of observedAliases({ sourceId: event?.sourceId ?? '', actor })) keys.add(aliasKey(a));
    await this.lookUp(keys);
    return refs.map(({ actor, event }) => this.pick(observedAliases({ sourceId: event?.sourceId ?? '', actor })));
  }

  /** The identity the aliases of one actor (or one ref) resolve to, by `ACTOR_PRECEDENCE`. */
  private pick(aliases: TypedAlias[]): ResolvedIdentity | null {
    for (const a of byPrecedence(aliases)) {
      const identity = this.graph.identityOf(a);
      if (identity) return identity;
    }
    return null;
  }

  /**
   * Lookups for the identities these nodes belong to, one per identity: its Okta user (by id, else by an
   * organisation email as login) and its service accounts. DataLoader asks each key once per request.
   */
  private async lookUp(nodeKeys: Iterable<string>): Promise<void> {
    const enabled = this.lookups.enabled;
    if (!enabled.okta && !enabled.kubernetes) return;
    const oktaKeys = new Set<string>();
    const accounts = new Set<string>();
    const seenIdentities = new Set<string>();
    for (const key of nodeKeys) {
      const identity = this.graph.identityOfKey(key);
      if (!identity || seenIdentities.has(identity.id)) continue;
      seenIdentities.add(identity.id);
      const members = identity.aliases.map((v) => v.alias);
      if (enabled.okta) {
        const id = members.find((a) => a.kind === AliasKind.OKTA_USER_ID);
        const email = members.find((a) => a.kind === AliasKind.EMAIL && this.inDomain(a.value));
        const target = id ?? email;
        if (target && !this.lookedUp.has(aliasKey(target))) {
          this.lookedUp.add(aliasKey(target));
          oktaKeys.add(target.value);
        }
      }
      if (enabled.kubernetes) {
        for (const sa of members.filter((a) => a.kind === AliasKind.K8S_SERVICE_ACCOUNT)) {
          if (this.lookedUp.has(aliasKey(sa))) continue;
          this.lookedUp.add(aliasKey(sa));
          accounts.add(sa.value);
        }
      }
    }
    const [okta, sas] = await Promise.all([this.lookups.oktaUsers([...oktaKeys]), this.lookups.serviceAccounts([...accounts])]);
    for (const link of [...okta, ...sas]) this.graph.addLink(link);
  }

  private inDomain(email: string): boolean {
    if (!isEmail(email)) return false;
    if (this.config.emailDomains.length === 0) return true;
    return this.config.emailDomains.includes(email.slice(email.lastIndexOf('@') + 1).toLowerCase());
  }

  /** The identity a ref names now, from what the graph holds: the ref as an alias value (or an IAM user name). */
  private resolveRef(ref: string): ResolvedIdentity | undefined {
    const matches = this.graph.keysOfValue(ref).map((k) => this.graph.aliasOf(k)!);
    return this.pick(matches) ?? undefined;
  }

  /** `identity(ref, window)`: memoized per request. */
  find(ref: string, window?: TimeWindowRequest | null): Promise<FoundIdentity | null> {
    const key = `${ref.toLowerCase()}|${JSON.stringify(window ?? null)}`;
    let found = this.found.get(key);
    if (!found) this.found.set(key, (found = this.discover(ref, window ?? { last: DEFAULT_DISCOVERY_WINDOW })));
    return found;
  }

  /**
   * Discovery: ask the engine for the events of the aliases known so far, read the links they give, look up what
   * can be looked up, and ask again for the aliases that appeared, until nothing new appears or the bounds
   * (identity.discovery: rounds, events read) are reached. Credentials issued by someone else (CreateAccessKey,
   * AssumeRole*) are asked for by action, since their actor is the issuer.
   */
  private async discover(ref: string, windowRequest: TimeWindowRequest): Promise<FoundIdentity | null> {
    const window = resolveWindow(windowRequest, new Date());
    const limits = this.config.discovery;
    const report: DiscoveryReport = { window, rounds: 0, queries: 0, eventsRead: 0, lookups: { okta: 0, kubernetes: 0 }, truncated: false, timedOut: false, notes: [] };
    const queried = new Set<string>();
    const issuanceAsked = new Set<string>();
    const budget = () => limits.maxEvents - report.eventsRead;
    // every round shares one deadline, and a source silent in one round is not waited for in the next
    const time = new QueryBudget(this.request.engine.deadlineMs);

    const read = async (req: Omit<EventsRequest, 'window' | 'order' | 'first'>): Promise<void> => {
      let after: string | undefined;
      for (;;) {
        if (budget() <= 0) {
          report.truncated = true;
          return;
        }
        if (time.exhausted) {
          report.timedOut = true;
          return;
        }
        const page: EventsPage = await this.request.engine.events({ ...req, window, order: SortOrder.NEWEST_FIRST, first: Math.min(PAGE, budget()), after, budget: time, redact: false }, this.request.signal);
        report.queries += 1;
        report.eventsRead += page.edges.length;
        for (const edge of page.edges) this.graph.observe(edge.event);
        for (const s of page.statuses) {
          if (s.state !== SourceState.OK && s.state !== SourceState.CLAMPED) report.notes.push(`${s.sourceId} ${s.state} during discovery: ${s.message ?? ''}`);
        }
        if (!page.hasNextPage) return;
        after = page.endCursor;
      }
    };

    // the ref itself, as configuration and lookups know it
    if (this.lookups.enabled.okta && (isEmail(ref) || /^00u[0-9A-Za-z]{17}$/.test(ref))) {
      for (const link of await this.lookups.oktaUsers([ref])) this.graph.addLink(link);
    }
    if (this.lookups.enabled.kubernetes && /^system:serviceaccount:[^:]+:[^:]+$/.test(ref)) {
      for (const link of await this.lookups.serviceAccounts([ref])) this.graph.addLink(link);
    }

    // an alias covered by one already asked for (a key by its session or user) has no events of its own to add
    const covered = (a: SearchAlias) => a.coveredBy !== undefined && this.graph.keysOfValue(a.coveredBy).some((k) => queried.has(k));
    const unasked = (identity: ResolvedIdentity) => searchFor(identity).aliases.filter((a) => !queried.has(aliasKey(a)) && !covered(a));

    for (let round = 1; round <= limits.maxRounds; round++) {
      const current = this.resolveRef(ref);
      const pending = current ? unasked(current) : round === 1 ? undefined : [];
      if (pending !== undefined && pending.length === 0) break;
      report.rounds = round;
      if (!pending) {
        // the ref's kind is not known yet: ask by value (the engine matches any actor name, alias or id)
        queried.add(`ref|${ref.toLowerCase()}`);
        await read({ filter: { identity: [ref] } });
        // what that query matched by value (the ref and its configured expansions) need not be asked again
        const asked = new Set(expandIdentities([ref], this.config).map((v) => v.toLowerCase()));
        for (const v of asked) for (const k of this.graph.keysOfValue(v)) if (this.graph.aliasOf(k)!.value.toLowerCase() === v) queried.add(k);
      } else {
        const batch = pending.slice(0, MAX_VALUES_PER_ROUND);
        for (const a of batch) queried.add(aliasKey(a));
        await read({ identity: { label: ref, aliases: batch.map((a) => ({ kind: a.kind, value: a.value, ...(a.scope ? { scope: a.scope } : {}) })), support: aliasSupport } });
      }
      const afterRead = this.resolveRef(ref);
      if (afterRead) {
        await this.readIssuance(afterRead, issuanceAsked, read);
        await this.lookUp(afterRead.aliases.map((v) => aliasKey(v.alias)));
      }
      if (report.truncated || report.timedOut) break;
    }
    report.lookups = this.lookups.counts;
    const identity = this.resolveRef(ref);
    if (!identity) return null;
    if (report.timedOut) report.notes.push(`discovery stopped at its deadline (query.deadlineMs, ${this.request.engine.deadlineMs} ms for all its rounds) after reading ${report.eventsRead} events: aliases the rest would show may be missing`);
    else if (report.truncated) report.notes.push(`discovery stopped after reading ${report.eventsRead} events (identity.discovery.maxEvents): aliases only older events show may be missing`);
    else if (unasked(identity).length > 0) report.notes.push(`discovery stopped after ${report.rounds} rounds (identity.discovery.maxRounds): the last aliases found were not searched for more`);
    for (const v of identity.aliases) report.notes.push(...this.lookups.notesFor(v.alias.value));
    report.notes = [...new Set(report.notes)];
    return { identity, discovery: report };
  }

  /** Reads, once per action, the calls that issue credentials to an identity without it being their actor. */
  private async readIssuance(identity: ResolvedIdentity, asked: Set<string>, read: (req: Omit<EventsRequest, 'window' | 'order' | 'first'>) => Promise<void>): Promise<void> {
    const trails = this.request.engine.sources.filter((s) => s.type === 'cloudtrail').map((s) => s.id);
    if (trails.length === 0) return;
    const aliases = identity.aliases.map((v) => v.alias);
    const wanted: string[] = [];
    // an IAM user's keys may have been created by someone else
    if (aliases.some((a) => a.kind === AliasKind.AWS_IAM_USER || (a.kind === AliasKind.AWS_ACCESS_KEY && a.value.startsWith('AKIA')))) wanted.push(ISSUING_ACTIONS.createAccessKey);
    // a role session (other than an Identity Center one, whose name says whose it is) was issued to someone
    const issuedSession = aliases.some((a) => a.kind === AliasKind.AWS_ROLE_SESSION && !IDENTITY_CENTER_ROLE.test(ROLE_SESSION_ARN.exec(a.value)?.[1].split('/').pop() ?? ''));
    const looseKey = identity.aliases.some((v) => v.alias.kind === AliasKind.AWS_ACCESS_KEY && v.alias.value.startsWith('ASIA') && !v.links.some((l) => l.rule === 'aws.session-credential'));
    if (issuedSession || looseKey) wanted.push(ISSUING_ACTIONS.webIdentity, ISSUING_ACTIONS.assumeRole);
    for (const action of wanted) {
      if (asked.has(action)) continue;
      asked.add(action);
      const filter: EventFilter = { sources: trails, action: [action] };
      await read({ filter });
    }
  }

  /** `Identity.events`: every alias, each source pushed the ones it understands, each edge saying which alias matched and why. */
  eventsRequest(identity: ResolvedIdentity, args: Pick<EventsRequest, 'window' | 'filter' | 'order' | 'first' | 'after'>): EventsRequest {
    return { ...args, scope: `identity:${identity.id}`, identity: searchFor(identity), match: (event) => matchEvidence(identity, event) };
  }
}

/**
 * Why an event belongs to an identity: the actor alias that is one of the identity's, and how that alias was tied
 * to it. A key of this identity used by another principal is flagged. Null when no actor alias is the identity's
 * (the engine's value match is broader: a K8S_USER of another cluster, a name that is not a typed alias).
 */
export function matchEvidence(identity: ResolvedIdentity, event: AuditEvent): string[] | null {
  const aliases = observedAliases(event);
  const matched = byPrecedence(aliases.filter((a) => identity.members.has(aliasKey(a))));
  if (matched.length === 0) return null;
  const why = (a: ObservedAlias) => {
    const view = identity.view(aliasKey(a));
    return `actor ${describeAlias(a)} (${a.field}): ${view?.rule === 'canonical' ? "the identity's own name" : (view?.evidence ?? 'an alias of the identity')}`;
  };
  // the identity's own name when the actor carries it, else the strongest alias; a credential issued by someone
  // else is always told, since who issued it is part of the story
  const primary = matched.find((a) => aliasKey(a) === aliasKey(identity.canonical)) ?? matched[0];
  const issued = matched.filter((a) => a !== primary && a.kind === AliasKind.AWS_ACCESS_KEY && ISSUING_RULES.has(identity.view(aliasKey(a))?.rule ?? ''));
  const evidence = [why(primary), ...issued.map(why)];
  const rest = matched.filter((a) => a !== primary && !issued.includes(a));
  if (rest.length > 0) evidence.push(`also ${rest.map((a) => `${a.kind} ${a.value}`).join(', ')}`);
  const principals = aliases.filter((a) => (a.kind === AliasKind.AWS_IAM_USER || a.kind === AliasKind.AWS_ROLE_SESSION) && !identity.members.has(aliasKey(a)));
  for (const key of matched.filter((a) => a.kind === AliasKind.AWS_ACCESS_KEY)) {
    for (const other of principals) evidence.push(`FLAG: key ${key.value} belongs to ${identity.id}, but this call was made as ${other.value}`);
  }
  return evidence;
}

const ISSUING_RULES = new Set(['aws.create-access-key', 'aws.web-identity', 'aws.assume-role']);

const MEMO_KEY = 'identity:service';

/** The request's identity layer, made on first use. */
export function identitiesOf(request: IdentityRequest): IdentityService {
  let service = request.memo.get(MEMO_KEY) as IdentityService | undefined;
  if (!service) request.memo.set(MEMO_KEY, (service = new IdentityService(request)));
  return service;
}
