import * as fs from 'node:fs';
import * as path from 'node:path';
import { demoDay, isCalendarDate, isoMillis } from './clock';
import { defaultDemoDate } from './config';
import { DEFAULT_SCALE, DEFAULT_SEED, GENERATOR_NAME, GENERATOR_VERSION, type DemoManifest, type TimelineEntry } from './manifest';
import { ALICE, k8sUser, ORG, PEOPLE, ssoSessionArn } from './org';
import { writeDemoFiles, type DemoFile, type WriterContext } from './output';
import { Rng } from './prng';
import { planRuns } from './runs';
import { writeAzure } from './writers/azure';
import { writeCloudTrail } from './writers/cloudtrail';
import { writeFlyte } from './writers/flyte';
import { writeGcp } from './writers/gcp';
import { writeK8sAudit } from './writers/k8s';
import { writeOkta } from './writers/okta';
import { writePodLogs } from './writers/pod-logs';

export interface GenerateOptions {
  /** any integer; the same seed, scale and date always give the same bytes */
  seed?: number;
  /**
   * the demo's day, `YYYY-MM-DD` (UTC); default `$AUDITGRAPH_DEMO_DATE`, else yesterday (see `defaultDemoDate`).
   * The incident happens at the same times of whichever day; only the dates move.
   */
  date?: string;
  /**
   * false writes Flyte's execution list only (`uctl get execution -o json`), without the node and task execution
   * files: runs must then be tied to their pods from the Kubernetes audit alone. Default true.
   */
  flyteNodeExecutions?: boolean;
  /**
   * multiplies the background traffic (0 < scale ≤ 20); the incident is the same at every scale. Each source's
   * part of the day is built in memory before it is written: about 400 MB at scale 1, 1 GB at scale 5.
   */
  scale?: number;
}

/** The folders the generator owns under a demo root; it replaces them and leaves anything else alone. */
export const DEMO_SOURCE_DIRS = ['okta', 'flyte', 'k8s-audit', 'cloudtrail', 'gcp', 'azure', 'pod-logs'] as const;
export const MANIFEST_FILE = 'manifest.json';
export const MAX_SCALE = 20;

export function checkOptions(opts: GenerateOptions = {}): { seed: number; scale: number; date: string; flyteNodeExecutions: boolean } {
  const seed = opts.seed ?? DEFAULT_SEED;
  const scale = opts.scale ?? DEFAULT_SCALE;
  const date = opts.date ?? defaultDemoDate();
  if (!Number.isSafeInteger(seed)) throw new RangeError(`demo seed must be an integer, got ${seed}`);
  if (!Number.isFinite(scale) || scale <= 0 || scale > MAX_SCALE) throw new RangeError(`demo scale must be in (0, ${MAX_SCALE}], got ${scale}`);
  if (!isCalendarDate(date)) throw new RangeError(`demo date must be a calendar date YYYY-MM-DD, got ${JSON.stringify(date)}`);
  return { seed, scale, date, flyteNodeExecutions: opts.flyteNodeExecutions ?? true };
}

/**
 * Writes the demo day (DEMO.md) under `root` in each service's own export layout, plus `manifest.json`
 * (written last). Deterministic: one seed, scale and date always give byte-identical files.
 */
export async function generateDemo(root: string, opts: GenerateOptions = {}): Promise<DemoManifest> {
  const { seed, scale, date, flyteNodeExecutions } = checkOptions(opts);
  const day = demoDay(date);
  const rng = new Rng(seed);
  const runs = planRuns(rng.fork('flyte-runs'), day);
  const ctx = (label: string): WriterContext => ({ rng: rng.fork(label), day, scale, runs, flyteNodeExecutions });

  await fs.promises.mkdir(root, { recursive: true });
  await fs.promises.rm(path.join(root, MANIFEST_FILE), { force: true });
  for (const dir of DEMO_SOURCE_DIRS) await fs.promises.rm(path.join(root, dir), { recursive: true, force: true });
  // each source's files are written as soon as they are made and then dropped: the day is never all in memory
  const write = async <T extends { files: DemoFile[] }>(made: T): Promise<Omit<T, 'files'>> => {
    const { files, ...rest } = made;
    await writeDemoFiles(root, files);
    return rest;
  };
  const okta = await write(writeOkta(ctx('okta')));
  const cloudtrail = await write(writeCloudTrail(ctx('cloudtrail')));
  const k8s = await write(writeK8sAudit(ctx('k8s-audit')));
  const gcp = await write(writeGcp(ctx('gcp')));
  const azure = await write(writeAzure(ctx('azure')));
  const flyte = await write(writeFlyte(ctx('flyte')));
  // the incident run's task logs, as the kubelet writes them (read by taskLogs:, not a source of events)
  await write(writePodLogs(ctx('pod-logs')));

  const timeline: TimelineEntry[] = [...okta.timeline, ...cloudtrail.timeline, ...k8s.timeline, ...gcp.timeline, ...azure.timeline, ...flyte.timeline].sort(
    (a, b) => Date.parse(a.time) - Date.parse(b.time) || a.time.localeCompare(b.time) || a.source.localeCompare(b.source),
  );
  const sources = {
    okta: okta.counts,
    cloudtrail: cloudtrail.counts,
    k8sAudit: k8s.counts,
    gcp: gcp.counts,
    azure: azure.counts,
    flyte: flyte.counts,
  };
  const manifest: DemoManifest = {
    generator: GENERATOR_NAME,
    generatorVersion: GENERATOR_VERSION,
    seed,
    scale,
    date,
    flyteNodeExecutions,
    day: { from: isoMillis(day.start), to: isoMillis(day.end) },
    org: {
      oktaDomain: ORG.oktaDomain,
      awsAccount: ORG.awsAccount,
      awsRegion: ORG.awsRegion,
      cluster: ORG.cluster,
      gcpProject: ORG.gcpProject,
      azureSubscription: ORG.azureSubscription,
      people: PEOPLE.map((p) => ({ email: p.email, displayName: p.displayName, oktaId: p.oktaId, azureObjectId: p.azureObjectId })),
    },
    sources,
    totalRecords: Object.values(sources).reduce((s, c) => s + c.records, 0),
    incident: {
      attackerIp: ORG.attackerIp,
      officeIp: ORG.officeIp,
      alice: {
        email: ALICE.email,
        displayName: ALICE.displayName,
        oktaId: ALICE.oktaId,
        azureObjectId: ALICE.azureObjectId,
        k8sUser: k8sUser(ALICE),
        awsIdentityCenterRole: ORG.adminRole,
        awsSessionArn: ssoSessionArn(ALICE, 'admin'),
        flytePrincipal: ALICE.email,
        gcpPrincipal: ALICE.email,
      },
      okta: okta.facts,
      cloudtrail: cloudtrail.facts,
      k8s: k8s.facts,
      flyte: flyte.facts,
      gcp: gcp.facts,
      azure: azure.facts,
      timeline,
    },
  };

  await fs.promises.writeFile(path.join(root, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
