/**
 * One line of auditgraph's own access log (src/server/plugins/use-access-log.ts writes it): one API request, or one
 * operation of a GraphQL request.
 */
export interface AccessLogRecord {
  time: string;
  reqId: string;
  caller: AccessLogCaller | null;
  clientIp?: string;
  userAgent?: string;
  method: string;
  path: string;
  /** the query parameters of a plain-HTTP route (`/export`, `/tail`), secret-looking values redacted */
  params?: Record<string, unknown>;
  status: number;
  sources: { id: string; pages: number; eventsReturned: number; states: string[] }[];
  eventsReturned: number;
  operation: { name: string | null; type: string | null; documentSha256: string | null; variables: unknown } | null;
  batch?: number;
  durationMs: number;
  outcome: 'ok' | 'error';
  errorCodes: string[];
  /** sha256 of the line before it (the first line of a trail: 64 zeros) */
  prev: string;
}

export interface AccessLogCaller {
  method: string;
  subject: string;
  issuer?: string;
  email?: string;
  apiKeyId?: string;
  roles: string[];
}
