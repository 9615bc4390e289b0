import { Kind, visit, type DocumentNode, type ValueNode } from 'graphql';

export interface InputSizeLimits {
  maxListValues: number;
  maxValueLength: number;
}

/** The first argument value over a limit: which limit, by how much, and where (`$filter.identity`, `events(filter.resource)`). */
export interface OversizedInput {
  limit: 'maxListValues' | 'maxValueLength';
  max: number;
  found: number;
  where: string;
}

function checkJson(value: unknown, where: string, limits: InputSizeLimits): OversizedInput | undefined {
  if (typeof value === 'string') {
    return value.length > limits.maxValueLength ? { limit: 'maxValueLength', max: limits.maxValueLength, found: value.length, where } : undefined;
  }
  if (Array.isArray(value)) {
    if (value.length > limits.maxListValues) return { limit: 'maxListValues', max: limits.maxListValues, found: value.length, where };
    for (let i = 0; i < value.length; i++) {
      const bad = checkJson(value[i], `${where}[${i}]`, limits);
      if (bad) return bad;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const bad = checkJson(v, `${where}.${k}`, limits);
      if (bad) return bad;
    }
  }
  return undefined;
}

function checkLiteral(node: ValueNode, where: string, limits: InputSizeLimits): OversizedInput | undefined {
  switch (node.kind) {
    case Kind.STRING:
      return node.value.length > limits.maxValueLength ? { limit: 'maxValueLength', max: limits.maxValueLength, found: node.value.length, where } : undefined;
    case Kind.LIST: {
      if (node.values.length > limits.maxListValues) return { limit: 'maxListValues', max: limits.maxListValues, found: node.values.length, where };
      for (let i = 0; i < node.values.length; i++) {
        const bad = checkLiteral(node.values[i], `${where}[${i}]`, limits);
        if (bad) return bad;
      }
      return undefined;
    }
    case Kind.OBJECT:
      for (const f of node.fields) {
        const bad = checkLiteral(f.value, `${where}.${f.name.value}`, limits);
        if (bad) return bad;
      }
      return undefined;
    default:
      return undefined;
  }
}

/**
 * Whether a request's variables or the document's literal arguments hold a list longer than `maxListValues` or a
 * string longer than `maxValueLength`: such values (50,000 identities, a 900 KB resource name) cost the sources
 * and the local filter dearly and are never a real question.
 */
export function oversizedInput(document: DocumentNode, variables: Record<string, unknown>, limits: InputSizeLimits): OversizedInput | undefined {
  for (const [name, value] of Object.entries(variables)) {
    const bad = checkJson(value, `$${name}`, limits);
    if (bad) return bad;
  }
  let found: OversizedInput | undefined;
  const fields: string[] = [];
  visit(document, {
    Field: {
      enter: (node) => {
        fields.push(node.name.value);
      },
      leave: () => {
        fields.pop();
      },
    },
    Argument: (node) => {
      found ??= checkLiteral(node.value, `${fields.at(-1) ?? ''}(${node.name.value})`, limits);
    },
  });
  return found;
}
