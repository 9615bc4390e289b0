import type { MetricsConfig, TracingConfig } from './config';
import { ConfigError } from './errors';
import type { ConfigNode } from './fields';

/** `metrics:`: GET /metrics (Prometheus), on by default. */
export function parseMetricsConfig(node: ConfigNode | undefined): MetricsConfig {
  node?.allowOnly(['enabled']);
  return { enabled: node?.boolean('enabled', true) ?? true };
}

/**
 * `tracing:`: OpenTelemetry traces over OTLP/HTTP, off by default. Without `endpoint` the exporter follows the
 * standard environment (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS),
 * else http://localhost:4318/v1/traces.
 */
export function parseTracingConfig(node: ConfigNode | undefined, env: NodeJS.ProcessEnv): TracingConfig {
  node?.allowOnly(['enabled', 'endpoint', 'serviceName', 'sampleRatio']);
  const sampleRatio = node?.number('sampleRatio', 1, { min: 0, max: 1 }) ?? 1;
  const serviceName = node?.optionalString('serviceName') ?? env.OTEL_SERVICE_NAME ?? 'auditgraph';
  const enabled = node?.boolean('enabled', false) ?? false;
  const endpoint = node?.has('endpoint') ? node.url('endpoint') : undefined;
  if (endpoint && !/\/v1\/traces$/.test(endpoint)) {
    throw new ConfigError(node!.key('endpoint'), `expected the OTLP/HTTP traces URL, ending in /v1/traces (e.g. http://otel-collector:4318/v1/traces), got ${JSON.stringify(endpoint)}`);
  }
  return { enabled, endpoint, serviceName, sampleRatio };
}
