import { AliasKind, type AuditEvent } from '../../domain';
import { aliasKey, CANONICAL_ORDER, describeAlias, EXCLUSIVE_KINDS, iamUserName, type TypedAlias } from './alias';
import type { ConfigRules } from './config-rules';
import { compareLinks, describeLink, linkKey, provenance, type Link } from './links';
import { eventLinks, observedAliases } from './rules';

/** How one alias is tied to its identity, as the API shows it. */
export interface AliasView {
  alias: TypedAlias;
  /** the rule of the link that tied it (or `canonical` for the identity's own name) */
  rule: string;
  /** why it belongs, in words, with the event or lookup it was read from */
  evidence: string;
  /** what does not add up around this alias: a key used by someone else, a name two principals share */
  flags: string[];
  /** every link that touches this alias, strongest first */
  links: Link[];
}

/** One identity: a connected set of aliases, its best name, and why each alias is in it. */
export interface ResolvedIdentity {
  id: string;
  displayName: string;
  canonical: TypedAlias;
  aliases: AliasView[];
  notes: string[];
  /** node keys of its aliases */
  members: ReadonlySet<string>;
  view(key: string): AliasView | undefined;
}

interface Conflict {
  link: Link;
  reason: string;
}

interface Built {
  root: Map<string, string>;
  members: Map<string, string[]>;
  /** applied links by node key */
  applied: Map<string, Link[]>;
  /** refused links by node key */
  refused: Map<string, Conflict[]>;
  notes: Map<string, string[]>;
  identities: Map<string, ResolvedIdentity>;
}

const lower = (s: string) => s.toLowerCase();

class UnionFind {
  private readonly parent = new Map<string, string>();
  /** per root: the value (node key) of each exclusive kind it holds */
  private readonly exclusive = new Map<string, Map<AliasKind, string>>();

  add(key: string, alias: TypedAlias): void {
    if (this.parent.has(key)) return;
    this.parent.set(key, key);
    if (EXCLUSIVE_KINDS.has(alias.kind)) this.exclusive.set(key, new Map([[alias.kind, key]]));
  }

  find(key: string): string {
    let r = key;
    while (this.parent.get(r) !== r) r = this.parent.get(r)!;
    let k = key;
    while (k !== r) {
      const next = this.parent.get(k)!;
      this.parent.set(k, r);
      k = next;
    }
    return r;
  }

  /** Why joining the two sets would put two exclusive aliases of one kind in one identity, if it would. */
  clash(a: string, b: string): string | undefined {
    const ea = this.exclusive.get(this.find(a));
    const eb = this.exclusive.get(this.find(b));
    if (!ea || !eb) return undefined;
    for (const [kind, key] of ea) {
      const other = eb.get(kind);
      if (other !== undefined && other !== key) return `it would join two ${kind}s (${key.split('|').slice(2).join('|')} and ${other.split('|').slice(2).join('|')})`;
    }
    return undefined;
  }

  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    this.parent.set(rb, ra);
    const eb = this.exclusive.get(rb);
    if (eb) {
      const ea = this.exclusive.get(ra) ?? new Map<AliasKind, string>();
      for (const [kind, key] of eb) if (!ea.has(kind)) ea.set(kind, key);
      this.exclusive.set(ra, ea);
      this.exclusive.delete(rb);
    }
  }
}

/**
 * The identity graph of one request: typed aliases (nodes) and the links between them, each with its evidence.
 * It holds names and reasons, never events. Identities are its connected components, rebuilt when links are
 * added, with links applied strongest first (see `compareLinks`) so that the outcome does not depend on the
 * order events were read in.
 */
export class IdentityGraph {
  private readonly nodes = new Map<string, TypedAlias>();
  private readonly byValue = new Map<string, Set<string>>();
  private readonly links = new Map<string, Link>();
  private readonly observed = new Set<string>();
  private built?: Built;

  constructor(
    private readonly config: ConfigRules,
    private readonly emailDomains: readonly string[] = [],
  ) {
    for (const link of config.staticLinks()) this.addLink(link);
  }

  get size(): { aliases: number; links: number } {
    return { aliases: this.nodes.size, links: this.links.size };
  }

