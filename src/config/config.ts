import type { IdentityConfig } from '../correlation/identity-config';
import type { AccessLogConfig } from './access-log';
import type { AuthConfig } from './auth';
import type { RedactionConfig } from './redaction';
import type { Source, TaskLogSource } from '../domain';

export interface ServerConfig {
  host: string;
  port: number;
  /**
   * Host header names served besides IP addresses and localhost (DNS-rebinding protection): exact names, or
   * `.example.com` for a domain and every name under it; `'*'` serves any name.
   */
  allowedHosts: string[] | '*';
  /** whether the schema can be introspected (the explorer needs it) */
  introspection: boolean;
  /** the origins besides the server's own whose pages may call the API (`server.cors.origins`); `'*'`: any */
  corsOrigins: string[] | '*';
  /** serve HTTPS with this certificate and key (PEM files), instead of plain HTTP */
  tls?: { cert: string; key: string; certFile: string };
}

/** What one request may cost the server (docs/operations.md#limits); each refusal has its code. */
export interface LimitsConfig {
  /** the largest request body read, in bytes; larger ones get 413 */
  maxBodyBytes: number;
  /** lexical tokens in a GraphQL document (parsing stops there) */
  maxTokens: number;
  /** field nesting of an operation (introspection not counted: its cost is) */
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  /** field selections of an operation once fragments are expanded */
  maxFields: number;
  /** estimated field resolutions: list sizes multiply through nesting, aliases count (a page of 1,000 events with every field costs about 70,000) */
  maxCost: number;
  /** queries over the sources one operation may start (each events, timeline, identity… as often as it resolves) */
  maxSourceQueries: number;
  /** values in one list argument (filter.identity, …) */
  maxListValues: number;
  /** characters in one string argument or variable */
  maxValueLength: number;
  perCaller: {
    /** requests of one caller running at once */
    maxConcurrent: number;
    /** requests of one caller per minute */
    requestsPerMinute: number;
  };
  /** several operations in one HTTP request (a JSON array): off unless enabled */
  batching: { enabled: boolean; maxOperations: number };
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface LoggingConfig {
  level: LogLevel;
}

export interface MetricsConfig {
  /** GET /metrics */
  enabled: boolean;
}

export interface TracingConfig {
  enabled: boolean;
  /** the OTLP/HTTP traces URL; undefined: the OTEL_EXPORTER_OTLP_* environment, else http://localhost:4318/v1/traces */
  endpoint?: string;
  serviceName: string;
  /** the share of traces kept (a trace started by a caller's sampled traceparent is kept whatever this says) */
  sampleRatio: number;
}

export interface QueryConfig {
  deadlineMs: number;
  /** the first signs new cursors, all are accepted (rotation) */
  cursorSecrets: string[];
  /** the longest a page waits for one source's next event before going on without it */
  sourceTimeoutMs: number;
  /** false when the secret was made up at start-up: cursors then die with the process */
  cursorSecretConfigured: boolean;
  /** what the upstream page cache may hold, in bytes (0: none) */
  pageCacheBytes: number;
  /** how many pages the server reads at once, in turn between callers (0: no limit) */
  maxConcurrentReads: number;
  /** what the decoded-file cache of the archive sources may hold, in bytes (0: none) */
  fileCacheBytes: number;
}

/** The validated configuration the server runs with. */
export interface AppConfig {
  /** where it came from: a file path, or `demo:<folder>` */
  origin: string;
  sources: Source[];
  server: ServerConfig;
  limits: LimitsConfig;
  logging: LoggingConfig;
  metrics: MetricsConfig;
  tracing: TracingConfig;
  query: QueryConfig;
  identity: IdentityConfig;
  /** authentication and roles (`auth:`) */
  auth: AuthConfig;
  /** the server's own audit trail (`accessLog:`), off when absent */
  accessLog?: AccessLogConfig;
  /** how raw records are redacted before they leave the server (`redaction:`, on by default) */
  redaction: RedactionConfig;
  /** where runs' task logs are read from (`taskLogs:`); none when absent */
  taskLogs: TaskLogSource[];
  /** set when the server serves the bundled demo: its day, which `window: {day: "demo"}` names */
  demo?: { date: string };
}
