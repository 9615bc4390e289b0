import * as fs from 'node:fs';
import * as path from 'node:path';
import { SourceError, type SourceStats } from '../../domain';
import { readText } from '../shared/files';
import { jsonList, type ListRecord } from '../shared/json';
import { walkArchive, type ArchiveLayout } from '../shared/walk';
import { isObject } from './wire';

/**
 * The Flyte export folder:
 *   executions.json                                  uctl/flytectl `get execution -o json`: an array, or one object
 *   any other *.json (also gzipped, also in sub-folders)  REST ExecutionList `{"executions":[...]}` (or the above)
 *   node_executions/<project>/<domain>/<name>.json   REST NodeExecutionList of one run
 *   task_executions/<project>/<domain>/<name>/<node_id>.json  REST TaskExecutionList of one node
 * No file name carries a time, so nothing can be pruned by name; see `ArchiveIndex`.
 */
export const NODE_DIR = 'node_executions';
export const TASK_DIR = 'task_executions';

export interface ExecutionFile {
  /** path relative to the archive root, `/`-separated */
  rel: string;
  abs: string;
  size: number;
  mtimeMs: number;
}

const EXECUTION_FILE = /\.json(\.gz)?$/i;
export const NOT_AN_EXECUTION_FILE = 'not an execution export: *.json, optionally .gz';

/** The export folder's layout: execution files anywhere but in the node and task execution folders (the runs API reads those). */
export const EXECUTION_LAYOUT: ArchiveLayout = {
  folder: (rel) => (rel === NODE_DIR || rel === TASK_DIR ? 'prune' : 'descend'),
  file: (rel) => (EXECUTION_FILE.test(rel) ? 'read' : { ignore: NOT_AN_EXECUTION_FILE }),
};

/**
 * Every file that can hold executions, sorted by path; throws SourceError NOT_FOUND when the root is gone. Files
 * that are not exports by name, folders that cannot be listed and links are accounted for in `stats`.
 */
export async function listExecutionFiles(root: string, sourceId: string, stats: SourceStats): Promise<ExecutionFile[]> {
  let rels: string[];
  try {
    rels = (await walkArchive(root, EXECUTION_LAYOUT, stats)).files;
  } catch (err) {
    if (err instanceof SourceError) throw new SourceError(err.code, err.message, sourceId, { cause: err });
    throw new SourceError('NOT_FOUND', `cannot list the Flyte archive ${root}: ${(err as Error).message}`, sourceId, { cause: err });
  }
  const out: ExecutionFile[] = [];
  for (const rel of rels) {
    const abs = path.join(root, rel);
    try {
      const st = await fs.promises.stat(abs);
      out.push({ rel, abs, size: st.size, mtimeMs: st.mtimeMs });
    } catch {
      // removed between listing and stat: it is simply not there any more
    }
  }
  return out;
}

const NOT_EXECUTIONS = 'neither a uctl execution list, a single execution, nor a REST ExecutionList';

/** What a file holds: its execution records (some may be errors), or why it is not an execution export. */
export type ExecutionFileContent = { records: ListRecord[] } | { notAnExport: string };

/**
 * The execution records a file holds: a JSON array (uctl, several results), an object with `executions`
 * (REST ExecutionList), or a single execution object (uctl, one result). A damaged array or list gives every
 * record that parses (see `jsonList`); anything else is not an export.
 */
export async function executionRecords(text: string, rel: string, stats: SourceStats, maxRawBytes: number): Promise<ExecutionFileContent> {
  const first = text.trimStart().charAt(0);
  if (first === '[' || first === '{') {
    const records: ListRecord[] = [];
    const list = jsonList(text, rel, stats, { key: first === '{' ? 'executions' : undefined, maxRawBytes });
    for (;;) {
      const r = await list.next();
      if (r.done) {
        if (r.value) return { records };
        break;
      }
      records.push(r.value);
    }
    if (first === '{') {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (err) {
        // an object that is neither a whole execution nor a list of them: one broken record
        return { records: [{ where: rel, error: `not JSON: ${(err as Error).message}`, bytes: text.length }] };
      }
      if (isObject(body) && body.executions === undefined && isObject(body.id) && (body.closure !== undefined || body.spec !== undefined)) {
        return { records: [{ where: rel, value: body, bytes: text.length }] };
      }
    }
  }
  return { notAnExport: first === '' ? 'empty' : NOT_EXECUTIONS };
}

/** The records of one execution file. */
export async function readExecutionFile(file: ExecutionFile, stats: SourceStats, maxRawBytes: number): Promise<ExecutionFileContent> {
  stats.requests += 1;
  const content = await executionRecords(await readText(file.abs, file.rel, stats), file.rel, stats, maxRawBytes);
  if ('records' in content) stats.partitionsRead += 1;
  return content;
}

/** The `field` list of a REST list file (NodeExecutionList, TaskExecutionList); null when the file is absent. */
export async function readListFile(abs: string, field: string, stats: SourceStats): Promise<unknown[] | null> {
  let text: string;
  try {
    text = await readText(abs, abs, stats);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  stats.requests += 1;
  const body: unknown = JSON.parse(text);
  if (Array.isArray(body)) return body;
  if (isObject(body) && Array.isArray(body[field])) return body[field] as unknown[];
  throw new Error(`${abs} holds no "${field}" list`);
}

/** What one read of a file taught: the span of its events' times and the runs it holds. */
export interface FileSummary {
  size: number;
  mtimeMs: number;
  /** earliest and latest lifecycle event time (ms); undefined when the file holds no readable execution */
  range?: { min: number; max: number };
  runIds: Set<string>;
}

/**
 * Flyte exports carry no time in their names, so the first query has to open every file. This remembers,
 * per file and as long as its size and mtime stay the same, the span of its event times and its run ids:
 * later queries skip the files whose span misses the window and open the others in time order, so that
 * they can hand out the first events before opening the rest. Only times and ids are kept, never events.
 */
export class ArchiveIndex {
  private readonly files = new Map<string, FileSummary>();

  fresh(file: ExecutionFile): FileSummary | undefined {
    const s = this.files.get(file.rel);
    return s && s.size === file.size && s.mtimeMs === file.mtimeMs ? s : undefined;
  }

  remember(file: ExecutionFile, summary: Omit<FileSummary, 'size' | 'mtimeMs'>): void {
    this.files.set(file.rel, { ...summary, size: file.size, mtimeMs: file.mtimeMs });
  }

  forget(file: ExecutionFile): void {
    this.files.delete(file.rel);
  }
}
