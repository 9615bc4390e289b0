import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

/**
 * A deterministic kube-apiserver audit archive for the benchmark: a week of Metadata-level events, two stage lines
 * per request (RequestReceived, ResponseComplete) in stage-time order, rotated by size as lumberjack does (so busy
 * hours rotate sooner), older backups gzipped, the newest few left plain, and the live `audit.log`.
 */

export interface K8sArchiveSpec {
  seed: number;
  requests: number;
  startMs: number;
  days: number;
  /** lumberjack's --audit-log-maxsize, in bytes */
  maxFileBytes: number;
  /** backups left uncompressed (the newest) */
  plainBackups: number;
}

export interface K8sArchiveManifest extends K8sArchiveSpec {
  version: number;
  lines: number;
  files: { name: string; bytes: number }[];
  totalBytes: number;
  endMs: number;
}

const VERSION = 1;
const MANIFEST = 'manifest.json';

export const DEFAULT_ARCHIVE_SPEC: K8sArchiveSpec = {
  seed: 20260307,
  requests: 1_050_000,
  startMs: Date.UTC(2026, 2, 7),
  days: 7,
  maxFileBytes: 25 * 1024 * 1024,
  plainBackups: 3,
};

/** mulberry32: small, fast, and the same sequence everywhere */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function microTime(ms: number, micros: number): string {
  return new Date(ms).toISOString().replace('Z', `${String(micros).padStart(3, '0')}Z`);
}

function backupName(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `audit-${iso.slice(0, 10)}T${iso.slice(11, 13)}-${iso.slice(14, 16)}-${iso.slice(17, 23)}.log`;
}

interface Caller {
  user: string; // JSON of `user`
  ip: string;
  agent: string;
}

function callers(rand: () => number): Caller[] {
  const list: Caller[] = [];
  const sa = (ns: string, name: string, pod?: string) =>
    JSON.stringify({
      username: `system:serviceaccount:${ns}:${name}`,
      uid: `${Math.floor(rand() * 1e8).toString(16).padStart(8, '0')}-1111-4a2b-9c3d-${Math.floor(rand() * 1e12).toString(16).padStart(12, '0')}`,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
      ...(pod ? { extra: { 'authentication.kubernetes.io/pod-name': [pod], 'authentication.kubernetes.io/node-name': ['ip-10-0-3-17.ec2.internal'] } } : {}),
    });
  list.push({ user: sa('flyte', 'flytepropeller', 'flytepropeller-7d9f8b6c4-x2x4k'), ip: '10.0.12.34', agent: 'flytepropeller/v1.13.1 (linux/amd64) kubernetes/$Format' });
  list.push({ user: JSON.stringify({ username: 'system:kube-controller-manager', groups: ['system:authenticated'] }), ip: '10.0.0.10', agent: 'kube-controller-manager/v1.30.2 (linux/amd64) kubernetes/3968350/leader-election' });
  list.push({ user: JSON.stringify({ username: 'system:kube-scheduler', groups: ['system:authenticated'] }), ip: '10.0.0.10', agent: 'kube-scheduler/v1.30.2 (linux/amd64) kubernetes/3968350/scheduler' });
  for (let n = 0; n < 6; n++) {
    list.push({ user: JSON.stringify({ username: `system:node:ip-10-0-3-${17 + n}.ec2.internal`, groups: ['system:nodes', 'system:authenticated'] }), ip: `10.0.3.${17 + n}`, agent: 'kubelet/v1.30.2 (linux/amd64) kubernetes/3968350' });
  }
  for (const who of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']) {
    list.push({ user: JSON.stringify({ username: `oidc:${who}@example.com`, groups: ['oidc:engineering', 'system:authenticated'] }), ip: '203.0.113.7', agent: 'kubectl/v1.30.2 (darwin/arm64) kubernetes/3968350' });
  }
  list.push({ user: sa('ml-production', 'ml-training', 'a8f2k1m9q0-n0-0'), ip: '10.0.3.99', agent: 'python-requests/2.31.0' });
  return list;
}

const NAMESPACES = ['ml-production', 'ml-development', 'data-production', 'data-development', 'kube-system', 'flyte', 'default'];
const RESOURCES: { resource: string; verbs: string[] }[] = [
  { resource: 'pods', verbs: ['get', 'list', 'watch', 'create', 'delete', 'patch'] },
  { resource: 'configmaps', verbs: ['get', 'list', 'update'] },
  { resource: 'secrets', verbs: ['get', 'list'] },
  { resource: 'leases', verbs: ['get', 'update'] },
  { resource: 'events', verbs: ['create', 'patch'] },
  { resource: 'nodes', verbs: ['get', 'patch'] },
  { resource: 'serviceaccounts', verbs: ['get'] },
];

