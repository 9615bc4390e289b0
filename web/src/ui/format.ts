/** Times are shown in UTC, as every trail records them; the ISO form is kept so that a copy is unambiguous. */
export function formatTime(iso: string): string {
  return iso.replace('T', ' ').replace(/Z$/, '');
}

/** `09:03:12.000` */
export function formatClock(iso: string): string {
  return iso.slice(11, 23);
}

export function formatDay(iso: string): string {
  return iso.slice(0, 10);
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const m = ms / 60_000;
  if (m < 60) return `${Math.round(m)} min`;
  const h = m / 60;
  if (h < 48) return `${Math.round(h * 10) / 10} h`;
  return `${Math.round((h / 24) * 10) / 10} d`;
}

/** The width of a histogram bucket in words: `5 min`, `1 h`. */
export function formatSpan(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

/** The OCSF class names of the uids auditgraph emits (OCSF 1.x). */
export const OCSF_CLASSES: Record<number, string> = {
  1006: 'Scheduled Job Activity',
  3001: 'Account Change',
  3002: 'Authentication',
  3003: 'Authorize Session',
  3004: 'Entity Management',
  3005: 'User Access Management',
  3006: 'Group Management',
  6003: 'API Activity',
};
