import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AuditgraphError, ErrorCode } from '../../domain';

const OUR_CODES = new Set<string>(Object.values(ErrorCode));

/** Puts our error codes in `extensions.code`; anything unexpected keeps Apollo's INTERNAL_SERVER_ERROR. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof AuditgraphError) {
    return { ...formatted, message: original.message, extensions: { ...formatted.extensions, code: original.code, ...original.details } };
  }
  // Apollo files every validation error under GRAPHQL_VALIDATION_FAILED: a limit's own code says which limit it is
  const cause = original instanceof GraphQLError ? original.originalError : undefined;
  const code = cause instanceof GraphQLError ? cause.extensions.code : undefined;
  if (cause instanceof GraphQLError && typeof code === 'string' && OUR_CODES.has(code)) {
    // `http` is Apollo's (the status), never part of the answer
    const { http: _http, ...extensions } = cause.extensions as Record<string, unknown>;
    return { ...formatted, extensions: { ...formatted.extensions, ...extensions } };
  }
  return formatted;
}
