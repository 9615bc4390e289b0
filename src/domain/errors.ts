/** Error codes a client sees in `extensions.code`. */
export enum ErrorCode {
  BAD_WINDOW = 'BAD_WINDOW',
  BAD_FILTER = 'BAD_FILTER',
  BAD_PAGE_SIZE = 'BAD_PAGE_SIZE',
  /** a histogram asked for no buckets, or too many */
  BAD_BUCKETS = 'BAD_BUCKETS',
  BAD_CURSOR = 'BAD_CURSOR',
  UNKNOWN_SOURCE = 'UNKNOWN_SOURCE',
  NO_SOURCES = 'NO_SOURCES',
  ALL_SOURCES_FAILED = 'ALL_SOURCES_FAILED',
  /** an operation over a limit of its shape or cost (`extensions.limit` names which, `max` and `found` say how far) */
  QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX',
  /** a string or list argument over `limits.maxValueLength` / `limits.maxListValues` */
  INPUT_TOO_LARGE = 'INPUT_TOO_LARGE',
  /** a request body over `limits.maxBodyBytes` (HTTP 413) */
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  /** a caller over `limits.perCaller` (HTTP 429, with Retry-After) */
  RATE_LIMITED = 'RATE_LIMITED',
  /** several operations in one request while `limits.batching` is off, or more than its `maxOperations` */
  BATCHING_DISABLED = 'BATCHING_DISABLED',
  BATCH_TOO_LARGE = 'BATCH_TOO_LARGE',
  /** a Host header that does not name this server (DNS rebinding; HTTP 403) */
  HOST_NOT_ALLOWED = 'HOST_NOT_ALLOWED',
  /** a request from a page of another origin than the server's own or `server.cors.origins` (HTTP 403) */
  ORIGIN_NOT_ALLOWED = 'ORIGIN_NOT_ALLOWED',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  /** authenticated, but no role grants the caller anything */
  FORBIDDEN = 'FORBIDDEN',
  /** the keys that verify tokens cannot be fetched from the issuer right now (HTTP 503) */
  AUTH_UNAVAILABLE = 'AUTH_UNAVAILABLE',
  NOT_FOUND = 'NOT_FOUND',
  /** a bare run name that more than one run has */
  AMBIGUOUS_RUN = 'AMBIGUOUS_RUN',
  /** a plain-HTTP route's query parameter (or a CLI flag) that is unknown or malformed; `parameter` names it */
  BAD_PARAMETER = 'BAD_PARAMETER',
}

/** A user-facing error: the GraphQL layer shows `message` and puts `code` in `extensions.code`. */
export class AuditgraphError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AuditgraphError';
  }
}

/** Makes a `switch` over a union exhaustive: adding a member is a compile error until handled. */
export class UnreachableCaseError extends Error {
  constructor(value: never) {
    super(`unreachable case: ${JSON.stringify(value)}`);
  }
}
