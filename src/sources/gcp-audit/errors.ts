import { SourceError, type SourceErrorCode } from '../../domain';
import { isNetworkError, type ThrottleVerdict } from '../shared/upstream';
import { GRPC_CODE_NAMES } from './grpc-status';

/** What the client library's errors carry: a gRPC status code (also over REST), its text, decoded details. */
interface GoogleErrorLike {
  code?: unknown;
  details?: unknown;
  message?: unknown;
  statusDetails?: unknown;
}

const RESOURCE_EXHAUSTED = 8;

const CODE_MAP: Readonly<Record<number, SourceErrorCode>> = {
  3: 'INVALID_REQUEST', // INVALID_ARGUMENT: usually the filter
  4: 'UNREACHABLE', // DEADLINE_EXCEEDED: no answer in time
  7: 'FORBIDDEN', // PERMISSION_DENIED
  11: 'INVALID_REQUEST', // OUT_OF_RANGE
  14: 'UNREACHABLE', // UNAVAILABLE: connection refused, endpoint down
  16: 'UNAUTHENTICATED',
};

function grpcCode(err: unknown): number | undefined {
  const code = (err as GoogleErrorLike | null)?.code;
  return typeof code === 'number' && code >= 0 && code <= 16 ? code : undefined;
}

/** The status text without the `7 PERMISSION_DENIED: ` prefix gRPC errors carry in `message`. */
function statusText(err: unknown): string {
  const e = err as GoogleErrorLike | null;
  const text = typeof e?.details === 'string' && e.details !== '' ? e.details : String(e?.message ?? err);
  return text.replace(/^\d+ [A-Z_]+: /, '');
}

/** `google.rpc.RetryInfo.retryDelay` when the service sent one (Cloud Logging's quota errors usually do not). */
function retryDelayMs(err: unknown): number | undefined {
  const details = (err as GoogleErrorLike | null)?.statusDetails;
  if (!Array.isArray(details)) return undefined;
  for (const d of details) {
    const delay = (d as { retryDelay?: { seconds?: unknown; nanos?: unknown } } | null)?.retryDelay;
    if (delay) return Number(delay.seconds ?? 0) * 1000 + Math.round(Number(delay.nanos ?? 0) / 1e6);
  }
  return undefined;
}

/** RESOURCE_EXHAUSTED (HTTP 429) is the read quota: wait and retry. */
export function throttleVerdict(err: unknown): ThrottleVerdict | undefined {
  if (grpcCode(err) !== RESOURCE_EXHAUSTED) return undefined;
  const retryAfterMs = retryDelayMs(err);
  return retryAfterMs !== undefined && retryAfterMs > 0 ? { retryAfterMs } : {};
}

/** Any other failure as a typed error naming the gRPC status and the service's own words. */
export function classifyError(err: unknown, sourceId: string, call: string): SourceError {
  const code = grpcCode(err);
  const text = statusText(err);
  // the REST transport reports a reply it cannot parse as UNAVAILABLE: the service answered, with a broken body
  if (code === 14 && /JSON/.test(text)) {
    return new SourceError('UPSTREAM_ERROR', `Cloud Logging ${call} answered with a body that is not the JSON it should be: ${text}`, sourceId, { cause: err });
  }
  if (code !== undefined) {
    const name = code === 0 ? 'OK' : (GRPC_CODE_NAMES[code] ?? `code ${code}`);
    const mapped = CODE_MAP[code] ?? 'UPSTREAM_ERROR';
    return new SourceError(mapped, `Cloud Logging ${call} failed: ${name} (${code}): ${text}`, sourceId, { cause: err });
  }
  if (isNetworkError(err)) return new SourceError('UNREACHABLE', `Cloud Logging ${call}: cannot connect: ${text}`, sourceId, { cause: err });
  if (/cannot find type/i.test(text)) {
    return new SourceError('UPSTREAM_ERROR', `Cloud Logging ${call}: the REST transport cannot parse a payload type it does not know (${text}); use gRPC (fallback: false)`, sourceId, { cause: err });
  }
  if (/credentials|access token|invalid_grant|unauthorized_client/i.test(text)) {
    return new SourceError('UNAUTHENTICATED', `Cloud Logging ${call}: no usable credentials: ${text}`, sourceId, { cause: err });
  }
  return new SourceError('UPSTREAM_ERROR', `Cloud Logging ${call} failed: ${text}`, sourceId, { cause: err });
}
