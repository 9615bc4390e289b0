import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { authHeaders } from '../auth/session';

/**
 * The GraphQL explorer, served by the server itself at /graphiql (and to a browser opening /graphql): no CDN, no
 * network access beyond this server. It signs in as the UI does: the API key or token the UI holds is sent.
 */
const fetcher = createGraphiQLFetcher({ url: '/graphql', subscriptionUrl: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql` });

const DEFAULT_QUERY = `# auditgraph: one question of every audit trail. Ctrl-Enter runs the query; the Docs tab has the schema.
{
  events(window: { day: "demo" }, filter: { identity: ["alice@example.com"] }, first: 10) {
    edges { node { time source { id } action actor { name } outcome } }
    sources { source { id } state message }
  }
}
`;

createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} defaultHeaders={JSON.stringify(authHeaders(), null, 2)} shouldPersistHeaders={false} />
  </StrictMode>,
);
