import { defaultFieldResolver, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Source } from '../../domain';
import type { RequestContext } from '../../resolvers/context';

/**
 * The schema's operational text, where a source's folder or endpoint shows: what a caller without an admin role
 * sees with paths shortened and credentials masked. Event data (raw records, actors, targets) is not here: it is
 * what the caller came for.
 */
export const OPERATIONAL_FIELDS = [
  'Source.location',
  'SourceHealth.message',
  'SourcePlan.request',
  'SourcePlan.notes',
  'SourcePlan.partitions',
  'SourceStatus.message',
  'SourceStatus.malformedSamples',
  'Identity.notes',
  'IdentityDiscovery.notes',
  'RunLinks.notes',
] as const;

/** Filesystem tops whose absolute paths are the server's own layout (besides those the sources read). */
const SYSTEM_TOPS = ['etc', 'home', 'root', 'Users', 'var', 'tmp', 'mnt', 'srv', 'opt', 'data', 'run', 'usr', 'private'];
const PATH_CHARS = String.raw`[^\s'"()\[\]{},;|<>]`;
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+(?::[^\s/@]*)?@/gi;
const SECRET_QUERY = /([?&](?:sig|signature|token|access_token|api[_-]?key|key|password|secret|code|X-Amz-Signature|X-Amz-Credential)=)[^&\s]+/gi;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const basename = (p: string) => p.replace(/\/+$/, '').split('/').pop() ?? p;

/** Credentials in URLs (`user:pass@`, signed query parameters) are masked for every caller, admins too. */
export function maskCredentials(text: string): string {
  return text.replace(USERINFO, '$1***@').replace(SECRET_QUERY, '$1***');
}

/**
 * Shortens absolute paths to what names them for a responder: a source's folder to `…/<its last segment>`
 * (the rest of a path under it stays, since it is the archive's own layout), any other path under the server's
 * filesystem to `…/<file>`.
 */
export class PathHider {
  private readonly roots: string[];
  private readonly others: RegExp;

  constructor(sources: readonly Source[]) {
    const found = sources.flatMap((s) => [...s.location.matchAll(new RegExp(`(?<![\\w:/.])/${PATH_CHARS}+`, 'g'))].map((m) => m[0].replace(/\/+$/, '')));
    this.roots = [...new Set(found.filter((p) => p.length > 1))].sort((a, b) => b.length - a.length);
    const tops = new Set([...SYSTEM_TOPS, ...this.roots.map((r) => r.split('/')[1]).filter(Boolean)]);
    this.others = new RegExp(`(?<![\\w:/.~-])/(?:${[...tops].map(escape).join('|')})(?:/${PATH_CHARS}*)+`, 'g');
  }

  hide(text: string): string {
    let out = text;
    const kept: string[] = [];
    for (const root of this.roots) {
      out = out.replace(new RegExp(`(?<![\\w:/.])${escape(root)}(?=/|$|[^\\w.-])`, 'g'), () => `\u0000${kept.push(`…/${basename(root)}`) - 1}\u0000`);
    }
    out = out.replace(this.others, (p) => `…/${basename(p)}`);
    return out.replace(/\u0000(\d+)\u0000/g, (_, i: string) => kept[Number(i)]);
  }
}

function scrubValue(value: unknown, scrub: (s: string) => string): unknown {
  if (typeof value === 'string') return scrub(value);
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, scrub));
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'code' ? v : scrubValue(v, scrub)]));
  }
  return value;
}

/** Wraps the resolvers of OPERATIONAL_FIELDS: credentials masked for all, paths hidden from non-admins. */
export function hideLocations(schema: GraphQLSchema, hider: PathHider): GraphQLSchema {
  for (const coordinate of OPERATIONAL_FIELDS) {
    const [typeName, fieldName] = coordinate.split('.');
    const type = schema.getType(typeName);
    const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
    if (!field) throw new Error(`internal: ${coordinate} is not in the schema (src/server/auth/disclosure.ts)`);
    const resolve: GraphQLFieldResolver<unknown, RequestContext> = field.resolve ?? defaultFieldResolver;
    field.resolve = async (source, args, ctx, info) => {
      const value: unknown = await resolve(source, args, ctx, info);
      return scrubValue(value, (s) => (ctx.access.admin ? maskCredentials(s) : hider.hide(maskCredentials(s))));
    };
  }
  return schema;
}

/** Error messages name files too (a missing folder, a failing source): the same rule for them. */
export function useErrorLocationHiding(hider: PathHider): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          const scrub = (s: string) => (contextValue.access.admin ? maskCredentials(s) : hider.hide(maskCredentials(s)));
          response.body.singleResult.errors = response.body.singleResult.errors.map((e) => ({
            ...e,
            message: scrub(e.message),
            ...(e.extensions ? { extensions: scrubValue(e.extensions, scrub) as Record<string, unknown> } : {}),
          }));
        },
      };
    },
  };
}
