import type { SourceType } from '../domain';
import type { SourceDefinition } from './definition';

/**
 * Every source type auditgraph can read, and where its definition is. Each source folder exports one definition; a
 * folder (and the SDK it reads its upstream with) is loaded when the configuration names its type, not before:
 * a server over Kubernetes audit files does not hold the Okta, AWS, Google and Azure SDKs in memory (each weighs
 * 30 to 90 MB once loaded).
 */
const LOADERS: Record<SourceType, () => SourceDefinition> = {
  okta: () => (require('./okta') as typeof import('./okta')).oktaDefinition,
  flyte: () => (require('./flyte') as typeof import('./flyte')).flyteDefinition,
  'k8s-audit': () => (require('./k8s-audit') as typeof import('./k8s-audit')).k8sAuditDefinition,
  cloudtrail: () => (require('./cloudtrail') as typeof import('./cloudtrail')).cloudtrailDefinition,
  'gcp-audit': () => (require('./gcp-audit') as typeof import('./gcp-audit')).gcpAuditDefinition,
  'azure-activity': () => (require('./azure-activity') as typeof import('./azure-activity')).azureActivityDefinition,
  auditgraph: () => (require('./auditgraph') as typeof import('./auditgraph')).auditgraphDefinition,
};

export const SOURCE_TYPES = Object.keys(LOADERS) as SourceType[];

/** The definition of a source type, loaded on first use; undefined for a type auditgraph does not know. */
export function definitionOf(type: string): SourceDefinition | undefined {
  return Object.hasOwn(LOADERS, type) ? LOADERS[type as SourceType]() : undefined;
}

/** Every definition (loads every source folder: for documentation and tests, not for serving). */
export function allDefinitions(): SourceDefinition[] {
  return SOURCE_TYPES.map((t) => LOADERS[t]());
}
