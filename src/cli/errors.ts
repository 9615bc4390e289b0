/**
 * Exit codes: 0 the whole answer; 3 partial (a source failed, timed out or was throttled: what the others gave
 * was printed, the statuses on stderr say what is missing); 1 failed (nothing could be answered, or the server
 * refused); 2 bad usage (an unknown flag, a malformed value), as commander and kubectl do.
 */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, PARTIAL: 3 } as const;

/** An error the CLI prints as one line (`auditgraph: …`) and exits with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.FAILED,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The states that make an answer partial. */
export const PARTIAL_STATES = new Set(['FAILED', 'TIMED_OUT', 'THROTTLED']);
