import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

/**
 * Reads a generated demo the plain way (fs, zlib, JSON.parse), without any auditgraph reader, so that the
 * tests check the files themselves.
 */

export type Json = any;

export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  walk('');
  return out;
}

/** sha256 of every file, by relative path. */
export function hashTree(root: string): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const f of listFiles(root)) hashes.set(f, createHash('sha256').update(fs.readFileSync(path.join(root, f))).digest('hex'));
  return hashes;
}

export function isGzip(buf: Buffer): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

export function readText(file: string): string {
  const buf = fs.readFileSync(file);
  return (isGzip(buf) ? zlib.gunzipSync(buf) : buf).toString('utf8');
}

export function readLines(file: string): Json[] {
  return readText(file)
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));
}

export interface DemoData {
  okta: Json[];
  cloudtrail: Array<{ file: string; records: Json[] }>;
  /** k8s files in the order lumberjack wrote them: rotated backups by their time, then audit.log */
  k8s: Array<{ file: string; lines: Json[] }>;
  gcp: Array<{ file: string; entries: Json[] }>;
  azure: Array<{ file: string; records: Json[] }>;
  flyte: { executions: Json[]; nodeExecutions: Map<string, Json>; taskExecutions: Map<string, Json> };
}

export function readDemo(root: string): DemoData {
  const files = listFiles(root);
  const under = (prefix: string): string[] => files.filter((f) => f.startsWith(prefix));
  const k8sFiles = under('k8s-audit/').sort((a, b) => {
    if (a.endsWith('/audit.log')) return 1;
    if (b.endsWith('/audit.log')) return -1;
    return a < b ? -1 : 1;
  });
  const flyteMap = (prefix: string): Map<string, Json> => new Map(under(prefix).map((f) => [f.slice(prefix.length).replace(/\.json$/, ''), JSON.parse(readText(path.join(root, f)))]));
  return {
    okta: under('okta/').flatMap((f) => readLines(path.join(root, f))),
    cloudtrail: under('cloudtrail/').map((f) => ({ file: f, records: JSON.parse(readText(path.join(root, f))).Records })),
    k8s: k8sFiles.map((f) => ({ file: f, lines: readLines(path.join(root, f)) })),
    gcp: under('gcp/').map((f) => ({ file: f, entries: readLines(path.join(root, f)) })),
    azure: under('azure/').map((f) => ({ file: f, records: readLines(path.join(root, f)) })),
    flyte: {
      executions: JSON.parse(readText(path.join(root, 'flyte/executions.json'))),
      nodeExecutions: flyteMap('flyte/node_executions/'),
      taskExecutions: flyteMap('flyte/task_executions/'),
    },
  };
}

export function ms(iso: string): number {
  return Date.parse(iso);
}

/** An instant of the demo day, `HH:MM[:SS]`, in epoch milliseconds. */
export function clock(hhmmss: string): number {
  return Date.parse(`2026-03-14T${hhmmss.length === 5 ? `${hhmmss}:00` : hhmmss}Z`);
}
