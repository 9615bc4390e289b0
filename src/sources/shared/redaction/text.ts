/** A text pattern whose matches are replaced: `replace` gets the match and its groups and returns the new text. */
export interface TextRule {
  name: string;
  /** global; must not match its own replacement */
  pattern: RegExp;
  replace: (match: string, ...groups: string[]) => string;
}

export const marker = (what: string): string => `[redacted: ${what}]`;

/** The credentials that are recognizable in any text, whatever key it sits under. */
export const BUILTIN_TEXT_RULES: readonly TextRule[] = [
  {
    name: 'private key',
    pattern: /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
    replace: () => marker('private key'),
  },
  {
    name: 'JWT',
    pattern: /\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
    replace: () => marker('JWT'),
  },
  {
    name: 'bearer token',
    // the credential has a character prose does not (a digit, a capital, a symbol), so "basic authentication" is left
    pattern: /\b(Bearer|bearer|BEARER|Basic|basic|BASIC)(\s+)(?=[A-Za-z0-9\-._~+/]*[A-Z0-9\-._~+/])[A-Za-z0-9\-._~+/]{8,}=*/g,
    replace: (_m, scheme: string, space: string) => `${scheme}${space}${marker(`${scheme.toLowerCase()} credentials`)}`,
  },
  {
    name: 'password in URL',
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@"'<>]+):(?!\[redacted)([^\s/@"'<>]+)@/gi,
    replace: (_m, head: string) => `${head}:${marker('password in URL')}@`,
  },
  {
    name: 'secret URL parameter',
    pattern: /([?&;](?:access_token|id_token|refresh_token|token|client_secret|password|passwd|api_?key|sig|X-Amz-Signature|X-Amz-Security-Token|X-Goog-Signature)=)(?!\[redacted|%5Bredacted)([^&#\s"']+)/gi,
    replace: (_m, head: string) => `${head}${marker('secret URL parameter')}`,
  },
  {
    name: 'secret assignment',
    pattern: /\b((?:password|passwd|pwd|secret|client_secret|api_?key|access_token|aws_secret_access_key|aws_session_token)\s*[=:]\s*)("?)(?!\[redacted)([^\s"'&,;]{4,})/gi,
    replace: (_m, head: string, quote: string) => `${head}${quote}${marker('secret assignment')}`,
  },
];

/** A cheap test whether a text can hold any built-in credential at all, before the patterns run one by one. */
const MAY_HOLD = /PRIVATE KEY|eyJ|bearer|basic|:\/\/|token|password|passwd|pwd|secret|api_?key|aws_|sig=|signature=/i;

export function mayHoldBuiltin(text: string): boolean {
  return MAY_HOLD.test(text);
}

/** The text with every match of the rules replaced, and how many were. */
export function redactText(text: string, rules: readonly TextRule[]): { text: string; count: number } {
  let count = 0;
  let out = text;
  for (const rule of rules) {
    rule.pattern.lastIndex = 0;
    if (!rule.pattern.test(out)) continue;
    rule.pattern.lastIndex = 0;
    out = out.replace(rule.pattern, (...args: unknown[]) => {
      count += 1;
      const groups = args.slice(1, -2).map((g) => (typeof g === 'string' ? g : ''));
      return rule.replace(args[0] as string, ...groups);
    });
  }
  return { text: out, count };
}
