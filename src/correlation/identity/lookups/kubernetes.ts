import { mapPool } from '../../../lib/pool';
import DataLoader from 'dataloader';
import { SourceError, type RateLimiter, type SourceStats } from '../../../domain';
import { TokenBucket } from '../../../query/limiter';
import { callUpstream, isNetworkError } from '../../../sources/shared/upstream';
import type { KubernetesLookupConfig } from '../../identity-config';
import { clientNode, type ClientNode } from './client-node';

/** how many ServiceAccount requests one batch keeps in flight */
const CONCURRENCY = 4;

export const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn';
export const GKE_ANNOTATION = 'iam.gke.io/gcp-service-account';

/** What a ServiceAccount lookup gives the identity graph: the cloud identities its pods run as. */
export interface ServiceAccountRecord {
  cluster: string;
  namespace: string;
  name: string;
  /** IRSA: the IAM role its pods' projected tokens assume */
  awsRoleArn?: string;
  /** GKE Workload Identity: the Google service account it acts as */
  gcpServiceAccount?: string;
  request: string;
}

/** What the client throws for a non-2xx reply. */
interface ApiExceptionShape {
  code?: unknown;
  body?: unknown;
}

/** A kube-apiserver `Status` object's fields, as the error body carries them. */
interface StatusBody {
  message?: string;
  reason?: string;
}

function statusOf(body: unknown): StatusBody {
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return { message: body.slice(0, 200) };
    }
  }
  const o = parsed as Record<string, unknown> | null;
  return { message: typeof o?.message === 'string' ? o.message : undefined, reason: typeof o?.reason === 'string' ? o.reason : undefined };
}

/** The request's signal on the client's own request context, so that a cancelled query cancels the HTTP call. */
function abortMiddleware(signal: AbortSignal): ClientNode.ObservableMiddleware {
  const { Observable } = clientNode();
  return {
    pre: (ctx) => {
      ctx.setSignal(signal);
      return new Observable(Promise.resolve(ctx));
    },
    post: (rsp) => new Observable(Promise.resolve(rsp)),
  };
}

/**
 * One cluster's ServiceAccounts through @kubernetes/client-node's CoreV1Api (`readNamespacedServiceAccount`):
 * their IRSA (`eks.amazonaws.com/role-arn`) and GKE (`iam.gke.io/gcp-service-account`) annotations.
 */
export class ServiceAccountDirectory {
  private readonly api: ClientNode.CoreV1Api;
  private readonly limiter: RateLimiter;
  private readonly lookupId: string;

  constructor(readonly config: KubernetesLookupConfig) {
    const { KubeConfig, CoreV1Api } = clientNode();
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: config.source, server: config.server, caFile: config.caFile, skipTLSVerify: config.skipTlsVerify }],
      users: [{ name: 'auditgraph', token: config.token }],
      contexts: [{ name: config.source, cluster: config.source, user: 'auditgraph' }],
      currentContext: config.source,
    });
    this.api = kc.makeApiClient(CoreV1Api);
    this.limiter = new TokenBucket(config.rateLimitPerSecond, 1000);
    this.lookupId = `identity-lookup:k8s:${config.source}`;
  }

  private classify(err: unknown, what: string): SourceError {
    if (isNetworkError(err)) return new SourceError('UNREACHABLE', `cannot reach the API server of ${this.config.source} at ${this.config.server}: ${(err as Error).message}`, this.lookupId, { cause: err });
    const e = err as ApiExceptionShape | null;
    const status = Number(e?.code);
    if (!Number.isFinite(status)) return new SourceError('UPSTREAM_ERROR', `${what} failed: ${(err as Error)?.message ?? String(err)}`, this.lookupId, { cause: err });
    // the client keeps the Status body for some codes only (not for 401): its own message line says what it can
    const s = e?.body !== undefined ? statusOf(e.body) : { message: /Message: (.*)/.exec((err as Error).message ?? '')?.[1] };
    const said = `${what}: HTTP ${status}${s.reason ? ` ${s.reason}` : ''}${s.message ? `: ${s.message}` : ''}`;
    if (status === 401) return new SourceError('UNAUTHENTICATED', `${said}; check identity.lookups.kubernetes tokenEnv/tokenFile`, this.lookupId, { cause: err });
    if (status === 403) return new SourceError('FORBIDDEN', `${said}; the token needs get on serviceaccounts`, this.lookupId, { cause: err });
    if (status === 429) return new SourceError('THROTTLED', said, this.lookupId, { cause: err });
    return new SourceError('UPSTREAM_ERROR', said, this.lookupId, { cause: err });
  }

  /** One service account, or null when the API server says it does not exist (404 NotFound). */
  async get(namespace: string, name: string, stats: SourceStats, signal: AbortSignal): Promise<ServiceAccountRecord | null> {
    const request = `kube-apiserver ${this.config.server} GET /api/v1/namespaces/${namespace}/serviceaccounts/${name} (${this.config.source})`;
    try {
      const sa = await callUpstream(
        {
          sourceId: this.lookupId,
          signal,
          stats,
          limiter: this.limiter,
          throttled: (err) => (Number((err as ApiExceptionShape | null)?.code) === 429 ? {} : undefined),
          classify: (err) => this.classify(err, request),
        },
        (sig) => this.api.readNamespacedServiceAccount({ name, namespace }, { middleware: [abortMiddleware(sig)], middlewareMergeStrategy: 'append' }),
      );
      const annotations = sa.metadata?.annotations ?? {};
      const record: ServiceAccountRecord = { cluster: this.config.source, namespace, name, request };
      if (annotations[IRSA_ANNOTATION]) record.awsRoleArn = annotations[IRSA_ANNOTATION];
      if (annotations[GKE_ANNOTATION]) record.gcpServiceAccount = annotations[GKE_ANNOTATION];
      return record;
    } catch (err) {
      if (err instanceof SourceError && Number((err.cause as ApiExceptionShape | undefined)?.code) === 404) return null;
      throw err;
    }
  }

  /** The request's loader, keyed `namespace/name`; errors are per key. */
  loader(stats: SourceStats, signal: AbortSignal): DataLoader<string, ServiceAccountRecord | null> {
    return new DataLoader(async (keys) =>
      mapPool(keys, CONCURRENCY, (key) => {
        const [namespace, name] = key.split('/');
        return this.get(namespace, name, stats, signal);
      }),
    );
  }
}
