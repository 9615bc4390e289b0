import { useQuery } from '@tanstack/react-query';

/** What the server tells the UI before any query (GET /ui/config.json): the demo's day, how to sign in. */
export interface UiConfig {
  demo: { day: { from: string; to: string } } | null;
  /** null: no credential needed; else what the server takes as `Authorization: Bearer` */
  auth: { methods: ('apiKey' | 'accessToken')[] } | null;
  /** the server's optional routes: the app offers only what is there */
  features: { export: boolean; tail: boolean };
}

export function useUiConfig(): UiConfig | undefined {
  const q = useQuery({
    queryKey: ['ui-config'],
    queryFn: async ({ signal }) => {
      const res = await fetch('/ui/config.json', { signal });
      if (!res.ok) return { demo: null, auth: null, features: { export: false, tail: false } } satisfies UiConfig;
      return (await res.json()) as UiConfig;
    },
    staleTime: Infinity,
    retry: false,
  });
  return q.data;
}
