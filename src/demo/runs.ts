import { HOUR, MINUTE, SECOND, type DemoDay } from './clock';
import { ALICE, BOB, K8S_NODES, ORG, person } from './org';
import type { Rng } from './prng';

/**
 * The day's Flyte executions, planned once and shared: the Flyte writer prints them, the Kubernetes writer
 * writes their pods' audit events, the CloudTrail writer their IRSA sessions. One plan keeps the three in step.
 */

export type RunPhase = 'SUCCEEDED' | 'FAILED' | 'ABORTED';
export type RunMode = 'MANUAL' | 'SCHEDULED' | 'RELAUNCH';

export interface PlannedNode {
  nodeId: string;
  taskName: string; // Flyte task name, e.g. ml.train.train_model
  podName: string;
  podUid: string;
  podIp: string;
  k8sNode: (typeof K8S_NODES)[number];
  /** node execution queued, propeller creates the pod, the task starts running */
  createdUs: number;
  podCreatedUs: number;
  startedUs: number;
  endedUs: number;
  phase: RunPhase;
  /** set when the pod's service account maps to an IAM role (IRSA) */
  irsa?: { accessKeyId: string; sessionName: string; assumedUs: number };
}

export interface PlannedRun {
  project: string;
  domain: string;
  name: string;
  launchPlan: string;
  version: string;
  mode: RunMode;
  /** the authenticated subject that launched it; scheduled runs have none */
  principal?: string;
  scheduledAtUs?: number;
  createdUs: number;
  startedUs: number;
  endedUs: number;
  phase: RunPhase;
  namespace: string;
  serviceAccount: string;
  nodes: PlannedNode[];
  abort?: { cause: string; principal: string };
  error?: { code: string; message: string; kind: 'USER' | 'SYSTEM' };
  incident: boolean;
}

interface LaunchPlanSpec {
  project: string;
  domain: string;
  name: string;
  version: Release;
  tasks: string[];
  serviceAccount: string;
  /** minute past the hour it is scheduled at, for hourly schedules */
  minute?: number;
  minutesPerTask: [number, number];
}

/** A workflow version as Flyte users tag them, `v<release date>-<commit>`: released `[0]` days from the demo day. */
type Release = readonly [number, string];

function versionOf(day: DemoDay, [days, tag]: Release): string {
  return `v${day.shifted(days).replace(/-/g, '.')}-${tag}`;
}

const SCHEDULED: LaunchPlanSpec[] = [
  { project: 'ml', domain: 'production', name: 'ml.features.build_features', version: [-3, '8c41d2e'], tasks: ['ml.features.extract_events', 'ml.features.build_feature_table'], serviceAccount: ORG.trainingServiceAccount, minute: 0, minutesPerTask: [2, 6] },
  { project: 'data', domain: 'production', name: 'data.ingest.hourly_ingest', version: [-5, '17ab9f0'], tasks: ['data.ingest.pull_partitions', 'data.ingest.load_warehouse'], serviceAccount: 'default', minute: 5, minutesPerTask: [2, 5] },
  { project: 'data', domain: 'development', name: 'data.quality.expectations', version: [-1, 'a90c3d1'], tasks: ['data.quality.run_expectations'], serviceAccount: 'default', minute: 15, minutesPerTask: [1, 4] },
  { project: 'ml', domain: 'development', name: 'ml.eval.smoke_eval', version: [-2, '5e2f7b8'], tasks: ['ml.eval.evaluate_checkpoint'], serviceAccount: 'default', minute: 30, minutesPerTask: [3, 9] },
];

const TRAIN_PIPELINE = { name: 'ml.train.train_pipeline', version: [-4, '4f1c2e9'] as Release, task: 'ml.train.train_model' };

/** The incident's run (DEMO.md 09:10, 09:47), its times as times of the demo day. */
export const INCIDENT_RUN = {
  project: 'ml',
  domain: 'production',
  name: 'fz3k9q2m1x',
  launchPlan: TRAIN_PIPELINE.name,
  nodeId: 'n0',
  podName: 'fz3k9q2m1x-n0-0',
  sessionKey: 'ASIAEXAMPLERUN00001',
  created: '09:10:04.120',
  started: '09:10:09.482',
  nodeCreated: '09:10:10.806',
  podCreated: '09:10:11.204',
  taskStarted: '09:10:16.551',
  assumeRole: '09:11:03',
  abort: '09:47:00.523',
  abortCause: 'suspicious activity',
} as const;

interface ManualSpec {
  who: string;
  at: string;
  project: string;
  domain: string;
  launchPlan: string;
  version: Release;
  tasks: string[];
  mode: RunMode;
  phase: RunPhase;
}

