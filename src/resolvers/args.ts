import type { EventFilter } from '../domain';
import type { EventFilterInput } from '../schema/filter.input';
import type { TimeWindowInput } from '../schema/window.input';
import { dayWindow, type TimeWindowRequest } from '../query/window';
import { AuditgraphError, ErrorCode } from '../domain';
import type { RequestContext } from './context';

/** GraphQL inputs carry explicit nulls; the engine wants absent fields. */
export function toFilter(input: EventFilterInput | null | undefined): EventFilter {
  const filter: EventFilter = {};
  if (!input) return filter;
  for (const [key, value] of Object.entries(input)) {
    if (value !== null && value !== undefined) (filter as Record<string, unknown>)[key] = value;
  }
  return filter;
}

/** The window as the engine takes it; a `day` (with its `time`) becomes absolute bounds here. */
export function toWindow(input: TimeWindowInput, ctx: Pick<RequestContext, 'config'>): TimeWindowRequest {
  if (input.day == null) {
    if (input.time != null) throw new AuditgraphError(ErrorCode.BAD_WINDOW, 'window.time: a span of a day needs `day` (YYYY-MM-DD or "demo")');
    return { from: input.from ?? null, to: input.to ?? null, last: input.last ?? null };
  }
  const others = (['from', 'to', 'last'] as const).filter((k) => input[k] != null);
  if (others.length > 0) throw new AuditgraphError(ErrorCode.BAD_WINDOW, `window: give \`day\` (with \`time\` for part of it) or ${others.map((k) => `\`${k}\``).join(' and ')}, not both`);
  return dayWindow(input.day, input.time, ctx.config.demo?.date);
}