  addAlias(alias: TypedAlias): string {
    const key = aliasKey(alias);
    if (this.nodes.has(key)) return key;
    this.nodes.set(key, { kind: alias.kind, value: alias.value, ...(alias.scope ? { scope: alias.scope } : {}) });
    const values = [lower(alias.value)];
    if (alias.kind === AliasKind.AWS_IAM_USER) {
      const name = iamUserName(alias.value);
      if (name) values.push(lower(name));
    }
    for (const v of values) {
      let set = this.byValue.get(v);
      if (!set) this.byValue.set(v, (set = new Set()));
      set.add(key);
    }
    this.built = undefined;
    for (const link of this.config.linksFor(alias)) this.addLink(link);
    return key;
  }

  addLink(link: Link): void {
    const key = linkKey(link);
    const known = this.links.get(key);
    if (known) {
      known.count += link.count;
      // keep the earliest event as evidence: the first time the trails said so
      if (link.event && known.event && link.event.time < known.event.time) {
        known.event = link.event;
        known.text = link.text;
      }
      return;
    }
    this.links.set(key, { ...link });
    this.built = undefined;
    this.addAlias(link.a);
    this.addAlias(link.b);
  }

  /** Reads one event's actor aliases and the links they give (once per event). */
  observe(event: AuditEvent): void {
    const id = `${event.sourceId}|${event.id}`;
    if (this.observed.has(id)) return;
    this.observed.add(id);
    for (const a of observedAliases(event)) this.addAlias(a);
    for (const link of eventLinks(event)) this.addLink(link);
  }

  get eventsObserved(): number {
    return this.observed.size;
  }

  has(alias: TypedAlias): boolean {
    return this.nodes.has(aliasKey(alias));
  }

  /** Node keys whose value is `value` (any kind), or whose IAM user name is. */
  keysOfValue(value: string): string[] {
    return [...(this.byValue.get(lower(value)) ?? [])];
  }

  aliasOf(key: string): TypedAlias | undefined {
    return this.nodes.get(key);
  }

  /** The identity an alias belongs to (by node key), from the current links. */
  identityOfKey(key: string): ResolvedIdentity | undefined {
    if (!this.nodes.has(key)) return undefined;
    const b = this.build();
    return this.identityOfRoot(b, b.root.get(key)!);
  }

  identityOf(alias: TypedAlias): ResolvedIdentity | undefined {
    return this.identityOfKey(aliasKey(alias));
  }

  /** Distinct identities holding an alias with this value. */
  identitiesOfValue(value: string): ResolvedIdentity[] {
    const out = new Map<string, ResolvedIdentity>();
    for (const key of this.keysOfValue(value)) {
      const identity = this.identityOfKey(key);
      if (identity) out.set(identity.id, identity);
    }
    return [...out.values()];
  }

  private build(): Built {
    if (this.built) return this.built;
    const uf = new UnionFind();
    for (const [key, alias] of this.nodes) uf.add(key, alias);
    const applied = new Map<string, Link[]>();
    const refused = new Map<string, Conflict[]>();
    const notes = new Map<string, string[]>();
    const push = <T>(m: Map<string, T[]>, k: string, v: T) => {
      const list = m.get(k);
      if (list) list.push(v);
      else m.set(k, [v]);
    };
    const apply = (link: Link, ka: string, kb: string) => {
      uf.union(ka, kb);
      push(applied, ka, link);
      push(applied, kb, link);
    };
    const sorted = [...this.links.values()].sort(compareLinks);
    const labels: Link[] = [];
    for (const link of sorted) {
      if (link.label) {
        labels.push(link);
        continue;
      }
      const ka = aliasKey(link.a);
      const kb = aliasKey(link.b);
      const clash = link.forced ? undefined : uf.clash(ka, kb);
      if (clash) {
        const conflict = { link, reason: clash };
        push(refused, ka, conflict);
        push(refused, kb, conflict);
      } else apply(link, ka, kb);
    }
    // a shared name (a role, a mapped username) joins an identity only when every principal it names is that one
    const byLabel = new Map<string, Link[]>();
    for (const link of labels) push(byLabel, aliasKey(link.b), link);
    for (const [labelKey, links] of byLabel) {
      const roots = new Set(links.map((l) => uf.find(aliasKey(l.a))));
      if (roots.size > 1) {
        const names = [...new Set(links.map((l) => l.a.value))];
        const note = `${describeAlias(links[0].b)} is named by ${names.length} principals (${names.join(', ')}): not tied to any of them`;
        for (const l of links) push(notes, aliasKey(l.a), note);
        push(notes, labelKey, note);
        continue;
      }
      for (const link of links) {
        const ka = aliasKey(link.a);
        const clash = uf.clash(ka, labelKey);
        if (clash) {
          const conflict = { link, reason: clash };
          push(refused, ka, conflict);
          push(refused, labelKey, conflict);
        } else apply(link, ka, labelKey);
      }
    }
    const root = new Map<string, string>();
    const members = new Map<string, string[]>();
    for (const key of this.nodes.keys()) {
      const r = uf.find(key);
      root.set(key, r);
      push(members, r, key);
    }
    this.built = { root, members, applied, refused, notes, identities: new Map() };
    return this.built;
  }