const MANUAL: ManualSpec[] = [
  { who: 'grace', at: '10:42:17', project: 'ml', domain: 'development', launchPlan: TRAIN_PIPELINE.name, version: [0, 'grace-1'], tasks: [TRAIN_PIPELINE.task], mode: 'MANUAL', phase: 'SUCCEEDED' },
  { who: 'erin', at: '11:20:45', project: 'data', domain: 'development', launchPlan: 'data.backfill.backfill_partitions', version: [-1, 'b7d01e2'], tasks: ['data.backfill.list_partitions', 'data.backfill.reload_partition'], mode: 'MANUAL', phase: 'SUCCEEDED' },
  { who: 'peggy', at: '13:05:02', project: 'ml', domain: 'development', launchPlan: TRAIN_PIPELINE.name, version: [0, 'peggy-3'], tasks: [TRAIN_PIPELINE.task], mode: 'MANUAL', phase: 'FAILED' },
  { who: 'laura', at: '15:31:40', project: 'ml', domain: 'development', launchPlan: 'ml.eval.smoke_eval', version: [-2, '5e2f7b8'], tasks: ['ml.eval.evaluate_checkpoint'], mode: 'MANUAL', phase: 'SUCCEEDED' },
  { who: 'trent', at: '16:12:09', project: 'data', domain: 'production', launchPlan: 'data.ingest.hourly_ingest', version: [-5, '17ab9f0'], tasks: ['data.ingest.pull_partitions', 'data.ingest.load_warehouse'], mode: 'RELAUNCH', phase: 'SUCCEEDED' },
  { who: 'kevin', at: '18:02:55', project: 'data', domain: 'development', launchPlan: 'data.backfill.backfill_partitions', version: [-1, 'b7d01e2'], tasks: ['data.backfill.list_partitions', 'data.backfill.reload_partition'], mode: 'MANUAL', phase: 'FAILED' },
];

function sessionKey(rng: Rng): string {
  return `ASIA${rng.upperAlnum(16)}`;
}

function podIp(rng: Rng, node: (typeof K8S_NODES)[number]): string {
  const third = node.ip.split('.')[2];
  return `10.0.${third}.${rng.int(100, 250)}`;
}

/** Node executions run one after the other; each gets a pod `<run>-<node>-0`. */
function planNodes(rng: Rng, runName: string, namespace: string, serviceAccount: string, tasks: string[], startUs: number, minutes: [number, number], lastPhase: RunPhase): PlannedNode[] {
  const nodes: PlannedNode[] = [];
  let t = startUs + rng.int(800, 2500) * 1000;
  tasks.forEach((taskName, i) => {
    const k8sNode = rng.pick(K8S_NODES);
    const createdUs = t;
    const podCreatedUs = createdUs + rng.int(200, 450) * 1000;
    const startedUs = podCreatedUs + rng.int(2000, 6000) * 1000;
    const endedUs = startedUs + rng.int(minutes[0] * 60, minutes[1] * 60) * SECOND + rng.int(0, 1000) * 1000;
    const isLast = i === tasks.length - 1;
    const node: PlannedNode = {
      nodeId: `n${i}`,
      taskName,
      podName: `${runName}-n${i}-0`,
      podUid: rng.uuid(),
      podIp: podIp(rng, k8sNode),
      k8sNode,
      createdUs,
      podCreatedUs,
      startedUs,
      endedUs,
      phase: isLast ? lastPhase : 'SUCCEEDED',
    };
    if (namespace === ORG.trainingNamespace && serviceAccount === ORG.trainingServiceAccount) {
      const assumedUs = startedUs + rng.int(4, 20) * SECOND;
      node.irsa = { accessKeyId: sessionKey(rng), sessionName: `botocore-session-${Math.floor(assumedUs / SECOND)}`, assumedUs };
    }
    nodes.push(node);
    t = endedUs + rng.int(500, 2000) * 1000;
  });
  return nodes;
}

function finish(run: Omit<PlannedRun, 'endedUs'>, rng: Rng): PlannedRun {
  const last = run.nodes[run.nodes.length - 1];
  return { ...run, endedUs: last.endedUs + rng.int(1000, 3000) * 1000 };
}

const userErrors = (day: DemoDay) => [
  { code: 'USER:RuntimeError', message: `Traceback (most recent call last):\n  File "/root/pipeline/tasks.py", line 88, in load_warehouse\nRuntimeError: partition ${day.date}T02 has 0 rows`, kind: 'USER' as const },
  { code: 'USER:ValueError', message: 'Traceback (most recent call last):\n  File "/root/pipeline/train.py", line 142, in train_model\nValueError: learning rate must be positive, got -0.001', kind: 'USER' as const },
  { code: 'USER:OOMKilled', message: 'Pod failed. No message received from kubernetes.\n[primary] terminated with exit code (137). Reason [OOMKilled].', kind: 'USER' as const },
];

