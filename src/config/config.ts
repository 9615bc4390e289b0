import type { IdentityConfig } from '../correlation/identity-config';
import type { AuthConfig } from './auth';
import type { Source } from '../domain';

export interface ServerConfig {
  host: string;
  port: number;
}

export interface QueryConfig {
  deadlineMs: number;
  cursorSecret: string;
  /** false when the secret was made up at start-up: cursors then die with the process */
  cursorSecretConfigured: boolean;
}

/** The validated configuration the server runs with. */
export interface AppConfig {
  /** where it came from: a file path, or `demo:<folder>` */
  origin: string;
  sources: Source[];
  server: ServerConfig;
  query: QueryConfig;
  identity: IdentityConfig;
  /** authentication and roles (`auth:`) */
  auth: AuthConfig;
}
