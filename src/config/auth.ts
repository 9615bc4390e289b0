import { SourceKind, type Source } from '../domain';
import { ConfigError } from './errors';
import { isLoopbackHost, type ConfigNode } from './fields';

export { isLoopbackHost };

/** Asymmetric JWS algorithms a JWKS can verify; `none` and the shared-secret HS* family are never accepted. */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;

export interface OidcConfig {
  issuer: string;
  /** the token's `aud` must hold one of these */
  audience: string[];
  /** where the signing keys are; else `jwks_uri` of `<issuer>/.well-known/openid-configuration` */
  jwksUri?: string;
  algorithms: string[];
  /** leeway on `exp`, `nbf` and `iat` */
  clockSkewSeconds: number;
  /** after a fetch of the keys, how long before a token with an unknown `kid` may make another */
  jwksCooldownSeconds: number;
  /** the claims read from a token for roles and the access log */
  claims: { groups: string; email: string; name: string };
}

export interface ApiKeyConfig {
  id: string;
  /** the SHA-256 of the key: the key itself is never in the file */
  sha256: Buffer;
  roles: string[];
}

export interface RoleConfig {
  name: string;
  /** as written: `*`, source ids, or kinds */
  sources: string[];
  /** the source ids `sources` names, resolved against the configuration */
  sourceIds: ReadonlySet<string>;
  raw: boolean;
  admin: boolean;
  /** token claim name -> values; a caller holds the role when any of its claims has any of the values */
  claims: ReadonlyMap<string, ReadonlySet<string>>;
  /** API key ids holding the role (from `claims.apiKeys` and `apiKeys[].roles`) */
  apiKeys: ReadonlySet<string>;
}

/**
 * `auth:`. `unset`: no `auth:` at all, which serves unauthenticated only on a loopback address; `none`: the
 * config says `none: true`; `required`: every request needs a valid bearer token or API key.
 */
export interface AuthConfig {
  mode: 'unset' | 'none' | 'required';
  oidc?: OidcConfig;
  apiKeys: ApiKeyConfig[];
  roles: RoleConfig[];
  /** things worth saying at start-up that do not stop it */
  warnings: string[];
}

const ROLE_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,62}$/;
const KINDS = Object.values(SourceKind) as string[];

/** An https URL, or http to loopback only: keys fetched over plain http could be swapped by anyone on the path. */
function secureUrl(node: ConfigNode, name: string): string {
  const url = node.url(name);
  const u = new URL(url);
  if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) {
    throw new ConfigError(node.key(name), `expected an https URL (plain http is accepted only to a loopback address), got ${JSON.stringify(url)}`);
  }
  return url;
}

function parseOidc(node: ConfigNode): OidcConfig {
  node.allowOnly(['issuer', 'audience', 'jwksUri', 'algorithms', 'clockSkewSeconds', 'jwksCooldownSeconds', 'groupsClaim', 'emailClaim', 'nameClaim']);
  const issuer = secureUrl(node, 'issuer');
  const aud = node.value.audience;
  const audience = typeof aud === 'string' && aud !== '' ? [aud] : node.stringList('audience');
  if (audience.length === 0) throw new ConfigError(node.key('audience'), 'expected the audience (a string or a list) the tokens are issued for, e.g. the client id of auditgraph');
  const algorithms = node.stringList('algorithms', [...ASYMMETRIC_ALGORITHMS]);
  for (const alg of algorithms) {
    if (!(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg)) {
      throw new ConfigError(node.key('algorithms'), `${JSON.stringify(alg)} is not accepted; expected asymmetric algorithms among ${ASYMMETRIC_ALGORITHMS.join(', ')} (never none or HS*)`);
    }
  }
  if (algorithms.length === 0) throw new ConfigError(node.key('algorithms'), 'expected at least one algorithm');
  return {
    // the `iss` claim is compared as written by the issuer, which may end with a slash
    issuer: typeof node.value.issuer === 'string' ? node.value.issuer : issuer,
    audience,
    jwksUri: node.has('jwksUri') ? secureUrl(node, 'jwksUri') : undefined,
    algorithms,
    clockSkewSeconds: node.number('clockSkewSeconds', 30, { min: 0, max: 300, integer: true }),
    jwksCooldownSeconds: node.number('jwksCooldownSeconds', 30, { min: 0, max: 3600 }),
    claims: {
      groups: node.optionalString('groupsClaim') ?? 'groups',
      email: node.optionalString('emailClaim') ?? 'email',
      name: node.optionalString('nameClaim') ?? 'name',
    },
  };
}

function parseApiKey(node: ConfigNode): ApiKeyConfig {
  node.allowOnly(['id', 'sha256', 'roles']);
  if (node.has('key') || node.has('secret')) throw new ConfigError(node.key('key'), 'the key itself is never written in the config: give its sha256');
  const id = node.string('id');
  if (!ROLE_NAME.test(id)) throw new ConfigError(node.key('id'), `expected letters, digits, '.', '_', ':' or '-' (up to 63), got ${JSON.stringify(id)}`);
  const hex = node.string('sha256').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new ConfigError(node.key('sha256'), 'expected the SHA-256 of the key as 64 hex digits (e.g. `printf %s "$KEY" | sha256sum`)');
  }
  return { id, sha256: Buffer.from(hex, 'hex'), roles: node.stringList('roles') };
}

