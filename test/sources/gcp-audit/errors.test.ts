import { SourceError } from '../../../src/domain';
import { classifyError, throttleVerdict } from '../../../src/sources/gcp-audit/errors';

/** Errors shaped as @google-cloud/logging raises them: a GoogleError with the gRPC code, also over REST. */
function googleError(code: number, details: string, statusDetails?: unknown[]): Error {
  return Object.assign(new Error(`${code} STATUS: ${details}`), { code, details, ...(statusDetails ? { statusDetails } : {}) });
}

describe('gcp-audit error mapping', () => {
  it.each([
    [3, 'INVALID_REQUEST', 'INVALID_ARGUMENT (3): Unparseable filter: syntax error at line 1, column 12'],
    [7, 'FORBIDDEN', 'PERMISSION_DENIED (7): denied'],
    [16, 'UNAUTHENTICATED', 'UNAUTHENTICATED (16): bad token'],
    [14, 'UNREACHABLE', 'UNAVAILABLE (14): No connection established'],
    [4, 'UNREACHABLE', 'DEADLINE_EXCEEDED (4): Deadline exceeded'],
    [13, 'UPSTREAM_ERROR', 'INTERNAL (13): boom'],
    [5, 'UPSTREAM_ERROR', 'NOT_FOUND (5): project not found'],
  ])('gRPC code %i becomes %s naming the status', (code, expected, text) => {
    const detail = text.slice(text.indexOf(': ') + 2);
    const err = classifyError(googleError(code, detail), 'gcp', 'entries.list');
    expect(err).toBeInstanceOf(SourceError);
    expect(err.code).toBe(expected);
    expect(err.sourceId).toBe('gcp');
    expect(err.message).toBe(`Cloud Logging entries.list failed: ${text}`);
  });

  it('treats RESOURCE_EXHAUSTED as throttling, with the RetryInfo delay when there is one', () => {
    expect(throttleVerdict(googleError(8, 'Quota exceeded'))).toEqual({});
    expect(throttleVerdict(googleError(8, 'Quota exceeded', [{ reason: 'RATE_LIMIT_EXCEEDED' }, { retryDelay: { seconds: 2, nanos: 500_000_000 } }]))).toEqual({ retryAfterMs: 2500 });
    expect(throttleVerdict(googleError(7, 'denied'))).toBeUndefined();
    expect(throttleVerdict(new Error('socket hang up'))).toBeUndefined();
  });

  it('names missing credentials and refused connections without a status code', () => {
    expect(classifyError(new Error('Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started for more information.'), 'gcp', 'entries.list').code).toBe('UNAUTHENTICATED');
    expect(classifyError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'gcp', 'entries.list').code).toBe('UNREACHABLE');
    expect(classifyError(new Error('googleProtobufAnyFromProto3JSON: cannot find type google.example.Audit'), 'gcp', 'entries.list').message).toContain('use gRPC');
  });
});
