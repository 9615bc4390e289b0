import { DateTimeISOResolver, JSONResolver } from 'graphql-scalars';

/** ISO-8601 date-times with milliseconds, always UTC (`2026-03-14T09:03:00.000Z`). */
export const DateTimeScalar = DateTimeISOResolver;
/** Any JSON value: the upstream record exactly as the source returned it. */
export const JSONScalar = JSONResolver;
