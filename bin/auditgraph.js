#!/usr/bin/env -S node --max-semi-space-size=8
'use strict';
/*
 * The `auditgraph` command (package.json `bin`). It runs the compiled CLI in dist/; on a fresh clone, or when a
 * source file is newer than the last build, it builds first (tsc, a few seconds, said on stderr), so that
 * `npx auditgraph …` works right after `npm ci`. npm puts node_modules/.bin first on PATH, so `node` here is the
 * project's Node 24.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const entry = path.join(root, 'dist', 'src', 'cli', 'main.js');

function newest(dir) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, fs.statSync(p).mtimeMs);
  }
  return t;
}

function stale() {
  let built;
  try {
    built = fs.statSync(entry).mtimeMs;
  } catch {
    return true;
  }
  // only src/ matters to the CLI; a source checkout without src/ (a packed install) never rebuilds
  return fs.existsSync(path.join(root, 'src')) && newest(path.join(root, 'src')) > built;
}

if (stale()) {
  process.stderr.write('auditgraph: building (first run, or the sources changed)…\n');
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    process.stderr.write('auditgraph: the build failed (above); `npm run build` shows the same\n');
    process.exit(1);
  }
  // tsc leaves files it did not rewrite with their old times
  const now = new Date();
  fs.utimesSync(entry, now, now);
}

require(entry).main();
