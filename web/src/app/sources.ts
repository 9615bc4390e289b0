import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { request } from '../api/client';
import { SourcesDocument, type SourcesQuery } from '../generated/graphql';
import { sourceColors } from '../ui/colors';

export type SourceInfo = SourcesQuery['sources'][number];

/** The configured sources (fetched once) and the colour of each. */
export function useSources(): { sources: SourceInfo[]; colors: Map<string, string>; error: Error | null } {
  const q = useQuery({ queryKey: ['sources'], queryFn: ({ signal }) => request(SourcesDocument, {}, signal), staleTime: Infinity, retry: false });
  const sources = useMemo(() => q.data?.sources ?? [], [q.data]);
  const colors = useMemo(() => sourceColors(sources), [sources]);
  return { sources, colors, error: q.error };
}
