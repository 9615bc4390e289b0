import type { ConfigNode } from '../config/fields';
import type { Source, SourceDeps, SourceKind, SourceMode, SourceType } from '../domain';

/** Keys every source entry has; each source adds its own. */
export const COMMON_SOURCE_KEYS = ['id', 'type', 'mode'] as const;

/** What the config loader needs to know of one source type. */
export interface SourceDefinition {
  type: SourceType;
  kind: SourceKind;
  modes: readonly SourceMode[];
  /**
   * Validates one `sources[i]` entry (its `id`, `type` and `mode` are already checked) and builds the source.
   * Throws ConfigError naming the key at fault.
   */
  create(node: ConfigNode, common: { id: string; mode: SourceMode }, deps: SourceDeps): Source;
}
