import type { TypedDocumentString } from '../generated/graphql';
import { authHeaders, onUnauthenticated } from '../auth/session';

/** A GraphQL or HTTP error, with the server's `extensions.code` and what else it said (e.g. per-source statuses). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface GraphQLReply<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } & Record<string, unknown> }[];
}

/** POSTs one typed operation to /graphql. Any GraphQL error fails it: the UI never shows half an answer as whole. */
export async function request<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  signal?: AbortSignal,
): Promise<TResult> {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...authHeaders() },
    body: JSON.stringify({ query: document.toString(), variables }),
    signal,
  });
  let reply: GraphQLReply<TResult>;
  try {
    reply = (await res.json()) as GraphQLReply<TResult>;
  } catch {
    throw new ApiError(`the server answered ${res.status} ${res.statusText} without a GraphQL body`, res.status, undefined);
  }
  const first = reply.errors?.[0];
  if (res.status === 401 || first?.extensions?.code === 'UNAUTHENTICATED') {
    onUnauthenticated(first?.message ?? 'sign in to continue');
  }
  if (first) {
    const { code, ...rest } = first.extensions ?? {};
    const more = reply.errors!.length > 1 ? ` (and ${reply.errors!.length - 1} more errors)` : '';
    throw new ApiError(`${first.message}${more}`, res.status, code, rest);
  }
  if (!reply.data) throw new ApiError(`the server answered ${res.status} with no data`, res.status, undefined);
  return reply.data;
}
