import { AliasKind, type AuditEvent } from '../../domain';
import { ACCESS_KEY_TARGET } from '../../sources/cloudtrail/targets';
import type { FlyteRun } from '../../sources/flyte/runs';
import type { CredentialLink, EventRef, OtherPod, PodLink, RunPod, ServiceAccountLink } from './model';
import { flytePodNameParts } from '../../sources/k8s-audit/run-id';
import { createdPodLabels, createdPodRunId, createdPodServiceAccount } from './raw';

/**
 * The pure half of run linking: from the events the discovery pass read, which pods are the run's, which
 * service accounts they run as, which other pods share those accounts, and which cloud credentials those
 * accounts obtained while the run's pods were running.
 */

/**
 * Clock slack when comparing times of different trails: CloudTrail writes whole seconds, the API server
 * microseconds, Flyte the propeller's view. A credential issued this close outside a pod's life still counts.
 */
export const CLOCK_SLACK_MS = 5_000;

const ASSUME_WEB_IDENTITY = 'AssumeRoleWithWebIdentity';

export function iso(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

export function eventRef(e: AuditEvent): EventRef {
  return { sourceId: e.sourceId, id: e.id, time: e.time, action: e.action };
}

export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** `system:serviceaccount:ns:sa` -> `ns/sa`, the way people write it. */
export function shortServiceAccount(username: string): string {
  const parts = username.split(':');
  return parts.length === 4 ? `${parts[2]}/${parts[3]}` : username;
}

function podTarget(e: AuditEvent): { name: string; namespace?: string } | undefined {
  return e.targets.find((t) => t.type === 'pods');
}

/** A life [from, to] contains `t`, with the slack; an open end contains everything after `from`. */
export function aliveAt(life: { from?: Date; to?: Date }, t: Date): boolean {
  const time = t.getTime();
  if (life.from && time < life.from.getTime() - CLOCK_SLACK_MS) return false;
  if (life.to && time > life.to.getTime() + CLOCK_SLACK_MS) return false;
  return true;
}

export interface PodLinking {
  pods: PodLink[];
  serviceAccounts: ServiceAccountLink[];
  otherPods: OtherPod[];
  notes: string[];
}

/** What in a pod create says the pod is the run's, when something does: its labels, or else its name. */
export interface RunPodMark {
  nodeId?: string;
  retryAttempt?: number;
  task?: string;
  evidence: string;
}

/**
 * Whether a successful pod create is one of the run's pods, by what Flyte writes on every task pod: the labels
 * `execution-id` (with `project`/`domain`, or the run's namespace), else, when the record holds no labels (a
 * Metadata-level audit), Flyte's pod name `<execution>-<node>-<attempt>` in the run's namespace. A hashed name
 * (`f…`) is found by its labels only. Labels naming another run win over a name.
 */
export function markOfRunPod(run: FlyteRun, e: AuditEvent, pod: { name: string; namespace: string }): RunPodMark | undefined {
  if (e.outcome === 'FAILURE' || e.rawAction !== 'create') return undefined;
  if (e.time.getTime() < run.createdAt.getTime() - CLOCK_SLACK_MS) return undefined;
  const labels = createdPodLabels(e.raw);
  const named = flytePodNameParts(pod.name);
  const fromName = named && named.execution === run.id.name ? named : undefined;
  const where = `create event ${e.id} at ${iso(e.time)}`;
  const execution = labels['execution-id'];
  if (execution !== undefined) {
    const scoped = labels.project !== undefined && labels.domain !== undefined;
    const ours = execution === run.id.name && (scoped ? labels.project === run.id.project && labels.domain === run.id.domain : pod.namespace === run.namespace);
    if (!ours) return undefined;
    const said = ['execution-id', 'project', 'domain', 'node-id'].filter((k) => labels[k] !== undefined).map((k) => `${k}=${labels[k]}`);
    return {
      nodeId: labels['node-id'] ?? fromName?.nodeId,
      retryAttempt: fromName?.attempt,
      task: labels['task-name'],
      evidence: `its ${where} labels it ${said.join(', ')}${scoped ? '' : ` in the run's namespace ${run.namespace}`}`,
    };
  }
  if (fromName && pod.namespace === run.namespace) {
    return { nodeId: fromName.nodeId, retryAttempt: fromName.attempt, evidence: `its name is Flyte's ${run.id.name}-<node>-<attempt> in the run's namespace ${run.namespace} (${where}, which records no labels)` };
  }
  return undefined;
}

/**
 * Ties the run's pods to their pod-create audit events and service accounts, and finds the other pods created
 * in the window that run as the same accounts. The run's pods are those Flyte's task executions list, and those
 * the audit shows created for the run (`markOfRunPod`) that Flyte does not list: an export without node or task
 * executions, an API that answered none, an attempt Flyte lost. `podEvents` are `pods.create` / `pods.delete`
 * events of the window, oldest first; undefined when no Kubernetes audit source was read.
 */
export function linkPods(run: FlyteRun, runPods: RunPod[], podEvents: AuditEvent[] | undefined): PodLinking {
  const notes: string[] = [];
  const pods: PodLink[] = runPods.map((p) => ({ ...p }));
  const byKey = new Map(pods.map((p) => [`${p.namespace}/${p.name}`, p]));
  const creates: { event: AuditEvent; name: string; namespace: string; serviceAccount?: string; runId?: string }[] = [];
  const deletes = new Map<string, Date>();

  for (const e of podEvents ?? []) {
    const target = podTarget(e);
    if (!target?.namespace || e.outcome === 'FAILURE') continue;
    const key = `${target.namespace}/${target.name}`;
    if (e.rawAction === 'delete') {
      if (!deletes.has(key)) deletes.set(key, e.time);
      continue;
    }
    const sa = createdPodServiceAccount(e.raw);
    creates.push({ event: e, name: target.name, namespace: target.namespace, serviceAccount: sa?.name, runId: createdPodRunId(e.raw, target.namespace) });
    let pod = byKey.get(key);
    const mark = pod ? undefined : markOfRunPod(run, e, { name: target.name, namespace: target.namespace });
    if (mark) {
      // a pod of the run that Flyte's record does not list: it could act from its create to its delete or the run's end
      const ends = [deletes.get(key), run.endedAt].filter((d): d is Date => d !== undefined);
      pod = {
        name: target.name,
        namespace: target.namespace,
        nodeId: mark.nodeId,
        retryAttempt: mark.retryAttempt,
        task: mark.task,
        from: e.time,
        to: ends.length > 0 ? new Date(Math.min(...ends.map((d) => d.getTime()))) : undefined,
        discovered: { event: eventRef(e), evidence: mark.evidence },
      };
      pods.push(pod);
      byKey.set(key, pod);
    }
    if (pod && !pod.created) {
      pod.created = { ...eventRef(e), by: e.actor.name };
      if (sa) {
        pod.serviceAccount = serviceAccountUsername(target.namespace, sa.name);
        pod.serviceAccountEvidence = `pod ${pod.name} was created by ${e.actor.name} at ${iso(e.time)} to run as ${target.namespace}/${sa.name} (${sa.field}, event ${e.id})`;
      }
    }
  }
  // a discovered pod's delete may come after its create in the same read: its end is the earlier of delete and run end
  for (const pod of pods) {
    const deleted = pod.discovered ? deletes.get(`${pod.namespace}/${pod.name}`) : undefined;
    if (deleted && (!pod.to || deleted < pod.to)) pod.to = deleted;
  }
  const mine = new Set(byKey.keys());

  for (const pod of pods) {
    if (pod.serviceAccount) continue;
    // no create with a body in the window (Metadata-level audit, or created before it): the run's spec says
    if (run.serviceAccount) {
      pod.serviceAccount = serviceAccountUsername(pod.namespace, run.serviceAccount);
      pod.serviceAccountEvidence = `the run's spec names ${pod.namespace}/${run.serviceAccount} as its run-as account (spec.security_context.run_as.k8s_service_account); no pod create with a request body was seen for ${pod.name}`;
    } else {
      notes.push(`pod ${pod.name}: its service account is unknown (no pod create with a request body in the window, no run-as account in the run's spec); nothing is tied to it beyond its own events`);
    }
  }

  const serviceAccounts: ServiceAccountLink[] = [];
  for (const pod of pods) {
    if (!pod.serviceAccount) continue;
    let sa = serviceAccounts.find((s) => s.username === pod.serviceAccount);
    if (!sa) {
      const [, , namespace, name] = pod.serviceAccount.split(':');
      sa = { username: pod.serviceAccount, namespace, name, pods: [], evidence: pod.serviceAccountEvidence ?? '' };
      serviceAccounts.push(sa);
    }
    sa.pods.push(pod.name);
  }

  const otherPods: OtherPod[] = [];
  for (const c of creates) {
    const key = `${c.namespace}/${c.name}`;
    if (mine.has(key) || !c.serviceAccount) continue;
    const username = serviceAccountUsername(c.namespace, c.serviceAccount);
    if (!serviceAccounts.some((s) => s.username === username)) continue;
    if (otherPods.some((o) => o.namespace === c.namespace && o.name === c.name)) continue;
    otherPods.push({ name: c.name, namespace: c.namespace, serviceAccount: username, runId: c.runId, from: c.event.time, to: deletes.get(key) });
  }
  return { pods, serviceAccounts, otherPods, notes };
}

/** When one of the run's pods could act: from its create (or its attempt's creation) to its attempt's end. */
export function podLife(pod: PodLink, fallbackFrom: Date): { from: Date; to?: Date } {
  return { from: pod.created?.time ?? pod.from ?? fallbackFrom, to: pod.to };
}

function describeOthers(others: OtherPod[]): string {
  return others.map((o) => (o.runId ? `${o.name} (run ${o.runId})` : o.name)).join(', ');
}

function describeLives(pods: PodLink[], fallbackFrom: Date): string {
  return pods
    .map((p) => {
      const life = podLife(p, fallbackFrom);
      return `${p.name} from ${iso(life.from)} to ${life.to ? iso(life.to) : 'now'}`;
    })
    .join('; ');
}

function targetOf(e: AuditEvent, type: string): string | undefined {
  return e.targets.find((t) => t.type === type)?.name;
}

export function roleName(arn: string | undefined): string | undefined {
  const m = arn ? /:role\/(?:.*\/)?([^/]+)$/.exec(arn) : null;
  return m ? m[1] : arn;
}

/** The run's service account the event's actor is (by a typed alias), if any. */
export function actingServiceAccount(e: AuditEvent, accounts: readonly string[]): string | undefined {
  for (const a of e.actor.aliases) {
    if (a.kind === AliasKind.K8S_SERVICE_ACCOUNT && accounts.includes(a.value)) return a.value;
  }
  return accounts.includes(e.actor.name) ? e.actor.name : undefined;
}

export function isAssumeWebIdentity(e: AuditEvent): boolean {
  return e.sourceType === 'cloudtrail' && e.rawAction === ASSUME_WEB_IDENTITY;
}

export interface CredentialLinking {
  credentials: CredentialLink[];
  excluded: CredentialLink[];
}

/**
 * The credentials the run's service accounts obtained inside the window (AssumeRoleWithWebIdentity: a
 * temporary key for the role; GCP Workload Identity: the Google service account it acts as), kept when one of
 * the run's pods running as that account was alive at the time, flagged when other pods of the account were
 * too, and set aside (with why) when none of the run's pods was.
 */
export function linkCredentials(run: FlyteRun, linking: PodLinking, cloudEvents: AuditEvent[]): CredentialLinking {
  const accounts = linking.serviceAccounts.map((s) => s.username);
  const fallbackFrom = run.startedAt ?? run.createdAt;
  const credentials: CredentialLink[] = [];
  const excluded: CredentialLink[] = [];
  for (const e of cloudEvents) {
    const account = actingServiceAccount(e, accounts);
    if (!account) continue;
    const mine = linking.pods.filter((p) => p.serviceAccount === account && aliveAt(podLife(p, fallbackFrom), e.time));
    const others = linking.otherPods.filter((o) => o.serviceAccount === account && aliveAt(o, e.time));
    const sa = shortServiceAccount(account);
    let link: CredentialLink;
    if (isAssumeWebIdentity(e)) {
      const key = targetOf(e, ACCESS_KEY_TARGET);
      const role = targetOf(e, 'AWS::IAM::Role');
      const session = targetOf(e, 'AWS::STS::AssumedRole');
      const what = key ? `temporary key ${key}` : `no key (${e.outcomeReason ?? 'the call failed'})`;
      link = {
        kind: 'AWS_TEMPORARY_KEY',
        value: key ?? '',
        serviceAccount: account,
        role,
        session,
        event: eventRef(e),
        pods: mine.map((p) => p.name),
        sharedWith: others.map((o) => o.name),
        attributed: mine.length > 0,
        evidence: `${what} issued to ${roleName(role) ?? 'a role'} for ${sa} by AssumeRoleWithWebIdentity at ${iso(e.time)} (event ${e.id})`,
      };
    } else if (e.sourceType === 'gcp-audit') {
      // every call a Workload Identity pod makes names the Kubernetes account; one link per Google account
      const seen = [...credentials, ...excluded].find((c) => c.kind === 'GCP_WORKLOAD_IDENTITY' && c.value === e.actor.name && c.attributed === mine.length > 0);
      if (seen) continue;
      link = {
        kind: 'GCP_WORKLOAD_IDENTITY',
        value: e.actor.name,
        serviceAccount: account,
        event: eventRef(e),
        pods: mine.map((p) => p.name),
        sharedWith: others.map((o) => o.name),
        attributed: mine.length > 0,
        evidence: `${sa} acts as ${e.actor.name} through Workload Identity (first seen: ${e.action} at ${iso(e.time)}, event ${e.id})`,
      };
    } else {
      continue;
    }
    if (link.attributed) {
      link.evidence += `, while the run's pod ${link.pods.join(', ')} was running`;
      if (others.length > 0) link.evidence += `; other pods of ${sa} were running too: ${describeOthers(others)}, so it may be theirs`;
      credentials.push(link);
    } else {
      const theirs = others.length > 0 ? `; running then as ${sa}: ${describeOthers(others)}` : '';
      link.evidence += `: not the run's, none of its pods was running then (${describeLives(linking.pods.filter((p) => p.serviceAccount === account), fallbackFrom)})${theirs}`;
      excluded.push(link);
    }
  }
  return { credentials, excluded };
}
