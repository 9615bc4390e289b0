import { parse, validate, type GraphQLSchema } from 'graphql';
import { buildAuditgraphSchema } from '../../src/schema/build';
import { exampleOperations } from '../helpers/docs';

/** Every example query of the README and docs/ must be valid against the schema the server serves. */
const operations = exampleOperations();

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildAuditgraphSchema();
});

describe('the example queries of the README and docs/', () => {
  it('are there', () => {
    expect(operations.length).toBeGreaterThanOrEqual(10);
  });

  it.each(operations.map((op, i) => [`${op.file} #${i}`, op.text]))('query %s is valid against the schema', (_, doc) => {
    expect(validate(schema, parse(doc)).map((e) => e.message)).toEqual([]);
  });
});
