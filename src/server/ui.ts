import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as path from 'node:path';
import type { AppConfig } from '../config/config';
import { repoRoot } from '../demo/config';
import { MANIFEST_FILE } from '../demo/generate';
import type { DemoManifest } from '../demo/manifest';

/** Where `npm run build` puts the UI (web/vite.config.ts): dist/web beside the compiled server. */
export function defaultUiDir(): string {
  return path.join(repoRoot(), 'dist', 'web');
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** The app's own routes: each serves index.html, and the app reads the path. */
const APP_ROUTES = /^\/(?:search|event|identity\/.+|run\/.+)?$/;

/**
 * Everything the page loads comes from this server (fonts and icons are bundled): nothing else is allowed, so a
 * record's content can never make the browser fetch or run something. `connectSrc` adds an OIDC issuer.
 */
export function contentSecurityPolicy(connectSrc: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // the JSON viewer and React set inline style attributes
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ${connectSrc.join(' ')}`.trim(),
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

export interface UiOptions {
  /** the built app (default: dist/web) */
  dir?: string;
  /** which of the server's optional routes are there, so the app offers only what works */
  features?: UiFeatures;
}

export interface UiFeatures {
  /** GET /export */
  export: boolean;
  /** the live tail (GET /tail, subscription `tail`) */
  tail: boolean;
}

export interface UiConfig {
  demo: { day: DemoManifest['day'] } | null;
  /** null when requests need no credential; else how to give one (sent as `Authorization: Bearer`) */
  auth: { methods: ('apiKey' | 'accessToken')[] } | null;
  features: UiFeatures;
}

/** What the UI asks before its first query: the demo's day (so it can suggest the incident) and how to sign in. */
export function uiConfig(config: AppConfig, features: UiFeatures = { export: false, tail: false }): UiConfig {
  let demo: { day: DemoManifest['day'] } | null = null;
  if (config.origin.startsWith('demo:')) {
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(config.origin.slice('demo:'.length), MANIFEST_FILE), 'utf8')) as DemoManifest;
      demo = { day: manifest.day };
    } catch {
      // a demo without its manifest still serves; the UI then suggests nothing
    }
  }
  const auth: UiConfig['auth'] = config.auth.mode === 'required' ? { methods: [...(config.auth.apiKeys.length ? (['apiKey'] as const) : []), ...(config.auth.oidc ? (['accessToken'] as const) : [])] } : null;
  return { demo, auth, features };
}

/**
 * Serves the investigation UI: `/` and the app's routes get index.html, `/assets/*` the hashed bundles (cached
 * for a year), `/ui/config.json` what the app needs first. Returns false for any other path or method.
 */
export function createUiHandler(config: AppConfig, opts: UiOptions = {}): (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => boolean {
  const dir = path.resolve(opts.dir ?? defaultUiDir());
  const configBody = JSON.stringify(uiConfig(config, opts.features));

  const sendFile = (req: http.IncomingMessage, res: http.ServerResponse, file: string, cache: string): void => {
    fs.readFile(file, (err, body) => {
      if (err) {
        if (path.basename(file) === 'index.html') {
          res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(`the UI is not built (no ${file}): run \`npm run build\`; the API is at /graphql\n`);
        } else {
          res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(`no asset ${path.relative(dir, file)}\n`);
        }
        return;
      }
      const headers: Record<string, string | number> = {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'content-length': body.length,
        'cache-control': cache,
        'x-content-type-options': 'nosniff',
      };
      if (file.endsWith('.html')) {
        headers['content-security-policy'] = contentSecurityPolicy();
        headers['referrer-policy'] = 'no-referrer';
      }
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  };

  return (req, res, url) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const p = url.pathname;
    if (p === '/ui/config.json') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : configBody);
      return true;
    }
    if (p === '/graphiql') {
      sendFile(req, res, path.join(dir, 'graphiql.html'), 'no-cache');
      return true;
    }
    if (APP_ROUTES.test(p)) {
      sendFile(req, res, path.join(dir, 'index.html'), 'no-cache');
      return true;
    }
    if (p.startsWith('/assets/') || p === '/favicon.svg') {
      let file: string;
      try {
        file = path.resolve(dir, `.${decodeURIComponent(p)}`);
      } catch {
        file = '';
      }
      if (!file.startsWith(dir + path.sep)) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('no such asset\n');
        return true;
      }
      sendFile(req, res, file, p.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      return true;
    }
    return false;
  };
}
