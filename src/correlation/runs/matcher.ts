import { AliasKind, type AuditEvent } from '../../domain';
import type { EventMatcher } from '../../query/engine';
import type { FlyteRun } from '../../sources/flyte/runs';
import { actingServiceAccount, aliveAt, iso, podLife, roleName, shortServiceAccount } from './analyze';
import type { CredentialLink, OtherPod, PodLink, ServiceAccountLink } from './model';
import { callerPod, tokenBoundPod } from './raw';

/** What the timeline matcher knows: the run, and what the discovery pass tied to it. */
export interface RunMatchInput {
  run: FlyteRun;
  /** the execution source holding the run: its lifecycle events come from there only */
  sourceId: string;
  pods: PodLink[];
  serviceAccounts: ServiceAccountLink[];
  /** the credentials tied to the run (attributed) */
  credentials: CredentialLink[];
  otherPods: OtherPod[];
}

function podWord(pod: PodLink): string {
  if (pod.discovered) return `not in Flyte's record; found in the Kubernetes audit: ${pod.discovered.evidence}`;
  return `task execution ${pod.nodeId} attempt ${pod.retryAttempt}`;
}

/**
 * The run timeline's membership test. An event belongs when one of these holds, and each that holds is a line
 * of evidence:
 * - it is one of the run's own lifecycle events (its execution source, its run id);
 * - Kubernetes: it acts on one of the run's pods or on its FlyteWorkflow object, it was made from one of the
 *   run's pods (the bound token's pod name), it requests a token bound to one of them, or the normalizer tied
 *   it to the run (pod labels or name);
 * - Kubernetes: it was made by a service account the run's pods run as, with a token that names no pod, while
 *   one of those pods was running (said so: the account is shared, the pod is not known);
 * - AWS: it is the AssumeRoleWithWebIdentity that issued a key to the run, or it was made with such a key;
 * - GCP: it was made through Workload Identity by one of the run's service accounts while its pods ran.
 * Calls from another workload's pod, and keys another workload obtained, are left out.
 */
export function runMatcher(input: RunMatchInput): EventMatcher {
  const { run, sourceId } = input;
  const pods = new Map(input.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
  const podsByName = new Map(input.pods.map((p) => [p.name, p]));
  const accounts = input.serviceAccounts.map((s) => s.username);
  const awsKeys = new Map(input.credentials.filter((c) => c.kind === 'AWS_TEMPORARY_KEY' && c.value).map((c) => [c.value, c]));
  const issuing = new Map(input.credentials.filter((c) => c.kind === 'AWS_TEMPORARY_KEY').map((c) => [`${c.event.sourceId}\u0000${c.event.id}`, c]));
  const fallbackFrom = run.startedAt ?? run.createdAt;
  const alive = (account: string, t: Date): PodLink[] => input.pods.filter((p) => p.serviceAccount === account && aliveAt(podLife(p, fallbackFrom), t));
  const othersAlive = (account: string, t: Date): OtherPod[] => input.otherPods.filter((o) => o.serviceAccount === account && aliveAt(o, t));
  const sharedNote = (c: CredentialLink): string => (c.sharedWith.length > 0 ? ` (shared: other pods of ${shortServiceAccount(c.serviceAccount)} were running then: ${c.sharedWith.join(', ')})` : '');

  function kubernetes(e: AuditEvent, evidence: string[]): void {
    for (const t of e.targets) {
      if (t.type.startsWith('pods') && t.namespace) {
        const pod = pods.get(`${t.namespace}/${t.name}`);
        if (pod) evidence.push(`pod ${pod.name} is the run's task pod (${podWord(pod)})`);
      } else if (t.type.startsWith('flyteworkflows') && t.namespace === run.namespace && t.name === run.id.name) {
        evidence.push(`FlyteWorkflow ${t.namespace}/${t.name} is the run's workflow object`);
      } else if (t.type === 'serviceaccounts/token') {
        const bound = tokenBoundPod(e.raw);
        const pod = bound ? podsByName.get(bound) : undefined;
        if (pod && t.namespace === pod.namespace) evidence.push(`token bound to the run's pod ${pod.name} (requestObject.spec.boundObjectRef)`);
      }
    }
    const from = callerPod(e.raw);
    const account = actingServiceAccount(e, accounts);
    if (from) {
      // a pod name means a pod only in the namespace of the account whose bound token carried it
      const pod = from.namespace ? pods.get(`${from.namespace}/${from.name}`) : undefined;
      if (pod) evidence.push(`made from the run's pod ${pod.name} (user.extra["authentication.kubernetes.io/pod-name"], ${podWord(pod)})`);
    } else if (account) {
      const running = alive(account, e.time);
      if (running.length > 0) {
        const others = othersAlive(account, e.time);
        const shared = others.length > 0 ? `; pods of other workloads were running as it too: ${others.map((o) => o.name).join(', ')}` : '';
        evidence.push(
          `made by service account ${shortServiceAccount(account)}, which the run's pod ${running.map((p) => p.name).join(', ')} runs as; same service account, not tied to this run's pods (the token names no pod)${shared}`,
        );
      }
    }
    if (evidence.length === 0 && e.runId === run.runId) {
      evidence.push(`the Kubernetes record names the run (pod labels execution-id/project/domain, or a pod named ${run.id.name}-<node>-<attempt>)`);
    }
  }

  function aws(e: AuditEvent, evidence: string[]): void {
    const issued = issuing.get(`${e.sourceId}\u0000${e.id}`);
    if (issued) {
      evidence.push(issued.evidence);
      return;
    }
    for (const a of e.actor.aliases) {
      if (a.kind !== AliasKind.AWS_ACCESS_KEY) continue;
      const c = awsKeys.get(a.value);
      if (!c) continue;
      evidence.push(`made with temporary key ${c.value} (${a.field}) issued to ${roleName(c.role) ?? 'a role'} for ${shortServiceAccount(c.serviceAccount)} by AssumeRoleWithWebIdentity at ${iso(c.event.time)} (event ${c.event.id})${sharedNote(c)}`);
      return;
    }
  }

  function gcp(e: AuditEvent, evidence: string[]): void {
    const account = actingServiceAccount(e, accounts);
    if (!account) return;
    const running = alive(account, e.time);
    if (running.length === 0) return;
    const field = e.actor.aliases.find((a) => a.kind === AliasKind.K8S_SERVICE_ACCOUNT && a.value === account)?.field ?? 'protoPayload.authenticationInfo';
    const others = othersAlive(account, e.time);
    const shared = others.length > 0 ? `; pods of other workloads were running as it too: ${others.map((o) => o.name).join(', ')}` : '';
    evidence.push(`made through Workload Identity by ${shortServiceAccount(account)} (${field}) while the run's pod ${running.map((p) => p.name).join(', ')} was running${shared}`);
  }

  return (e: AuditEvent): string[] | null => {
    const evidence: string[] = [];
    switch (e.sourceType) {
      case 'flyte':
        if (e.sourceId === sourceId && e.runId === run.runId) evidence.push(`the run's own lifecycle event (${e.action})`);
        break;
      case 'k8s-audit':
        kubernetes(e, evidence);
        break;
      case 'cloudtrail':
        aws(e, evidence);
        break;
      case 'gcp-audit':
        gcp(e, evidence);
        if (evidence.length === 0 && e.runId === run.runId) evidence.push('the GKE audit record names the run (its pod)');
        break;
      default:
        break;
    }
    return evidence.length > 0 ? evidence : null;
  };
}
