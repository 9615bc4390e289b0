import type { ConnectionJson, EventJson, StatusJson } from './queries';
import { PARTIAL_STATES } from './errors';

/** Columns aligned with two spaces between, as kubectl prints them; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

const dash = (v: string | null | undefined) => (v === null || v === undefined || v === '' ? '-' : v);

export function eventRows(edges: ConnectionJson['edges'], wide: boolean): { header: string[]; rows: string[][] } {
  const header = wide
    ? ['TIME', 'SOURCE', 'CATEGORY', 'ACTION', 'ACTOR', 'OUTCOME', 'SOURCE-IP', 'TARGETS', 'RUN', 'ID']
    : ['TIME', 'SOURCE', 'ACTION', 'ACTOR', 'OUTCOME', 'SOURCE-IP'];
  const rows = edges.map(({ node: e }: { node: EventJson }) =>
    wide
      ? [e.time, e.source.id, e.category, e.action, e.actor.name, e.outcome, dash(e.sourceIp), dash(e.targets.map((t) => t.name).join(',')), dash(e.runId), e.id]
      : [e.time, e.source.id, e.action, e.actor.name, e.outcome, dash(e.sourceIp)],
  );
  return { header, rows };
}

/** One line per source that did not answer in full (stderr), and whether any failed. */
export function statusLines(statuses: StatusJson[]): { lines: string[]; partial: boolean } {
  const lines: string[] = [];
  let partial = false;
  for (const s of statuses) {
    if (PARTIAL_STATES.has(s.state)) partial = true;
    if (s.state !== 'OK') lines.push(`${s.source.id}: ${s.state}${s.message ? `: ${s.message}` : ''}`);
  }
  return { lines, partial };
}

export function statusTable(statuses: StatusJson[]): string {
  return table(
    ['SOURCE', 'STATE', 'REQUESTS', 'SCANNED', 'RETURNED', 'FILES', 'PRUNED', 'RESIDUAL'],
    statuses.map((s) => [s.source.id, s.state, String(s.requests), String(s.eventsScanned), String(s.eventsReturned), String(s.partitionsRead), String(s.partitionsPruned), s.residual.join('; ') || '-']),
  );
}
