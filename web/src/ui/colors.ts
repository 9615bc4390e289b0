/**
 * One colour per source, stable across pages and reloads: by the source's type first (so a person learns that
 * CloudTrail is orange), with a second shade for a second source of the same type.
 */
const BY_TYPE: Record<string, string[]> = {
  okta: ['#2f6fed', '#7aa2f7'],
  flyte: ['#8b5cf6', '#c4a5ff'],
  'k8s-audit': ['#0d9488', '#5eead4'],
  cloudtrail: ['#ea7a0b', '#fbbf24'],
  'gcp-audit': ['#16a34a', '#86efac'],
  'azure-activity': ['#0284c7', '#7dd3fc'],
  auditgraph: ['#475569', '#94a3b8'],
};
const OTHER = ['#64748b', '#db2777', '#a16207', '#4d7c0f'];

export function sourceColors(sources: { id: string; type: string }[]): Map<string, string> {
  const used = new Map<string, number>();
  const out = new Map<string, string>();
  let other = 0;
  for (const s of sources) {
    const palette = BY_TYPE[s.type];
    const n = used.get(s.type) ?? 0;
    used.set(s.type, n + 1);
    out.set(s.id, palette?.[n] ?? OTHER[other++ % OTHER.length]);
  }
  return out;
}
