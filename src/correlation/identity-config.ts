import * as fs from 'node:fs';
import { ConfigError } from '../config/errors';
import { ConfigNode } from '../config/fields';
import { AliasKind } from '../domain';
import { parseTypedValue, type TypedAlias } from './identity/alias';

/** An OIDC username prefix (`--oidc-username-prefix`), for one cluster (a k8s source id) or, without `source`, for every one. */
export interface OidcPrefix {
  prefix: string;
  source?: string;
}

/** A static alias list: every value names the same identity (a person's own statement, so it is applied first). */
export interface AliasGroup {
  identity: TypedAlias;
  values: TypedAlias[];
  /** where it is written, for evidence: `identity.aliases[0]` */
  at: string;
}

/** Okta users read through `GET /api/v1/users/{id|login}` (an API token with okta.users.read). */
export interface OktaLookupConfig {
  orgUrl: string;
  token: string;
  rateLimitPerMinute: number;
  /** where it came from: `identity.lookups.okta` or the Okta source it borrows its org and token from */
  from: string;
}

/** One cluster's API server, asked for ServiceAccounts (their IRSA and Workload Identity annotations). */
export interface KubernetesLookupConfig {
  /** the k8s-audit source (cluster) whose service accounts this server holds */
  source: string;
  server: string;
  token: string;
  caFile?: string;
  skipTlsVerify: boolean;
  rateLimitPerSecond: number;
}

export interface IdentityLookupsConfig {
  okta?: OktaLookupConfig;
  kubernetes: KubernetesLookupConfig[];
}

/** Bounds of `identity(ref)`'s discovery (see src/correlation/identity/discovery.ts). */
export interface DiscoveryLimits {
  maxRounds: number;
  maxEvents: number;
}

/** The `identity:` section of the config. */
export interface IdentityConfig {
  /** the organisation's email domains: an alias in one of them is taken as a person's email */
  emailDomains: string[];
  /** prefixes the Kubernetes API server puts before OIDC usernames (`--oidc-username-prefix`), e.g. `oidc:` */
  oidcPrefixes: OidcPrefix[];
  /** static alias lists: every value names the same identity */
  aliases: AliasGroup[];
  lookups: IdentityLookupsConfig;
  discovery: DiscoveryLimits;
}

export const DEFAULT_DISCOVERY: DiscoveryLimits = { maxRounds: 4, maxEvents: 5000 };

export function emptyIdentityConfig(): IdentityConfig {
  return { emailDomains: [], oidcPrefixes: [], aliases: [], lookups: { kubernetes: [] }, discovery: { ...DEFAULT_DISCOVERY } };
}

/** The `sources:` entries, so that lookups can borrow an Okta source's org and token and name clusters by source id. */
export interface IdentityConfigContext {
  sources?: ConfigNode[];
}

function typedValue(raw: unknown, at: string): TypedAlias {
  if (typeof raw === 'string' && raw !== '') {
    const typed = parseTypedValue(raw);
    if (!typed) {
      throw new ConfigError(at, `cannot tell what kind of alias ${JSON.stringify(raw)} is: write it as KIND:value (KIND one of ${Object.values(AliasKind).join(', ')}), e.g. "K8S_USER:${raw}"`);
    }
    return typed;
  }
  const node = ConfigNode.of(raw, at);
  node.allowOnly(['kind', 'value', 'source']);
  const alias: TypedAlias = { kind: node.oneOf('kind', Object.values(AliasKind)), value: node.string('value') };
  const source = node.optionalString('source');
  if (source !== undefined) {
    if (alias.kind !== AliasKind.K8S_USER) throw new ConfigError(node.key('source'), 'only a K8S_USER belongs to one cluster (source)');
    alias.scope = source;
  }
  return alias;
}

function sourceEntry(ctx: IdentityConfigContext, id: string): ConfigNode | undefined {
  return ctx.sources?.find((s) => s.value.id === id);
}

function requireSourceOfType(ctx: IdentityConfigContext, id: string, type: string, at: string): ConfigNode | undefined {
  if (!ctx.sources) return undefined;
  const entry = sourceEntry(ctx, id);
  if (!entry) throw new ConfigError(at, `no source with id ${JSON.stringify(id)}; configured: ${ctx.sources.map((s) => String(s.value.id)).join(', ') || 'none'}`);
  if (entry.value.type !== type) throw new ConfigError(at, `source ${JSON.stringify(id)} is a ${String(entry.value.type)} source, not ${type}`);
  return entry;
}

const OKTA_LOOKUP_KEYS = ['source', 'orgUrl', 'tokenEnv', 'tokenFile', 'rateLimitPerMinute'];
const K8S_LOOKUP_KEYS = ['source', 'server', 'tokenEnv', 'tokenFile', 'caFile', 'insecureSkipTlsVerify', 'rateLimitPerSecond'];

/** An Okta source in live mode with an API token: its org and token serve the user lookups unless told otherwise. */
function oktaFromSource(entry: ConfigNode, at: string): OktaLookupConfig | undefined {
  if (entry.value.mode !== 'api') return undefined;
  if (entry.value.authorizationMode !== undefined && entry.value.authorizationMode !== 'SSWS') return undefined;
  return { orgUrl: entry.url('orgUrl'), token: entry.secret('token', true) as string, rateLimitPerMinute: 300, from: at };
}

