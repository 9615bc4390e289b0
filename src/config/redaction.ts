import { DEFAULT_REDACTION, type RedactionRules } from '../sources/shared/redaction';
import { ConfigError } from './errors';
import type { ConfigNode } from './fields';

export type RedactionConfig = RedactionRules;

/**
 * `redaction:`: how raw records are redacted before they leave the server (on by default). `keys` adds key
 * names whose values are secrets, `allowKeys` exempts names the built-in words would catch, `patterns` adds
 * text patterns (JavaScript regular expressions) redacted wherever they appear in a string.
 */
export function parseRedactionConfig(node: ConfigNode | undefined): RedactionConfig {
  if (!node) return DEFAULT_REDACTION;
  node.allowOnly(['enabled', 'keys', 'allowKeys', 'patterns']);
  const patterns = node.list('patterns').map((p) => {
    p.allowOnly(['name', 'pattern']);
    const name = p.string('name');
    const pattern = p.string('pattern');
    let re: RegExp;
    try {
      re = new RegExp(pattern, 'g');
    } catch (err) {
      throw new ConfigError(p.key('pattern'), `expected a regular expression: ${(err as Error).message}`);
    }
    if (re.test('')) throw new ConfigError(p.key('pattern'), 'matches the empty string, so it would redact nothing and everything: give it something to match');
    if (`[redacted: ${name}]`.match(re)) throw new ConfigError(p.key('pattern'), `matches its own marker "[redacted: ${name}]": redacting twice would change the record again`);
    return { name, pattern };
  });
  return {
    enabled: node.boolean('enabled', true),
    keys: node.stringList('keys'),
    allowKeys: node.stringList('allowKeys'),
    patterns,
  };
}
