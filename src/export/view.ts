import type { Access, AuditEvent } from '../domain';

/** What stands in for a raw record the caller's roles do not show (the same words as GraphQL's `raw` field). */
export function withheldRaw(sourceId: string): string {
  return `[withheld: the raw payloads of ${sourceId} are not visible to your roles (auth.roles[].raw)]`;
}

/**
 * The events as this caller may see them, for the streaming routes (exports, tails, shipping): raw records of
 * sources outside `access.raw` withheld. `withheldFrom` says which sources had theirs withheld, for the end
 * status (a file never hides that it was redacted).
 */
export function eventView(access: Access): { view: (e: AuditEvent) => AuditEvent; withheldFrom: () => string[] } {
  const withheld = new Set<string>();
  return {
    view: (e) => {
      if (access.raw.has(e.sourceId)) return e;
      withheld.add(e.sourceId);
      return { ...e, raw: withheldRaw(e.sourceId) };
    },
    withheldFrom: () => [...withheld].sort(),
  };
}