  private canonicalOf(keys: string[]): string {
    const rank = (key: string) => {
      const a = this.nodes.get(key)!;
      const kind = CANONICAL_ORDER.indexOf(a.kind);
      const outside = a.kind === AliasKind.EMAIL && !this.emailDomains.includes(a.value.slice(a.value.lastIndexOf('@') + 1).toLowerCase()) ? 1 : 0;
      return [kind, outside];
    };
    return [...keys].sort((x, y) => {
      const [kx, ox] = rank(x);
      const [ky, oy] = rank(y);
      return kx - ky || ox - oy || (x < y ? -1 : x > y ? 1 : 0);
    })[0];
  }

  private identityOfRoot(b: Built, r: string): ResolvedIdentity {
    const cached = b.identities.get(r);
    if (cached) return cached;
    const keys = b.members.get(r) ?? [r];
    const canonicalKey = this.canonicalOf(keys);
    const canonical = this.nodes.get(canonicalKey)!;
    const views = new Map<string, AliasView>();
    const flagsOf = (key: string): string[] =>
      (b.refused.get(key) ?? []).map(({ link, reason }) => {
        const other = aliasKey(link.a) === key ? link.b : link.a;
        return `FLAG: not tied to ${describeAlias(other)}, because ${reason}: ${describeLink(link)}`;
      });
    // breadth first from the canonical alias over applied links, strongest first: each alias's evidence is the
    // link that reached it
    const queue: string[] = [canonicalKey];
    views.set(canonicalKey, {
      alias: canonical,
      rule: 'canonical',
      evidence: `the identity's name: its ${canonical.kind === AliasKind.EMAIL ? 'email' : canonical.kind}; every other alias is tied to it below`,
      flags: flagsOf(canonicalKey),
      links: [...(b.applied.get(canonicalKey) ?? [])].sort(compareLinks),
    });
    while (queue.length > 0) {
      const key = queue.shift()!;
      const links = [...(b.applied.get(key) ?? [])].sort(compareLinks);
      for (const link of links) {
        const other = aliasKey(link.a) === key ? aliasKey(link.b) : aliasKey(link.a);
        if (views.has(other)) continue;
        const via = key === canonicalKey ? '' : ` [via ${describeAlias(this.nodes.get(key)!)}]`;
        views.set(other, {
          alias: this.nodes.get(other)!,
          rule: link.rule,
          evidence: `${link.text} (${provenance(link)})${via}`,
          flags: flagsOf(other),
          links: [...(b.applied.get(other) ?? [])].sort(compareLinks),
        });
        queue.push(other);
      }
    }
    const ordered = [...views.values()].sort((x, y) => CANONICAL_ORDER.indexOf(x.alias.kind) - CANONICAL_ORDER.indexOf(y.alias.kind) || (x.alias.value < y.alias.value ? -1 : 1));
    const notes = [...new Set(keys.flatMap((k) => b.notes.get(k) ?? []))];
    const displayName = canonical.kind === AliasKind.AWS_IAM_USER ? (iamUserName(canonical.value) ?? canonical.value) : canonical.value;
    const identity: ResolvedIdentity = {
      id: canonical.value,
      displayName,
      canonical,
      aliases: ordered,
      notes,
      members: new Set(keys),
      view: (key) => views.get(key),
    };
    b.identities.set(r, identity);
    return identity;
  }
}
