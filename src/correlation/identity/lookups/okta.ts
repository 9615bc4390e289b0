import { mapPool } from '../../../lib/pool';
import { Client, DefaultRequestExecutor } from '@okta/okta-sdk-nodejs';
import DataLoader from 'dataloader';
import { SourceError, type RateLimiter, type SourceStats } from '../../../domain';
import { TokenBucket } from '../../../query/limiter';
import { classifyOktaError, throttleVerdict } from '../../../sources/okta/client';
import { callUpstream } from '../../../sources/shared/upstream';
import type { OktaLookupConfig } from '../../identity-config';

/** What a user lookup gives the identity graph. */
export interface OktaUserRecord {
  id: string;
  login?: string;
  email?: string;
  status?: string;
  /** the request, for evidence */
  request: string;
}

/** The fields of `GET /api/v1/users/{id}` read here. */
interface OktaUserBody {
  id?: string;
  status?: string;
  profile?: { login?: string; email?: string };
}

const LOOKUP_ID = 'identity-lookup:okta';
/** how many user requests one batch keeps in flight */
const CONCURRENCY = 4;

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/** The parts of the SDK's OktaApiError a lookup reports. */
interface OktaApiErrorShape {
  status?: unknown;
  errorCode?: unknown;
  errorSummary?: unknown;
}

/** The source layer's classification (network, status codes), said of the users API rather than the System Log. */
function classifyLookupError(err: unknown, orgUrl: string): SourceError {
  const base = classifyOktaError(err, LOOKUP_ID, orgUrl);
  const e = err as OktaApiErrorShape | null;
  const status = Number(e?.status);
  if (!Number.isFinite(status)) return base;
  const what = `Okta users API HTTP ${status}: ${[str(e?.errorCode), str(e?.errorSummary)].filter(Boolean).join(' ') || 'no error body'}`;
  const hint =
    base.code === 'UNAUTHENTICATED'
      ? '; check identity.lookups.okta (tokenEnv/tokenFile) or the Okta source it borrows from'
      : base.code === 'FORBIDDEN'
        ? "; the token's admin role must be allowed to read users (okta.users.read)"
        : '';
  return new SourceError(base.code, `${what}${hint}`, LOOKUP_ID, { cause: err });
}

/**
 * Okta users by id or login, through the SDK's `userApi.getUser` (the API takes either). One client and rate
 * limit per org for the process; one DataLoader per request, so that a page of events asks for each user once.
 */
export class OktaUserDirectory {
  private readonly client: Client;
  private readonly limiter: RateLimiter;

  constructor(readonly config: OktaLookupConfig) {
    // retries are callUpstream's, under our limiter; the SDK's own would sleep outside it
    this.client = new Client({
      orgUrl: config.orgUrl,
      authorizationMode: 'SSWS',
      token: config.token,
      requestExecutor: new DefaultRequestExecutor({ maxRetries: 0, requestTimeout: 0 }),
      // the SDK caches every GET for the process by default: a user's status would be stale and lookups invisible;
      // caching is per request, in the DataLoader
      cacheMiddleware: null,
    });
    this.limiter = new TokenBucket(config.rateLimitPerMinute, 60_000);
  }

  /** One user, or null when Okta says there is none (404 E0000007); any other failure is a SourceError. */
  async get(key: string, stats: SourceStats, signal: AbortSignal): Promise<OktaUserRecord | null> {
    const request = `Okta GET ${this.config.orgUrl}/api/v1/users/${encodeURIComponent(key)}`;
    try {
      const body = (await callUpstream(
        { sourceId: LOOKUP_ID, signal, stats, limiter: this.limiter, throttled: throttleVerdict, classify: (err) => classifyLookupError(err, this.config.orgUrl) },
        // the SDK takes no signal: a cancelled request is abandoned, not aborted
        () => raceAbort(this.client.userApi.getUser({ userId: key }) as Promise<OktaUserBody>, signal),
      )) as OktaUserBody;
      const id = str(body.id);
      if (!id) return null;
      return { id, login: str(body.profile?.login), email: str(body.profile?.email), status: str(body.status), request };
    } catch (err) {
      const cause = (err as { cause?: { status?: unknown; errorCode?: unknown } }).cause;
      if (Number(cause?.status) === 404 || cause?.errorCode === 'E0000007') return null;
      throw err;
    }
  }

  /**
   * The request's loader: keys are ids or logins (compared without case), errors are per key, and a user loaded
   * by one key primes the other, so that a user met by id and later by login is asked for once.
   */
  loader(stats: SourceStats, signal: AbortSignal): DataLoader<string, OktaUserRecord | null> {
    const loader: DataLoader<string, OktaUserRecord | null> = new DataLoader(
      async (keys) =>
        mapPool(keys, CONCURRENCY, async (key) => {
          const record = await this.get(key, stats, signal);
          if (record) {
            for (const other of [record.id, record.login]) if (other && other.toLowerCase() !== key) loader.prime(other.toLowerCase(), record);
          }
          return record;
        }),
      { cacheKeyFn: (k) => k.toLowerCase() },
    );
    return loader;
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason ?? new Error('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
