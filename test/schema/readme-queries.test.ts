import { parse, validate, type GraphQLSchema } from 'graphql';
import { buildAuditgraphSchema } from '../../src/schema/build';
import { fencedBlocks } from '../helpers/docs';

/** Every example query of the README and docs/ must be valid against the schema the server serves. */
// a block is either SDL (type definitions, shown for reading) or one or more operations `{ … }`
const operations = fencedBlocks('graphql').filter((b) => /^\s*(\{|query\b)/.test(b.text));

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

describe('the example queries of the README and docs/', () => {
  it('are there', () => {
    expect(operations.length).toBeGreaterThanOrEqual(10);
  });

  it.each(operations.flatMap((b) => documents(b.text).map((d) => [b.file, d])).map(([file, d], i) => [`${file} #${i}`, d]))('query %s is valid against the schema', (_, doc) => {
    expect(validate(schema, parse(doc as string)).map((e) => e.message)).toEqual([]);
  });
});
