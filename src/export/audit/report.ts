import { isDenied, privilegedKind, type PrivilegedKind } from './privileged';

/** The version of the report's JSON shape (docs/audit-report.schema.json). */
export const REPORT_VERSION = 1;

/** An event as the export's NDJSON writes it (src/export/record.ts), as far as the report reads it. */
export interface EventRecordJson {
  type?: string;
  id: string;
  time: string;
  source: string;
  sourceType: string;
  category: string;
  action: string;
  rawAction: string;
  actor: { name: string; type: string; uid?: string; sessionId?: string };
  targets: { type: string; name: string; uid?: string; namespace?: string }[];
  outcome: string;
  outcomeReason?: string;
  sourceIp?: string;
  runId?: string;
  [key: string]: unknown;
}

/** One source's status as the export's end status writes it. */
export interface SourceStatusJson {
  source: string;
  sourceType: string;
  kind: string;
  mode: string;
  state: string;
  message?: string;
  requests: number;
  eventsScanned: number;
  eventsReturned: number;
  malformed: number;
  [key: string]: unknown;
}

export interface EventSummary {
  time: string;
  source: string;
  id: string;
  action: string;
  actor: string;
  outcome: string;
  outcomeReason?: string;
  sourceIp?: string;
  targets: string[];
  runId?: string;
}

export interface IdentityEntry {
  id: string;
  displayName: string;
  /** the actor names of the window's events that resolved to it, with their event counts */
  actors: { name: string; events: number }[];
  events: number;
  aliases: { kind: string; value: string; scope?: string | null; rule: string; evidence: string }[];
}

export interface RunEntry {
  id: string;
  phase: string;
  mode: string;
  createdAt: string;
  endedAt?: string | null;
  launchedBy?: string | null;
  abortedBy?: string | null;
  abortCause?: string | null;
  pods: string[];
  serviceAccounts: string[];
  credentials: { value: string; role?: string | null; evidence: string }[];
  timelineSources: string[];
}

export interface AuditReport {
  reportVersion: number;
  generator: { name: string; version: string };
  generatedAt: string;
  /** where the data came from: a server URL, or the embedded config */
  origin: string;
  window: { from: string; to: string };
  /** every source answered the whole window (what else was left out is in `notes`) */
  complete: boolean;
  notes: string[];
  totals: { events: number; byOutcome: Record<string, number>; bySource: Record<string, number>; failures: number; denied: number; privilegedChanges: number; identities: number; runs: number };
  sources: (SourceStatusJson & { counts: { byAction: Record<string, number>; byActor: Record<string, number>; byOutcome: Record<string, number> } })[];
  failures: EventSummary[];
  denied: EventSummary[];
  privilegedChanges: (EventSummary & { kind: PrivilegedKind; why: string })[];
  identities: IdentityEntry[];
  runs: RunEntry[];
  /** every event of the window, oldest first, as the NDJSON export writes it (written last) */
  events: EventRecordJson[];
}

const inc = (m: Record<string, number>, k: string) => {
  m[k] = (m[k] ?? 0) + 1;
};

export function summarize(e: EventRecordJson): EventSummary {
  const s: EventSummary = { time: e.time, source: e.source, id: e.id, action: e.action, actor: e.actor.name, outcome: e.outcome, targets: e.targets.map((t) => (t.namespace ? `${t.namespace}/${t.name}` : t.name)) };
  if (e.outcomeReason) s.outcomeReason = e.outcomeReason;
  if (e.sourceIp) s.sourceIp = e.sourceIp;
  if (e.runId) s.runId = e.runId;
  return s;
}

/**
 * Builds the report from one pass over the window's events (any size: only counts and the short lists are
 * held; the events themselves are streamed into the output at the end by the writer), then the statuses,
 * identities and runs the caller looked up.
 */
export class ReportBuilder {
  private readonly bySource = new Map<string, { byAction: Record<string, number>; byActor: Record<string, number>; byOutcome: Record<string, number> }>();
  private readonly byOutcome: Record<string, number> = {};
  private readonly actorCounts = new Map<string, number>();
  readonly failures: EventSummary[] = [];
  readonly denied: EventSummary[] = [];
  readonly privileged: AuditReport['privilegedChanges'] = [];
  events = 0;

  add(e: EventRecordJson): void {
    this.events += 1;
    let counts = this.bySource.get(e.source);
    if (!counts) this.bySource.set(e.source, (counts = { byAction: {}, byActor: {}, byOutcome: {} }));
    inc(counts.byAction, e.action);
    inc(counts.byActor, e.actor.name);
    inc(counts.byOutcome, e.outcome);
    inc(this.byOutcome, e.outcome);
    this.actorCounts.set(e.actor.name, (this.actorCounts.get(e.actor.name) ?? 0) + 1);
    if (e.outcome === 'FAILURE') {
      this.failures.push(summarize(e));
      if (isDenied(e.outcome, e.outcomeReason)) this.denied.push(summarize(e));
    }
    const p = privilegedKind(e.action);
    if (p) this.privileged.push({ ...summarize(e), kind: p.kind, why: p.why });
  }

  /** Actor names by how many events they have, most first. */
  actors(): { name: string; events: number }[] {
    return [...this.actorCounts.entries()].map(([name, events]) => ({ name, events })).sort((a, b) => b.events - a.events || (a.name < b.name ? -1 : 1));
  }

  /** The report without its events (they are written after it by `writeJsonReport`). */
  finish(args: {
    generator: { name: string; version: string };
    origin: string;
    window: { from: string; to: string };
    statuses: SourceStatusJson[];
    exportComplete: boolean;
    identities: IdentityEntry[];
    runs: RunEntry[];
    notes: string[];
    generatedAt?: Date;
  }): Omit<AuditReport, 'events'> {
    const sources = args.statuses.map((s) => ({ ...s, counts: this.bySource.get(s.source) ?? { byAction: {}, byActor: {}, byOutcome: {} } }));
    const bySource = Object.fromEntries(sources.map((s) => [s.source, s.eventsReturned]));
    const failedSources = sources.filter((s) => ['FAILED', 'TIMED_OUT', 'THROTTLED'].includes(s.state));
    const notes = [...args.notes, ...failedSources.map((s) => `${s.source} ${s.state}: ${s.message ?? ''}; its events in this report are incomplete`)];
    return {
      reportVersion: REPORT_VERSION,
      generator: args.generator,
      generatedAt: (args.generatedAt ?? new Date()).toISOString(),
      origin: args.origin,
      window: args.window,
      complete: args.exportComplete && failedSources.length === 0,
      notes,
      totals: {
        events: this.events,
        byOutcome: { ...this.byOutcome },
        bySource,
        failures: this.failures.length,
        denied: this.denied.length,
        privilegedChanges: this.privileged.length,
        identities: args.identities.length,
        runs: args.runs.length,
      },
      sources,
      failures: this.failures,
      denied: this.denied,
      privilegedChanges: this.privileged,
      identities: args.identities,
      runs: args.runs,
    };
  }
}
