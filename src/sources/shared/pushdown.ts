import { actionPatternParts, type PushdownTranslation } from '../../domain';

/**
 * Small helpers every source's `translate` uses. The rule they serve: a value is pushed only in a form the upstream
 * evaluates exactly like the engine's local match, or more broadly (the engine then re-checks); otherwise the field
 * stays residual and `explain` says why.
 */

export const exactly = (upstream: string): PushdownTranslation => ({ pushed: true, exactness: 'exact', upstream });

export const broadly = (upstream: string, why: string): PushdownTranslation => ({ pushed: true, exactness: 'broader', upstream, why });

export const keptLocal = (why: string): PushdownTranslation => ({ pushed: false, why });

/** Whether case can change the value (it holds a letter that has an upper- and a lower-case form). */
export function hasCase(value: string): boolean {
  return value.toLowerCase() !== value.toUpperCase();
}

/** An `action` pattern made only of `*`: it matches every event, so there is nothing to send for it. */
export function matchesEverything(pattern: string): boolean {
  return actionPatternParts(pattern).pieces.length === 0;
}

/** Printable ASCII: what the case tricks below are proved for (JavaScript and the upstream agree on its case). */
export function isAscii(value: string): boolean {
  return /^[\x20-\x7e]*$/.test(value);
}