/** `role.sources`: `*`, source ids and kinds, each checked against what is configured. */
function resolveRoleSources(node: ConfigNode, written: string[], sources: readonly Source[]): Set<string> {
  const ids = new Set<string>();
  for (const s of written) {
    if (s === '*') for (const src of sources) ids.add(src.id);
    else if (KINDS.includes(s)) for (const src of sources.filter((x) => x.kind === s)) ids.add(src.id);
    else if (sources.some((src) => src.id === s)) ids.add(s);
    else {
      throw new ConfigError(node.key('sources'), `${JSON.stringify(s)} is neither a configured source id (${sources.map((x) => x.id).join(', ')}) nor a kind (${KINDS.join(', ')}) nor "*"`);
    }
  }
  return ids;
}

function parseRole(node: ConfigNode, sources: readonly Source[], oidc: OidcConfig | undefined): RoleConfig {
  node.allowOnly(['name', 'sources', 'raw', 'admin', 'claims']);
  const name = node.string('name');
  if (!ROLE_NAME.test(name)) throw new ConfigError(node.key('name'), `expected letters, digits, '.', '_', ':' or '-' (up to 63), got ${JSON.stringify(name)}`);
  const written = node.stringList('sources');
  if (written.length === 0) throw new ConfigError(node.key('sources'), 'expected the sources the role sees: source ids, kinds, or "*"');
  const claims = new Map<string, Set<string>>();
  const apiKeys = new Set<string>();
  const claimNode = node.child('claims');
  for (const key of Object.keys(claimNode?.value ?? {})) {
    const values = claimNode!.stringList(key);
    if (key === 'apiKeys') {
      for (const v of values) apiKeys.add(v);
      continue;
    }
    if (!oidc) throw new ConfigError(claimNode!.key(key), 'token claims need auth.oidc; API keys are given roles with apiKeys[].roles or claims.apiKeys');
    // `subjects` and `groups` are the words of the issue tracker; the claims they read are `sub` and the groups claim
    const claim = key === 'subjects' ? 'sub' : key === 'groups' ? oidc.claims.groups : key === 'emails' ? oidc.claims.email : key;
    const set = claims.get(claim) ?? new Set<string>();
    for (const v of values) set.add(v);
    claims.set(claim, set);
  }
  return { name, sources: written, sourceIds: resolveRoleSources(node, written, sources), raw: node.boolean('raw', false), admin: node.boolean('admin', false), claims, apiKeys };
}

/** Validates `auth:` against the configured sources; every error names its key. */
export function parseAuthConfig(node: ConfigNode | undefined, sources: readonly Source[]): AuthConfig {
  if (!node) return { mode: 'unset', apiKeys: [], roles: [], warnings: [] };
  node.allowOnly(['none', 'oidc', 'apiKeys', 'roles']);
  if (node.has('none')) {
    if (node.value.none !== true) throw new ConfigError(node.key('none'), 'expected true (serve without authentication) or leave it out');
    for (const k of ['oidc', 'apiKeys', 'roles']) {
      if (node.has(k)) throw new ConfigError(node.key(k), 'auth.none: true serves everyone without authentication; remove none or this key');
    }
    return { mode: 'none', apiKeys: [], roles: [], warnings: [] };
  }
  const oidcNode = node.child('oidc');
  const oidc = oidcNode ? parseOidc(oidcNode) : undefined;
  const keyNodes = node.list('apiKeys');
  const apiKeys = keyNodes.map(parseApiKey);
  if (!oidc && apiKeys.length === 0) throw new ConfigError(node.path, 'expected oidc or apiKeys (or none: true to serve without authentication)');
  const roleNodes = node.list('roles');
  const roles = roleNodes.map((r) => parseRole(r, sources, oidc));
  const warnings: string[] = [];

  const roleNames = new Set<string>();
  roles.forEach((r, i) => {
    if (roleNames.has(r.name)) throw new ConfigError(roleNodes[i].key('name'), `duplicate role name ${JSON.stringify(r.name)}`);
    roleNames.add(r.name);
  });
  const keyIds = new Set<string>();
  const hashes = new Set<string>();
  apiKeys.forEach((k, i) => {
    if (keyIds.has(k.id)) throw new ConfigError(keyNodes[i].key('id'), `duplicate API key id ${JSON.stringify(k.id)}`);
    keyIds.add(k.id);
    const hex = k.sha256.toString('hex');
    if (hashes.has(hex)) throw new ConfigError(keyNodes[i].key('sha256'), 'two API keys have the same sha256: each key must be its own');
    hashes.add(hex);
    for (const r of k.roles) if (!roleNames.has(r)) throw new ConfigError(keyNodes[i].key('roles'), `no role named ${JSON.stringify(r)} in auth.roles (${[...roleNames].join(', ') || 'none'})`);
    if (k.roles.length === 0 && !roles.some((r) => r.apiKeys.has(k.id))) warnings.push(`auth.apiKeys[${i}] (${k.id}) has no role: requests with it are refused (403)`);
  });
  roles.forEach((r, i) => {
    for (const id of r.apiKeys) if (!keyIds.has(id)) throw new ConfigError(roleNodes[i].key('claims.apiKeys'), `no API key with id ${JSON.stringify(id)} in auth.apiKeys`);
    const given = r.claims.size > 0 || r.apiKeys.size > 0 || apiKeys.some((k) => k.roles.includes(r.name));
    if (!given) warnings.push(`auth.roles[${i}] (${r.name}) is held by nobody: it has no claims and no API key names it`);
  });
  if (roles.length === 0) warnings.push('auth.roles is empty: every authenticated request is refused (403) until a role grants sources');
  // apiKeys[].roles and claims.apiKeys are two ways to say one thing: keep one set per role
  const withKeys = roles.map((r) => ({ ...r, apiKeys: new Set([...r.apiKeys, ...apiKeys.filter((k) => k.roles.includes(r.name)).map((k) => k.id)]) }));
  return { mode: 'required', oidc, apiKeys, roles: withKeys, warnings };
}
