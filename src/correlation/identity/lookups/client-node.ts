import * as vm from 'node:vm';
import type * as ClientNode from '@kubernetes/client-node' with { 'resolution-mode': 'import' };

export type { ClientNode };

let loaded: typeof ClientNode | undefined;

/**
 * @kubernetes/client-node (1.x and 2.x) is published as ES modules only, and this project compiles to CommonJS.
 * Node 24 loads it with require(). Jest's CommonJS sandbox does not (its require(esm) needs
 * --experimental-vm-modules, which prints a warning at every start), so under Jest the module is loaded with the
 * process's own loader: the same files, outside the sandbox's registry.
 */
export function clientNode(): typeof ClientNode {
  if (loaded) return loaded;
  try {
    loaded = require('@kubernetes/client-node') as typeof ClientNode;
  } catch (err) {
    const main = vm.runInThisContext('process.mainModule') as NodeJS.Module | undefined;
    if (!main) throw err;
    loaded = main.require('@kubernetes/client-node') as typeof ClientNode;
  }
  return loaded;
}
