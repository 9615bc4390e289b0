import { SourceState, type SourceStats } from '../domain';

const FAILED_STATES: ReadonlySet<SourceState> = new Set([SourceState.FAILED, SourceState.TIMED_OUT, SourceState.THROTTLED]);

function listed(count: number, samples: string[]): string {
  return `${samples.join('; ')}${count > samples.length ? `; and ${count - samples.length} more` : ''}`;
}

/** What a source's counters say in words: what an archive could not read, read in part or skipped, then its own notes and the malformed samples. */
export function statsNotes(st: SourceStats): string[] {
  const notes: string[] = [];
  if (st.empty) notes.push(st.empty);
  if (st.partitionsUnreadable) notes.push(`${st.partitionsUnreadable} unreadable, not read: ${listed(st.partitionsUnreadable, st.unreadableSamples)}`);
  if (st.partitionsDamaged) notes.push(`${st.partitionsDamaged} damaged, read up to the damage: ${listed(st.partitionsDamaged, st.damagedSamples)}`);
  if (st.partitionsIgnored) notes.push(`${st.partitionsIgnored} not recognized, not read: ${listed(st.partitionsIgnored, st.ignoredSamples)}`);
  if (st.implausibleTimes) {
    notes.push(`${st.implausibleTimes} record(s) or line(s) with an implausible time (before 2000 or after tomorrow; no window shows them): ${listed(st.implausibleTimes, st.implausibleSamples)}`);
  }
  notes.push(...st.notes);
  if (st.malformedSamples.length) notes.push(`malformed: ${st.malformedSamples.join('; ')}`);
  return notes;
}

/**
 * The state a source's answer gets from its counters: an archive that could not read part of itself is PARTIAL,
 * one whose root holds nothing it recognizes is EMPTY, whatever else it did; a failure stays a failure.
 */
export function stateFromStats(state: SourceState, st: SourceStats): SourceState {
  if (FAILED_STATES.has(state)) return state;
  if (st.partitionsUnreadable > 0) return SourceState.PARTIAL;
  if (state === SourceState.OK && st.empty) return SourceState.EMPTY;
  return state;
}