function parseOktaLookup(raw: unknown, at: string, ctx: IdentityConfigContext): OktaLookupConfig | undefined {
  if (raw === false) return undefined;
  if (raw === undefined || raw === null) {
    // by default, borrow the first live Okta source's org and API token
    for (const entry of ctx.sources ?? []) {
      if (entry.value.type !== 'okta') continue;
      const found = oktaFromSource(entry, `sources[id=${String(entry.value.id)}]`);
      if (found) return found;
    }
    return undefined;
  }
  const node = ConfigNode.of(raw, at);
  node.allowOnly(OKTA_LOOKUP_KEYS);
  const rateLimitPerMinute = node.number('rateLimitPerMinute', 300, { min: 1, max: 10_000 });
  const source = node.optionalString('source');
  if (source !== undefined) {
    for (const k of ['orgUrl', 'tokenEnv', 'tokenFile']) if (node.has(k)) throw new ConfigError(node.key(k), 'give either source (an Okta source to borrow from) or orgUrl and a token, not both');
    const entry = requireSourceOfType(ctx, source, 'okta', node.key('source'));
    if (!entry) throw new ConfigError(node.key('source'), 'the sources are not known here');
    const found = oktaFromSource(entry, `sources[id=${source}]`);
    if (!found) throw new ConfigError(node.key('source'), `source ${JSON.stringify(source)} is not a live (mode: api) Okta source with an API token (SSWS): give orgUrl and tokenEnv/tokenFile instead`);
    return { ...found, rateLimitPerMinute };
  }
  return { orgUrl: node.credentialUrl('orgUrl', 'the Okta API token'), token: node.secret('token', true) as string, rateLimitPerMinute, from: at };
}

function parseKubernetesLookup(node: ConfigNode, ctx: IdentityConfigContext): KubernetesLookupConfig {
  node.allowOnly(K8S_LOOKUP_KEYS);
  const source = node.string('source');
  requireSourceOfType(ctx, source, 'k8s-audit', node.key('source'));
  const caFile = node.optionalString('caFile');
  if (caFile !== undefined && !fs.existsSync(caFile)) throw new ConfigError(node.key('caFile'), `expected a readable file, got ${caFile}`);
  return {
    source,
    server: node.credentialUrl('server', 'the Kubernetes token'),
    token: node.secret('token', true) as string,
    caFile,
    skipTlsVerify: node.boolean('insecureSkipTlsVerify', false),
    rateLimitPerSecond: node.number('rateLimitPerSecond', 20, { min: 1, max: 1000 }),
  };
}

function parseOidcPrefix(raw: unknown, at: string, ctx: IdentityConfigContext): OidcPrefix {
  if (typeof raw === 'string' && raw !== '') return { prefix: raw };
  const node = ConfigNode.of(raw, at);
  node.allowOnly(['source', 'prefix']);
  const source = node.string('source');
  requireSourceOfType(ctx, source, 'k8s-audit', node.key('source'));
  return { prefix: node.string('prefix'), source };
}

export function parseIdentityConfig(raw: unknown, ctx: IdentityConfigContext = {}): IdentityConfig {
  const config = emptyIdentityConfig();
  config.lookups.okta = parseOktaLookup(undefined, 'identity.lookups.okta', ctx);
  if (raw === undefined || raw === null) return config;
  const node = ConfigNode.of(raw, 'identity');
  node.allowOnly(['emailDomains', 'oidcPrefixes', 'aliases', 'lookups', 'discovery']);
  config.emailDomains = node.stringList('emailDomains').map((d) => d.toLowerCase());
  if (node.has('oidcPrefixes')) {
    const list = node.value.oidcPrefixes;
    if (!Array.isArray(list)) throw new ConfigError(node.key('oidcPrefixes'), 'expected a list of prefixes (strings, or { source, prefix } for one cluster)');
    config.oidcPrefixes = list.map((p, i) => parseOidcPrefix(p, `${node.key('oidcPrefixes')}[${i}]`, ctx));
  }
  config.aliases = node.list('aliases').map((a) => {
    a.allowOnly(['identity', 'values']);
    const values = a.value.values;
    if (!Array.isArray(values) || values.length === 0) throw new ConfigError(a.key('values'), 'expected a non-empty list of aliases');
    return {
      identity: typedValue(a.value.identity, a.key('identity')),
      values: values.map((v, i) => typedValue(v, `${a.key('values')}[${i}]`)),
      at: a.path,
    };
  });
  const lookups = node.child('lookups');
  if (lookups) {
    lookups.allowOnly(['okta', 'kubernetes']);
    if (lookups.has('okta')) config.lookups.okta = parseOktaLookup(lookups.value.okta, lookups.key('okta'), ctx);
    config.lookups.kubernetes = lookups.list('kubernetes').map((k) => parseKubernetesLookup(k, ctx));
    const seen = new Set<string>();
    for (const k of config.lookups.kubernetes) {
      if (seen.has(k.source)) throw new ConfigError(lookups.key('kubernetes'), `two entries for source ${JSON.stringify(k.source)}: one API server per cluster`);
      seen.add(k.source);
    }
  }
  const discovery = node.child('discovery');
  if (discovery) {
    discovery.allowOnly(['maxRounds', 'maxEvents']);
    config.discovery = {
      maxRounds: discovery.number('maxRounds', DEFAULT_DISCOVERY.maxRounds, { min: 1, max: 10, integer: true }),
      maxEvents: discovery.number('maxEvents', DEFAULT_DISCOVERY.maxEvents, { min: 100, max: 100_000, integer: true }),
    };
  }
  return config;
}
