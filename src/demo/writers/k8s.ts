import { HOUR, isoMicros, MINUTE, parts, SECOND, type DemoDay } from '../clock';
import type { IncidentRef, K8sFacts, SourceCounts, TimelineEntry } from '../manifest';
import { ALICE, K8S_NODES, k8sUser, ORG, PEOPLE, type Person, personIp, USER_AGENTS } from '../org';
import { scaled, type DemoFile, type WriterContext } from '../output';
import type { Rng } from '../prng';
import { INCIDENT_RUN, labelValue, type PlannedNode, type PlannedRun } from '../runs';

/**
 * The kube-apiserver log backend (`--audit-log-path`): JSON lines, one audit.k8s.io/v1 Event per stage
 * (RequestReceived, then ResponseComplete), in stage-timestamp order, in the live `audit.log` and the
 * backups lumberjack rotated by size, `audit-<rotation time, UTC>.log`, gzipped by `--audit-log-compress`.
 */

type Obj = Record<string, unknown>;
type Level = 'Metadata' | 'Request' | 'RequestResponse';

interface K8sUserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

interface Caller {
  user: K8sUserInfo;
  sourceIPs: string[];
  userAgent: string;
  /** the authorizer's reason for an allowed request */
  allowedBy: string;
}

interface Target {
  requestURI: string;
  objectRef?: Obj;
}

interface Request {
  receivedUs: number;
  completeUs: number;
  auditID: string;
  level: Level;
  verb: string;
  target: Target;
  caller: Caller;
  code: number;
  failure?: { reason: string; message: string; details?: Obj };
  /** for a create: the new object's name, which the apiserver adds to objectRef once it has decoded the body */
  createdName?: string;
  requestObject?: Obj;
  annotations?: Record<string, string>;
}

interface Line {
  us: number;
  seq: number;
  text: string;
}

const K8S_VERSION = 'v1.29.1';
const K8S_COMMIT = 'bd04941';
const CONTROL_PLANE_IP = '127.0.0.1';
const NAMESPACES = ['ml-production', 'ml-development', 'data-production', 'data-development', 'flyte', 'kube-system', 'karpenter', 'argocd', 'monitoring', 'feature-api'];
const APP_NAMESPACES = ['ml-production', 'ml-development', 'data-production', 'data-development', 'feature-api', 'flyte', 'monitoring'];
const SERVICES = ['feature-api', 'flyteadmin', 'flyteconsole', 'datacatalog', 'prometheus-server', 'grafana', 'kube-dns', 'argocd-server', 'model-server', 'redis'];
const DEPLOYMENTS = ['feature-api', 'model-server', 'flyteadmin', 'flyteconsole', 'flytepropeller', 'datacatalog', 'grafana', 'redis', 'argocd-server', 'coredns'];
const CONFIGMAPS = ['feature-api-config', 'flyte-propeller-config', 'kube-root-ca.crt', 'grafana-dashboards', 'model-server-config', 'aws-auth'];

/** A resource request's URI and objectRef, built the way the apiserver builds them. */
function resource(p: { resource: string; group?: string; version?: string; namespace?: string; name?: string; subresource?: string; query?: string }): Target {
  const version = p.version ?? 'v1';
  const prefix = p.group ? `/apis/${p.group}/${version}` : `/api/${version}`;
  let uri = prefix + (p.namespace ? `/namespaces/${p.namespace}` : '') + `/${p.resource}`;
  if (p.name) uri += `/${p.name}`;
  if (p.subresource) uri += `/${p.subresource}`;
  if (p.query) uri += `?${p.query}`;
  return {
    requestURI: uri,
    objectRef: { resource: p.resource, namespace: p.namespace, name: p.name, apiGroup: p.group, apiVersion: version, subresource: p.subresource },
  };
}

function serviceAccountUser(namespace: string, name: string, pod?: { name: string; uid: string; node: (typeof K8S_NODES)[number] }, credentialId?: string): K8sUserInfo {
  return {
    username: `system:serviceaccount:${namespace}:${name}`,
    uid: stableSaUid(namespace, name),
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
    extra: pod
      ? {
          'authentication.kubernetes.io/credential-id': [`JTI=${credentialId ?? '00000000-0000-0000-0000-000000000000'}`],
          'authentication.kubernetes.io/node-name': [pod.node.name],
          'authentication.kubernetes.io/node-uid': [nodeUid(pod.node.name)],
          'authentication.kubernetes.io/pod-name': [pod.name],
          'authentication.kubernetes.io/pod-uid': [pod.uid],
        }
      : undefined,
  };
}

