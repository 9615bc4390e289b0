import { useQuery } from '@tanstack/react-query';

/** What the server tells the UI before any query (GET /ui/config.json): the demo's day, how to sign in. */
export interface UiConfig {
  demo: { day: { from: string; to: string } } | null;
  auth: AuthConfig | null;
}

export interface AuthConfig {
  /** ways this server accepts to sign in */
  methods: ('oidc' | 'apiKey')[];
  oidc?: { issuer: string; clientId: string; scopes: string[]; audience?: string };
}

export function useUiConfig(): UiConfig | undefined {
  const q = useQuery({
    queryKey: ['ui-config'],
    queryFn: async ({ signal }) => {
      const res = await fetch('/ui/config.json', { signal });
      if (!res.ok) return { demo: null, auth: null } satisfies UiConfig;
      return (await res.json()) as UiConfig;
    },
    staleTime: Infinity,
    retry: false,
  });
  return q.data;
}
