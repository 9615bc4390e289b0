import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { ApiError } from '../api/client';
import type { EventRowFragment, StatusFieldsFragment } from '../generated/graphql';
import { statusesOfError, summarize, type SourceSummary } from '../status/aggregate';

export interface EventEdge {
  cursor: string;
  evidence: string[];
  node: EventRowFragment;
}

/** One page of any event connection (a search, an identity's events, a run's timeline). */
export interface EventPage {
  edges: EventEdge[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  window: { from: string; to: string };
  sources: StatusFieldsFragment[];
}

export type FetchPage = (after: string | null, first: number, signal: AbortSignal) => Promise<EventPage>;

/** the first page is small, so that the first events show fast; later pages are larger, so that scrolling is cheap */
export const FIRST_PAGE = 100;
export const NEXT_PAGE = 500;

export interface EventPages {
  edges: EventEdge[];
  pages: EventPage[];
  statuses: SourceSummary[];
  window?: { from: string; to: string };
  hasNextPage: boolean;
  loadMore: () => void;
  loading: boolean;
  loadingMore: boolean;
  error: Error | null;
  refetch: () => void;
}

/** Pages through a connection with its cursors; `key` names the query (the same key, the same cached pages). */
export function useEventPages(key: readonly unknown[], fetchPage: FetchPage, enabled = true): EventPages {
  const q = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam, signal }) => fetchPage(pageParam, pageParam === null ? FIRST_PAGE : NEXT_PAGE, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last: EventPage) => (last.pageInfo.hasNextPage ? last.pageInfo.endCursor : undefined),
    enabled,
    staleTime: Infinity,
    retry: false,
  });
  const pages = useMemo(() => q.data?.pages ?? [], [q.data]);
  const edges = useMemo(() => pages.flatMap((p) => p.edges), [pages]);
  // a query every source failed is an error, whose extensions still carry each source's status: show them
  const error = q.error;
  const statuses = useMemo(
    () => summarize(pages.length ? pages.map((p) => p.sources) : error instanceof ApiError ? [statusesOfError(error.extensions.sources)] : []),
    [pages, error],
  );
  return {
    edges,
    pages,
    statuses,
    window: pages[0]?.window,
    hasNextPage: q.hasNextPage,
    loadMore: () => {
      if (q.hasNextPage && !q.isFetchingNextPage) void q.fetchNextPage();
    },
    loading: q.isPending && enabled,
    loadingMore: q.isFetchingNextPage,
    error: q.error,
    refetch: () => void q.refetch(),
  };
}
