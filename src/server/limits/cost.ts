import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  valueFromASTUntyped,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** What an operation would cost, estimated from its document before anything runs. */
export interface OperationCost {
  /** field resolutions: each field once per time its parent resolves; list sizes multiply through nesting */
  cost: number;
  /** queries over the sources: fields that run the engine, identity discovery or run correlation, as often as they resolve */
  sourceQueries: number;
  /** field selections once fragments are expanded (not multiplied) */
  fields: number;
}

export interface CostOptions {
  /** how many sources are configured: the size of a list of sources or their statuses */
  sourceCount: number;
  /** the size assumed for a list that is not a connection's page nor a list of sources */
  defaultListSize?: number;
  /** the page size assumed when a connection's `first` is neither given nor defaulted in the schema */
  defaultPageSize?: number;
}

export const DEFAULT_LIST_SIZE = 5;
export const DEFAULT_PAGE_SIZE = 100;

/**
 * Fields that ask the sources although neither their type nor their arguments say so (`run(id)` reads the execution
 * source and correlates; `identity(ref)` discovers aliases over every source; a run's links and timeline read every
 * trail in its window).
 */
const SOURCE_QUERY_FIELDS = new Set(['Query.identity', 'Query.run', 'Run.links', 'Run.timeline', 'Run.logs']);

/**
 * Whether a field asks the sources: it returns a connection (`…Connection`, a page of events or runs), it takes a
 * `window` (it reads a time range of the trails), or it is one of the few listed above. `Actor.identity` is not:
 * it is resolved from the events the request already read, its lookups batched and cached per request.
 */
export function asksSources(parent: GraphQLCompositeType, field: GraphQLField<unknown, unknown>): boolean {
  if (SOURCE_QUERY_FIELDS.has(`${parent.name}.${field.name}`)) return true;
  if (getNamedType(field.type).name.endsWith('Connection')) return true;
  return field.args.some((a) => a.name === 'window');
}

const isSourceList = (type: GraphQLNamedType) => /^Source[A-Z]?/.test(type.name) && type.name !== 'SourceKind';

/**
 * The cost of one operation of `document` under `variables`. Each field costs 1 per time it resolves; a list of
 * objects multiplies what is below it by its size: a connection's page by its `first` (from the literal, the
 * variable, or the argument's default), a list of sources by how many are configured, any other list by
 * `defaultListSize`. Aliases count as the fields they are; fragments count where they are spread (computed once
 * each, so a fragment that spreads another many times is costed in linear time and refused for what it expands to).
 */
export function operationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  opts: CostOptions,
): OperationCost {
  const listSize = opts.defaultListSize ?? DEFAULT_LIST_SIZE;
  const pageSize = opts.defaultPageSize ?? DEFAULT_PAGE_SIZE;
  const memo = new Map<string, OperationCost>();
  const inProgress = new Set<string>();

  const firstOf = (node: FieldNode, def: GraphQLField<unknown, unknown>): number | undefined => {
    const arg = def.args.find((a) => a.name === 'first');
    if (!arg) return undefined;
    const given = node.arguments?.find((a) => a.name.value === 'first');
    const value = given ? valueFromASTUntyped(given.value, variables) : arg.defaultValue;
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : pageSize;
  };

  const fieldDef = (parent: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined => {
    if (name === '__typename') return TypeNameMetaFieldDef;
    if (parent === schema.getQueryType()) {
      if (name === '__schema') return SchemaMetaFieldDef;
      if (name === '__type') return TypeMetaFieldDef;
    }
    return 'getFields' in parent ? parent.getFields()[name] : undefined;
  };

  /** the cost of a selection set resolved once; `page` is the `first` of the connection it belongs to */
  const ofSet = (set: SelectionSetNode, parent: GraphQLCompositeType, page: number | undefined): OperationCost => {
    const total: OperationCost = { cost: 0, sourceQueries: 0, fields: 0 };
    const add = (c: OperationCost, times: number) => {
      total.cost += c.cost * times;
      total.sourceQueries += c.sourceQueries * times;
      total.fields += c.fields;
    };
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const def = fieldDef(parent, sel.name.value);
        total.fields += 1;
        total.cost += 1;
        if (!def) continue;
        if (isObjectType(parent) && asksSources(parent, def)) total.sourceQueries += 1;
        const named = getNamedType(def.type);
        if (!sel.selectionSet || !isCompositeType(named)) continue;
        const nullable = getNullableType(def.type);
        const size = isListType(nullable) ? (isSourceList(named) ? opts.sourceCount : (page ?? listSize)) : 1;
        add(ofSet(sel.selectionSet, named, firstOf(sel, def)), size);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const on = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
        add(ofSet(sel.selectionSet, on && isCompositeType(on) ? on : parent, page), 1);
      } else {
        const fragment = fragments[sel.name.value];
        if (!fragment) continue;
        const key = `${sel.name.value}\u0000${page ?? ''}`;
        let c = memo.get(key);
        if (!c) {
          // a cycle is a validation error already; costing it as nothing keeps this total
          if (inProgress.has(key)) continue;
          inProgress.add(key);
          const on = schema.getType(fragment.typeCondition.name.value);
          c = ofSet(fragment.selectionSet, on && isCompositeType(on) ? on : parent, page);
          inProgress.delete(key);
          memo.set(key, c);
        }
        add(c, 1);
      }
    }
    return total;
  };

  const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  if (!root) return { cost: 0, sourceQueries: 0, fields: 0 };
  return ofSet(operation.selectionSet, root, undefined);
}
