import * as fs from 'node:fs';
import * as path from 'node:path';
import { schemaSDL } from './build';

/** Writes schema.graphql at the repository root (`npm run emit-schema`). */
async function main(): Promise<void> {
  const target = path.resolve(__dirname, '../../../schema.graphql');
  fs.writeFileSync(target, await schemaSDL());
  process.stdout.write(`wrote ${target}\n`);
}

void main();
