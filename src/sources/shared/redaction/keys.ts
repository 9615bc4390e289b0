/**
 * Which keys of a raw record name a secret. A key is compared in a normal form (lower case, without `-`, `_`,
 * `.`, spaces), so `client_secret`, `Client-Secret` and `clientSecret` are one key.
 */
export function normalKey(key: string): string {
  return key.toLowerCase().replace(/[-_. ]/g, '');
}

/** Keys that are secrets as a whole name: headers and well-known credential fields. */
const EXACT = new Set([
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'xapikey',
  'apikey',
  'pwd',
  'passcode',
  'otp',
  'sas',
  'accountkey',
  'connectionstring',
  'samlresponse',
  'clientassertion',
  'signingkey',
  'encryptionkey',
]);

/** Words that make a key name a secret wherever they stand in it (`dbPassword`, `sessionToken`, `private_key`). */
const WORDS = ['password', 'passwd', 'passphrase', 'secret', 'token', 'privatekey', 'apikey'];

/**
 * Endings that make such a key a reference to a secret, or a fact about it, not the secret itself: the name a
 * responder needs to see (`secretName`, `secretId` of GetSecretValue, `secretKeyRef`, `tokenExpirationSeconds`).
 */
const REFERENCE_ENDINGS = [
  'name',
  'names',
  'ref',
  'refs',
  'keyref',
  'arn',
  'arns',
  'id',
  'ids',
  'type',
  'types',
  'kind',
  'version',
  'versionid',
  'versionstage',
  'versionstages',
  'stage',
  'expiration',
  'expirationseconds',
  'expirationtimestamp',
  'expiry',
  'expires',
  'expiresat',
  'expiresin',
  'ttl',
  'count',
  'length',
  'lastused',
  'lastchanged',
  'changed',
  'created',
  'updated',
  'policy',
  'url',
  'uri',
  'endpoint',
  'path',
  'file',
  'mount',
  'selector',
  'provider',
  'format',
  'algorithm',
  'audience',
  'audiences',
  'status',
  'enabled',
  'required',
  'rotation',
  'source',
  'namespace',
];

/** Whether a key names a reference to a secret (exempt) rather than the secret. */
function isReference(k: string): boolean {
  if (WORDS.some((w) => k === w || k === `${w}s`)) return false;
  return REFERENCE_ENDINGS.some((e) => k.endsWith(e) && k.length > e.length);
}

export interface KeyRules {
  /** further keys (normal form) whose values are secrets */
  extra: ReadonlySet<string>;
  /** keys (normal form) never redacted by key */
  allowed: ReadonlySet<string>;
}

/**
 * Whether the values under `key` are secrets, by its name alone: `header` for the names of credential headers and
 * fields (their text values are secret; an object under them, such as Azure's `authorization: {action, scope}`, is
 * judged member by member), `word` for names built on a secret word (everything inside is secret but the members
 * that only name it, see `isReferenceMember`), undefined for any other key.
 */
export function secretKey(key: string, rules: KeyRules): 'header' | 'word' | undefined {
  const k = normalKey(key);
  if (rules.allowed.has(k)) return undefined;
  if (rules.extra.has(k)) return 'word';
  if (EXACT.has(k)) return 'header';
  if (!WORDS.some((w) => k.includes(w))) return undefined;
  return isReference(k) ? undefined : 'word';
}

const MEMBERS = new Set(['key', 'keys', 'mode', 'defaultmode', 'optional', 'items', ...REFERENCE_ENDINGS]);

/** Inside a secret value, a member that only names or describes it (`name`, `secretName`, `key`, `path`, `mode`). */
export function isReferenceMember(key: string): boolean {
  const k = normalKey(key);
  return MEMBERS.has(k) || isReference(k);
}
