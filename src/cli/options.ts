import { Option, type Command } from 'commander';
import { CliError, EXIT } from './errors';

/** kubectl's `--since 2h` (s, m, h, d, w) or an ISO 8601 duration (`PT2H`), as the ISO duration the API takes. */
export function sinceToDuration(text: string): string {
  const t = text.trim();
  if (/^P/i.test(t)) return t.toUpperCase();
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d|w)$/i.exec(t);
  if (!m) throw new CliError(`--since: expected a duration such as 30m, 2h, 2d, 1w or PT2H, got ${JSON.stringify(text)}`, EXIT.USAGE);
  const [, n, unit] = m;
  switch (unit!.toLowerCase()) {
    case 's':
      return `PT${n}S`;
    case 'm':
      return `PT${n}M`;
    case 'h':
      return `PT${n}H`;
    case 'd':
      return `P${n}D`;
    default:
      return `P${n}W`;
  }
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The filter flags, named like the EventFilterInput fields (kebab-case), each repeatable. */
export const FILTER_FLAGS: readonly { flag: string; field: string; param: string; help: string }[] = [
  { flag: 'identity', field: 'identity', param: 'identity', help: "an actor's name, id or alias (email, ARN, access key, Kubernetes user…)" },
  { flag: 'source', field: 'sources', param: 'source', help: 'a source id from the config' },
  { flag: 'kind', field: 'kinds', param: 'kind', help: 'EXECUTION, IDENTITY_PROVIDER, KUBERNETES_AUDIT, CLOUD_AUDIT or ACCESS_LOG' },
  { flag: 'action', field: 'action', param: 'action', help: 'an action, `*` a wildcard (iam:*)' },
  { flag: 'category', field: 'category', param: 'category', help: 'API_ACTIVITY, AUTHENTICATION, ACCOUNT_CHANGE…' },
  { flag: 'outcome', field: 'outcome', param: 'outcome', help: 'SUCCESS, FAILURE or UNKNOWN' },
  { flag: 'source-ip', field: 'sourceIp', param: 'sourceIp', help: 'an IPv4 or IPv6 address' },
  { flag: 'run-id', field: 'runId', param: 'runId', help: 'a run id, project/domain/name or the bare name' },
];

export function addWindowOptions(cmd: Command, defaultSince = '1h'): Command {
  return cmd
    .option('--since <duration>', `the window ends now (or at --to) and starts this long before: 30m, 2h, 2d, 1w, PT2H (default ${defaultSince} unless --from)`)
    .option('--from <time>', 'the window start, ISO 8601 (2026-03-14T08:45:00Z)')
    .option('--to <time>', 'the window end, ISO 8601; default now');
}

export function addFilterOptions(cmd: Command): Command {
  for (const f of FILTER_FLAGS) cmd.addOption(new Option(`--${f.flag} <value>`, `${f.help} (repeatable)`).argParser(collect));
  cmd.option('--resource <text>', "a substring of a target's name or id");
  cmd.addOption(new Option('--order <order>', 'newest or oldest first').choices(['newest', 'oldest', 'NEWEST_FIRST', 'OLDEST_FIRST']));
  return cmd;
}

export interface QueryFlags {
  since?: string;
  from?: string;
  to?: string;
  resource?: string;
  order?: string;
  [flag: string]: unknown;
}

function isoDate(text: string, flag: string): string {
  if (Number.isNaN(Date.parse(text))) throw new CliError(`--${flag}: not an ISO 8601 date-time: ${JSON.stringify(text)}`, EXIT.USAGE);
  return text;
}

/** The window as GraphQL's TimeWindowInput. */
export function windowOf(flags: QueryFlags, defaultSince = '1h'): { from?: string; to?: string; last?: string } {
  if (flags.since && flags.from) throw new CliError('give --since or --from, not both', EXIT.USAGE);
  const to = flags.to ? isoDate(flags.to, 'to') : undefined;
  if (flags.from) return { from: isoDate(flags.from, 'from'), ...(to ? { to } : {}) };
  return { last: sinceToDuration(flags.since ?? defaultSince), ...(to ? { to } : {}) };
}

export function orderOf(flags: QueryFlags): 'NEWEST_FIRST' | 'OLDEST_FIRST' | undefined {
  if (!flags.order) return undefined;
  return flags.order.toLowerCase().startsWith('old') ? 'OLDEST_FIRST' : 'NEWEST_FIRST';
}

/** The filter as GraphQL's EventFilterInput (enum values upper-cased). */
export function filterOf(flags: QueryFlags): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  for (const f of FILTER_FLAGS) {
    const key = f.flag.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    const values = flags[key] as string[] | undefined;
    if (values?.length) filter[f.field] = ['kinds', 'category', 'outcome'].includes(f.field) ? values.map((v) => v.toUpperCase()) : values;
  }
  if (flags.resource) filter.resource = flags.resource;
  return filter;
}

/** The same window and filter as /export and /tail query parameters. */
export function paramsOf(flags: QueryFlags, defaultSince = '1h', withWindow = true): URLSearchParams {
  const params = new URLSearchParams();
  if (withWindow) {
    const w = windowOf(flags, defaultSince);
    if (w.from) params.set('from', w.from);
    if (w.to) params.set('to', w.to);
    if (w.last) params.set('last', w.last);
    const order = orderOf(flags);
    if (order) params.set('order', order);
  }
  const filter = filterOf(flags);
  for (const f of FILTER_FLAGS) for (const v of (filter[f.field] as string[] | undefined) ?? []) params.append(f.param, v);
  if (flags.resource) params.set('resource', flags.resource);
  return params;
}
