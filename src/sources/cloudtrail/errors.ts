import { SourceError, type SourceErrorCode } from '../../domain';
import { isNetworkError, type ThrottleVerdict } from '../shared/upstream';

interface AwsErrorShape {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $retryable?: { throttling?: boolean };
}

const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded']);
const INVALID_REQUEST = new Set([
  'InvalidLookupAttributesException',
  'InvalidTimeRangeException',
  'InvalidMaxResultsException',
  'InvalidNextTokenException',
  'InvalidEventCategoryException',
  'UnsupportedOperationException',
  'ValidationException',
  'SerializationException',
]);
const UNAUTHENTICATED = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'InvalidClientTokenId',
  'IncompleteSignature',
  'MissingAuthenticationTokenException',
  'ExpiredTokenException',
  'CredentialsProviderError',
]);
const FORBIDDEN = new Set(['AccessDeniedException', 'AccessDenied', 'OperationNotPermittedException', 'CloudTrailAccessNotEnabledException']);

/**
 * The SDK's retry middleware rewraps what is not `instanceof Error` of its realm as `AWS SDK error wrapper for
 * Error: connect ECONNREFUSED ...`, losing `code`; the socket error's name survives only in the message.
 */
const NETWORK_MESSAGE = /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|EPIPE)\b/;

/** A reply cut off while its body was read: Node reports the reset stream as `aborted`, which the SDK wraps. */
const CUT_MID_BODY = /\bError: aborted\b/;

function isUnreachable(err: unknown): boolean {
  const message = shape(err).message ?? '';
  return isNetworkError(err) || CUT_MID_BODY.test(message) || (shape(err).$metadata?.httpStatusCode === undefined && NETWORK_MESSAGE.test(message));
}

function shape(err: unknown): AwsErrorShape {
  return err !== null && typeof err === 'object' ? (err as AwsErrorShape) : {};
}

/** ThrottlingException (HTTP 400 from LookupEvents) slows the query; AWS sends no retry-after, so we back off. */
export function throttleVerdict(err: unknown): ThrottleVerdict | undefined {
  const e = shape(err);
  if ((e.name && THROTTLING.has(e.name)) || e.$metadata?.httpStatusCode === 429) return {};
  return undefined;
}

function codeOf(e: AwsErrorShape): SourceErrorCode {
  const name = e.name ?? '';
  if (INVALID_REQUEST.has(name)) return 'INVALID_REQUEST';
  if (UNAUTHENTICATED.has(name)) return 'UNAUTHENTICATED';
  if (FORBIDDEN.has(name)) return 'FORBIDDEN';
  const status = e.$metadata?.httpStatusCode;
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  return 'UPSTREAM_ERROR';
}

/** Any other error of a LookupEvents call, typed, with what a responder needs: status, AWS error code, message. */
export function classifyLookupError(err: unknown, sourceId: string, where: string): SourceError {
  if (err instanceof SourceError) return err;
  if (isUnreachable(err)) {
    const message = shape(err).message ?? String(err);
    if (CUT_MID_BODY.test(message)) return new SourceError('UNREACHABLE', `CloudTrail at ${where} cut the connection while its answer was being read (reset mid-body)`, sourceId, { cause: err });
    return new SourceError('UNREACHABLE', `CloudTrail at ${where} is unreachable: ${message}`, sourceId, { cause: err });
  }
  const e = shape(err);
  if (e.name === 'CredentialsProviderError') {
    return new SourceError('UNAUTHENTICATED', `no AWS credentials: the SDK's default chain found none (${e.message ?? ''})`, sourceId, { cause: err });
  }
  const status = e.$metadata?.httpStatusCode;
  const parts = [`CloudTrail LookupEvents failed`, status ? `HTTP ${status}` : undefined, e.name, e.message].filter((p) => p);
  const requestId = e.$metadata?.requestId ? ` (request id ${e.$metadata.requestId})` : '';
  return new SourceError(codeOf(e), `${parts.join(': ')}${requestId}`, sourceId, { cause: err });
}
