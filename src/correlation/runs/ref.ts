import { AuditgraphError, ErrorCode } from '../../domain';

/** What a client may name a run by: `project/domain/name`, or the bare execution name. */
export type RunRef = { project: string; domain: string; name: string } | { name: string };

/** Flyte ids (project, domain, execution name): the characters Flyte allows, never a `/`. */
const FLYTE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function parseRunRef(text: string): RunRef {
  const parts = text.trim().split('/');
  const bad = () =>
    new AuditgraphError(ErrorCode.BAD_FILTER, `run id: expected "project/domain/name" or a bare execution name, got ${JSON.stringify(text)}`);
  if (parts.some((p) => !FLYTE_ID.test(p))) throw bad();
  if (parts.length === 3) return { project: parts[0], domain: parts[1], name: parts[2] };
  if (parts.length === 1) return { name: parts[0] };
  throw bad();
}

export function isFullRef(ref: RunRef): ref is { project: string; domain: string; name: string } {
  return 'project' in ref;
}

/** A run named by more than one run: the client must say which (`project/domain/name`, and `source` if needed). */
export class AmbiguousRunError extends AuditgraphError {
  constructor(
    readonly ref: string,
    /** `sourceId:project/domain/name` of every run the reference names */
    readonly candidates: string[],
  ) {
    super(
      ErrorCode.AMBIGUOUS_RUN,
      `run ${JSON.stringify(ref)} names ${candidates.length} runs: ${candidates.join(', ')}; give the full project/domain/name (and source when two execution sources hold it)`,
      { candidates },
    );
    this.name = 'AmbiguousRunError';
  }
}
