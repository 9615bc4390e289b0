import * as fs from 'node:fs';
import * as path from 'node:path';
import { isObjectType, Kind, parse, specifiedRules, validate, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode, visit } from 'graphql';
import { DEFAULT_LIMITS } from '../../src/config/server';
import { buildAuditgraphSchema } from '../../src/schema/build';
import { asksSources, operationCost } from '../../src/server/limits/cost';
import { useQueryLimits } from '../../src/server/plugins/use-query-limits';
import { fencedBlocks } from '../helpers/docs';

const ROOT = path.resolve(__dirname, '../..');
const DEMO_SOURCES = 6;
/** the fields the cost model counts as queries over the sources (see src/server/limits/cost.ts) */
const EXPECTED_SOURCE_QUERIES = [
  'Identity.events',
  'Identity.explain',
  'Identity.histogram',
  'Query.events',
  'Query.explain',
  'Query.histogram',
  'Query.identity',
  'Query.run',
  'Query.runs',
  'Run.links',
  'Run.logs',
  'Run.timeline',
];

/**
 * The documents real clients send: the UI's and the end-to-end tests' (each folder's files are one set, as codegen
 * reads them, sharing fragments), and every example of the README and docs/.
 */
function clientDocuments(): [string, string, string][] {
  const sets = ['web/src/api/operations', 'test/e2e/operations'].flatMap((dir) => {
    if (!fs.existsSync(path.join(ROOT, dir))) return [];
    const files = fs.readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.graphql'));
    const all = files.map((f) => fs.readFileSync(path.join(ROOT, dir, f), 'utf8')).join('\n');
    return files.map((f): [string, string, string] => [path.join(dir, f), fs.readFileSync(path.join(ROOT, dir, f), 'utf8'), all]);
  });
  const examples = fencedBlocks('graphql')
    .filter((b) => /^\s*(\{|query\b)/.test(b.text))
    .map((b, i): [string, string, string] => [`${b.file} #${i}`, b.text, b.text]);
  return [...sets, ...examples];
}

/** The fragments an operation uses, through the fragments they spread. */
function usedFragments(operation: OperationDefinitionNode, all: Record<string, FragmentDefinitionNode>): Record<string, FragmentDefinitionNode> {
  const used: Record<string, FragmentDefinitionNode> = {};
  const walk = (node: OperationDefinitionNode | FragmentDefinitionNode): void => {
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (all[name] && !used[name]) {
          used[name] = all[name];
          walk(all[name]);
        }
      },
    });
  };
  walk(operation);
  return used;
}

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildAuditgraphSchema();
});

describe('the default limits leave every real client document alone', () => {
  const rules = useQueryLimits({ limits: DEFAULT_LIMITS, sourceCount: DEMO_SOURCES }).graphql!.validationRules!;

  it.each(clientDocuments())('%s passes depth, aliases, directives, fields, cost and source queries at the largest page (first: 1000)', (_, text, set) => {
    const doc = parse(text, { maxTokens: DEFAULT_LIMITS.maxTokens });
    const all: Record<string, FragmentDefinitionNode> = {};
    for (const d of parse(set).definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) all[d.name.value] = d;
    // a README block may hold several anonymous operations: each is its own document
    for (const operation of doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)) {
      const fragments = usedFragments(operation, all);
      const single = { ...doc, definitions: [operation, ...Object.values(fragments)] };
      expect(validate(schema, single, [...specifiedRules, ...rules]).map((e) => e.message)).toEqual([]);
      const variables = Object.fromEntries((operation.variableDefinitions ?? []).map((v) => [v.variable.name.value, v.variable.name.value === 'first' ? 1000 : undefined]));
      const cost = operationCost(schema, operation, fragments, variables, { sourceCount: DEMO_SOURCES });
      expect(cost.fields).toBeLessThanOrEqual(DEFAULT_LIMITS.maxFields);
      expect(cost.sourceQueries).toBeLessThanOrEqual(DEFAULT_LIMITS.maxSourceQueries);
      expect(cost.cost).toBeLessThanOrEqual(DEFAULT_LIMITS.maxCost);
    }
  });
});

describe('what the cost model counts as a query over the sources', () => {
  it('is every field that reads the trails, and no other (a new such field is placed here on purpose)', () => {
    const asking: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || !isObjectType(type)) continue;
      for (const field of Object.values(type.getFields())) if (asksSources(type, field)) asking.push(`${type.name}.${field.name}`);
    }
    expect(asking.sort()).toEqual(EXPECTED_SOURCE_QUERIES);
  });
});
