import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { K8sAuditRecord, K8sAuditStage, K8sObjectRef, K8sStatus, K8sUserInfo } from '../../../src/sources/k8s-audit/record';

/** `metav1.MicroTime` as the apiserver writes it: RFC 3339 UTC with six fractional digits. */
export function microTime(ms: number, micros = 0): string {
  return new Date(ms).toISOString().replace('Z', `${String(micros).padStart(3, '0')}Z`);
}

/** Lumberjack's backup name for a rotation at `ms`. */
export function backupName(ms: number, base = 'audit', ext = '.log'): string {
  const iso = new Date(ms).toISOString(); // 2026-03-14T09:06:12.123Z
  return `${base}-${iso.slice(0, 10)}T${iso.slice(11, 13)}-${iso.slice(14, 16)}-${iso.slice(17, 23)}${ext}`;
}

export interface RequestSpec {
  auditID: string;
  receivedMs: number;
  /** stage offsets from receipt; default RequestReceived at +0 and ResponseComplete at +durationMs */
  stages?: { stage: K8sAuditStage; afterMs: number; responseStatus?: K8sStatus }[];
  durationMs?: number;
  verb?: string;
  requestURI?: string;
  user?: K8sUserInfo;
  impersonatedUser?: K8sUserInfo;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: K8sObjectRef;
  responseStatus?: K8sStatus;
  requestObject?: K8sAuditRecord['requestObject'];
}

/** One stage line, keys in the apiserver's order (timestamps after the objects, annotations last). */
export function stageRecord(spec: RequestSpec, stage: K8sAuditStage, afterMs: number, status?: K8sStatus): K8sAuditRecord {
  const rec: K8sAuditRecord = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: spec.auditID,
    stage,
    requestURI: spec.requestURI ?? '/api/v1/namespaces/default/pods',
    verb: spec.verb ?? 'list',
    user: spec.user ?? { username: 'oidc:alice@example.com', groups: ['system:authenticated'] },
  };
  if (spec.impersonatedUser) rec.impersonatedUser = spec.impersonatedUser;
  rec.sourceIPs = spec.sourceIPs ?? ['10.0.0.5'];
  rec.userAgent = spec.userAgent ?? 'kubectl/v1.30.2 (linux/amd64) kubernetes/3968350';
  rec.objectRef = spec.objectRef ?? { resource: 'pods', namespace: 'default', apiVersion: 'v1' };
  if (stage !== 'RequestReceived') rec.responseStatus = status ?? spec.responseStatus ?? { code: 200 };
  if (spec.requestObject) rec.requestObject = spec.requestObject;
  rec.requestReceivedTimestamp = microTime(spec.receivedMs, 101);
  rec.stageTimestamp = microTime(spec.receivedMs + afterMs, 202);
  rec.annotations = { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' };
  return rec;
}

export interface Line {
  stageMs: number;
  text: string;
}

/** Every stage line of the requests, in stage-time order as the log backend writes them. */
export function linesOf(specs: readonly RequestSpec[]): Line[] {
  const lines: Line[] = [];
  for (const spec of specs) {
    const stages = spec.stages ?? [
      { stage: 'RequestReceived' as const, afterMs: 0 },
      { stage: 'ResponseComplete' as const, afterMs: spec.durationMs ?? 15 },
    ];
    for (const s of stages) lines.push({ stageMs: spec.receivedMs + s.afterMs, text: JSON.stringify(stageRecord(spec, s.stage, s.afterMs, s.responseStatus)) });
  }
  return lines.sort((a, b) => a.stageMs - b.stageMs);
}

export interface ArchiveFile {
  name: string;
  lines: string[];
  gzip?: boolean;
}

/**
 * Splits lines into lumberjack files: a backup per rotation time (holding lines stamped up to it), the live file
 * last. `gzip(i)` says which backups are compressed.
 */
export function rotate(lines: readonly Line[], rotations: readonly number[], gzip: (i: number) => boolean, base = 'audit'): ArchiveFile[] {
  const files: ArchiveFile[] = rotations.map((t, i) => ({ name: backupName(t, base) + (gzip(i) ? '.gz' : ''), lines: [], gzip: gzip(i) }));
  const live: ArchiveFile = { name: `${base}.log`, lines: [] };
  for (const line of lines) {
    const i = rotations.findIndex((t) => line.stageMs <= t);
    (i < 0 ? live : files[i]).lines.push(line.text);
  }
  return [...files, live];
}

export function writeArchive(dir: string, files: readonly ArchiveFile[]): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of files) {
    const text = f.lines.map((l) => `${l}\n`).join('');
    fs.writeFileSync(path.join(dir, f.name), f.gzip ? zlib.gzipSync(text) : text);
  }
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `auditgraph-k8s-${prefix}-`));
}

export function rmDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** A deterministic UUID-shaped auditID. */
export function auditId(n: number, salt = 0): string {
  const hex = n.toString(16).padStart(12, '0');
  return `${String(salt).padStart(8, '0')}-0000-4000-8000-${hex}`;
}

export const T0 = Date.UTC(2026, 2, 14, 0, 0, 0);
export const HOUR = 3_600_000;
export const MINUTE = 60_000;
