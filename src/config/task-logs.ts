import type { TaskLogSource } from '../domain';
import { CriFilesSource } from '../sources/task-logs/files';
import { ConfigError } from './errors';
import type { ConfigNode } from './fields';

/**
 * `taskLogs:`: where a run's task logs are read from. `type: files` reads the kubelet's CRI log files under `path`
 * (`/var/log/pods`, as node-local collection keeps them, or the demo's). Off (no `Run.logs` lines, and a note
 * saying so) when absent.
 */
export function parseTaskLogs(list: ConfigNode[], sourceIds: ReadonlySet<string>): TaskLogSource[] {
  const seen = new Set<string>();
  return list.map((node) => {
    const id = node.string('id');
    if (seen.has(id) || sourceIds.has(id)) throw new ConfigError(node.key('id'), `${JSON.stringify(id)} is already the id of another source or task log source`);
    seen.add(id);
    const type = node.string('type');
    if (type !== 'files') {
      throw new ConfigError(node.key('type'), `expected files (the kubelet's CRI log files), got ${JSON.stringify(type)}: reading task logs from the Kubernetes API, CloudWatch Logs, Cloud Logging or Azure Monitor is not built yet`);
    }
    node.allowOnly(['id', 'type', 'path']);
    return new CriFilesSource({ id, path: node.directory('path') });
  });
}
