import type { SourceType } from '../domain';
import type { SourceDefinition } from './definition';
import { auditgraphDefinition } from './auditgraph';
import { azureActivityDefinition } from './azure-activity';
import { cloudtrailDefinition } from './cloudtrail';
import { flyteDefinition } from './flyte';
import { gcpAuditDefinition } from './gcp-audit';
import { k8sAuditDefinition } from './k8s-audit';
import { oktaDefinition } from './okta';

/** Every source type auditgraph can read. Each source folder exports one definition. */
export const SOURCE_DEFINITIONS: readonly SourceDefinition[] = [
  oktaDefinition,
  flyteDefinition,
  k8sAuditDefinition,
  cloudtrailDefinition,
  gcpAuditDefinition,
  azureActivityDefinition,
  auditgraphDefinition,
];

export function definitionOf(type: string): SourceDefinition | undefined {
  return SOURCE_DEFINITIONS.find((d) => d.type === (type as SourceType));
}
