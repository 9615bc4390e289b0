import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, validate, type GraphQLSchema } from 'graphql';
import { buildAuditgraphSchema } from '../../src/schema/build';

/** Every example query of the README must be valid against the schema the server serves. */
const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]);
// a block is either SDL (type definitions, shown for reading) or one or more operations `{ … }`
const operations = blocks.filter((b) => /^\s*(\{|query\b)/.test(b));

/** Splits a block holding several top-level `{ … }` operations into one document each. */
function documents(block: string): string[] {
  const docs: string[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < block.length; i++) {
    if (block[i] === '{') {
      if (depth === 0) start = i;
      depth += 1;
    } else if (block[i] === '}') {
      depth -= 1;
      if (depth === 0) docs.push(block.slice(start, i + 1));
    }
  }
  return docs;
}

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildAuditgraphSchema();
});

describe('the README example queries', () => {
  it('are there', () => {
    expect(operations.length).toBeGreaterThanOrEqual(10);
  });

  it.each(operations.flatMap(documents).map((d, i) => [i, d]))('query %i is valid against the schema', (_, doc) => {
    expect(validate(schema, parse(doc as string)).map((e) => e.message)).toEqual([]);
  });
});