export function planRuns(rng: Rng, day: DemoDay): PlannedRun[] {
  const runs: PlannedRun[] = [];
  const USER_ERRORS = userErrors(day);
  // Which scheduled runs fail: one data ingest in the night, one eval in the afternoon.
  const failing = new Set(['data.ingest.hourly_ingest@3', 'ml.eval.smoke_eval@13']);
  for (let hour = 0; hour < 24; hour++) {
    for (const lp of SCHEDULED) {
      const scheduledAtUs = day.start + hour * HOUR + (lp.minute ?? 0) * MINUTE;
      const createdUs = scheduledAtUs + rng.int(600, 4000) * 1000;
      const startedUs = createdUs + rng.int(3000, 8000) * 1000;
      const name = `f${rng.hex(19)}`;
      const namespace = `${lp.project}-${lp.domain}`;
      const fails = failing.has(`${lp.name}@${hour}`);
      const nodes = planNodes(rng, name, namespace, lp.serviceAccount, lp.tasks, startedUs, lp.minutesPerTask, fails ? 'FAILED' : 'SUCCEEDED');
      runs.push(
        finish(
          {
            project: lp.project,
            domain: lp.domain,
            name,
            launchPlan: lp.name,
            version: versionOf(day, lp.version),
            mode: 'SCHEDULED',
            scheduledAtUs,
            createdUs,
            startedUs,
            phase: fails ? 'FAILED' : 'SUCCEEDED',
            namespace,
            serviceAccount: lp.serviceAccount,
            nodes,
            error: fails ? USER_ERRORS[lp.project === 'data' ? 0 : 2] : undefined,
            incident: false,
          },
          rng,
        ),
      );
    }
  }

  for (const m of MANUAL) {
    const createdUs = day.at(m.at) + rng.int(0, 1000) * 1000;
    const startedUs = createdUs + rng.int(3000, 8000) * 1000;
    const name = `${rng.chars('abcdefghijklmnopqrstuvwxyz', 1)}${rng.lowerAlnum(19)}`;
    const namespace = `${m.project}-${m.domain}`;
    const nodes = planNodes(rng, name, namespace, 'default', m.tasks, startedUs, [4, 14], m.phase);
    runs.push(
      finish(
        {
          project: m.project,
          domain: m.domain,
          name,
          launchPlan: m.launchPlan,
          version: versionOf(day, m.version),
          mode: m.mode,
          principal: person(m.who).email,
          createdUs,
          startedUs,
          phase: m.phase,
          namespace,
          serviceAccount: 'default',
          nodes,
          error: m.phase === 'FAILED' ? USER_ERRORS[1] : undefined,
          incident: false,
        },
        rng,
      ),
    );
  }

  runs.push(incidentRun(rng, day));
  return runs.sort((a, b) => a.createdUs - b.createdUs);
}

/** alice's launch of ml/production/fz3k9q2m1x, aborted by bob at 09:47 (DEMO.md). */
function incidentRun(rng: Rng, day: DemoDay): PlannedRun {
  const r = INCIDENT_RUN;
  const assumedUs = day.at(r.assumeRole);
  const k8sNode = K8S_NODES[2];
  const node: PlannedNode = {
    nodeId: r.nodeId,
    taskName: TRAIN_PIPELINE.task,
    podName: r.podName,
    podUid: rng.uuid(),
    podIp: '10.0.2.143',
    k8sNode,
    createdUs: day.at(r.nodeCreated),
    podCreatedUs: day.at(r.podCreated),
    startedUs: day.at(r.taskStarted),
    endedUs: day.at(r.abort) + 412_000,
    phase: 'ABORTED',
    irsa: { accessKeyId: r.sessionKey, sessionName: `botocore-session-${Math.floor(assumedUs / SECOND)}`, assumedUs },
  };
  return {
    project: r.project,
    domain: r.domain,
    name: r.name,
    launchPlan: r.launchPlan,
    version: versionOf(day, TRAIN_PIPELINE.version),
    mode: 'MANUAL',
    principal: ALICE.email,
    createdUs: day.at(r.created),
    startedUs: day.at(r.started),
    endedUs: day.at(r.abort),
    phase: 'ABORTED',
    namespace: ORG.trainingNamespace,
    serviceAccount: ORG.trainingServiceAccount,
    nodes: [node],
    abort: { cause: r.abortCause, principal: BOB.email },
    incident: true,
  };
}

/** Flyte's pod label values: names lower-cased with dots and underscores made dashes. */
export function labelValue(name: string): string {
  return name.toLowerCase().replace(/[._]/g, '-');
}
