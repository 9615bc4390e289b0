import type { EventFilter } from '../domain';
import type { EventFilterInput } from '../schema/filter.input';
import type { TimeWindowInput } from '../schema/window.input';
import type { TimeWindowRequest } from '../query/window';

/** GraphQL inputs carry explicit nulls; the engine wants absent fields. */
export function toFilter(input: EventFilterInput | null | undefined): EventFilter {
  const filter: EventFilter = {};
  if (!input) return filter;
  for (const [key, value] of Object.entries(input)) {
    if (value !== null && value !== undefined) (filter as Record<string, unknown>)[key] = value;
  }
  return filter;
}

export function toWindow(input: TimeWindowInput): TimeWindowRequest {
  return { from: input.from ?? null, to: input.to ?? null, last: input.last ?? null };
}
