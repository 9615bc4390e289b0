import { isoNanos, MINUTE, SECOND } from '../clock';
import { ORG } from '../org';
import type { DemoFile, WriterContext } from '../output';
import type { PlannedNode, PlannedRun } from '../runs';

/** The feature store password the training task prints in a connection string: a secret that must be redacted. */
export const DEMO_LOGGED_SECRET = 'Tr41n-s3cret-2026';

interface Printed {
  afterUs: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** What the incident run's training task prints, from its start to the SIGTERM bob's abort sends it (DEMO.md 09:10 to 09:47:00.523; the pod stops 0.4 s later). */
function trainingLines(run: PlannedRun, node: PlannedNode): Printed[] {
  const s = SECOND;
  const lines: Printed[] = [
    { afterUs: 0.31 * s, stream: 'stdout', text: `{"asctime": "flytekit", "name": "flytekit", "levelname": "INFO", "message": "Welcome to ${node.taskName} (${run.project}/${run.domain}/${run.name})"}` },
    { afterUs: 0.74 * s, stream: 'stdout', text: 'loading features from s3://acme-flyte-prod/features/ (12 partitions)' },
    { afterUs: 39.8 * s, stream: 'stderr', text: 'WARNING botocore.credentials: Found credentials from web identity token file /var/run/secrets/eks.amazonaws.com/serviceaccount/token' },
    { afterUs: 46.2 * s, stream: 'stdout', text: `connecting to feature store postgres://trainer:${DEMO_LOGGED_SECRET}@features.${ORG.trainingNamespace}.svc:5432/features` },
    { afterUs: 48.9 * s, stream: 'stdout', text: 'feature store: 1,204,331 rows in 12 partitions' },
  ];
  // an epoch every ~4 minutes until the abort; the last one never finishes
  const endUs = node.endedUs - node.startedUs;
  for (let epoch = 1, at = 3 * MINUTE; at < endUs - 30 * s; epoch++, at += 4 * MINUTE + epoch * 7 * s) {
    lines.push({ afterUs: at, stream: 'stdout', text: `epoch ${epoch}/20 loss=${(0.93 - epoch * 0.041).toFixed(3)} val_loss=${(0.97 - epoch * 0.037).toFixed(3)} lr=3.0e-04` });
  }
  lines.push(
    { afterUs: endUs - 0.3 * s, stream: 'stderr', text: 'received SIGTERM: the execution was aborted, writing a checkpoint' },
    { afterUs: endUs - 0.1 * s, stream: 'stdout', text: `checkpoint written to s3://acme-flyte-prod/raw/${run.name}/_flytecheckpoints/epoch-partial` },
  );
  return lines.sort((a, b) => a.afterUs - b.afterUs);
}

/** A CRI record; a line longer than `split` is written as partial records, as the runtime does with long lines. */
function criRecords(timeUs: number, p: Printed, extraNanos: string, split = 0): string[] {
  const time = isoNanos(timeUs, extraNanos);
  if (split <= 0 || p.text.length <= split) return [`${time} ${p.stream} F ${p.text}`];
  const out: string[] = [];
  for (let i = 0; i < p.text.length; i += split) out.push(`${time} ${p.stream} ${i + split >= p.text.length ? 'F' : 'P'} ${p.text.slice(i, i + split)}`);
  return out;
}

/**
 * The kubelet's CRI log files of the incident run's pods (`pod-logs/<namespace>_<pod>_<uid>/<container>/0.log`),
 * read by `taskLogs: [{ type: files }]`: the training task's steps, one line that prints a secret (redacted when
 * served), and its SIGTERM when bob aborts the run.
 */
export function writePodLogs(ctx: WriterContext): { files: DemoFile[]; counts: { files: number; records: number } } {
  const files: DemoFile[] = [];
  let records = 0;
  for (const run of ctx.runs.filter((r) => r.incident)) {
    for (const node of run.nodes) {
      const printed = trainingLines(run, node);
      const lines = printed.flatMap((p, i) => criRecords(node.startedUs + p.afterUs, p, String(100 + ((i * 37) % 900)), p.text.startsWith('{"asctime"') ? 64 : 0));
      records += printed.length;
      files.push({ path: `pod-logs/${run.namespace}_${node.podName}_${node.podUid}/${node.podName}/0.log`, content: `${lines.join('\n')}\n` });
    }
  }
  return { files, counts: { files: files.length, records } };
}
