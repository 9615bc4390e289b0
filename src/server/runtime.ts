import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Node.js major auditgraph is built and tested on (package.json `engines`, the `node` devDependency). */
export const SUPPORTED_NODE_MAJOR = 24;

export interface Runtime {
  auditgraph: string;
  node: string;
  /** a line to print when the running Node is not the one auditgraph supports */
  warning?: string;
}

function packageVersion(): string {
  // dist/src/server or src/server: the package root is two or three levels up
  for (const up of ['../..', '../../..']) {
    try {
      const pkg = JSON.parse(readFileSync(join(__dirname, up, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'auditgraph' && pkg.version) return pkg.version;
    } catch {
      // not there: try the next level
    }
  }
  return 'unknown';
}

/** What is running: auditgraph's version and the Node.js under it. */
export function runtime(nodeVersion = process.version): Runtime {
  const major = Number(/^v?(\d+)/.exec(nodeVersion)?.[1]);
  const warning =
    major >= SUPPORTED_NODE_MAJOR
      ? undefined
      : `Node ${nodeVersion} is older than Node ${SUPPORTED_NODE_MAJOR}, the LTS auditgraph supports; start it with \`npm start\` (which runs the Node ${SUPPORTED_NODE_MAJOR} that \`npm ci\` installs) or on a Node ${SUPPORTED_NODE_MAJOR} image`;
  return { auditgraph: packageVersion(), node: nodeVersion, warning };
}
