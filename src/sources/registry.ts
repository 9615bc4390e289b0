import type { SourceType } from '../domain';
import type { SourceDefinition } from './definition';

/** Every source type auditgraph can read. Each source folder exports one definition. */
export const SOURCE_DEFINITIONS: readonly SourceDefinition[] = [];

export function definitionOf(type: string): SourceDefinition | undefined {
  return SOURCE_DEFINITIONS.find((d) => d.type === (type as SourceType));
}
