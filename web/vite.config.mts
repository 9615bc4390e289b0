import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server serves the built app from dist/web (beside the compiled server in dist/src): see src/server/ui.ts.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
    chunkSizeWarningLimit: 800,
    // the investigation UI, and the GraphQL explorer at /graphiql (its own page: the UI does not load GraphiQL)
    rollupOptions: { input: { main: fileURLToPath(new URL('index.html', import.meta.url)), graphiql: fileURLToPath(new URL('graphiql.html', import.meta.url)) } },
  },
  server: {
    // `npm run dev -w web` beside `npm start`: the API stays on the auditgraph server
    proxy: {
      '/graphql': { target: 'http://127.0.0.1:4000', ws: true },
      '/export': 'http://127.0.0.1:4000',
      '/tail': 'http://127.0.0.1:4000',
      '/ui': 'http://127.0.0.1:4000',
      '/auth': 'http://127.0.0.1:4000',
    },
  },
});