/** Generates the archive into `dir` unless a complete one with the same spec is there; returns its manifest. */
export async function ensureK8sArchive(dir: string, spec: K8sArchiveSpec = DEFAULT_ARCHIVE_SPEC, log: (line: string) => void = () => undefined): Promise<K8sArchiveManifest> {
  const manifestPath = path.join(dir, MANIFEST);
  try {
    const existing = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as K8sArchiveManifest;
    const same = existing.version === VERSION && (Object.keys(spec) as (keyof K8sArchiveSpec)[]).every((k) => existing[k] === spec[k]);
    if (same && existing.files.every((f) => fs.existsSync(path.join(dir, f.name)))) return existing;
  } catch {
    // none yet, or unreadable: generate
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const rand = prng(spec.seed);
  const who = callers(rand);
  const span = spec.days * 86_400_000;
  const meanGapMs = span / spec.requests;

  const written: string[] = [];
  let out: string[] = [];
  let outBytes = 0;
  let lines = 0;
  const flushTo = (name: string) => {
    fs.writeFileSync(path.join(dir, name), out.join(''));
    written.push(name);
    out = [];
    outBytes = 0;
  };
  const emit = (text: string, stageMs: number) => {
    // lumberjack rotates when a write would overflow: the backup is named at that moment
    if (outBytes + text.length > spec.maxFileBytes && outBytes > 0) flushTo(backupName(stageMs));
    out.push(text);
    outBytes += text.length;
    lines += 1;
  };

  // completions waiting for their stage time, as a sorted queue (durations are short: it stays small)
  const completions: { stageMs: number; text: string }[] = [];
  let t = spec.startMs;
  let lastMs = t;
  for (let i = 0; i < spec.requests; i++) {
    // busier in the working day (UTC 08-18), quieter at night
    const hour = ((t - spec.startMs) / 3_600_000) % 24;
    const load = 1 + 0.5 * Math.sin(((hour - 7) / 24) * 2 * Math.PI);
    t += (-Math.log(1 - rand()) * meanGapMs) / load;
    const receivedMs = Math.floor(t);
    while (completions.length > 0 && completions[0].stageMs <= receivedMs) {
      const c = completions.shift()!;
      emit(c.text, c.stageMs);
    }
    const caller = who[Math.floor(rand() * who.length)];
    const kind = RESOURCES[Math.floor(rand() * RESOURCES.length)];
    const verb = kind.verbs[Math.floor(rand() * kind.verbs.length)];
    const ns = NAMESPACES[Math.floor(rand() * NAMESPACES.length)];
    const named = verb !== 'list' && verb !== 'watch' && verb !== 'create';
    const name = named ? `${kind.resource.slice(0, -1)}-${Math.floor(rand() * 500)}` : undefined;
    const id = `${Math.floor(rand() * 0xffffffff).toString(16).padStart(8, '0')}-${i.toString(16).padStart(4, '0').slice(-4)}-4${Math.floor(rand() * 0xfff).toString(16).padStart(3, '0')}-8${Math.floor(rand() * 0xfff).toString(16).padStart(3, '0')}-${(i * 7919).toString(16).padStart(12, '0').slice(-12)}`;
    const uri = `/api/v1/namespaces/${ns}/${kind.resource}${name ? `/${name}` : ''}${verb === 'watch' ? '?watch=true' : verb === 'list' ? '?limit=500' : ''}`;
    const ref = `{"resource":"${kind.resource}","namespace":"${ns}"${name ? `,"name":"${name}"` : ''},"apiVersion":"v1"}`;
    const slow = rand() < 0.01;
    const durationMs = slow ? 1000 + rand() * 20_000 : 1 + rand() * rand() * 120;
    const denied = rand() < 0.02;
    const head = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"${id}","stage":"`;
    const body = `","requestURI":"${uri}","verb":"${verb}","user":${caller.user},"sourceIPs":["${caller.ip}"],"userAgent":"${caller.agent}","objectRef":${ref}`;
    const rr = microTime(receivedMs, Math.floor(rand() * 1000));
    const annotations = denied
      ? `"annotations":{"authorization.k8s.io/decision":"forbid","authorization.k8s.io/reason":""}}\n`
      : `"annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by ClusterRoleBinding \\"system:${kind.resource}\\" of ClusterRole \\"system:${kind.resource}\\""}}\n`;
    emit(`${head}RequestReceived${body},"requestReceivedTimestamp":"${rr}","stageTimestamp":"${rr}",${annotations}`, receivedMs);
    const doneMs = receivedMs + Math.floor(durationMs);
    const status = denied
      ? `{"metadata":{},"status":"Failure","message":"${kind.resource} is forbidden","reason":"Forbidden","details":{"kind":"${kind.resource}"},"code":403}`
      : `{"metadata":{},"code":${verb === 'create' ? 201 : 200}}`;
    const complete = `${head}ResponseComplete${body},"responseStatus":${status},"requestReceivedTimestamp":"${rr}","stageTimestamp":"${microTime(doneMs, Math.floor(rand() * 1000))}",${annotations}`;
    let at = completions.length;
    while (at > 0 && completions[at - 1].stageMs > doneMs) at -= 1;
    completions.splice(at, 0, { stageMs: doneMs, text: complete });
    lastMs = receivedMs;
  }
  for (const c of completions) emit(c.text, c.stageMs);
  fs.writeFileSync(path.join(dir, 'audit.log'), out.join(''));
  out = [];
  log(`generated ${spec.requests} requests (${lines} lines) in ${written.length} backups + audit.log in ${((Date.now() - started) / 1000).toFixed(1)}s; compressing older backups`);

  // lumberjack gzips backups after rotation; the newest few are left plain here to exercise both readers
  const toCompress = written.slice(0, Math.max(0, written.length - spec.plainBackups));
  const names: string[] = [];
  for (const name of written) {
    if (toCompress.includes(name)) {
      const p = path.join(dir, name);
      fs.writeFileSync(`${p}.gz`, zlib.gzipSync(fs.readFileSync(p)));
      fs.unlinkSync(p);
      names.push(`${name}.gz`);
    } else {
      names.push(name);
    }
  }
  names.push('audit.log');
  const files = names.map((name) => ({ name, bytes: fs.statSync(path.join(dir, name)).size }));
  const manifest: K8sArchiveManifest = {
    ...spec,
    version: VERSION,
    lines,
    files,
    totalBytes: files.reduce((s, f) => s + f.bytes, 0),
    endMs: lastMs,
  };
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  log(`archive ready in ${((Date.now() - started) / 1000).toFixed(1)}s: ${files.length} files, ${(manifest.totalBytes / 1e6).toFixed(1)} MB on disk`);
  return manifest;
}
