import type { AppConfig } from '../../config/config';
import { sendJson } from '../http';
import { createUiHandler, type UiFeatures } from '../ui';
import type { ServerPlugin } from './types';

export interface UiPluginOptions {
  config: AppConfig;
  /** the built app (default: dist/web, see src/server/ui.ts) */
  dir?: string;
  features?: UiFeatures;
}

/**
 * The investigation UI at `/`: the app's files are public (they hold no data, and everything they ask of the API
 * is authenticated there). Registered last: its `/` route takes every path no other route took, and answers the
 * paths that are not the app's with the same 404 as the pipeline.
 */
export function useUi(opts: UiPluginOptions): ServerPlugin {
  const serve = createUiHandler(opts.config, { dir: opts.dir, features: opts.features });
  return {
    name: 'ui',
    routes: [
      {
        path: '/',
        methods: ['GET', 'HEAD'],
        kind: 'asset',
        handle: async (ex) => {
          if (!serve(ex.req, ex.res, ex.url)) sendJson(ex.res, 404, { error: `no route ${ex.url.pathname}; the API is at /graphql, the UI at /` });
        },
      },
    ],
  };
}