function stableSaUid(namespace: string, name: string): string {
  let h = 2166136261;
  for (const ch of `${namespace}/${name}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const hex = (h.toString(16).padStart(8, '0') + (Math.imul(h, 2654435761) >>> 0).toString(16).padStart(8, '0')).repeat(2);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function nodeUid(name: string): string {
  return stableSaUid('node', name);
}

function rbac(kind: 'ClusterRoleBinding' | 'RoleBinding', binding: string, role: string, subjectKind: string, subject: string, namespace?: string): string {
  const b = kind === 'RoleBinding' ? `"${binding}/${namespace}"` : `"${binding}"`;
  return `RBAC: allowed by ${kind} ${b} of ClusterRole "${role}" to ${subjectKind} "${subject}"`;
}

class AuditLog {
  readonly requests: Request[] = [];

  constructor(private readonly rng: Rng) {}

  add(r: Omit<Request, 'auditID' | 'completeUs' | 'level'> & { latencyUs?: number; level?: Level }): IncidentRef {
    const auditID = this.rng.uuid();
    const latency = r.latencyUs ?? this.rng.int(1_200, 45_000);
    const req: Request = { ...r, auditID, level: r.level ?? 'Metadata', completeUs: r.receivedUs + latency };
    this.requests.push(req);
    return { id: auditID, time: isoMicros(req.receivedUs) };
  }

  /** Every request gives two lines: RequestReceived, then ResponseComplete. */
  lines(): Line[] {
    const out: Line[] = [];
    let seq = 0;
    for (const r of this.requests) {
      const base = {
        kind: 'Event',
        apiVersion: 'audit.k8s.io/v1',
        level: r.level,
        auditID: r.auditID,
      };
      const who = {
        requestURI: r.target.requestURI,
        verb: r.verb,
        user: r.caller.user,
        sourceIPs: r.caller.sourceIPs,
        userAgent: r.caller.userAgent,
        objectRef: r.target.objectRef,
      };
      const receivedAt = isoMicros(r.receivedUs);
      const received = { ...base, stage: 'RequestReceived', ...who, requestReceivedTimestamp: receivedAt, stageTimestamp: receivedAt };
      const responseStatus = r.failure
        ? { metadata: {}, status: 'Failure', message: r.failure.message, reason: r.failure.reason, details: r.failure.details, code: r.code }
        : { metadata: {}, code: r.code };
      const decision = r.code === 403 ? { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' } : { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': r.caller.allowedBy };
      const complete = {
        ...base,
        stage: 'ResponseComplete',
        ...who,
        objectRef: r.createdName && r.target.objectRef ? { ...r.target.objectRef, name: r.createdName } : r.target.objectRef,
        responseStatus,
        requestObject: r.level === 'Metadata' ? undefined : r.requestObject,
        requestReceivedTimestamp: receivedAt,
        stageTimestamp: isoMicros(r.completeUs),
        annotations: { ...decision, ...r.annotations },
      };
      out.push({ us: r.receivedUs, seq: seq++, text: JSON.stringify(received) });
      out.push({ us: r.completeUs, seq: seq++, text: JSON.stringify(complete) });
    }
    return out.sort((a, b) => a.us - b.us || a.seq - b.seq);
  }
}

function ua(component: string, suffix = ''): string {
  return `${component}/${K8S_VERSION} (linux/amd64) kubernetes/${K8S_COMMIT}${suffix}`;
}

function controller(name: string): Caller {
  const user = serviceAccountUser('kube-system', name);
  return {
    user,
    sourceIPs: [CONTROL_PLANE_IP],
    userAgent: ua('kube-controller-manager', `/system:serviceaccount:kube-system:${name}`),
    allowedBy: rbac('ClusterRoleBinding', `system:controller:${name}`, `system:controller:${name}`, 'ServiceAccount', `${name}/kube-system`),
  };
}

function podCaller(rng: Rng, namespace: string, sa: string, podName: string, node: (typeof K8S_NODES)[number], userAgent: string, role: string): Caller {
  const podUid = rng.uuid();
  return {
    user: serviceAccountUser(namespace, sa, { name: podName, uid: podUid, node }, rng.uuid()),
    sourceIPs: [`10.0.${node.ip.split('.')[2]}.${rng.int(20, 250)}`],
    userAgent,
    allowedBy: rbac('ClusterRoleBinding', role, role, 'ServiceAccount', `${sa}/${namespace}`),
  };
}

function personCaller(p: Person, ip: string, ipChain?: string[]): Caller {
  return {
    user: { username: k8sUser(p), groups: [`oidc:${p.team}`, 'system:authenticated'] },
    sourceIPs: ipChain ?? [ip],
    userAgent: p === ALICE && ipChain ? USER_AGENTS.attackerKubectl : USER_AGENTS.kubectl[p.os],
    allowedBy: '',
  };
}

/** kubelets: node status every few minutes. */
function kubelets(log: AuditLog, rng: Rng, ctx: WriterContext): void {
  const { day } = ctx;
  for (const node of K8S_NODES) {
    const caller: Caller = { user: { username: `system:node:${node.name}`, groups: ['system:nodes', 'system:authenticated'] }, sourceIPs: [node.ip], userAgent: ua('kubelet'), allowedBy: '' };
    for (const us of rng.instants(scaled(ctx, 360), day.start, day.end)) {
      log.add({ receivedUs: us, verb: 'patch', target: resource({ resource: 'nodes', name: node.name, subresource: 'status', query: 'timeout=10s' }), caller, code: 200, latencyUs: rng.int(3_000, 15_000) });
    }
  }
}

/** kube-controller-manager's controllers. */
function controllers(log: AuditLog, rng: Rng, ctx: WriterContext): void {
  const { day } = ctx;
  const eps = controller('endpointslice-controller');
  for (const us of rng.instants(scaled(ctx, 1200), day.start, day.end)) {
    const ns = rng.pick(APP_NAMESPACES);
    const conflict = rng.chance(0.02);
    log.add({
      receivedUs: us,
      verb: 'update',
      target: resource({ resource: 'endpointslices', group: 'discovery.k8s.io', namespace: ns, name: `${rng.pick(SERVICES)}-${rng.lowerAlnum(5)}` }),
      caller: eps,
      code: conflict ? 409 : 200,
      failure: conflict ? { reason: 'Conflict', message: 'Operation cannot be fulfilled on endpointslices.discovery.k8s.io: the object has been modified; please apply your changes to the latest version and try again', details: { group: 'discovery.k8s.io', kind: 'endpointslices' } } : undefined,
    });
  }
  const rs = controller('replicaset-controller');
  for (const us of rng.instants(scaled(ctx, 400), day.start, day.end)) {
    const ns = rng.pick(APP_NAMESPACES);
    log.add({ receivedUs: us, verb: 'update', target: resource({ resource: 'replicasets', group: 'apps', namespace: ns, name: `${rng.pick(DEPLOYMENTS)}-${rng.hex(9).replace(/^\d/, 'f')}`, subresource: 'status' }), caller: rs, code: 200 });
  }
  const gc = controller('generic-garbage-collector');
  for (const us of rng.instants(scaled(ctx, 200), day.start, day.end)) {
    const kind = rng.pick([{ resource: 'pods' }, { resource: 'replicasets', group: 'apps' }, { resource: 'jobs', group: 'batch' }]);
    log.add({ receivedUs: us, verb: 'list', target: resource({ ...kind, namespace: rng.pick(NAMESPACES), query: 'limit=500' }), caller: gc, code: 200 });
  }
  const eksUsers = [
    { username: 'eks:certificate-controller', resource: 'certificatesigningrequests', group: 'certificates.k8s.io', verbs: ['list', 'get', 'update'] },
    { username: 'eks:node-manager', resource: 'nodes', group: undefined, verbs: ['get', 'list'] },
    { username: 'eks:addon-manager', resource: 'configmaps', group: undefined, verbs: ['get'] },
    { username: 'eks:cloud-controller-manager', resource: 'nodes', group: undefined, verbs: ['get', 'update'] },
  ];
  for (const us of rng.instants(scaled(ctx, 800), day.start, day.end)) {
    const e = rng.pick(eksUsers);
    const verb = rng.pick(e.verbs);
    const name = e.resource === 'nodes' ? rng.pick(K8S_NODES).name : e.resource === 'configmaps' ? 'aws-auth' : verb === 'list' ? undefined : `csr-${rng.lowerAlnum(5)}`;
    log.add({
      receivedUs: us,
      verb,
      target: resource({ resource: e.resource, group: e.group, namespace: e.resource === 'configmaps' ? 'kube-system' : undefined, name: verb === 'list' ? undefined : name }),
      caller: { user: { username: e.username, groups: ['system:authenticated'] }, sourceIPs: [CONTROL_PLANE_IP], userAgent: `${e.username.slice(4)}/v0.0.0 (linux/amd64) kubernetes/$Format`, allowedBy: `RBAC: allowed by ClusterRoleBinding "${e.username}" of ClusterRole "${e.username}" to User "${e.username}"` },
      code: 200,
    });
  }
}

/** In-cluster workloads that talk to the apiserver all day. */
function workloads(log: AuditLog, rng: Rng, ctx: WriterContext): void {
  const { day } = ctx;
  const karpenter = podCaller(rng, 'karpenter', 'karpenter', `karpenter-7c9f6b8d5-${rng.lowerAlnum(5)}`, K8S_NODES[0], 'karpenter/v0.35.2', 'karpenter-core');
  for (const us of rng.instants(scaled(ctx, 3600), day.start, day.end)) {
    const kind = rng.weighted([
      [{ resource: 'nodepools', group: 'karpenter.sh', version: 'v1beta1' }, 3],
      [{ resource: 'nodeclaims', group: 'karpenter.sh', version: 'v1beta1' }, 4],
      [{ resource: 'ec2nodeclasses', group: 'karpenter.k8s.aws', version: 'v1beta1' }, 2],
      [{ resource: 'nodes', group: undefined, version: 'v1' }, 3],
      [{ resource: 'pods', group: undefined, version: 'v1' }, 2],
    ] as const);
    const verb = rng.weighted([['get', 4], ['list', 3], ['update', 1], ['patch', 1]] as const);
    const named = verb !== 'list';
    const name = kind.resource === 'nodes' ? rng.pick(K8S_NODES).name : kind.resource === 'nodepools' ? rng.pick(['default', 'gpu', 'system']) : kind.resource === 'ec2nodeclasses' ? 'default' : `default-${rng.lowerAlnum(5)}`;
    log.add({ receivedUs: us, verb, target: resource({ ...kind, name: named && kind.resource !== 'pods' ? name : undefined, query: verb === 'list' ? 'limit=500' : undefined }), caller: karpenter, code: 200 });
  }

  const argocd = podCaller(rng, 'argocd', 'argocd-application-controller', 'argocd-application-controller-0', K8S_NODES[1], 'argocd-application-controller/v2.10.4+f5d63a5 (linux/amd64)', 'argocd-application-controller');
  for (const us of rng.instants(scaled(ctx, 3600), day.start, day.end)) {
    const ns = rng.pick(APP_NAMESPACES);
    const kind = rng.weighted([
      [{ resource: 'deployments', group: 'apps' }, 4],
      [{ resource: 'services', group: undefined }, 3],
      [{ resource: 'configmaps', group: undefined }, 3],
      [{ resource: 'serviceaccounts', group: undefined }, 2],
    ] as const);
    const verb = rng.weighted([['get', 5], ['list', 3], ['patch', 0.4]] as const);
    const name = kind.resource === 'deployments' ? rng.pick(DEPLOYMENTS) : kind.resource === 'services' ? rng.pick(SERVICES) : kind.resource === 'configmaps' ? rng.pick(CONFIGMAPS) : 'default';
    const notFound = verb === 'get' && rng.chance(0.03);
    log.add({
      receivedUs: us,
      verb,
      target: resource({ resource: kind.resource, group: kind.group, namespace: ns, name: verb === 'list' ? undefined : name, query: verb === 'list' ? 'limit=500' : undefined }),
      caller: argocd,
      code: notFound ? 404 : 200,
      failure: notFound ? { reason: 'NotFound', message: `${kind.resource} "${name}" not found`, details: { name, group: kind.group, kind: kind.resource } } : undefined,
    });
  }

  const prometheus = podCaller(rng, 'monitoring', 'prometheus-server', `prometheus-server-6d8f9c7b4-${rng.lowerAlnum(5)}`, K8S_NODES[4], 'Prometheus/2.50.1', 'prometheus-server');
  for (const us of rng.instants(scaled(ctx, 2400), day.start, day.end)) {
    log.add({ receivedUs: us, verb: 'list', target: resource({ resource: rng.pick(['pods', 'endpoints', 'services']), namespace: rng.pick(NAMESPACES), query: 'limit=500&resourceVersion=0' }), caller: prometheus, code: 200 });
  }

  const coredns = podCaller(rng, 'kube-system', 'coredns', `coredns-5b8cc885bc-${rng.lowerAlnum(5)}`, K8S_NODES[3], 'coredns/v1.11.1 (linux/amd64) kubernetes/$Format', 'system:coredns');
  for (const us of rng.instants(scaled(ctx, 600), day.start, day.end)) {
    const kind = rng.pick([{ resource: 'endpointslices', group: 'discovery.k8s.io' }, { resource: 'services' }, { resource: 'namespaces' }]);
    log.add({ receivedUs: us, verb: 'list', target: resource({ ...kind, query: 'limit=500&resourceVersion=0' }), caller: coredns, code: 200 });
  }

  for (const node of K8S_NODES) {
    const awsNode = podCaller(rng, 'kube-system', 'aws-node', `aws-node-${rng.lowerAlnum(5)}`, node, 'amazon-vpc-cni-k8s/v1.16.4', 'aws-node');
    awsNode.sourceIPs = [node.ip];
    for (const us of rng.instants(scaled(ctx, 150), day.start, day.end)) {
      const getNode = rng.chance(0.5);
      log.add({
        receivedUs: us,
        verb: getNode ? 'get' : 'list',
        target: getNode ? resource({ resource: 'nodes', name: node.name }) : resource({ resource: 'eniconfigs', group: 'crd.k8s.amazonaws.com', version: 'v1alpha1', query: 'limit=500' }),
        caller: awsNode,
        code: 200,
      });
    }
  }
}

/** People using kubectl: a few bursts of reads a day. */
function people(log: AuditLog, rng: Rng, ctx: WriterContext): void {
  const { day } = ctx;
  for (const p of PEOPLE) {
    if (!p.k8s || p === ALICE) continue;
    const from = day.start + p.workStartHour * HOUR;
    const to = from + p.workHours * HOUR;
    for (let s = rng.int(2, 6); s > 0; s--) {
      kubectlSession(log, rng, p, personIp(p, rng.chance(0.8)), rng.int(from, to - 30 * MINUTE), scaled(ctx, rng.int(10, 40)));
    }
  }
  kubectlSession(log, rng, ALICE, ORG.officeIp, day.at('08:12:30'), scaled(ctx, 14));
}

function kubectlSession(log: AuditLog, rng: Rng, p: Person, ip: string, startUs: number, count: number): void {
  const caller = personCaller(p, ip);
  const teamNs = p.team === 'data' ? ['data-production', 'data-development'] : p.team === 'infrastructure' ? NAMESPACES : ['ml-production', 'ml-development', 'feature-api'];
  const group = `oidc:${p.team}`;
  let t = startUs;
  log.add({ receivedUs: t, verb: 'get', target: { requestURI: '/api?timeout=32s' }, caller: { ...caller, allowedBy: rbac('ClusterRoleBinding', 'system:discovery', 'system:discovery', 'Group', 'system:authenticated') }, code: 200 });
  log.add({ receivedUs: t + 9_000, verb: 'get', target: { requestURI: '/apis?timeout=32s' }, caller: { ...caller, allowedBy: rbac('ClusterRoleBinding', 'system:discovery', 'system:discovery', 'Group', 'system:authenticated') }, code: 200 });
  for (let i = 0; i < count; i++) {
    t += rng.int(2, 90) * SECOND + rng.int(0, 1000) * 1000;
    const ns = rng.pick(teamNs);
    const allowed = { ...caller, allowedBy: rbac('RoleBinding', `${p.team}-view`, 'view', 'Group', group, ns) };
    const choice = rng.weighted([
      ['pods', 6],
      ['pod', 3],
      ['logs', 3],
      ['deployments', 2],
      ['events', 1],
      ['nodes', 1],
      ['flyteworkflows', 1],
      ['secret', 0.3],
      ['exec', 0.2],
    ] as const);
    const podName = `${rng.pick(DEPLOYMENTS)}-${rng.hex(9).replace(/^\d/, 'c')}-${rng.lowerAlnum(5)}`;
    switch (choice) {
      case 'pods':
        log.add({ receivedUs: t, verb: 'list', target: resource({ resource: 'pods', namespace: ns, query: 'limit=500' }), caller: allowed, code: 200 });
        break;
      case 'pod':
        log.add({ receivedUs: t, verb: 'get', target: resource({ resource: 'pods', namespace: ns, name: podName }), caller: allowed, code: 200 });
        break;
      case 'logs':
        log.add({ receivedUs: t, verb: 'get', target: resource({ resource: 'pods', namespace: ns, name: podName, subresource: 'log', query: 'tailLines=200' }), caller: allowed, code: 200, latencyUs: rng.int(20_000, 400_000) });
        break;
      case 'deployments':
        log.add({ receivedUs: t, verb: 'list', target: resource({ resource: 'deployments', group: 'apps', namespace: ns, query: 'limit=500' }), caller: allowed, code: 200 });
        break;
      case 'events':
        log.add({ receivedUs: t, verb: 'list', target: resource({ resource: 'events', namespace: ns, query: 'limit=500' }), caller: allowed, code: 200 });
        break;
      case 'nodes':
        log.add({ receivedUs: t, verb: 'list', target: resource({ resource: 'nodes', query: 'limit=500' }), caller: { ...caller, allowedBy: rbac('ClusterRoleBinding', 'engineers-node-view', 'node-viewer', 'Group', group) }, code: 200 });
        break;
      case 'flyteworkflows':
        log.add({ receivedUs: t, verb: 'list', target: resource({ resource: 'flyteworkflows', group: 'flyte.lyft.com', version: 'v1alpha1', namespace: ns, query: 'limit=500' }), caller: allowed, code: 200 });
        break;
      case 'secret': {
        const name = rng.pick(['feature-api-db', 'grafana-admin', 'regcred']);
        const infra = p.team === 'infrastructure';
        log.add({
          receivedUs: t,
          verb: 'get',
          target: resource({ resource: 'secrets', namespace: ns, name }),
          caller: infra ? { ...caller, allowedBy: rbac('ClusterRoleBinding', 'infrastructure-admin', 'cluster-admin', 'Group', group) } : caller,
          code: infra ? 200 : 403,
          failure: infra ? undefined : { reason: 'Forbidden', message: `secrets "${name}" is forbidden: User "${k8sUser(p)}" cannot get resource "secrets" in API group "" in the namespace "${ns}"`, details: { name, kind: 'secrets' } },
        });
        break;
      }
      case 'exec':
        log.add({ receivedUs: t, verb: 'create', target: resource({ resource: 'pods', namespace: ns, name: podName, subresource: 'exec', query: `command=%2Fbin%2Fsh&container=${podName.split('-')[0]}&stdin=true&stdout=true&tty=true` }), caller: { ...caller, allowedBy: rbac('RoleBinding', `${p.team}-edit`, 'edit', 'Group', group, ns) }, code: 101, latencyUs: rng.int(30, 600) * SECOND });
        break;
    }
  }
}

const PROPELLER_POD = { name: 'flytepropeller-7d9f8b6c5d-x2k4p', uid: '6b1f0e52-9c3d-4a8e-b7f2-1d5c9e0a3f64', node: K8S_NODES[1] };
const FLYTEADMIN_POD = { name: 'flyteadmin-6c8d7f9b4-q8r2n', uid: '3e7a9c14-5b2d-4f6e-8a1c-9d0b2e4f7a35', node: K8S_NODES[0] };

function propellerCaller(): Caller {
  return {
    user: serviceAccountUser('flyte', 'flytepropeller', PROPELLER_POD, '4c2e8a1f-7b3d-4e9c-a5f6-0d1b3c5e7f92'),
    sourceIPs: ['10.0.1.164'],
    userAgent: 'flytepropeller/v1.11.0 (linux/amd64) kubernetes/$Format',
    allowedBy: rbac('ClusterRoleBinding', 'flytepropeller', 'flytepropeller', 'ServiceAccount', 'flytepropeller/flyte'),
  };
}

function flyteadminCaller(): Caller {
  return {
    user: serviceAccountUser('flyte', 'flyteadmin', FLYTEADMIN_POD, '8d4f1a3c-2e6b-4c7d-9f0a-5b1e3d7c9a26'),
    sourceIPs: ['10.0.1.212'],
    userAgent: 'flyteadmin/v1.11.0 (linux/amd64) kubernetes/$Format',
    allowedBy: rbac('ClusterRoleBinding', 'flyteadmin-binding', 'flyteadmin', 'ServiceAccount', 'flyteadmin/flyte'),
  };
}

/** The pod propeller asks for: Flyte's labels, owned by the run's FlyteWorkflow, running as the run's service account. */
function flytePod(run: PlannedRun, node: PlannedNode, workflowUid: string): Obj {
  const image = run.project === 'ml' ? 'ml/trainer' : 'data/ingest';
  const labels = flyteLabels(run, node);
  const taskModule = node.taskName.split('.').slice(0, -1).join('.');
  const taskFn = node.taskName.split('.').slice(-1)[0];
  const gpu = node.taskName === 'ml.train.train_model';
  const resources = gpu ? { limits: { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': '1' }, requests: { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': '1' } } : { limits: { cpu: '2', memory: '4Gi' }, requests: { cpu: '2', memory: '4Gi' } };
  const prefix = `s3://acme-flyte-prod/metadata/propeller/${run.project}-${run.domain}-${run.name}/${node.nodeId}/data`;
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name: node.podName,
      namespace: run.namespace,
      creationTimestamp: null,
      labels,
      annotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false', primary_container_name: node.podName },
      ownerReferences: [{ apiVersion: 'flyte.lyft.com/v1alpha1', kind: 'flyteworkflow', name: run.name, uid: workflowUid, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      containers: [
        {
          name: node.podName,
          image: `${ORG.awsAccount}.dkr.ecr.${ORG.awsRegion}.amazonaws.com/${image}:${run.version.split('-').slice(-1)[0]}`,
          args: ['pyflyte-execute', '--inputs', `${prefix}/inputs.pb`, '--output-prefix', `${prefix}/0`, '--raw-output-data-prefix', `s3://acme-flyte-prod/raw/${run.name}`, '--checkpoint-path', `s3://acme-flyte-prod/raw/${run.name}/_flytecheckpoints`, '--prev-checkpoint', '""', '--resolver', 'flytekit.core.python_auto_container.default_task_resolver', '--', 'task-module', taskModule, 'task-name', taskFn],
          env: [
            { name: 'FLYTE_INTERNAL_EXECUTION_WORKFLOW', value: `${run.project}:${run.domain}:${run.launchPlan}` },
            { name: 'FLYTE_INTERNAL_EXECUTION_ID', value: run.name },
            { name: 'FLYTE_INTERNAL_EXECUTION_PROJECT', value: run.project },
            { name: 'FLYTE_INTERNAL_EXECUTION_DOMAIN', value: run.domain },
            { name: 'FLYTE_INTERNAL_TASK_NAME', value: node.taskName },
            { name: 'FLYTE_INTERNAL_TASK_VERSION', value: run.version },
          ],
          resources,
          terminationMessagePolicy: 'FallbackToLogsOnError',
        },
      ],
      restartPolicy: 'Never',
      serviceAccountName: run.serviceAccount,
      tolerations: gpu ? [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] : undefined,
    },
    status: {},
  };
}

export function flyteLabels(run: PlannedRun, node: PlannedNode): Record<string, string> {
  return {
    domain: run.domain,
    'execution-id': run.name,
    interruptible: 'false',
    'node-id': node.nodeId,
    project: run.project,
    'shard-key': String((run.name.charCodeAt(1) * 7) % 32),
    'task-name': labelValue(node.taskName),
    'workflow-name': labelValue(run.launchPlan),
  };
}

interface RunRefs {
  workflowCreate: IncidentRef;
  podCreate: IncidentRef;
  podBinding: IncidentRef;
  podDelete?: IncidentRef;
}

/** What a Flyte run does in the apiserver: its FlyteWorkflow, its pods created and bound, their status. */
function runEvents(log: AuditLog, rng: Rng, run: PlannedRun): RunRefs {
  const propeller = propellerCaller();
  const workflowUid = rng.uuid();
  const wf = (name?: string, subresource?: string): Target => resource({ resource: 'flyteworkflows', group: 'flyte.lyft.com', version: 'v1alpha1', namespace: run.namespace, name, subresource });
  const workflowCreate = log.add({ receivedUs: run.createdUs + 360_000, verb: 'create', target: wf(), createdName: run.name, caller: flyteadminCaller(), code: 201 });
  const scheduler: Caller = { user: { username: 'system:kube-scheduler', groups: ['system:authenticated'] }, sourceIPs: [CONTROL_PLANE_IP], userAgent: ua('kube-scheduler', '/scheduler'), allowedBy: rbac('ClusterRoleBinding', 'system:kube-scheduler', 'system:kube-scheduler', 'User', 'system:kube-scheduler') };
  let first: { podCreate: IncidentRef; podBinding: IncidentRef } | undefined;
  let podDelete: IncidentRef | undefined;
  log.add({ receivedUs: run.startedUs + rng.int(100, 900) * 1000, verb: 'update', target: wf(run.name), caller: propeller, code: 200 });
  for (const node of run.nodes) {
    const kubelet: Caller = { user: { username: `system:node:${node.k8sNode.name}`, groups: ['system:nodes', 'system:authenticated'] }, sourceIPs: [node.k8sNode.ip], userAgent: ua('kubelet'), allowedBy: '' };
    const podCreate = log.add({
      receivedUs: node.podCreatedUs,
      verb: 'create',
      level: 'Request',
      target: resource({ resource: 'pods', namespace: run.namespace }),
      createdName: node.podName,
      caller: propeller,
      code: 201,
      requestObject: flytePod(run, node, workflowUid),
      annotations: { 'pod-security.kubernetes.io/enforce-policy': 'privileged:latest' },
      latencyUs: rng.int(15_000, 60_000),
    });
    // The incident's times are fixed whatever the seed (the draw still happens, keeping the stream aligned).
    const bindingDelay = rng.int(40, 120) * 1000;
    const podBinding = log.add({
      receivedUs: node.podCreatedUs + (run.incident ? 106_000 : bindingDelay),
      verb: 'create',
      target: resource({ resource: 'pods', namespace: run.namespace, name: node.podName, subresource: 'binding' }),
      caller: scheduler,
      code: 201,
    });
    first ??= { podCreate, podBinding };
    for (const us of [node.podCreatedUs + rng.int(900, 1800) * 1000, node.startedUs, node.endedUs + rng.int(300, 1500) * 1000]) {
      log.add({ receivedUs: us, verb: 'patch', target: resource({ resource: 'pods', namespace: run.namespace, name: node.podName, subresource: 'status' }), caller: kubelet, code: 200 });
    }
    for (const us of [node.startedUs + rng.int(1, 4) * SECOND, node.endedUs + rng.int(1, 3) * SECOND]) {
      log.add({ receivedUs: us, verb: 'update', target: wf(run.name), caller: propeller, code: 200 });
    }
    if (run.phase === 'ABORTED' && node.phase === 'ABORTED') {
      podDelete = log.add({ receivedUs: run.endedUs + 593_000, verb: 'delete', target: resource({ resource: 'pods', namespace: run.namespace, name: node.podName }), caller: propeller, code: 200 });
    }
  }
  log.add({ receivedUs: run.endedUs + rng.int(200, 900) * 1000, verb: 'update', target: wf(run.name, 'status'), caller: propeller, code: 200 });
  if (!first) throw new Error(`run ${run.name} has no nodes`);
  return { workflowCreate, ...first, podDelete };
}

/** flyteadmin's cluster resource sync: it checks each project-domain namespace every ten minutes. */
function flyteadminSync(log: AuditLog, rng: Rng, ctx: WriterContext): void {
  const { day } = ctx;
  const caller = flyteadminCaller();
  const namespaces = ORG.flyteProjects.flatMap((p) => ORG.flyteDomains.map((d) => `${p}-${d}`));
  for (let us = day.start + rng.int(0, 60) * SECOND; us < day.end; us += 10 * MINUTE) {
    if (!rng.chance(Math.min(1, ctx.scale))) continue;
    for (const ns of namespaces) {
      log.add({ receivedUs: us + rng.int(0, 2000) * 1000, verb: 'get', target: resource({ resource: 'namespaces', name: ns }), caller, code: 200 });
      log.add({ receivedUs: us + rng.int(2000, 4000) * 1000, verb: 'get', target: resource({ resource: 'resourcequotas', namespace: ns, name: 'project-quota' }), caller, code: 200 });
    }
  }
}

function incident(log: AuditLog, rng: Rng, runs: PlannedRun[], day: DemoDay): K8sFacts {
  // Early in the day Argo CD syncs the IRSA annotation onto ml-production/ml-training.
  const argocd = podCaller(rng, 'argocd', 'argocd-application-controller', 'argocd-application-controller-0', K8S_NODES[1], 'argocd-application-controller/v2.10.4+f5d63a5 (linux/amd64)', 'argocd-application-controller');
  const annotation = 'eks.amazonaws.com/role-arn';
  const serviceAccountAnnotation = log.add({
    receivedUs: day.at('06:12:40.318'),
    verb: 'patch',
    level: 'Request',
    target: resource({ resource: 'serviceaccounts', namespace: ORG.trainingNamespace, name: ORG.trainingServiceAccount }),
    caller: argocd,
    code: 200,
    requestObject: { metadata: { annotations: { [annotation]: ORG.irsaRoleArn, 'argocd.argoproj.io/tracking-id': 'ml-platform:/ServiceAccount:ml-production/ml-training' } } },
  });

  // 09:06: kubectl with alice's OIDC identity from the attacker's machine. X-Forwarded-For is the client's
  // to set; the apiserver appends the connection's address, so only the last IP is trustworthy.
  const attacker = personCaller(ALICE, ORG.attackerIp, [ORG.officeIp, ORG.attackerIp]);
  const view = { ...attacker, allowedBy: rbac('RoleBinding', 'ml-platform-admin', 'admin', 'Group', 'oidc:ml-platform', ORG.trainingNamespace) };
  const discovery = { ...attacker, allowedBy: rbac('ClusterRoleBinding', 'system:discovery', 'system:discovery', 'Group', 'system:authenticated') };
  log.add({ receivedUs: day.at('09:06:11.874'), verb: 'get', target: { requestURI: '/api?timeout=32s' }, caller: discovery, code: 200 });
  log.add({ receivedUs: day.at('09:06:11.903'), verb: 'get', target: { requestURI: '/apis?timeout=32s' }, caller: discovery, code: 200 });
  const secretsList = log.add({ receivedUs: day.at('09:06:12.201'), verb: 'list', target: resource({ resource: 'secrets', namespace: ORG.trainingNamespace, query: 'limit=500' }), caller: view, code: 200 });
  const secretsGets = ['db-credentials', 'aws-training-credentials'].map((name, i) => ({
    ...log.add({ receivedUs: day.at(i === 0 ? '09:06:19.447' : '09:06:24.092'), verb: 'get', target: resource({ resource: 'secrets', namespace: ORG.trainingNamespace, name }), caller: view, code: 200 }),
    name,
  }));

  const run = runs.find((r) => r.incident);
  if (!run) throw new Error('the incident run is missing from the plan');
  const refs = runEvents(log, rng, run);
  const node = run.nodes[0];

  // 09:14: the training pod itself lists secrets with its bound service-account token.
  const podUser = serviceAccountUser(ORG.trainingNamespace, ORG.trainingServiceAccount, { name: node.podName, uid: node.podUid, node: node.k8sNode }, rng.uuid());
  const podSecretsList = log.add({
    receivedUs: day.at('09:14:02.733'),
    verb: 'list',
    target: resource({ resource: 'secrets', namespace: ORG.trainingNamespace, query: 'limit=500' }),
    caller: { user: podUser, sourceIPs: [node.podIp], userAgent: 'OpenAPI-Generator/29.0.0/python', allowedBy: rbac('RoleBinding', 'ml-training-secrets', 'secret-reader', 'ServiceAccount', `${ORG.trainingServiceAccount}/${ORG.trainingNamespace}`, ORG.trainingNamespace) },
    code: 200,
  });
  if (!refs.podDelete) throw new Error('the incident run has no pod deletion');
  return {
    serviceAccountAnnotation: { ...serviceAccountAnnotation, annotation, roleArn: ORG.irsaRoleArn },
    secretsList: { ...secretsList, sourceIPs: attacker.sourceIPs },
    secretsGets,
    workflowCreate: refs.workflowCreate,
    podCreate: { ...refs.podCreate, podName: INCIDENT_RUN.podName, namespace: ORG.trainingNamespace, labels: flyteLabels(run, node) },
    podBinding: { ...refs.podBinding, node: node.k8sNode.name },
    podSecretsList: { ...podSecretsList, podName: node.podName, user: podUser.username },
    podDelete: refs.podDelete,
  };
}

/** lumberjack's backup name: `<name>-<time>.<ext>`, time in UTC as 2006-01-02T15-04-05.000. */
function backupName(us: number): string {
  const p = parts(us);
  return `audit-${p.y}-${p.m}-${p.d}T${p.hh}-${p.mm}-${p.ss}.${p.ms}.log`;
}

/** Writes the lines as lumberjack does: rotate before a write that would pass the size limit. */
function rotate(lines: Line[], maxBytes: number): { files: DemoFile[]; rotated: number; gzipped: number } {
  const chunks: Array<{ text: string[]; rotatedAtUs?: number }> = [{ text: [] }];
  let size = 0;
  for (const line of lines) {
    const len = Buffer.byteLength(line.text) + 1;
    if (size > 0 && size + len > maxBytes) {
      chunks[chunks.length - 1].rotatedAtUs = line.us;
      chunks.push({ text: [] });
      size = 0;
    }
    chunks[chunks.length - 1].text.push(line.text);
    size += len;
  }
  const files: DemoFile[] = [];
  const backups = chunks.slice(0, -1);
  backups.forEach((c, i) => {
    // lumberjack compresses backups after rotating; the newest may not be done yet.
    const gz = i < backups.length - 1;
    files.push({ path: `k8s-audit/${backupName(c.rotatedAtUs ?? 0)}${gz ? '.gz' : ''}`, content: `${c.text.join('\n')}\n`, gzip: gz });
  });
  const live = chunks[chunks.length - 1];
  files.push({ path: 'k8s-audit/audit.log', content: live.text.length ? `${live.text.join('\n')}\n` : '' });
  return { files, rotated: backups.length, gzipped: Math.max(0, backups.length - 1) };
}

export function writeK8sAudit(ctx: WriterContext): { files: DemoFile[]; counts: SourceCounts & { requests: number; rotated: number; gzipped: number }; facts: K8sFacts; timeline: TimelineEntry[] } {
  const { day } = ctx;
  const rng = ctx.rng;
  const log = new AuditLog(rng.fork('ids'));
  kubelets(log, rng.fork('kubelets'), ctx);
  controllers(log, rng.fork('controllers'), ctx);
  workloads(log, rng.fork('workloads'), ctx);
  people(log, rng.fork('people'), ctx);
  flyteadminSync(log, rng.fork('flyteadmin'), ctx);
  const runRng = rng.fork('runs');
  for (const run of ctx.runs) if (!run.incident) runEvents(log, runRng, run);
  const facts = incident(log, rng.fork('incident'), ctx.runs, ctx.day);

  // The live file ends with the day; a request still in flight at midnight is left for tomorrow's log.
  log.requests.splice(0, log.requests.length, ...log.requests.filter((r) => r.receivedUs >= day.start && r.completeUs < day.end));
  const lines = log.lines();
  const maxBytes = Math.max(1 << 20, Math.round(8 * (1 << 20) * ctx.scale));
  const { files, rotated, gzipped } = rotate(lines, maxBytes);

  const tl = (ref: IncidentRef, action: string): TimelineEntry => ({ time: ref.time, source: 'k8s-audit', action, id: ref.id });
  const timeline = [
    tl(facts.serviceAccountAnnotation, 'serviceaccounts.patch'),
    tl(facts.secretsList, 'secrets.list'),
    ...facts.secretsGets.map((g) => tl(g, 'secrets.get')),
    tl(facts.workflowCreate, 'flyteworkflows.create'),
    tl(facts.podCreate, 'pods.create'),
    tl(facts.podBinding, 'pods/binding.create'),
    tl(facts.podSecretsList, 'secrets.list'),
    tl(facts.podDelete, 'pods.delete'),
  ];
  return {
    files,
    counts: { path: 'k8s-audit', files: files.length, records: lines.length, requests: log.requests.length, rotated, gzipped },
    facts,
    timeline,
  };
}
