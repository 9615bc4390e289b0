import { getNamedType, isEnumType, isNonNullType, isObjectType, isScalarType, type GraphQLField, type GraphQLObjectType, type GraphQLSchema } from 'graphql';

/** Literal argument values by argument name (GraphQL syntax), given to every field that takes one. */
export type ArgValues = Record<string, string>;

/**
 * One query document selecting every field of every object type reachable from Query, each with the arguments
 * `values` has for it (required ones must be there). A type already on the path is not entered again, so the
 * documents are finite; `covered` says which `Type.field` coordinates they hold (each is reached somewhere).
 */
export function walkDocument(schema: GraphQLSchema, values: ArgValues, maxDepth = 12): { documents: string[]; covered: Set<string>; all: Set<string> } {
  const covered = new Set<string>();
  const all = new Set<string>();
  const seenTypes = new Set<string>();

  const args = (type: GraphQLObjectType, field: GraphQLField<unknown, unknown>): string => {
    const given = field.args
      .map((a) => {
        const v = values[`${type.name}.${field.name}.${a.name}`] ?? values[a.name];
        if (v === undefined && isNonNullType(a.type) && a.defaultValue === undefined) throw new Error(`no value for required argument ${type.name}.${field.name}(${a.name})`);
        return v === undefined ? undefined : `${a.name}: ${v}`;
      })
      .filter(Boolean);
    return given.length ? `(${given.join(', ')})` : '';
  };

  // how far each type is from Query: a field with arguments (a query of its own: events, explain, histogram) is
  // selected only where its type is nearest to the root, not again under every actor of every event
  const distance = new Map<string, number>([[schema.getQueryType()!.name, 0]]);
  for (let frontier = [schema.getQueryType()!]; frontier.length > 0; ) {
    const next: GraphQLObjectType[] = [];
    for (const t of frontier) {
      for (const f of Object.values(t.getFields())) {
        const n = getNamedType(f.type);
        if (isObjectType(n) && !distance.has(n.name)) {
          distance.set(n.name, distance.get(t.name)! + 1);
          next.push(n);
        }
      }
    }
    frontier = next;
  }

  const select = (type: GraphQLObjectType, path: string[], indent: string): string => {
    seenTypes.add(type.name);
    const lines: string[] = [];
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      // the server's depth limit: deeper objects are left to another path that reaches them sooner
      if (isObjectType(named) && (path.length >= maxDepth || path.includes(named.name))) continue;
      if (field.args.length > 0 && path.length - 1 > distance.get(type.name)!) continue;
      covered.add(`${type.name}.${field.name}`);
      if (isScalarType(named) || isEnumType(named)) lines.push(`${indent}${field.name}${args(type, field)}`);
      else if (isObjectType(named)) {
        const inner = select(named, [...path, named.name], `${indent}  `);
        lines.push(`${indent}${field.name}${args(type, field)} {\n${inner}\n${indent}}`);
      } else throw new Error(`walkDocument: ${named.name} is neither scalar, enum nor object (add interfaces/unions here)`);
    }
    return lines.join('\n');
  };

  const query = schema.getQueryType()!;
  // one operation per root field, so that each stays within the depth limit on its own
  const documents = Object.values(query.getFields()).map((root) => {
    covered.add(`Query.${root.name}`);
    const named = getNamedType(root.type);
    const body = isObjectType(named) ? ` {\n${select(named, ['Query', named.name], '    ')}\n  }` : '';
    return `query Walk_${root.name} {\n  ${root.name}${args(query, root)}${body}\n}`;
  });
  for (const name of seenTypes) {
    const t = schema.getType(name);
    if (isObjectType(t)) for (const f of Object.keys(t.getFields())) all.add(`${name}.${f}`);
  }
  return { documents, covered, all };
}

/**
 * Values that differ between two runs of one document for reasons other than what is visible: timings, cursors
 * (signed for each caller), and the bytes a reader had read when the page was complete (read-ahead stops at abort).
 */
const VOLATILE = new Set(['durationMs', 'checkedAt', 'cursor', 'startCursor', 'endCursor', 'bytesRead']);

export function normalized(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalized);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, VOLATILE.has(k) ? (v === null ? null : '<volatile>') : normalized(v)]));
  }
  return value;
}

/** Every string in a JSON value. */
export function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsOf(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) stringsOf(v, out);
  return out;
}
