/** Who sent a request, as authentication established it (see src/server/auth). */
export type CallerMethod = 'oidc' | 'api-key' | 'anonymous';

export interface Caller {
  method: CallerMethod;
  /** the OIDC `sub`, the API key's id, or `anonymous` */
  subject: string;
  /** the OIDC issuer that vouched for `subject` */
  issuer?: string;
  /** the token's email claim, when it has one */
  email?: string;
  /** the token's name or preferred_username claim */
  name?: string;
  /** the id of the API key (`auth.apiKeys[].id`) the request was sent with */
  apiKeyId?: string;
  /** the names of the roles (`auth.roles`) the caller holds */
  roles: string[];
}

/**
 * What one caller may see, decided once per request before anything is planned: the union of their roles.
 * Every layer below the server sees only `sources`.
 */
export interface Access {
  /** ids of the source instances the caller may see */
  sources: ReadonlySet<string>;
  /** ids of the sources whose raw payloads the caller may see (a subset of `sources`) */
  raw: ReadonlySet<string>;
  /** may see where sources read from (absolute paths, URLs as configured) */
  admin: boolean;
}

/** A stable key for a caller: cursors are bound to it. */
export function callerKey(caller: Caller): string {
  switch (caller.method) {
    case 'oidc':
      return `oidc:${caller.issuer ?? ''}:${caller.subject}`;
    case 'api-key':
      return `api-key:${caller.apiKeyId ?? caller.subject}`;
    case 'anonymous':
      return 'anonymous';
  }
}
