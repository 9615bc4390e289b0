import { ConfigError } from '../../src/config/errors';
import { expandIdentities } from '../../src/correlation/expand';
import { parseIdentityConfig } from '../../src/correlation/identity-config';

const config = parseIdentityConfig({
  emailDomains: ['example.com'],
  oidcPrefixes: ['oidc:'],
  aliases: [{ identity: 'alice@example.com', values: ['00u1alice00000000001', 'arn:aws:iam::111122223333:user/alice'] }],
});

describe('identity expansion from config', () => {
  it('adds static aliases and the OIDC username of an organisation email', () => {
    expect(expandIdentities(['alice@example.com'], config).sort()).toEqual(
      ['00u1alice00000000001', 'alice@example.com', 'arn:aws:iam::111122223333:user/alice', 'oidc:alice@example.com'].sort(),
    );
  });

  it('works from any alias of the group, case-insensitively', () => {
    expect(expandIdentities(['00U1ALICE00000000001'], config)).toContain('oidc:alice@example.com');
    expect(expandIdentities(['oidc:alice@example.com'], config).sort()).toEqual(
      ['00u1alice00000000001', 'alice@example.com', 'arn:aws:iam::111122223333:user/alice', 'oidc:alice@example.com'].sort(),
    );
  });

  it('never merges by resemblance', () => {
    const out = expandIdentities(['alice.smith@example.com'], config);
    expect(out.sort()).toEqual(['alice.smith@example.com', 'oidc:alice.smith@example.com']);
    expect(expandIdentities(['alice@other.org'], config)).toEqual(['alice@other.org']);
    expect(expandIdentities(['alice'], config)).toEqual(['alice']);
  });

  it('names the key of a bad identity section', () => {
    expect(() => parseIdentityConfig({ emailDomains: 'example.com' })).toThrow(new ConfigError('identity.emailDomains', 'expected a list of non-empty strings, got string "example.com"'));
    expect(() => parseIdentityConfig({ aliases: [{ identity: 'a@b.c', values: ['x'], extra: 1 }] })).toThrow(/identity.aliases\[0\].extra: unknown key/);
  });
});
