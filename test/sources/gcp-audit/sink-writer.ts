import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { JsonObject } from './fixtures';

/** `cloudaudit.googleapis.com/<log>/YYYY/MM/DD/HH:00:00_HH:59:59_S<shard>.json`, as a Cloud Storage sink names it. */
export function sinkPath(log: string, timestamp: string, shard = 'S0'): string {
  const t = new Date(timestamp);
  const pad = (n: number) => String(n).padStart(2, '0');
  const hh = pad(t.getUTCHours());
  return `cloudaudit.googleapis.com/${log}/${t.getUTCFullYear()}/${pad(t.getUTCMonth() + 1)}/${pad(t.getUTCDate())}/${hh}:00:00_${hh}:59:59_${shard}.json`;
}

export function logOf(entry: JsonObject): string {
  return decodeURIComponent(String(entry.logName).split('/logs/')[1]).replace('cloudaudit.googleapis.com/', '');
}

/** Writes entries into a fresh temporary folder in the sink layout, one JSON line each; returns the folder. */
export function writeSink(entries: JsonObject[], extraLines: { file: string; lines: string[] }[] = []): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gcp-sink-'));
  const files = new Map<string, string[]>();
  for (const e of entries) {
    const rel = sinkPath(logOf(e), String(e.timestamp));
    files.set(rel, [...(files.get(rel) ?? []), JSON.stringify(e)]);
  }
  for (const x of extraLines) files.set(x.file, [...(files.get(x.file) ?? []), ...x.lines]);
  for (const [rel, lines] of files) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, `${lines.join('\n')}\n`);
  }
  return root;
}
