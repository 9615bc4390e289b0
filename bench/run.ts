import * as path from 'node:path';
import { runArchiveScanBench } from './archive-scan';
import { runCloudTrailScanBench } from './cloudtrail-scan';
import { runIdentityBench } from './identity';
import { runExportBench } from './export';
import { runK8sAuditBench } from './k8s-audit';
import { runLimitsBench } from './limits';
import { runLoadBench } from './load';
import { runLiveLatencyBench } from './live-latency';
import { runUiBench } from './ui';

/** `npm run bench`: every benchmark in one run, figures printed as measured (no thresholds, no asserts). */
async function main(): Promise<void> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const only = process.argv.slice(2);
  const want = (name: string) => only.length === 0 || only.includes(name);
  const results: Record<string, unknown> = {};
  if (want('k8s')) {
    log('== Kubernetes audit archive (>= 1,000,000 events over 7 days) ==');
    results.k8s = await runK8sAuditBench({ dir: path.resolve(__dirname, '../../bench/.data/k8s'), log });
    log('');
  }
  if (want('scan')) {
    log('== One selective question over a day of the archive: auditgraph beside DuckDB and gunzip ==');
    results.scan = await runArchiveScanBench({ dir: path.resolve(__dirname, '../../bench/.data/k8s'), log });
    log('');
  }
  if (want('trail')) {
    log('== The same question over a CloudTrail archive in the S3 layout ==');
    results.trail = await runCloudTrailScanBench({ dir: path.resolve(__dirname, '../../bench/.data/cloudtrail'), log });
    log('');
  }
  if (want('export')) {
    log('== GET /export of 1,050,000 events (the Kubernetes audit archive, 7 days) ==');
    results.export = await runExportBench({ dir: path.resolve(__dirname, '../../bench/.data/k8s'), log });
    log('');
  }
  if (want('latency')) {
    log('== Live fan-out latency ==');
    results.latency = await runLiveLatencyBench({ log });
    log('');
  }
  if (want('identity')) {
    log('== Identity expansion and resolution (a page of 1000 events) ==');
    results.identity = await runIdentityBench({ log });
    log('');
  }
  if (want('ui')) {
    log('== The investigation UI in Chromium (first events, a fast scroll through 10,000) ==');
    results.ui = await runUiBench({ log });
    log('');
  }
  if (want('limits')) {
    log('== Cheap requests that cost dearly: what the server answers, how fast, at what memory ==');
    results.limits = await runLimitsBench({ log });
    log('');
  }
  if (want('load')) {
    log('== 50 responders at once: a 2-hour identity-filtered window of the demo ==');
    results.load = await runLoadBench({ log });
    log('');
  }
  log(JSON.stringify(results, null, 2));
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
