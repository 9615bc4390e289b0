import type { Writable } from 'node:stream';
import type { AuditReport, EventRecordJson, EventSummary } from './report';

type Head = Omit<AuditReport, 'events'>;

async function put(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await new Promise((r) => out.once('drain', r));
}

/** The JSON report: the head, then `"events": [` streamed one event a line from `events`, then `]}`. */
export async function writeJsonReport(out: Writable, head: Head, events: AsyncIterable<EventRecordJson>): Promise<void> {
  const text = JSON.stringify(head, null, 2);
  await put(out, `${text.slice(0, text.lastIndexOf('}')).trimEnd()},\n  "events": [`);
  let first = true;
  for await (const e of events) {
    const { type: _type, ...record } = e;
    await put(out, `${first ? '\n' : ',\n'}    ${JSON.stringify(record)}`);
    first = false;
  }
  await put(out, `${first ? '' : '\n  '}]\n}\n`);
}

const md = (s: unknown) => String(s ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function mdTable(header: string[], rows: unknown[][]): string {
  if (rows.length === 0) return '_none_\n';
  return `| ${header.join(' | ')} |\n| ${header.map(() => '---').join(' | ')} |\n${rows.map((r) => `| ${r.map(md).join(' | ')} |`).join('\n')}\n`;
}

const eventRow = (e: EventSummary) => [e.time, e.source, e.action, e.actor, e.outcome, e.outcomeReason ?? '', e.sourceIp ?? '', e.targets.join(', ')];
const EVENT_HEAD = ['time', 'source', 'action', 'actor', 'outcome', 'reason', 'source IP', 'targets'];

function topCounts(m: Record<string, number>, n = 10): string {
  return Object.entries(m)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

/** The sections every human-readable form has, as (title, markdown body) pairs. */
function sections(head: Head): { title: string; body: string }[] {
  const t = head.totals;
  return [
    {
      title: 'Summary',
      body: `Window **${head.window.from}** to **${head.window.to}** (half-open), from ${md(head.origin)}, generated ${head.generatedAt} by ${head.generator.name} ${head.generator.version}.\n\n${head.complete ? '**Complete**: every source answered the whole window.' : '**Not complete**: see the notes.'}\n\n${mdTable(['events', 'success', 'failure', 'unknown', 'denied', 'privileged changes', 'identities', 'runs'], [[t.events, t.byOutcome.SUCCESS ?? 0, t.byOutcome.FAILURE ?? 0, t.byOutcome.UNKNOWN ?? 0, t.denied, t.privilegedChanges, t.identities, t.runs]])}${head.notes.length ? `\nNotes:\n${head.notes.map((n) => `- ${md(n)}`).join('\n')}\n` : ''}`,
    },
    {
      title: 'Sources',
      body: mdTable(
        ['source', 'type', 'mode', 'state', 'scanned', 'events', 'top actions', 'top actors', 'outcomes', 'message'],
        head.sources.map((s) => [s.source, s.sourceType, s.mode, s.state, s.eventsScanned, s.eventsReturned, topCounts(s.counts.byAction, 5), topCounts(s.counts.byActor, 5), topCounts(s.counts.byOutcome), s.message ?? '']),
      ),
    },
    { title: `Privileged changes (${head.privilegedChanges.length})`, body: mdTable(['kind', ...EVENT_HEAD], head.privilegedChanges.map((p) => [p.kind, ...eventRow(p)])) },
    { title: `Denied calls (${head.denied.length})`, body: mdTable(EVENT_HEAD, head.denied.map(eventRow)) },
    { title: `Failures (${head.failures.length})`, body: mdTable(EVENT_HEAD, head.failures.map(eventRow)) },
    {
      title: `Identities active in the window (${head.identities.length})`,
      body: head.identities
        .map((i) => `**${md(i.displayName)}** (${md(i.id)}): ${i.events} events as ${i.actors.map((a) => `${md(a.name)} (${a.events})`).join(', ')}\n\n${mdTable(['kind', 'value', 'rule', 'evidence'], i.aliases.map((a) => [a.kind, a.scope ? `${a.value} (in ${a.scope})` : a.value, a.rule, a.evidence]))}`)
        .join('\n') || '_none_\n',
    },
    {
      title: `Runs in the window (${head.runs.length})`,
      body: mdTable(
        ['run', 'phase', 'mode', 'created', 'ended', 'launched by', 'aborted by', 'pods', 'service accounts', 'credentials'],
        head.runs.map((r) => [r.id, r.phase, r.mode, r.createdAt, r.endedAt ?? '', r.launchedBy ?? '', r.abortedBy ? `${r.abortedBy}${r.abortCause ? ` (${r.abortCause})` : ''}` : '', r.pods.join(', '), r.serviceAccounts.join(', '), r.credentials.map((c) => `${c.value}${c.role ? ` → ${c.role}` : ''}`).join(', ')]),
      ),
    },
  ];
}

/** The Markdown report: the sections, then every event as a table. */
export async function writeMarkdownReport(out: Writable, head: Head, events: AsyncIterable<EventRecordJson>): Promise<void> {
  await put(out, `# Audit report ${head.window.from} – ${head.window.to}\n\n`);
  for (const s of sections(head)) await put(out, `## ${s.title}\n\n${s.body}\n`);
  await put(out, `## Every event (${head.totals.events}, oldest first)\n\n| ${EVENT_HEAD.join(' | ')} |\n| ${EVENT_HEAD.map(() => '---').join(' | ')} |\n`);
  for await (const e of events) await put(out, `| ${eventRow({ ...e, actor: e.actor.name, targets: e.targets.map((t) => t.name) }).map(md).join(' | ')} |\n`);
}

const esc = (s: unknown) => String(s ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Markdown's subset the sections use (bold, tables, lists, italics) as HTML. */
function mdToHtml(text: string): string {
  const inline = (s: string) => esc(s.replace(/\\\|/g, '|')).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>').replace(/_([^_]+)_/g, '<em>$1</em>');
  const out: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('| ')) {
      const rows: string[][] = [];
      while (i < lines.length && lines[i]!.startsWith('| ')) {
        rows.push(lines[i]!.slice(2, -2).split(/(?<!\\) \| /));
        i++;
      }
      i--;
      const [head, , ...body] = rows;
      out.push(`<table><thead><tr>${head!.map((c) => `<th>${inline(c)}</th>`).join('')}</tr></thead><tbody>${body.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`);
    } else if (line.startsWith('- ')) out.push(`<li>${inline(line.slice(2))}</li>`);
    else if (line.trim()) out.push(`<p>${inline(line)}</p>`);
  }
  return out.join('\n');
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#1b1f24}h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0;font-size:12px}th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f3f4f6;position:sticky;top:0}tr:nth-child(even) td{background:#fafafa}td.FAILURE{color:#b00020;font-weight:600}
.incomplete{background:#fff4e5;border:1px solid #f0a000;padding:.5em 1em}`;

/** One self-contained HTML file (no scripts, no external assets): the sections, then every event. */
export async function writeHtmlReport(out: Writable, head: Head, events: AsyncIterable<EventRecordJson>): Promise<void> {
  await put(out, `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Audit report ${esc(head.window.from)} – ${esc(head.window.to)}</title><style>${STYLE}</style></head><body>\n<h1>Audit report ${esc(head.window.from)} – ${esc(head.window.to)}</h1>\n`);
  if (!head.complete) await put(out, '<p class="incomplete">This report is <strong>not complete</strong>: see the notes below.</p>\n');
  for (const s of sections(head)) await put(out, `<h2>${esc(s.title)}</h2>\n${mdToHtml(s.body)}\n`);
  await put(out, `<h2>Every event (${head.totals.events}, oldest first)</h2>\n<table><thead><tr>${EVENT_HEAD.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>\n`);
  for await (const e of events) {
    const cells = eventRow({ ...e, actor: e.actor.name, targets: e.targets.map((t) => t.name) });
    await put(out, `<tr>${cells.map((c, i) => `<td${i === 4 ? ` class="${esc(c)}"` : ''}>${esc(c)}</td>`).join('')}</tr>\n`);
  }
  await put(out, '</tbody></table>\n</body></html>\n');
}
