import { DEFAULT_REDACTION, type RedactionRules } from '../sources/shared/redaction';
import { ConfigError } from './errors';
import type { ConfigNode } from './fields';

export type RedactionConfig = RedactionRules;

/**
 * `redaction:`: how raw records are redacted before they leave the server (on by default). Each of `rules` has a
 * `name` and adds `keys` (key names whose values are secrets) and/or a `pattern` (a JavaScript regular expression
 * redacted wherever it matches in a string, marked with the rule's name); `allowKeys` exempts names the built-in
 * words would catch.
 */
export function parseRedactionConfig(node: ConfigNode | undefined): RedactionConfig {
  if (!node) return DEFAULT_REDACTION;
  node.allowOnly(['enabled', 'rules', 'allowKeys']);
  const keys: string[] = [];
  const patterns: { name: string; pattern: string }[] = [];
  for (const rule of node.list('rules')) {
    rule.allowOnly(['name', 'keys', 'pattern']);
    const name = rule.string('name');
    if (!rule.has('keys') && !rule.has('pattern')) throw new ConfigError(rule.key('name'), `rule ${JSON.stringify(name)} needs keys (names whose values are secrets) or a pattern (a regular expression), or both`);
    keys.push(...rule.stringList('keys'));
    if (!rule.has('pattern')) continue;
    const pattern = rule.string('pattern');
    let re: RegExp;
    try {
      re = new RegExp(pattern, 'g');
    } catch (err) {
      throw new ConfigError(rule.key('pattern'), `expected a regular expression: ${(err as Error).message}`);
    }
    if (re.test('')) throw new ConfigError(rule.key('pattern'), 'matches the empty string, so it would redact nothing and everything: give it something to match');
    if (`[redacted: ${name}]`.match(re)) throw new ConfigError(rule.key('pattern'), `matches its own marker "[redacted: ${name}]": redacting twice would change the record again`);
    patterns.push({ name, pattern });
  }
  return { enabled: node.boolean('enabled', true), keys, allowKeys: node.stringList('allowKeys'), patterns };
}
